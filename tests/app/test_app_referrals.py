"""The underwriter's referrals and subjectivities on the fake unit of work: a referred option waits in the queue,
binds only once approved, its subjectivities are due on hand-worked dates and show past due the day after; every
decision is in the audit chain. The clock of the fake ports stands at 2026-11-23 09:00 UTC."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from tests.app.world import Tenant
from tests.service.world import example, jsonable

from cyberrx.app import audit, quotes, referrals, subjectivities
from cyberrx.app.authz import Forbidden
from cyberrx.app.common import PageRequest
from cyberrx.app.practices import create as create_practice
from cyberrx.errors import Conflict, InvalidInput, NotFound


def _referred_quote(uow: Any, ports: Any, t: Tenant, effective: date, name: str = "Bayou Family Clinic") -> dict:
    """A quote of one option ($1M / $10K) for the shipped practice without MFA anywhere: the rule NO-MFA-ANYWHERE
    refers it, and EMAIL-NO-MFA and REMOTE-NO-MFA (VPN) each set a subjectivity of 30 days."""
    profile = jsonable(example("underwriting/clinic-no-mfa.yaml"))
    profile["name"] = name
    practice = create_practice(uow, t.who["broker"], profile, ports=ports)
    return quotes.create(uow, t.who["broker"], practice["id"], 1000, 5, effective=effective, limits=[1_000_000],
                         retentions=[10_000], ports=ports)


def _referral(uow: Any, t: Tenant, quote_id: str) -> dict:
    [r] = referrals.for_quote(uow, t.who["underwriter"], quote_id)
    return r


def test_a_referred_option_opens_a_referral_that_waits_in_the_queue_oldest_first(uow: Any, ports: Any,
                                                                              world: tuple[Tenant, Tenant]) -> None:
    t, other = world
    first = _referred_quote(uow, ports, t, date(2026, 12, 1), "First Clinic")
    assert first["decisions"] == ["refer"]
    ports.clock.advance(timedelta(days=2))
    second = _referred_quote(uow, ports, t, date(2026, 12, 1), "Second Clinic")
    ports.clock.advance(timedelta(days=1))                    # 2026-11-26: 3 and 1 days after the quotes
    page = referrals.queue(uow, t.who["underwriter"], PageRequest(), ports=ports)
    mine = [i for i in page.items if i["quote_id"] in (first["id"], second["id"])]
    assert [(i["practice"], i["days_waiting"], i["status"]) for i in mine] == [
        ("First Clinic", 3, "open"), ("Second Clinic", 1, "open")]
    figures = mine[0]["option_figures"]
    assert figures["limit"] == 1_000_000 and "NO-MFA-ANYWHERE" in figures["rules"]
    detail = referrals.get(uow, t.who["underwriter"], mine[0]["id"])
    assert detail["option_data"]["manual"]["increased_limit_factor"] > 0 and detail["profile"]["controls"]
    assert any(r["rule"] == "NO-MFA-ANYWHERE" and r["facts"] for r in detail["reasons"])
    # another carrier's underwriter does not see it; a carrier admin reads the queue but may not decide
    with pytest.raises(NotFound):
        referrals.get(uow, other.who["underwriter"], mine[0]["id"])
    assert referrals.queue(uow, t.who["carrier_admin"], PageRequest(), ports=ports).total == page.total
    with pytest.raises(Forbidden):
        referrals.approve(uow, t.who["carrier_admin"], mine[0]["id"], [], ports=ports)


@pytest.mark.parametrize("who", ["broker", "brokerage_admin", "practice_manager", "practice_admin",
                                 "claims_adjuster"])
def test_only_the_carriers_underwriters_work_the_queue(uow: Any, ports: Any, world: tuple[Tenant, Tenant],
                                                       who: str) -> None:
    t, _ = world
    q = _referred_quote(uow, ports, t, date(2026, 12, 1))
    r = _referral(uow, t, q["id"])
    with pytest.raises(Forbidden):
        referrals.queue(uow, t.who[who], PageRequest(), ports=ports)
    with pytest.raises(Forbidden):
        subjectivities.open_items(uow, t.who[who], ports=ports)
    with pytest.raises((Forbidden, NotFound)):        # the practice's people do not see a brokered practice's quote
        referrals.get(uow, t.who[who], r["id"])
    for decide in (lambda: referrals.approve(uow, t.who[who], r["id"], [], ports=ports),
                   lambda: referrals.decline(uow, t.who[who], r["id"], "no", ports=ports),
                   lambda: referrals.ask(uow, t.who[who], r["id"], "why?", ports=ports)):
        with pytest.raises((Forbidden, NotFound)):
            decide()
    assert _referral(uow, t, q["id"])["status"] == "open"


def test_approved_with_a_condition_and_bound_the_subjectivities_fall_due_on_hand_worked_dates(
        uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw = t.who["underwriter"]
    q = _referred_quote(uow, ports, t, date(2026, 12, 1))
    r = _referral(uow, t, q["id"])
    with pytest.raises(Conflict, match="approve the referral"):
        quotes.bind(uow, uw, q["id"], 0, ports=ports)
    approved = referrals.approve(uow, uw, r["id"], [("Signed plan for MFA everywhere", "45"), ("", "")],
                                 ports=ports)
    assert approved["status"] == "approved" and approved["conditions"] == [
        {"text": "Signed plan for MFA everywhere", "days": 45}]
    policy = quotes.bind(uow, uw, q["id"], 0, ports=ports)
    option = q["result"]["options"][0]
    assert policy["premium"] == f"{option['premium']:.2f}" and policy["quote_option"] == 0
    assert policy["policy_number"].startswith("CRX-P-2026-") and policy["terms"]["policy_number"] == \
        policy["policy_number"] != option["policy_terms"]["policy_number"]
    assert _referral(uow, t, q["id"])["status"] == "bound"
    with pytest.raises(Conflict, match="already bound"):
        quotes.bind(uow, uw, q["id"], 0, ports=ports)
    # bound on 2026-11-23, before inception on 2026-12-01: each is due its days after inception
    subs = subjectivities.for_policy(uow, t.who["broker"], policy["id"], ports=ports)
    assert [(s["source"], s["due"], s["days_left"]) for s in subs] == [
        ("rule:REMOTE-NO-MFA", "2026-12-31", 38), ("rule:EMAIL-NO-MFA", "2026-12-31", 38),
        ("underwriter", "2027-01-15", 53)]
    assert not any(s["past_due"] for s in subs)
    # due on 2026-12-31: on that day still open, not past due (0 days left); the day after, past due by one day
    ports.clock.advance(timedelta(days=38))
    assert {(s["due"], s["past_due"], s["days_left"]) for s in
            subjectivities.for_policy(uow, uw, policy["id"], ports=ports)} == {
        ("2026-12-31", False, 0), ("2027-01-15", False, 15)}
    ports.clock.advance(timedelta(days=1))
    listed = subjectivities.open_items(uow, uw, ports=ports)
    mine = [i for i in listed["items"] if i["policy_id"] == policy["id"]]
    assert [(i["due"], i["past_due"], i["days_left"]) for i in mine] == [
        ("2026-12-31", True, -1), ("2026-12-31", True, -1), ("2027-01-15", False, 14)]
    assert listed["past_due"] == 2 and mine[0]["policy_number"] == policy["policy_number"]
    # the underwriter marks one met: no longer listed, kept on the policy with the note; not twice
    with pytest.raises(Forbidden):
        subjectivities.mark_met(uow, t.who["broker"], mine[0]["id"], ports=ports)
    met = subjectivities.mark_met(uow, uw, mine[0]["id"], "MFA enrolment report seen", ports=ports)
    assert met["status"] == "met" and not met["past_due"] and met["note"] == "MFA enrolment report seen"
    with pytest.raises(Conflict, match="already"):
        subjectivities.mark_met(uow, uw, mine[0]["id"], ports=ports)
    after = subjectivities.open_items(uow, uw, ports=ports)
    assert after["past_due"] == 1 and mine[0]["id"] not in {i["id"] for i in after["items"]}
    actions = [e.action for e in uow.rows("audit_events") if e.subject_id in (r["id"], policy["id"], mine[0]["id"])]
    assert actions == ["referral.approve", "policy.bind", "subjectivity.met"]
    bind_event = next(e for e in uow.rows("audit_events") if e.action == "policy.bind" and e.subject_id == policy["id"])
    assert bind_event.after["referral_id"] == r["id"] and len(bind_event.after["subjectivities"]) == 3
    assert audit.verify(uow).ok


def test_bound_after_inception_a_subjectivity_is_due_its_days_after_the_bind(uow: Any, ports: Any,
                                                                            world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    q = _referred_quote(uow, ports, t, date(2026, 11, 1))          # inception three weeks before the bind
    r = _referral(uow, t, q["id"])
    referrals.approve(uow, t.who["underwriter"], r["id"], [("Backups tested", "7")], ports=ports)
    policy = quotes.bind(uow, t.who["underwriter"], q["id"], 0, ports=ports)
    subs = subjectivities.for_policy(uow, t.who["underwriter"], policy["id"], ports=ports)
    # bound 2026-11-23: 7 days -> 2026-11-30; 30 days -> 2026-12-23 (not 2026-12-01 from inception)
    assert sorted(s["due"] for s in subs) == ["2026-11-30", "2026-12-23", "2026-12-23"]
    assert subjectivities.due_date(date(2026, 11, 1), date(2026, 11, 23), 30) == date(2026, 12, 23)
    assert subjectivities.due_date(date(2026, 12, 1), date(2026, 11, 23), 30) == date(2026, 12, 31)


def test_ask_the_broker_answer_then_decline_with_a_reason(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw, broker = t.who["underwriter"], t.who["broker"]
    q = _referred_quote(uow, ports, t, date(2026, 12, 1))
    r = _referral(uow, t, q["id"])
    with pytest.raises(InvalidInput) as empty:
        referrals.ask(uow, uw, r["id"], "   ", ports=ports)
    assert empty.value.field == "question"
    asked = referrals.ask(uow, uw, r["id"], "When will MFA be on email?", ports=ports)
    assert asked["status"] == "info_requested"
    # the broker sees the question on the quote and answers; the referral is back with the underwriter
    seen = referrals.for_quote(uow, broker, q["id"])[0]
    assert seen["question"] == "When will MFA be on email?"
    assert seen["status_label"] == "Waiting for the broker's answer"
    with pytest.raises(Forbidden):
        referrals.answer(uow, t.who["claims_adjuster"], r["id"], "x", ports=ports)
    answered = referrals.answer(uow, broker, r["id"], "Within two weeks; the vendor is booked.", ports=ports)
    assert answered["status"] == "open" and answered["answer"].startswith("Within two weeks")
    with pytest.raises(Conflict):
        referrals.answer(uow, broker, r["id"], "again", ports=ports)
    with pytest.raises(InvalidInput) as no_reason:
        referrals.decline(uow, uw, r["id"], "", ports=ports)
    assert no_reason.value.field == "reason"
    declined = referrals.decline(uow, uw, r["id"], "No MFA anywhere and no date we can rely on.", ports=ports)
    assert declined["status"] == "declined" and declined["reason"].startswith("No MFA")
    with pytest.raises(Conflict):
        referrals.approve(uow, uw, r["id"], [], ports=ports)
    with pytest.raises(Conflict, match="declined"):
        quotes.bind(uow, uw, q["id"], 0, ports=ports)
    events = [e for e in uow.rows("audit_events") if e.subject_id == r["id"]]
    assert [(e.action, e.before["status"], e.after["status"]) for e in events] == [
        ("referral.ask", "open", "info_requested"), ("referral.answer", "info_requested", "open"),
        ("referral.decline", "open", "declined")]
    assert events[-1].after["reason"].startswith("No MFA") and audit.verify(uow).ok


@pytest.mark.parametrize(("rows", "field"), [
    ([("Plan", "30"), ("Backups", "0")], "conditions[1].days"),
    ([("Plan", "366")], "conditions[0].days"),
    ([("Plan", "thirty")], "conditions[0].days"),
    ([("", "30")], "conditions[0].text"),
    ([("x" * 2001, "30")], "conditions[0].text"),
    ([("Plan", "30")] * 11, "conditions"),
])
def test_a_bad_condition_is_refused_naming_its_field_and_nothing_changes(uow: Any, ports: Any,
                                                                         world: tuple[Tenant, Tenant],
                                                                         rows: list[tuple[str, str]],
                                                                         field: str) -> None:
    t, _ = world
    q = _referred_quote(uow, ports, t, date(2026, 12, 1))
    r = _referral(uow, t, q["id"])
    with pytest.raises(InvalidInput) as bad:
        referrals.approve(uow, t.who["underwriter"], r["id"], rows, ports=ports)
    assert bad.value.field == field
    assert _referral(uow, t, q["id"])["status"] == "open"
