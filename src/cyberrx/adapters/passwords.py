"""Password hashing with argon2id (``argon2-cffi``): the password hasher port of :mod:`cyberrx.app.ports`.

Production uses argon2-cffi's defaults (its RFC 9106 low-memory profile). :meth:`Argon2Hasher.fast` is the same
algorithm at the smallest cost argon2 allows, for tests only: a hash made by either verifies with either, because
an argon2 hash carries its own parameters.

At most ``max_concurrent`` hashes run at once (default: the machine's cores): argon2 takes 64 MiB and a core for
about 50 ms per hash, so a burst of logins queues here instead of taking the server's memory. A caller waiting
longer than ``wait_seconds`` gets :class:`HashingBusy` (HTTP 503 with Retry-After).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cyberrx.errors import CyberRxError

_DUMMY_PASSWORD = "not a password of anyone"
T = TypeVar("T")


class HashingBusy(CyberRxError):
    """Too many password checks are waiting: try again in a few seconds (HTTP 503 with Retry-After)."""

    retry_after_seconds = 5


class Argon2Hasher:
    """``hash(password) -> str``, ``verify(stored, password) -> bool``, and ``dummy_hash`` (verified when an
    e-mail is unknown, so a login takes as long whether or not the account exists)."""

    def __init__(self, hasher: PasswordHasher | None = None, *, max_concurrent: int | None = None,
                 wait_seconds: float = 10.0) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        self.max_concurrent = max_concurrent or os.cpu_count() or 2
        self._slots = threading.BoundedSemaphore(self.max_concurrent)
        self._wait = wait_seconds
        self._lock = threading.Lock()
        self.running = 0
        self.most_running = 0     # the most hashes that ran at once (tests read it)

    @classmethod
    def fast(cls, *, max_concurrent: int | None = None) -> Argon2Hasher:
        """argon2id at minimal cost (1 pass, 8 KiB): for tests, never for stored passwords of real users."""
        return cls(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1), max_concurrent=max_concurrent)

    def _bounded(self, work: Callable[[], T]) -> T:
        if not self._slots.acquire(timeout=self._wait):
            raise HashingBusy("too many sign-ins are being checked at once: try again in a few seconds")
        try:
            with self._lock:
                self.running += 1
                self.most_running = max(self.most_running, self.running)
            return work()
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()

    def hash(self, password: str) -> str:
        return self._bounded(lambda: self._hasher.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        def check() -> bool:
            try:
                return bool(self._hasher.verify(stored, password))
            except (VerificationError, InvalidHashError):
                return False

        return self._bounded(check)

    @property
    def dummy_hash(self) -> str:
        if self._dummy is None:         # made on first use, not at import
            self._dummy = self.hash(_DUMMY_PASSWORD)
        return self._dummy


__all__ = ["Argon2Hasher", "HashingBusy"]
