"""Reserves and payments of one claim over its life, as an append-only ledger (in memory; a later issue stores it).

    opened --(reserve changes, partial payments)--> closed --(reopen)--> opened ...

Rules: money is ``Decimal`` usd in whole cents; payments never bring the total paid above what adjudication
allows (``allowed``); the reserve (what is still expected to be paid) never exceeds ``allowed - paid`` and a
payment takes itself off the reserve; nothing is paid or reserved on a closed claim. Every change carries an
idempotency key: the same request (kind, amount, note) repeated with the same key is applied once and answered
with the first entry; the same key with a different request is a :class:`~cyberrx.errors.Conflict`. A stored
ledger is brought back with :meth:`ClaimLedger.restore` from its entries, so its keys keep working.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
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


def request_fingerprint(kind: EntryKind | str, amount: Decimal | None, note: str) -> str:
    """SHA-256 (hex) of a change request: kind, amount in cents (None for a close) and note. A key used again
    with the same fingerprint is a repeat; with another, a different request."""
    doc = json.dumps([str(kind), None if amount is None else f"{Decimal(amount):.2f}", note], separators=(",", ":"))
    return hashlib.sha256(doc.encode()).hexdigest()


@dataclass(frozen=True)
class LedgerEntry:
    """One change. ``amount``: the reserve set, the payment made, or the new allowed total (usd).
    ``request``: the :func:`request_fingerprint` of the request that made it."""

    seq: int
    kind: EntryKind
    amount: Decimal
    key: str
    note: str
    reserve_after: Decimal
    paid_after: Decimal
    request: str = ""


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
        self._by_key: dict[str, LedgerEntry] = {}
        first = self.allowed if reserve is None else _cents(reserve, "reserve")
        self._check_reserve(first)
        self.reserve = first
        self._record(EntryKind.OPENED, self.allowed, key, "opened",
                     request_fingerprint(EntryKind.OPENED, self.allowed, ""))

    @classmethod
    def from_adjudication(cls, adjudication: Adjudication, key: str) -> ClaimLedger:
        """Open a ledger for an adjudicated claim, allowed and reserved at its total payable."""
        return cls(adjudication.claim_id, adjudication.total_payable, key)

    @classmethod
    def restore(cls, claim_id: str, entries: Sequence[LedgerEntry]) -> ClaimLedger:
        """The ledger as its ``entries`` (in ``seq`` order, the first one ``opened``) left it: allowed from the
        last opened/allowed entry, reserve and paid from the last entry, closed if the last close was not
        reopened; every entry's key replays as it did. Nothing is re-checked: the entries were."""
        if not entries or entries[0].kind is not EntryKind.OPENED:
            raise ValueError(f"claim {claim_id}: a ledger is restored from its entries, the first one opened")
        ledger = cls.__new__(cls)
        ledger.claim_id = claim_id
        ledger.entries = list(entries)
        ledger._by_key = {e.key: e for e in entries}
        ledger.allowed = next(e.amount for e in reversed(entries) if e.kind in (EntryKind.OPENED, EntryKind.ALLOWED))
        ledger.reserve, ledger.paid = entries[-1].reserve_after, entries[-1].paid_after
        ledger.closed = next((e.kind is EntryKind.CLOSED for e in reversed(entries)
                              if e.kind in (EntryKind.CLOSED, EntryKind.REOPENED)), False)
        return ledger

    # ---- queries ------------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    @property
    def payable_remaining(self) -> Decimal:
        """usd adjudication still allows to be paid."""
        return self.allowed - self.paid

    def replayed(self, key: str, kind: EntryKind, amount: Decimal | None, note: str = "") -> LedgerEntry | None:
        """The entry ``key`` made if this request (``kind``, ``amount``, ``note``) was already applied with it;
        None if the key is new; Conflict if the key was used for another request."""
        field = {EntryKind.RESERVE: "reserve", EntryKind.REOPENED: "reserve", EntryKind.ALLOWED: "allowed"}
        value = None if amount is None else _cents(amount, field.get(kind, "amount"))
        return self._replay(key, request_fingerprint(kind, value, note))

    # ---- changes ------------------------------------------------------------------------------------------
    def set_reserve(self, amount: Decimal, key: str, note: str = "") -> LedgerEntry:
        """Set the reserve (usd still expected to be paid) to ``amount``."""
        value = _cents(amount, "reserve")
        request = request_fingerprint(EntryKind.RESERVE, value, note)
        if (done := self._replay(key, request)) is not None:
            return done
        self._must_be_open("change the reserve of")
        self._check_reserve(value)
        self.reserve = value
        return self._record(EntryKind.RESERVE, value, key, note, request)

    def pay(self, amount: Decimal, key: str, note: str = "") -> LedgerEntry:
        """Pay ``amount`` (usd > 0); refused with Conflict if it would take payments above ``allowed``."""
        value = _cents(amount, "amount")
        request = request_fingerprint(EntryKind.PAYMENT, value, note)
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
        request = request_fingerprint(EntryKind.ALLOWED, value, note)
        if (done := self._replay(key, request)) is not None:
            return done
        if value < self.paid:
            raise Conflict(f"claim {self.claim_id}: {value:,.2f} allowed is below the {self.paid:,.2f} already paid")
        self.allowed = value
        self.reserve = min(self.reserve, self.payable_remaining)
        return self._record(EntryKind.ALLOWED, value, key, note, request)

    def close(self, key: str, note: str = "") -> LedgerEntry:
        """Close the claim; any reserve left is released."""
        request = request_fingerprint(EntryKind.CLOSED, None, note)
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
        request = request_fingerprint(EntryKind.REOPENED, value, note)
        if (done := self._replay(key, request)) is not None:
            return done
        if not self.closed:
            raise Conflict(f"claim {self.claim_id} is not closed")
        self._check_reserve(value)
        self.closed = False
        self.reserve = value
        return self._record(EntryKind.REOPENED, value, key, note, request)

    # ---- internals ----------------------------------------------------------------------------------------
    def _replay(self, key: str, request: str) -> LedgerEntry | None:
        """The one idempotency check: the entry of a repeated request, None for a new key, else Conflict."""
        if not key:
            raise InvalidInput("an idempotency key is required", field="key")
        seen = self._by_key.get(key)
        if seen is None:
            return None
        if seen.request != request:
            raise Conflict(f"claim {self.claim_id}: Idempotency-Key {key!r} was already used for another "
                           f"request ({seen.kind.value} {seen.amount:,.2f})")
        return seen

    def _must_be_open(self, action: str) -> None:
        if self.closed:
            raise Conflict(f"claim {self.claim_id} is closed: cannot {action} it (reopen it first)")

    def _check_reserve(self, value: Decimal) -> None:
        if value > self.payable_remaining:
            raise Conflict(f"claim {self.claim_id}: a reserve of {value:,.2f} is above the "
                           f"{self.payable_remaining:,.2f} adjudication still allows")

    def _record(self, kind: EntryKind, amount: Decimal, key: str, note: str, request: str) -> LedgerEntry:
        entry = LedgerEntry(len(self.entries), kind, amount, key, note, self.reserve, self.paid, request)
        self.entries.append(entry)
        self._by_key[key] = entry
        return entry


__all__ = ["ClaimLedger", "EntryKind", "LedgerEntry", "request_fingerprint"]
