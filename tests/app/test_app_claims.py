"""Claims money on the use cases: the Idempotency-Key (one implementation: the ledger's), the version check
(If-Match), the allowed amount as a ceiling, a closed claim, a lost race run again, and the audit events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.app.world import Tenant

from cyberrx.app import audit, claims
from cyberrx.app.claims import PreconditionFailed
from cyberrx.app.common import PageRequest
from cyberrx.claims import EntryKind
from cyberrx.errors import Conflict, InvalidInput

# adjudication of examples/claims/lakeside-ransomware.yaml on examples/policies/lakeside-primary.yaml, hand-worked in
# tests/claims/test_adjudicate_examples.py: 35,000 + 150,000 + 55,300 + 21,000
ALLOWED = "261300.00"
D = Decimal


def test_payments_are_idempotent_capped_version_checked_and_stop_at_close(uow: Any, ports: Any,
                                                                          world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    adj, claim_id = t.who["claims_adjuster"], t.direct.claim

    def money(kind: EntryKind, amount: str | None, key: str, if_match: str | None = None) -> Any:
        return claims.change(uow, adj, claim_id, kind, D(amount) if amount else None, key, if_match=if_match,
                             ports=ports)

    c = claims.get(uow, adj, claim_id)
    assert (c["allowed"], c["reserve"], c["paid"], c["version"]) == (ALLOWED, ALLOWED, "0.00", 1)
    assert c["adjudication"]["status"] == "partially_paid"
    claim1, entry1, created = money(EntryKind.PAYMENT, "1000.10", "pay-1")
    assert created and claim1["paid"] == "1000.10" and claims.etag(claim1["version"]) == '"2"'
    claim2, entry2, created = money(EntryKind.PAYMENT, "1000.10", "pay-1")            # a retry: replayed
    assert not created and entry2 == entry1 and claim2["paid"] == "1000.10" and claim2["version"] == 2
    with pytest.raises(Conflict, match="Idempotency-Key"):
        money(EntryKind.PAYMENT, "5.00", "pay-1")                                      # same key, other request
    with pytest.raises(Conflict, match="Idempotency-Key"):
        claims.change(uow, adj, claim_id, EntryKind.PAYMENT, D("1000.10"), "pay-1", note="another note",
                      ports=ports)
    assert money(EntryKind.PAYMENT, "1000.10", "pay-1", if_match='"1"')[2] is False   # a replay beats If-Match
    with pytest.raises(PreconditionFailed):
        money(EntryKind.PAYMENT, "1.00", "pay-2", if_match='"1"')
    fresh = money(EntryKind.PAYMENT, "1.00", "pay-3", if_match='W/"7", "2"')
    assert fresh[2] and fresh[0]["version"] == 3
    assert money(EntryKind.PAYMENT, "2.00", "pay-star", if_match="*")[2]
    with pytest.raises(Conflict, match="above"):
        money(EntryKind.PAYMENT, ALLOWED, "pay-4")
    reserve = money(EntryKind.RESERVE, "100.00", "res-1")[0]
    assert reserve["reserve"] == "100.00"
    with pytest.raises(Conflict, match="reserve"):
        money(EntryKind.RESERVE, ALLOWED, "res-2")
    closed = money(EntryKind.CLOSED, None, "close-1")[0]
    assert closed["status"] == "closed" and closed["reserve"] == "0.00"
    assert money(EntryKind.CLOSED, None, "close-1")[2] is False                        # a repeated close
    with pytest.raises(Conflict, match="closed"):
        money(EntryKind.PAYMENT, "1.00", "pay-5")
    ledger = claims.ledger(uow, t.who["underwriter"], claim_id)
    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("opened", ALLOWED), ("payment", "1000.10"), ("payment", "1.00"), ("payment", "2.00"),
        ("reserve", "100.00"), ("closed", "100.00")]
    assert [e["seq"] for e in ledger] == list(range(6))
    assert D(ledger[-1]["paid_after"]) == D("1003.10")
    stored = uow.rows("claims")
    row = next(c for c in stored if c.id == claim_id)
    assert (row.paid, row.reserve, row.status, row.version) == (D("1003.10"), D("0.00"), "closed", 6)


def test_a_key_is_required_and_amounts_are_cents(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    adj = t.who["claims_adjuster"]
    with pytest.raises(InvalidInput, match="Idempotency-Key"):
        claims.change(uow, adj, t.direct.claim, EntryKind.PAYMENT, D("1.00"), "", ports=ports)
    with pytest.raises(InvalidInput, match="cents"):
        claims.change(uow, adj, t.direct.claim, EntryKind.PAYMENT, D("1.001"), "k", ports=ports)


def test_each_applied_change_is_audited_once_and_a_replay_is_not(uow: Any, ports: Any,
                                                                world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    adj, claim_id = t.who["claims_adjuster"], t.direct.claim
    before = len(uow.rows("audit_events"))
    claims.change(uow, adj, claim_id, EntryKind.PAYMENT, D("10.00"), "k1", ports=ports)
    claims.change(uow, adj, claim_id, EntryKind.RESERVE, D("5.00"), "k2", ports=ports)
    claims.change(uow, adj, claim_id, EntryKind.PAYMENT, D("10.00"), "k1", ports=ports)   # replay: no event
    events = sorted(uow.rows("audit_events"), key=lambda e: e.seq)[before:]
    assert [e.action for e in events] == ["claim.pay", "claim.reserve"]
    assert events[0].before["paid"] == "0.00" and events[0].after["paid"] == "10.00"
    assert events[0].after["idempotency_key"] == "k1" and events[0].actor_id == adj.user_id
    assert audit.verify(uow).ok


def test_a_change_that_loses_a_race_runs_again_on_fresh_state(uow: Any, ports: Any,
                                                              world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    adj, claim_id = t.who["claims_adjuster"], t.direct.claim
    lost = []

    def race(claim: Any) -> bool:      # the first write loses to another change
        lost.append(claim.id)
        return len(lost) == 1

    uow.race = race
    claim, entry, created = claims.change(uow, adj, claim_id, EntryKind.PAYMENT, D("7.00"), "raced", ports=ports)
    assert created and claim["paid"] == "7.00" and len(lost) == 2 and entry["seq"] == 1
    assert [e["kind"] for e in claims.ledger(uow, adj, claim_id)] == ["opened", "payment"]
    uow.race = lambda claim: True      # a claim that never stops changing
    with pytest.raises(Conflict, match="changing too often"):
        claims.change(uow, adj, claim_id, EntryKind.PAYMENT, D("1.00"), "never", ports=ports)
    assert claims.get(uow, adj, claim_id)["paid"] == "7.00"


def test_a_claim_is_adjudicated_after_the_policys_earlier_claims_and_opened_once(uow: Any, ports: Any,
                                                                                 world: tuple[Tenant, Tenant]) -> None:
    from tests.service.world import claim_doc

    t, _ = world
    adj, o = t.who["claims_adjuster"], t.direct
    with pytest.raises(Conflict, match="already open"):
        claims.open_claim(uow, adj, o.policy, claim_doc(o.policy_number), ports=ports)
    with pytest.raises(InvalidInput, match="not"):
        claims.open_claim(uow, adj, o.policy, claim_doc("CRX-OTHER", "CLM-9"), ports=ports)
    second = claims.open_claim(uow, adj, o.policy, claim_doc(o.policy_number, "CLM-002"), ports=ports)
    first = claims.get(uow, adj, o.claim)
    assert D(second["allowed"]) <= D(first["allowed"])          # the aggregate eroded by the first claim
    page = claims.list_claims(uow, adj, PageRequest(), policy_id=o.policy)
    assert page.total == 2
