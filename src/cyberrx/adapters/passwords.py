"""Password hashing with argon2id (``argon2-cffi``): the password hasher port of :mod:`cyberrx.app.ports`.

Production uses argon2-cffi's defaults (its RFC 9106 low-memory profile). :meth:`Argon2Hasher.fast` is the same
algorithm at the smallest cost argon2 allows, for tests only: a hash made by either verifies with either, because
an argon2 hash carries its own parameters.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_DUMMY_PASSWORD = "not a password of anyone"


class Argon2Hasher:
    """``hash(password) -> str``, ``verify(stored, password) -> bool``, and ``dummy_hash`` (verified when an
    e-mail is unknown, so a login takes as long whether or not the account exists)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    @classmethod
    def fast(cls) -> Argon2Hasher:
        """argon2id at minimal cost (1 pass, 8 KiB): for tests, never for stored passwords of real users."""
        return cls(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    @property
    def dummy_hash(self) -> str:
        if self._dummy is None:         # made on first use, not at import
            self._dummy = self.hash(_DUMMY_PASSWORD)
        return self._dummy


__all__ = ["Argon2Hasher"]
