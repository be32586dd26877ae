"""The audit chain on the use cases: what is recorded (bind, claim decision, money, profile change, incident), who
may read it, and :func:`audit.verify` finding an event changed, removed, rewritten or cut (with an anchor)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.service.world import claim_doc, incident_doc, policy_terms, profile

from cyberrx.app import accounts, audit, claims, incidents, policies, practices
from cyberrx.app.audit import body_of, chain_hash
from cyberrx.app.authz import Forbidden, OrgKind, Principal, Role
from cyberrx.app.common import PageRequest, iso
from cyberrx.claims import EntryKind


def _carrier(uow: Any, ports: Any, name: str) -> tuple[Principal, Principal, Principal]:
    carrier = accounts.create_carrier(uow, name, ports=ports)
    c = carrier["id"]
    return (Principal("u" * 32, Role.UNDERWRITER, c, OrgKind.CARRIER, c),
            Principal("a" * 32, Role.CLAIMS_ADJUSTER, c, OrgKind.CARRIER, c),
            Principal("d" * 32, Role.ADMIN, c, OrgKind.CARRIER, c))


def _bound_and_claimed(uow: Any, ports: Any) -> tuple[Principal, Principal, dict[str, Any]]:
    uw, adj, admin = _carrier(uow, ports, "Audit Mutual")
    practice = practices.create(uow, uw, profile(), ports=ports)
    pol = policies.bind(uow, uw, practice["id"], policy_terms("CRX-AUDIT-1"), ports=ports)
    return adj, admin, claims.open_claim(uow, adj, pol["id"], claim_doc("CRX-AUDIT-1"), ports=ports)


def _events(uow: Any) -> list[Any]:
    return sorted(uow.rows("audit_events"), key=lambda e: e.seq)


def test_decisions_and_money_are_chained_and_tampering_is_found(uow: Any, ports: Any) -> None:
    adj, admin, claim = _bound_and_claimed(uow, ports)
    claims.change(uow, adj, claim["id"], EntryKind.PAYMENT, Decimal("10.00"), "k1", ports=ports)
    claims.change(uow, adj, claim["id"], EntryKind.RESERVE, Decimal("5.00"), "k2", ports=ports)
    report = audit.verify(uow)
    assert report.ok and report.events == 4
    events = _events(uow)
    assert [e.action for e in events] == ["policy.bind", "claim.decision", "claim.pay", "claim.reserve"]
    assert events[1].prev_hash == events[0].hash and events[0].prev_hash == audit.GENESIS
    listed = audit.list_events(uow, admin, PageRequest(sort="seq"), subject_id=claim["id"])
    assert [e["action"] for e in listed.items] == ["claim.decision", "claim.pay", "claim.reserve"]
    with pytest.raises(Forbidden):
        audit.list_events(uow, adj, PageRequest())

    kept = events[2].after
    events[2].after = {**kept, "paid": "1.00"}                       # a payment's amount rewritten
    bad = audit.verify(uow)
    assert (bad.ok, bad.first_bad_seq, bad.events) == (False, 3, 2) and "content" in (bad.reason or "")
    events[2].after = kept
    assert audit.verify(uow).ok
    uow.tables.rows["audit_events"] = [e for e in events if e.seq != 2]   # an event removed
    gone = audit.verify(uow)
    assert (gone.ok, gone.first_bad_seq) == (False, 2) and "missing" in (gone.reason or "")


def test_an_anchor_catches_a_chain_rewritten_or_cut(uow: Any, ports: Any) -> None:
    adj, _, claim = _bound_and_claimed(uow, ports)
    claims.change(uow, adj, claim["id"], EntryKind.PAYMENT, Decimal("10.00"), "p1", ports=ports)
    first = audit.verify(uow)
    assert first.ok and first.anchor == f"3:{first.head}"
    anchor = (3, first.head)
    claims.change(uow, adj, claim["id"], EntryKind.PAYMENT, Decimal("5.00"), "p2", ports=ports)
    assert audit.verify(uow, anchor=anchor).ok                       # growing past the anchor is fine

    events = _events(uow)
    prev = events[1].hash
    for e in events[2:]:                                             # rewrite event 3, re-hash everything after
        if e.seq == 3:
            e.after = {**e.after, "paid": "1.00"}
        e.prev_hash = prev
        e.hash = prev = chain_hash(prev, body_of(e.seq, iso(e.at), e.carrier_id, e.actor_id, e.action,
                                                 e.subject_type, e.subject_id, e.before, e.after))
    assert audit.verify(uow).ok                                      # self-consistent: not seen without anchor
    caught = audit.verify(uow, anchor=anchor)
    assert (caught.ok, caught.first_bad_seq) == (False, 3) and "rewritten" in (caught.reason or "")
    assert caught.as_dict()["anchor"] is None

    uow.tables.rows["audit_events"] = events[:2]                     # the tail cut back to two events
    assert audit.verify(uow).ok
    cut = audit.verify(uow, anchor=anchor)
    assert (cut.ok, cut.first_bad_seq) == (False, 3) and "removed" in (cut.reason or "")


def test_profile_changes_and_incidents_are_in_the_audit_trail(uow: Any, ports: Any) -> None:
    """What the practice told the carrier, and when it knew of a breach, can decide a later dispute."""
    uw, adj, _ = _carrier(uow, ports, "Trail Mutual")
    practice = practices.create(uow, uw, profile("Trail Clinic"), ports=ports)
    changed = practices.update_profile(uow, uw, practice["id"], profile("Trail Clinic East"), ports=ports)
    assert changed["version"] == 2
    inc = incidents.record(uow, adj, practice["id"], incident_doc(), ports=ports)
    report = audit.verify(uow)
    assert report.ok and report.events == 2
    change, recorded = _events(uow)
    assert (change.action, change.subject_id, change.actor_id) == ("practice.profile_change", practice["id"],
                                                                   uw.user_id)
    assert change.before == {"version": 1, "name": "Trail Clinic"}
    assert change.after == {"version": 2, "name": "Trail Clinic East",
                            "profile_version_id": changed["profile_version_id"]}
    assert change.at == ports.clock.now()
    assert (recorded.action, recorded.subject_id) == ("incident.record", inc["id"])
    assert recorded.after["discovered"] == incident_doc()["discovered"]
    assert recorded.after["obligations"] == len(inc["obligations"]["obligations"])
