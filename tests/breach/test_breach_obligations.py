"""HIPAA Breach Notification Rule (45 CFR 164.400-414): every rule of issue 4, with hand-worked dates.

Date arithmetic is written out in the comments: days left in the month, then whole months, then the day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cyberrx.breach import Recipient, assess_obligations, hhs_annual_deadline
from cyberrx.breach.obligations import ObligationsReport
from cyberrx.domain.incident import Incident, incident_from_dict
from cyberrx.domain.parsing import parse_model
from cyberrx.errors import InvalidInput

TODAY = date(2027, 3, 20)  # injected "today": the issue's incident was discovered 2027-03-14


def incident(**changes: Any) -> Incident:
    base: dict[str, Any] = {
        "incident_id": "INC-2027-014",
        "entity": "Lakeside Family Medicine",
        "role": "covered_entity",
        "discovered": "2027-03-14",
        "affected_by_state": {"LA": 420, "MS": 130},
        "phi_secured": False,
        "low_probability_of_compromise": None,
        "insufficient_contact_info": 12,
        # most tests below pin state arithmetic once a row is triggered: a Social Security number triggers
        # every row (the PHI-only example of issue 12 is tested with its own elements)
        "data_elements": ["ssn", "medical"],
    }
    base.update(changes)
    return parse_model(Incident, base)


def report(today: date = date(2029, 1, 1), **changes: Any) -> ObligationsReport:
    # a late default "today" so that any discovery date used below is in the past
    return assess_obligations(incident(**changes), today=today)


def only(rep: ObligationsReport, recipient: Recipient, basis: str = "federal"):
    found = [o for o in rep.obligations if o.recipient is recipient and o.basis == basis]
    assert len(found) == 1, [o.as_dict() for o in rep.obligations]
    return found[0]


def recipients(rep: ObligationsReport, basis: str = "federal") -> list[str]:
    return [o.recipient.value for o in rep.obligations if o.basis == basis]


# ---------------------------------------------------------------------------------------- the issue's example
def test_issue_example_all_obligations_and_citations():
    rep = assess_obligations(incident(), today=TODAY)
    assert rep.reportable is True
    assert rep.total_affected == 550
    # 2027-03-14 + 60 days: 17 days to 2027-03-31, +30 (April) = 47, +13 = 2027-05-13
    ind = only(rep, Recipient.INDIVIDUALS)
    assert ind.deadline == date(2027, 5, 13)
    assert "164.404(b)" in ind.citation
    assert ind.states == ("LA", "MS")
    # 12 unreachable >= 10: web posting / major media + toll-free (164.404(d)(2)(ii)), same deadline
    sub = only(rep, Recipient.SUBSTITUTE_NOTICE)
    assert sub.deadline == date(2027, 5, 13)
    assert sub.citation.startswith("45 CFR 164.404(d)(2)(ii)")
    assert "90 days" in sub.method and "toll-free" in sub.method
    # 550 >= 500 in total: HHS contemporaneously (164.408(b))
    hhs = only(rep, Recipient.HHS)
    assert hhs.deadline == date(2027, 5, 13)
    assert hhs.citation.startswith("45 CFR 164.408(b)")
    # no State has more than 500 residents affected: no media notice
    assert Recipient.MEDIA.value not in recipients(rep)
    # Louisiana AG: 10 days after the notices go out; latest = 2027-05-13 + 10 = 2027-05-23
    la = only(rep, Recipient.STATE_REGULATOR, basis="state")
    assert la.states == ("LA",) and la.deadline == date(2027, 5, 23)
    assert la.citation.startswith("La. R.S. 51:3074")
    # Mississippi has a row since state table 2026-12-01 (this test used to check that it was "must be
    # checked"): Miss. Code Ann. 75-24-29 covers only SSN / licence / financial-account data, sets no day count
    # and no regulator notice, so it adds no obligation - the LA AG above is still the only state one
    ms = next(s for s in rep.states if s.state == "MS")
    assert ms.covered is True and ms.statutes == ("Miss. Code Ann. 75-24-29",)
    assert not any(w.startswith("MS:") and "must be checked" in w for w in rep.warnings)
    assert [o.states for o in rep.obligations if o.basis == "state"] == [("LA",)]
    assert all(o.citation for o in rep.obligations)


def test_issue_example_file_json_shape():
    out = assess_obligations(incident(), today=TODAY).as_dict()
    assert {"reportable", "reasons", "obligations", "warnings"} <= set(out)
    for o in out["obligations"]:
        assert {"recipient", "deadline", "method", "states", "citation"} <= set(o)
        assert o["recipient"] in {r.value for r in Recipient}


# ---------------------------------------------------------------------------------------- reportable or not
def test_secured_phi_is_not_reportable():
    rep = report(phi_secured=True)
    assert rep.reportable is False
    assert rep.obligations == ()
    assert "unsecured PHI" in rep.reasons[0] and "164.402" in rep.reasons[0]


def test_documented_low_probability_is_not_reportable():
    rep = report(low_probability_of_compromise=True, risk_assessment={
        "nature_and_extent": "appointment times only", "unauthorized_person": "another covered entity",
        "acquired_or_viewed": False, "mitigated": True})
    assert rep.reportable is False
    assert rep.obligations == ()
    assert "four-factor" in rep.reasons[0] and "164.402" in rep.reasons[0]


def test_low_probability_without_documented_assessment_is_presumed_a_breach():
    rep = report(low_probability_of_compromise=True)
    assert rep.reportable is True
    assert "presumed" in rep.reasons[0] and "164.402" in rep.reasons[0]


def test_missing_assessment_presumes_a_breach_and_says_so():
    rep = report()
    assert rep.reportable is True
    assert "presumed" in rep.reasons[0]
    assert "not been done" in rep.reasons[0]


def test_negative_assessment_is_reportable():
    rep = report(low_probability_of_compromise=False, risk_assessment={
        "nature_and_extent": "names, diagnoses", "unauthorized_person": "unknown", "acquired_or_viewed": True,
        "mitigated": False})
    assert rep.reportable is True
    assert "did not show a low probability" in rep.reasons[0]


def test_ransomware_cites_ocr_guidance():
    rep = report(type="ransomware")
    assert any("Your Money or Your PHI" in r for r in rep.reasons)


# ---------------------------------------------------------------------------------------- HHS: 499 / 500 / 501
@pytest.mark.parametrize(("by_state", "contemporaneous"), [
    ({"MS": 499}, False),
    ({"MS": 500}, True),
    ({"MS": 501}, True),
    ({"MS": 250, "AL": 249}, False),   # 499 in total
    ({"MS": 250, "AL": 250}, True),    # 500 in total, counted across states
])
def test_hhs_threshold_500_in_total(by_state, contemporaneous):
    rep = report(affected_by_state=by_state, insufficient_contact_info=0)
    hhs = only(rep, Recipient.HHS)
    if contemporaneous:
        # with the individual notices: 2027-03-14 + 60 = 2027-05-13 (164.408(b))
        assert hhs.deadline == date(2027, 5, 13)
        assert hhs.citation.startswith("45 CFR 164.408(b)")
    else:
        # 2027-12-31 + 60: 31 (January) + 29 (February 2028, a leap year) = 2028-02-29 (164.408(c))
        assert hhs.deadline == date(2028, 2, 29)
        assert hhs.citation.startswith("45 CFR 164.408(c)")


# ---------------------------------------------------------------------------------------- media: > 500 per State
@pytest.mark.parametrize(("by_state", "media_states"), [
    ({"MS": 500}, ()),                 # exactly 500 in one state: "more than 500" is not met
    ({"MS": 501}, ("MS",)),
    ({"MS": 499}, ()),
    ({"MS": 300, "AL": 300}, ()),      # 600 in total but no single State above 500
    ({"MS": 501, "AL": 500, "GA": 900}, ("GA", "MS")),
])
def test_media_only_for_states_with_more_than_500_residents(by_state, media_states):
    rep = report(affected_by_state=by_state, insufficient_contact_info=0)
    media = [o for o in rep.obligations if o.recipient is Recipient.MEDIA]
    if not media_states:
        assert media == []
    else:
        assert len(media) == 1
        assert media[0].states == media_states
        assert media[0].deadline == date(2027, 5, 13)  # 2027-03-14 + 60 (164.406(b))
        assert media[0].citation.startswith("45 CFR 164.406(a)")


# ---------------------------------------------------------------------------------------- substitute notice
@pytest.mark.parametrize(("unreachable", "paragraph"), [(9, "(d)(2)(i)"), (10, "(d)(2)(ii)"), (1, "(d)(2)(i)")])
def test_substitute_notice_10_vs_9(unreachable, paragraph):
    rep = report(insufficient_contact_info=unreachable)
    sub = only(rep, Recipient.SUBSTITUTE_NOTICE)
    assert sub.citation == f"45 CFR 164.404{paragraph}"
    assert sub.deadline == date(2027, 5, 13)
    if unreachable < 10:
        assert "telephone" in sub.method and "toll-free" not in sub.method
    else:
        assert "home page" in sub.method and "90 days" in sub.method and "toll-free" in sub.method


def test_no_substitute_notice_when_everyone_can_be_reached():
    assert Recipient.SUBSTITUTE_NOTICE.value not in recipients(report(insufficient_contact_info=0))


# ---------------------------------------------------------------------------------------- December, leap years
def test_discovery_late_in_december():
    rep = report(discovered="2027-12-20", affected_by_state={"MS": 40}, insufficient_contact_info=0)
    # 2027-12-20 + 60: 11 days to 2027-12-31, +31 (January) = 42, +18 = 2028-02-18
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2028, 2, 18)
    # small breach: end of 2027 + 60 = 2028-02-29 (2028 is a leap year)
    assert only(rep, Recipient.HHS).deadline == date(2028, 2, 29)


def test_discovery_on_december_31_non_leap_following_year():
    rep = report(discovered="2026-12-31", affected_by_state={"MS": 40}, insufficient_contact_info=0)
    # 2026-12-31 + 60: 31 (January) + 28 (February 2027) = 59, +1 = 2027-03-01
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2027, 3, 1)
    assert only(rep, Recipient.HHS).deadline == date(2027, 3, 1)


def test_leap_year_sixty_days_cross_february_29():
    # 2028-01-15 + 60: 16 days to 2028-01-31, +29 (February 2028) = 45, +15 = 2028-03-15
    rep = report(discovered="2028-01-15", affected_by_state={"MS": 40}, insufficient_contact_info=0)
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2028, 3, 15)
    # the same day in 2027: 16 + 28 = 44, +16 = 2027-03-16
    rep27 = report(discovered="2027-01-15", affected_by_state={"MS": 40}, insufficient_contact_info=0)
    assert only(rep27, Recipient.INDIVIDUALS).deadline == date(2027, 3, 16)
    # discovered in 2028: 2028-12-31 + 60 = 31 + 28 (February 2029) + 1 = 2029-03-01
    assert only(rep, Recipient.HHS).deadline == date(2029, 3, 1)


@pytest.mark.parametrize(("year", "due"), [(2023, date(2024, 2, 29)), (2024, date(2025, 3, 1)),
                                           (2027, date(2028, 2, 29)), (2099, date(2100, 3, 1))])
def test_hhs_year_end_deadline(year, due):
    # 2100 is not a leap year (divisible by 100, not by 400)
    assert hhs_annual_deadline(date(year, 6, 1)) == due


# ---------------------------------------------------------------------------------------- law-enforcement delay
def test_written_delay_moves_every_federal_deadline():
    rep = report(affected_by_state={"LA": 420, "MS": 601}, insufficient_contact_info=12,
                 law_enforcement_delay={"until": "2027-06-30", "official": "Det. R. Boudreaux, LSP"})
    for rec in (Recipient.INDIVIDUALS, Recipient.SUBSTITUTE_NOTICE, Recipient.MEDIA, Recipient.HHS):
        o = only(rep, rec)
        assert o.rule_deadline == date(2027, 5, 13)
        assert o.deadline == date(2027, 6, 30)   # held until the written statement's date
        assert o.not_before == date(2027, 6, 30)
        assert "164.412" in o.citation
    # the Louisiana AG counts from the notices, which move with the delay: 2027-06-30 + 10 = 2027-07-10
    assert only(rep, Recipient.STATE_REGULATOR, basis="state").deadline == date(2027, 7, 10)
    assert rep.delay_ends == date(2027, 6, 30)


def test_written_delay_ending_before_the_deadline_moves_nothing():
    rep = report(law_enforcement_delay={"until": "2027-04-30"})
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2027, 5, 13)


def test_oral_delay_lasts_at_most_30_days():
    # oral statement 2027-04-20 + 30 days = 2027-05-20, later than 2027-05-13
    rep = report(law_enforcement_delay={"oral_statement_on": "2027-04-20"})
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2027, 5, 20)
    assert only(rep, Recipient.HHS).deadline == date(2027, 5, 20)
    assert any("30 days unless a written statement follows" in w for w in rep.warnings)


def test_oral_then_written_statement_governs():
    rep = report(law_enforcement_delay={"oral_statement_on": "2027-04-20", "until": "2027-08-01"})
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2027, 8, 1)


def test_oral_statement_after_the_deadline_does_not_excuse_it():
    rep = report(law_enforcement_delay={"oral_statement_on": "2027-05-20"})
    assert only(rep, Recipient.INDIVIDUALS).deadline == date(2027, 5, 13)
    assert any("does not excuse" in w for w in rep.warnings)


def test_delay_moves_the_year_end_hhs_log_too():
    # small breach: year-end report due 2028-02-29; a written delay to 2028-03-15 holds it (164.412 covers 164.408)
    rep = report(affected_by_state={"MS": 40}, insufficient_contact_info=0,
                 law_enforcement_delay={"until": "2028-03-15"})
    hhs = only(rep, Recipient.HHS)
    assert hhs.rule_deadline == date(2028, 2, 29) and hhs.deadline == date(2028, 3, 15)


def test_delay_moves_the_business_associate_deadline():
    rep = report(role="business_associate", law_enforcement_delay={"until": "2027-06-01"})
    assert only(rep, Recipient.COVERED_ENTITY).deadline == date(2027, 6, 1)


def test_state_deadlines_counted_from_discovery_are_not_moved_by_the_federal_delay():
    rep = report(affected_by_state={"TX": 300}, insufficient_contact_info=0,
                 law_enforcement_delay={"until": "2027-06-30"})
    tx = only(rep, Recipient.STATE_REGULATOR, basis="state")
    assert tx.deadline == date(2027, 4, 13)  # 2027-03-14 + 30: 17 days to 03-31, +13 = 2027-04-13
    assert any("State deadlines are not moved" in w for w in rep.warnings)


# ---------------------------------------------------------------------------------------- business associate
def test_business_associate_notifies_the_covered_entity_within_60_days():
    rep = report(role="business_associate", affected_by_state={"LA": 3000})
    assert recipients(rep) == ["covered_entity"]
    ce = only(rep, Recipient.COVERED_ENTITY)
    assert ce.deadline == date(2027, 5, 13)  # 2027-03-14 + 60 (164.410(b))
    assert ce.citation.startswith("45 CFR 164.410")
    assert "identifying each individual" in ce.method
    assert recipients(rep, basis="state") == []  # state duties fall on the covered entity


# ---------------------------------------------------------------------------------------- state table
def test_texas_attorney_general_from_250_residents():
    at = report(affected_by_state={"TX": 250}, insufficient_contact_info=0)
    tx = only(at, Recipient.STATE_REGULATOR, basis="state")
    assert tx.deadline == date(2027, 4, 13)  # 2027-03-14 + 30
    assert tx.citation == "Tex. Bus. & Com. Code 521.053(i)"
    below = report(affected_by_state={"TX": 249}, insufficient_contact_info=0)
    assert recipients(below, basis="state") == []
    assert "not triggered" in below.states[0].summary


def test_florida_department_from_500_and_the_federal_regulator_path():
    # issue 12: a HIPAA covered entity's notice under HIPAA, copied to the Department, satisfies 501.171(4);
    # so no Florida 30-day individual date; the Department notice of 501.171(3)(a) stays at 500 or more
    rep = report(affected_by_state={"FL": 500}, insufficient_contact_info=0)
    state = {o.citation: o for o in rep.obligations if o.basis == "state"}
    assert set(state) == {"Fla. Stat. 501.171(3)(a)", "Fla. Stat. 501.171(4)(g)"}
    assert state["Fla. Stat. 501.171(3)(a)"].deadline == date(2027, 4, 13)   # 2027-03-14 + 30
    assert state["Fla. Stat. 501.171(4)(g)"].deadline == date(2027, 5, 13)   # with the HIPAA notices (+60)
    assert recipients(rep, basis="state") == ["state_regulator", "state_regulator"]
    below = report(affected_by_state={"FL": 499}, insufficient_contact_info=0)
    assert [o.citation for o in below.obligations if o.basis == "state"] == ["Fla. Stat. 501.171(4)(g)"]


def test_colorado_shorter_deadline_comes_first():
    rep = report(affected_by_state={"CO": 20}, insufficient_contact_info=0)
    first = rep.obligations[0]
    assert (first.recipient, first.basis, first.deadline) == (Recipient.INDIVIDUALS, "state", date(2027, 4, 13))
    assert first.citation == "C.R.S. 6-1-716(2)(a)"


def test_california_business_days_and_attorney_general_above_500():
    rep = report(discovered="2027-03-12", affected_by_state={"CA": 501}, insufficient_contact_info=0,
                 cdph_licensed_facility=True)
    cdph = [o for o in rep.obligations if o.citation.startswith("Cal. Health & Safety Code 1280.15")]
    # Friday 2027-03-12 + 15 business days: 03-15..19 (5), 03-22..26 (10), 03-29..04-02 (15) = 2027-04-02
    assert {o.deadline for o in cdph} == {date(2027, 4, 2)} and len(cdph) == 2
    assert any(o.citation == "Cal. Civ. Code 1798.82(f)" for o in rep.obligations)
    at_500 = report(affected_by_state={"CA": 500}, insufficient_contact_info=0)
    assert not any(o.citation.startswith("Cal. Civ. Code 1798.82") for o in at_500.obligations)


def test_conflicting_sources_are_flagged():
    # WA was the "?" row until issue 12 (now S, from the AG's own page); OK still is
    rep = report(affected_by_state={"OK": 10}, insufficient_contact_info=0)
    assert any(w.startswith("OK:") and "verify" in w for w in rep.warnings)


def test_every_unlisted_state_must_be_checked():
    # AL instead of MS: Mississippi has a row since state table 2026-12-01
    rep = report(affected_by_state={"NY": 5, "AL": 5, "GU": 1}, insufficient_contact_info=0)
    unchecked = {s.state for s in rep.states if not s.covered}
    assert unchecked == {"NY", "AL", "GU"}
    assert recipients(rep, basis="state") == []
    assert sum("must be checked" in w for w in rep.warnings) == 3


# ---------------------------------------------------------------------------------------- today, bad input
def test_passed_deadline_is_flagged():
    rep = assess_obligations(incident(), today=date(2027, 6, 1))
    assert any(w.startswith("Deadline passed: individuals") for w in rep.warnings)


def test_discovery_in_the_future_is_refused():
    with pytest.raises(InvalidInput) as err:
        assess_obligations(incident(discovered="2027-03-21"), today=TODAY)
    assert err.value.field == "discovered"
    assert "2027-03-20" in str(err.value)
    # the same day as today is fine
    assess_obligations(incident(discovered="2027-03-20"), today=TODAY)


def test_oral_statement_in_the_future_is_refused():
    with pytest.raises(InvalidInput) as err:
        incident_from_dict({"incident_id": "X", "entity": "E", "discovered": "2027-03-14",
                            "affected_by_state": {"LA": 1},
                            "law_enforcement_delay": {"oral_statement_on": "2027-04-01"}}, today=TODAY)
    assert err.value.field == "law_enforcement_delay.oral_statement_on"


@pytest.mark.parametrize(("changes", "field", "allowed"), [
    ({"affected_by_state": {"LA": -1}}, "affected_by_state.LA", ">= 0"),
    ({"affected_by_state": {"XX": 3}}, "affected_by_state", "USPS"),
    ({"affected_by_state": {"la": 3}}, "affected_by_state", "USPS"),
    ({"affected_by_state": {"LA": True}}, "affected_by_state.LA", "whole number"),
    ({"affected_by_state": {"LA": 0}}, "affected_by_state", "at least 1"),
    ({"affected_by_state": {}}, "affected_by_state", None),
    ({"insufficient_contact_info": -2}, "insufficient_contact_info", ">= 0"),
    ({"insufficient_contact_info": 551}, "insufficient_contact_info", "0 to 550"),
    ({"phi_secured": "no"}, "phi_secured", "true or false"),
    ({"phi_secured": 0}, "phi_secured", "true or false"),
    ({"low_probability_of_compromise": "unknown"}, "low_probability_of_compromise", "null"),
    ({"role": "vendor"}, "role", "business_associate"),
    ({"type": "flood"}, "type", "ransomware"),
    ({"discovered": 20270314}, "discovered", "YYYY-MM-DD"),
    ({"discovered": "14/03/2027"}, "discovered", None),
    ({"law_enforcement_delay": {}}, "law_enforcement_delay", "until"),
    ({"notes": "x"}, "notes", None),
])
def test_bad_input_names_the_field(changes, field, allowed):
    with pytest.raises(InvalidInput) as err:
        incident(**changes)
    assert err.value.field == field
    if allowed is not None:
        assert allowed in (err.value.allowed or "")
