"""One error tree for the whole product.

    CyberRxError
     +-- InvalidInput        bad user input (a profile, policy, claim, incident); CLI exit 2, HTTP 422
     +-- RuleFileError       a malformed rule or reference-data file; refused at load
     +-- NotFound            an object that does not exist (or is not visible to the caller); HTTP 404
     +-- Conflict            a concurrent or repeated change that cannot be applied; HTTP 409

Interfaces map these to exit codes and HTTP statuses in one place each.
"""

from __future__ import annotations

from dataclasses import dataclass


class CyberRxError(Exception):
    """Base of every error cyberrx raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (``field``, ``line`` and ``column`` from 1), what, and what is allowed."""

    message: str
    field: str | None = None
    allowed: str | None = None
    line: int | None = None
    column: int | None = None

    def describe(self, source: str | None = None) -> str:
        """``FILE:LINE:COLUMN: FIELD: message (allowed: ...)``, each part only where known."""
        where = source or ""
        if where and self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        elif self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column is not None else "")
        head = f"{where}: " if where else ""
        field = f"{self.field}: " if self.field else ""
        allowed = f" (allowed: {self.allowed})" if self.allowed else ""
        return f"{head}{field}{self.message}{allowed}"


class InvalidInput(CyberRxError):
    """Bad input. ``field`` names where, ``allowed`` says what is accepted; ``problems`` lists every problem found
    (the first is also ``args[0]``/``field``/``allowed``), each written on its own line by ``str()``:
    ``FILE:LINE:COLUMN: FIELD: message (allowed: ...)``."""

    def __init__(self, message: str, *, field: str | None = None, allowed: str | None = None,
                 source: str | None = None, line: int | None = None, column: int | None = None,
                 problems: list[Problem] | None = None) -> None:
        self.problems = problems or [Problem(message, field, allowed, line, column)]
        first = self.problems[0]
        self.field = first.field
        self.allowed = first.allowed
        self.line = first.line
        self.column = first.column
        self.source = source
        super().__init__(first.message)

    def __str__(self) -> str:
        return "\n".join(p.describe(self.source) for p in self.problems)


class RuleFileError(CyberRxError):
    """A rule or reference-data file that cannot be used; names the file, the item and the problem."""


class NotFound(CyberRxError):
    """The object does not exist, or is not visible to the caller."""


class Conflict(CyberRxError):
    """A change that conflicts with the current state (stale version, duplicate request)."""


__all__ = ["Conflict", "CyberRxError", "InvalidInput", "NotFound", "Problem", "RuleFileError"]
