"""The reserves and payments ledger of a claim: never pays above what adjudication allows, pays once per key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberrx.claims import ClaimLedger, EntryKind, adjudicate_files
from cyberrx.errors import Conflict, InvalidInput

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger() -> ClaimLedger:
    """CLM-001 adjudicated: 261,300.00 allowed, reserved in full."""
    result = adjudicate_files(ROOT / "examples/policies/lakeside-primary.yaml",
                              ROOT / "examples/claims/lakeside-ransomware.yaml")
    return ClaimLedger.from_adjudication(result, key="open-1")


def test_life_of_a_claim(ledger):
    assert (ledger.allowed, ledger.reserve, ledger.paid, ledger.status) == (D("261300.00"), D("261300.00"), 0, "open")
    ledger.set_reserve(D("200000"), key="r-1", note="forensics and extortion first")
    ledger.pay(D("35000"), key="p-1", note="forensics")
    ledger.pay(D("150000"), key="p-2", note="extortion")
    # reserve 200,000 - 35,000 - 150,000 = 15,000; paid 185,000; 76,300 still allowed
    assert (ledger.reserve, ledger.paid, ledger.payable_remaining) == (D("15000.00"), D("185000.00"), D("76300.00"))
    ledger.set_reserve(D("76300"), key="r-2")
    ledger.pay(D("76300"), key="p-3")
    closing = ledger.close(key="c-1")
    assert closing.amount == 0 and ledger.status == "closed"
    assert [e.kind for e in ledger.entries] == [EntryKind.OPENED, EntryKind.RESERVE, EntryKind.PAYMENT,
                                               EntryKind.PAYMENT, EntryKind.RESERVE, EntryKind.PAYMENT,
                                               EntryKind.CLOSED]
    assert ledger.paid == ledger.allowed == D("261300.00")


def test_a_payment_never_exceeds_what_adjudication_allows(ledger):
    ledger.pay(D("261000"), key="p-1")
    with pytest.raises(Conflict, match="above the 261,300.00 adjudication allows"):
        ledger.pay(D("300.01"), key="p-2")
    assert ledger.paid == D("261000.00") and len(ledger.entries) == 2  # nothing half-applied
    ledger.pay(D("300.00"), key="p-2")
    assert ledger.paid == ledger.allowed


def test_the_same_idempotency_key_pays_once(ledger):
    first = ledger.pay(D("35000"), key="wire-7781")
    again = ledger.pay(D("35000"), key="wire-7781")
    assert again is first and ledger.paid == D("35000.00") and len(ledger.entries) == 2
    with pytest.raises(Conflict, match="already used"):
        ledger.pay(D("36000"), key="wire-7781")
    with pytest.raises(Conflict, match="already used"):
        ledger.set_reserve(D("1000"), key="wire-7781")


def test_closed_claims_take_no_payment_until_reopened(ledger):
    ledger.pay(D("1000"), key="p-1")
    released = ledger.close(key="c-1")
    assert released.amount == D("260300.00") and ledger.reserve == 0
    with pytest.raises(Conflict, match="closed"):
        ledger.pay(D("1"), key="p-2")
    with pytest.raises(Conflict, match="closed"):
        ledger.set_reserve(D("1"), key="r-1")
    assert ledger.close(key="c-1") is released  # a repeated close is the same close
    ledger.reopen(key="o-1", reserve=D("5000"))
    ledger.pay(D("5000"), key="p-2")
    assert ledger.paid == D("6000.00") and ledger.reserve == 0


def test_reserve_and_allowed_are_kept_consistent(ledger):
    with pytest.raises(Conflict, match="reserve"):
        ledger.set_reserve(D("261300.01"), key="r-1")
    ledger.pay(D("100000"), key="p-1")
    with pytest.raises(Conflict, match="below the 100,000.00 already paid"):
        ledger.revise_allowed(D("99999.99"), key="a-1")
    ledger.revise_allowed(D("120000"), key="a-2", note="re-adjudicated")
    assert ledger.reserve == D("20000.00") and ledger.payable_remaining == D("20000.00")


@pytest.mark.parametrize("amount", [D("-1"), D("10.005"), D("NaN")])
def test_bad_amounts_are_refused(ledger, amount):
    with pytest.raises(InvalidInput):
        ledger.pay(amount, key="p-x")
    assert ledger.paid == 0


def test_a_key_is_required(ledger):
    with pytest.raises(InvalidInput, match="idempotency key"):
        ledger.pay(D("1"), key="")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20_000_000), st.integers(0, 6)), max_size=30))
def test_payments_never_exceed_allowed_whatever_the_requests(requests):
    """Random payment requests, some retried with the same key: paid never exceeds allowed and equals the sum
    of the distinct accepted payments."""
    ledger = ClaimLedger("C", D("100000.00"), key="open")
    accepted: dict[str, Decimal] = {}
    for i, (cents, retry_of) in enumerate(requests):
        key = f"k{retry_of}" if retry_of < i and f"k{retry_of}" in accepted else f"k{i}"
        amount = accepted.get(key, D(cents) / 100)
        try:
            ledger.pay(amount, key=key)
            accepted[key] = amount
        except Conflict:
            pass
        assert ledger.paid <= ledger.allowed
        assert ledger.paid == sum(accepted.values(), D(0))
