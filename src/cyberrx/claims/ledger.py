"""Reserves and payments of one claim over its life, as an append-only ledger (in memory; a later issue stores it).

    opened --(reserve changes, partial payments)--> closed --(reopen)--> opened ...

Rules: money is ``Decimal`` usd in whole cents; payments never bring the total paid above what adjudication
allows (``allowed``); the reserve (what is still expected to be paid) never exceeds ``allowed - paid`` and a
payment takes itself off the reserve; nothing is paid or reserved on a closed claim. Every change carries an
idempotency key: the same request repeated with the same key is applied once and answered with the first
entry; the same key with a different request is a :class:`~cyberrx.errors.Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cyberrx.claims.adjudicate import Adjudication
from cyberrx.errors import Conflict, InvalidInput

ZERO = Decimal(0)
CENT = Decimal("0.01")


class EntryKind(StrEnum):
    OPENED = "opened"
    RESERVE = "reserve"
    PAYMENT = "payment"
    ALLOWED = "allowed"
    CLOSED = "closed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class LedgerEntry:
    """One change. ``amount``: the reserve set, the payment made, or the new allowed total (usd)."""

    seq: int
    kind: EntryKind
    amount: Decimal
    key: str
    note: str
    reserve_after: Decimal
    paid_after: Decimal


def _cents(amount: Decimal | int | str, what: str) -> Decimal:
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise InvalidInput(f"{value} is not an amount in dollars and cents", field=what,
                           allowed="a number >= 0 with at most 2 decimals")
    return value.quantize(CENT)


class ClaimLedger:
    """The money of one claim: ``allowed`` (from adjudication), ``reserve``, ``paid``, and every entry."""

    def __init__(self, claim_id: str, allowed: Decimal, key: str, reserve: Decimal | None = None) -> None:
        """Open the ledger with what adjudication allows and an initial reserve (default: all of it)."""
        self.claim_id = claim_id
        self.allowed = _cents(allowed, "allowed")
        self.reserve = ZERO
        self.paid = ZERO
        self.closed = False
        self.entries: list[LedgerEntry] = []
        self._by_key: dict[str, tuple[tuple[object, ...], LedgerEntry]] = {}
        first = self.allowed if reserve is None else _cents(reserve, "reserve")
        self._check_reserve(first)
        self.reserve = first
        self._record(EntryKind.OPENED, self.allowed, key, "opened", (EntryKind.OPENED, self.allowed, first))

    @classmethod
    def from_adjudication(cls, adjudication: Adjudication, key: str) -> ClaimLedger:
        """Open a ledger for an adjudicated claim, allowed and reserved at its total payable."""
        return cls(adjudication.claim_id, adjudication.total_payable, key)

    # ---- queries ------------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    @property
    def payable_remaining(self) -> Decimal:
        """usd adjudication still allows to be paid."""
        return self.allowed - self.paid

    # ---- changes ------------------------------------------------------------------------------------------
    def set_reserve(self, amount: Decimal, key: str, note: str = "") -> LedgerEntry:
        """Set the reserve (usd still expected to be paid) to ``amount``."""
        value = _cents(amount, "reserve")
        request = (EntryKind.RESERVE, value)
        if (done := self._replay(key, request)) is not None:
            return done
        self._must_be_open("change the reserve of")
        self._check_reserve(value)
        self.reserve = value
        return self._record(EntryKind.RESERVE, value, key, note, request)

    def pay(self, amount: Decimal, key: str, note: str = "") -> LedgerEntry:
        """Pay ``amount`` (usd > 0); refused with Conflict if it would take payments above ``allowed``."""
        value = _cents(amount, "amount")
        request = (EntryKind.PAYMENT, value)
        if (done := self._replay(key, request)) is not None:
            return done
        if value == 0:
            raise InvalidInput("a payment must be above zero", field="amount", allowed="a number > 0")
        self._must_be_open("pay on")
        if self.paid + value > self.allowed:
            raise Conflict(f"claim {self.claim_id}: paying {value:,.2f} would bring payments to "
                           f"{self.paid + value:,.2f}, above the {self.allowed:,.2f} adjudication allows "
                           f"({self.payable_remaining:,.2f} remains)")
        self.paid += value
        self.reserve = max(ZERO, self.reserve - value)
        return self._record(EntryKind.PAYMENT, value, key, note, request)

    def revise_allowed(self, amount: Decimal, key: str, note: str = "") -> LedgerEntry:
        """A new adjudication (more losses presented, a correction): never below what was already paid."""
        value = _cents(amount, "allowed")
        request = (EntryKind.ALLOWED, value)
        if (done := self._replay(key, request)) is not None:
            return done
        if value < self.paid:
            raise Conflict(f"claim {self.claim_id}: {value:,.2f} allowed is below the {self.paid:,.2f} already paid")
        self.allowed = value
        self.reserve = min(self.reserve, self.payable_remaining)
        return self._record(EntryKind.ALLOWED, value, key, note, request)

    def close(self, key: str, note: str = "") -> LedgerEntry:
        """Close the claim; any reserve left is released."""
        request: tuple[object, ...] = (EntryKind.CLOSED,)
        if (done := self._replay(key, request)) is not None:
            return done
        self._must_be_open("close")
        released = self.reserve
        self.reserve = ZERO
        self.closed = True
        return self._record(EntryKind.CLOSED, released, key, note, request)

    def reopen(self, key: str, reserve: Decimal, note: str = "") -> LedgerEntry:
        """Reopen a closed claim with a new reserve."""
        value = _cents(reserve, "reserve")
        request = (EntryKind.REOPENED, value)
        if (done := self._replay(key, request)) is not None:
            return done
        if not self.closed:
            raise Conflict(f"claim {self.claim_id} is not closed")
        self._check_reserve(value)
        self.closed = False
        self.reserve = value
        return self._record(EntryKind.REOPENED, value, key, note, request)

    # ---- internals ----------------------------------------------------------------------------------------
    def _replay(self, key: str, request: tuple[object, ...]) -> LedgerEntry | None:
        if not key:
            raise InvalidInput("an idempotency key is required", field="key")
        seen = self._by_key.get(key)
        if seen is None:
            return None
        if seen[0] != request:
            raise Conflict(f"claim {self.claim_id}: idempotency key {key!r} was already used for another request "
                           f"({seen[1].kind.value} {seen[1].amount:,.2f})")
        return seen[1]

    def _must_be_open(self, action: str) -> None:
        if self.closed:
            raise Conflict(f"claim {self.claim_id} is closed: cannot {action} it (reopen it first)")

    def _check_reserve(self, value: Decimal) -> None:
        if value > self.payable_remaining:
            raise Conflict(f"claim {self.claim_id}: a reserve of {value:,.2f} is above the "
                           f"{self.payable_remaining:,.2f} adjudication still allows")

    def _record(self, kind: EntryKind, amount: Decimal, key: str, note: str,
                request: tuple[object, ...]) -> LedgerEntry:
        entry = LedgerEntry(len(self.entries), kind, amount, key, note, self.reserve, self.paid)
        self.entries.append(entry)
        self._by_key[key] = (request, entry)
        return entry


__all__ = ["ClaimLedger", "EntryKind", "LedgerEntry"]
