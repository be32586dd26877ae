"""The claims adjuster's use cases on the fake unit of work: a first notice of loss (no lines yet, its incident
linked or recorded in the same unit of work), loss lines adjudicated after the policy's earlier claims (hand-worked),
idempotent and version-checked; the open claims' deadlines, overdue first; a claim's and a policy's audit trail;
the carrier's people only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.app.world import Tenant
from tests.service.world import incident_doc

from cyberrx.app import audit, claim_file, claims
from cyberrx.app.authz import Forbidden
from cyberrx.app.claims import PreconditionFailed
from cyberrx.claims import EntryKind
from cyberrx.errors import Conflict, InvalidInput, NotFound

D = Decimal
NOTICE = {"cause": "ransomware", "occurred": "2027-03-13", "discovered": "2027-03-14", "reported": "2027-03-15",
          "description": "EHR server encrypted; ransom note."}
LINES = [{"coverage": "forensics", "amount": "45000"}, {"coverage": "extortion", "amount": "300000"},
         {"coverage": "business_interruption", "downtime_hours": "96", "income_loss_per_hour": "1200",
          "extra_expense": "5000"}, {"coverage": "notification", "amount": "21000"}]


@pytest.fixture()
def spring(ports: Any) -> Any:
    """The fake clock in the policy period (2027-01-01 to 2028-01-01)."""
    ports.clock.current = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    return ports


def _new_incident() -> dict[str, Any]:
    doc = incident_doc()
    doc["discovered"] = "2027-03-14"
    return doc


def test_a_first_notice_opens_a_claim_without_lines_linked_to_a_new_incident(uow: Any, spring: Any,
                                                                             world: tuple[Tenant, Tenant]) -> None:
    t, other = world
    adj = t.who["claims_adjuster"]
    c = claims.open_notice(uow, adj, t.direct.policy, NOTICE, new_incident=_new_incident(), ports=spring)
    assert (c["allowed"], c["reserve"], c["paid"], c["status"], c["adjudication"]) == ("0.00", "0.00", "0.00",
                                                                                       "open", None)
    assert c["claim"]["losses"] == [] and c["description"] == NOTICE["description"]
    assert c["claim_number"].startswith("CLM-2027-")
    assert claims.ledger(uow, adj, c["id"])[0]["kind"] == "opened"
    inc = next(i for i in uow.rows("incidents") if i.id == c["incident_id"])
    assert inc.practice_id == next(p for p in uow.rows("policies") if p.id == t.direct.policy).practice_id
    actions = [e.action for e in uow.rows("audit_events")][-2:]
    assert actions == ["incident.record", "claim.notice"]
    # the claim's file: no steps yet, the incident's notices from discovery (2027-03-14 + 60 days)
    f = claim_file.claim_file(uow, adj, c["id"], today=date(2027, 3, 20))
    assert f.steps is None and f.report is not None
    assert f.notices[0].obligation.deadline == date(2027, 5, 13) and f.notices[0].days_left == 54
    # an existing incident of this practice may be linked; another practice's may not
    linked = claims.open_notice(uow, adj, t.direct.policy, NOTICE, incident_id=c["incident_id"], ports=spring)
    assert linked["incident_id"] == c["incident_id"]
    with pytest.raises(InvalidInput) as bad:
        claims.open_notice(uow, adj, t.direct.policy, NOTICE, incident_id=t.brokered.incident, ports=spring)
    assert bad.value.field == "incident_id"
    with pytest.raises(InvalidInput) as future:
        claims.open_notice(uow, adj, t.direct.policy, {**NOTICE, "discovered": "2027-03-21", "reported": ""},
                           incident_id=c["incident_id"], ports=spring)
    assert future.value.field == "notice.discovered" and "2027-03-20" in str(future.value.allowed)
    with pytest.raises(InvalidInput) as order:
        claims.open_notice(uow, adj, t.direct.policy, {**NOTICE, "discovered": "2027-03-12"},
                           incident_id=c["incident_id"], ports=spring)
    assert order.value.field == "notice.discovered"
    with pytest.raises(InvalidInput, match="describe"):
        claims.open_notice(uow, adj, t.direct.policy, {**NOTICE, "description": " "},
                           incident_id=c["incident_id"], ports=spring)
    for who in ("broker", "practice_manager", "underwriter", "carrier_admin"):
        with pytest.raises((Forbidden, NotFound)):
            claims.open_notice(uow, t.who[who], t.direct.policy, NOTICE, new_incident=_new_incident(), ports=spring)
    with pytest.raises(NotFound):
        claims.open_notice(uow, other.who["claims_adjuster"], t.direct.policy, NOTICE,
                           new_incident=_new_incident(), ports=spring)


def test_loss_lines_are_adjudicated_after_the_earlier_claim_idempotent_and_version_checked(
        uow: Any, spring: Any, world: tuple[Tenant, Tenant]) -> None:
    """The policy already paid CLM-001 (261,300: extortion 150,000 of its 250,000 sublimit). The second claim,
    the same losses with no control breached: forensics 45,000 - 10,000 retention = 35,000; extortion 300,000 on
    the 100,000 left of its sublimit = 100,000 (200,000 above it); BI (96 - 8) x 1,200 + 5,000 = 110,600;
    notification 21,000. Allowed 266,600 (the aggregate has 738,700 left)."""
    t, _ = world
    adj = t.who["claims_adjuster"]
    c = claims.open_notice(uow, adj, t.direct.policy, NOTICE, new_incident=_new_incident(), ports=spring)
    out, created = claims.revise_losses(uow, adj, c["id"], LINES, "lines-1", claims.etag(1), ports=spring)
    assert created and out["allowed"] == "266600.00" and out["version"] == 2
    assert out["adjudication"]["total_payable"] == 266600.0
    f = claim_file.claim_file(uow, adj, c["id"], today=date(2027, 3, 20))
    assert f.steps is not None and f.steps.balances and not f.stale
    ext = f.steps.rows[1]
    assert (ext.sublimit, ext.payable) == (D("200000.00"), D("100000.00"))
    assert ext.steps[0].clause == "Coverage extortion: limit $250,000.00 per period"
    again, created = claims.revise_losses(uow, adj, c["id"], LINES, "lines-1", claims.etag(1), ports=spring)
    assert not created and again["version"] == 2                       # a resent form: applied once
    with pytest.raises(PreconditionFailed):
        claims.revise_losses(uow, adj, c["id"], LINES[:1], "lines-2", claims.etag(1), ports=spring)
    with pytest.raises(InvalidInput) as bad:
        claims.revise_losses(uow, adj, c["id"], [LINES[0], {"coverage": "forensics"}], "lines-3", ports=spring)
    assert bad.value.field == "losses[1]"
    claims.change(uow, adj, c["id"], EntryKind.PAYMENT, D("100000.00"), "pay-1", ports=spring)
    with pytest.raises(Conflict, match="below"):                        # never below what was paid
        claims.revise_losses(uow, adj, c["id"], LINES[3:], "lines-4", ports=spring)
    ledger = claims.ledger(uow, adj, c["id"])
    assert [(e["kind"], e["amount"]) for e in ledger] == [("opened", "0.00"), ("allowed", "266600.00"),
                                                          ("payment", "100000.00")]
    with pytest.raises(NotFound):                                       # a direct practice: not the broker's
        claims.revise_losses(uow, t.who["broker"], c["id"], LINES, "lines-5", ports=spring)
    with pytest.raises(Forbidden):                                      # the carrier's underwriter sees it
        claim_file.claim_file(uow, t.who["underwriter"], c["id"], today=date(2027, 3, 20))
    claim_file.claim_file(uow, t.who["carrier_admin"], c["id"], today=date(2027, 3, 20))   # the admin reads it


def test_the_deadlines_of_open_claims_are_overdue_first(uow: Any, spring: Any,
                                                        world: tuple[Tenant, Tenant]) -> None:
    t, other = world
    adj = t.who["claims_adjuster"]
    late = claims.open_notice(uow, adj, t.direct.policy, NOTICE, new_incident=_new_incident(), ports=spring)
    soon_doc = {**_new_incident(), "discovered": "2027-03-19"}
    soon = claims.open_notice(uow, adj, t.direct.policy, {**NOTICE, "discovered": "2027-03-19",
                                                         "reported": "2027-03-19"},
                              new_incident=soon_doc, ports=spring)
    d = claim_file.deadlines(uow, adj, today=date(2027, 5, 15))
    assert d.notices[0].claim_id == late["id"] and d.notices[0].days_left == -2 and d.notices[0].overdue
    days = [n.days_left for n in d.notices if n.days_left is not None]
    assert days == sorted(days)
    assert {n.claim_id for n in d.notices if not n.overdue} == {soon["id"]}
    assert t.direct.claim in {c["id"] for c in d.unlinked}             # opened without an incident
    assert set(d.reports) == {late["incident_id"], soon["incident_id"]}
    assert claim_file.deadlines(uow, other.who["claims_adjuster"], today=date(2027, 5, 15)).reports.keys() \
        .isdisjoint(d.reports)
    with pytest.raises(Forbidden):
        claim_file.deadlines(uow, t.who["broker"])


def test_a_claims_and_a_policys_audit_trail(uow: Any, spring: Any, world: tuple[Tenant, Tenant]) -> None:
    t, other = world
    adj = t.who["claims_adjuster"]
    c = claims.open_notice(uow, adj, t.direct.policy, NOTICE, new_incident=_new_incident(), ports=spring)
    claims.revise_losses(uow, adj, c["id"], LINES, "l", ports=spring)
    claims.change(uow, adj, c["id"], EntryKind.RESERVE, D("50000.00"), "r", ports=spring)
    claims.change(uow, adj, c["id"], EntryKind.PAYMENT, D("1234.56"), "p", ports=spring)
    trail = audit.trail(uow, adj, "claim", c["id"])
    assert [e.action for e in trail.events] == ["incident.record", "claim.notice", "claim.adjudicate",
                                                "claim.reserve", "claim.pay"]
    assert [e.seq for e in trail.events] == sorted(e.seq for e in trail.events)
    assert trail.events[2].summary == ("Loss lines entered: 4 line(s), $486,200.00 claimed, $266,600.00 allowed "
                                       "(was $0.00)")
    assert trail.events[4].summary == "Payment of $1,234.56: paid to date $1,234.56"
    assert trail.events[0].subject_label == "its incident"
    policy = audit.trail(uow, t.who["carrier_admin"], "policy", t.direct.policy)
    actions = [e.action for e in policy.events]
    assert actions[0] == "policy.bind" and "claim.decision" in actions and "claim.pay" in actions
    assert {e.subject_label for e in policy.events if e.action == "claim.pay"} == {f"claim {c['claim_number']}"}
    assert audit.verify(uow).ok
    with pytest.raises(Forbidden):
        audit.trail(uow, t.who["broker"], "claim", t.brokered.claim)
    with pytest.raises(Forbidden):
        audit.trail(uow, t.who["practice_admin"], "policy", t.brokered.policy)
    with pytest.raises(NotFound):
        audit.trail(uow, other.who["claims_adjuster"], "claim", c["id"])
