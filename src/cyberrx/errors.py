"""One error tree for the whole product.

    CyberRxError
     +-- InvalidInput        bad user input (a profile, policy, claim, incident); CLI exit 2, HTTP 422
     +-- RuleFileError       a malformed rule or reference-data file; refused at load
     +-- NotFound            an object that does not exist (or is not visible to the caller); HTTP 404
     +-- Conflict            a concurrent or repeated change that cannot be applied; HTTP 409

Interfaces map these to exit codes and HTTP statuses in one place each.
"""

from __future__ import annotations


class CyberRxError(Exception):
    """Base of every error cyberrx raises on purpose."""


class InvalidInput(CyberRxError):
    """Bad input. ``field`` names where, ``allowed`` says what is accepted."""

    def __init__(self, message: str, *, field: str | None = None, allowed: str | None = None,
                 source: str | None = None) -> None:
        self.field = field
        self.allowed = allowed
        self.source = source
        super().__init__(message)

    def __str__(self) -> str:
        msg = super().__str__()
        where = f"{self.source}: " if self.source else ""
        field = f"{self.field}: " if self.field else ""
        allowed = f" (allowed: {self.allowed})" if self.allowed else ""
        return f"{where}{field}{msg}{allowed}"


class RuleFileError(CyberRxError):
    """A rule or reference-data file that cannot be used; names the file, the item and the problem."""


class NotFound(CyberRxError):
    """The object does not exist, or is not visible to the caller."""


class Conflict(CyberRxError):
    """A change that conflicts with the current state (stale version, duplicate request)."""


__all__ = ["Conflict", "CyberRxError", "InvalidInput", "NotFound", "RuleFileError"]
