"""Issue 12: state rows a breach coach can act on - LA, CO, WA, FL, CA 1280.15 at the statutes' thresholds,
with and without the data elements that trigger them; 42 CFR Part 2; letters; questions instead of guesses.

Dates are hand-worked in the comments (days left in the month, then whole months, then the day). Discovery
is 2027-03-14 (a Sunday) unless a test says otherwise: +30 = 2027-04-13, +60 = 2027-05-13.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cyberrx.breach import assess_obligations, build_playbook, draft_letter, render_letter_markdown
from cyberrx.breach.obligations import ObligationsReport
from cyberrx.domain.incident import Incident
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import InvalidInput

PHI_ONLY = ["date_of_birth", "medical"]  # names, dates of birth, diagnosis codes


def incident(**changes: Any) -> Incident:
    base: dict[str, Any] = {
        "incident_id": "INC-12", "entity": "Front Range Family Practice", "role": "covered_entity",
        "discovered": "2027-03-14", "affected_by_state": {"CO": 20}, "phi_secured": False,
        "insufficient_contact_info": 0, "data_elements": ["ssn", "medical"],
    }
    base.update(changes)
    return parse_model(Incident, base)


def report(**changes: Any) -> ObligationsReport:
    return assess_obligations(incident(**changes), today=date(2029, 1, 1))


def state(rep: ObligationsReport, code: str) -> dict[str, date | None]:
    """citation -> deadline of the state obligations for ``code``."""
    return {o.citation: o.deadline for o in rep.obligations if o.basis == "state" and o.states == (code,)}


def duties(rep: ObligationsReport, code: str) -> dict[str, str]:
    found = next(s for s in rep.states if s.state == code)
    return {d.citation: d.status for d in found.duties}


# ---------------------------------------------------------------------------------------- Louisiana
def test_louisiana_phi_only_breach_has_no_ten_day_attorney_general_date():
    rep = report(affected_by_state={"LA": 420}, data_elements=PHI_ONLY)
    assert state(rep, "LA") == {}
    assert duties(rep, "LA") == {"La. R.S. 51:3074(E); LAC 16:III.701": "not_triggered"}
    assert "51:3073(4)(a)" in next(s for s in rep.states if s.state == "LA").summary


@pytest.mark.parametrize("element", ["ssn", "drivers_license", "financial_account", "passport", "biometric"])
def test_louisiana_attorney_general_when_its_elements_are_involved(element):
    rep = report(affected_by_state={"LA": 1}, data_elements=["medical", element])
    # 10 days after the notices, whose latest day is 2027-05-13: 2027-05-23
    assert state(rep, "LA") == {"La. R.S. 51:3074(E); LAC 16:III.701": date(2027, 5, 23)}


# ---------------------------------------------------------------------------------------- Colorado
@pytest.mark.parametrize(("residents", "attorney_general"), [(499, False), (500, True)])
def test_colorado_attorney_general_from_500(residents, attorney_general):
    rep = report(affected_by_state={"CO": residents})
    dated = state(rep, "CO")
    assert dated["C.R.S. 6-1-716(2)(a)"] == date(2027, 4, 13)   # residents: 30 days
    assert ("C.R.S. 6-1-716(2)(f)" in dated) is attorney_general
    if attorney_general:
        assert dated["C.R.S. 6-1-716(2)(f)"] == date(2027, 4, 13)   # AG: 30 days after determination
    else:
        assert duties(rep, "CO")["C.R.S. 6-1-716(2)(f)"] == "not_triggered"


@pytest.mark.parametrize(("residents", "agencies"), [(1000, False), (1001, True)])
def test_colorado_consumer_reporting_agencies_above_1000(residents, agencies):
    rep = report(affected_by_state={"CO": residents})
    dated = state(rep, "CO")
    assert ("C.R.S. 6-1-716(2)(d)" in dated) is agencies
    if agencies:
        # "without unreasonable delay", before the notices it announces: by Colorado's 30-day notice date
        assert dated["C.R.S. 6-1-716(2)(d)"] == date(2027, 4, 13)
        cra = next(o for o in rep.obligations if o.citation == "C.R.S. 6-1-716(2)(d)")
        assert cra.recipient.value == "consumer_reporting_agencies"


def test_colorado_covers_a_phi_only_breach():
    # medical information and health insurance IDs are Colorado personal information (6-1-716(1)(e), (1)(g))
    rep = report(affected_by_state={"CO": 500}, data_elements=PHI_ONLY)
    assert set(state(rep, "CO")) == {"C.R.S. 6-1-716(2)(a)", "C.R.S. 6-1-716(2)(f)"}
    assert state(report(affected_by_state={"CO": 500}, data_elements=["date_of_birth"]), "CO") == {}


# ---------------------------------------------------------------------------------------- Washington
@pytest.mark.parametrize(("residents", "attorney_general"), [(500, False), (501, True)])
def test_washington_covered_entity_deemed_compliant_and_attorney_general_above_500(residents, attorney_general):
    rep = report(affected_by_state={"WA": residents}, data_elements=PHI_ONLY)
    dated = state(rep, "WA")
    # no 30-day Washington date for a covered entity's PHI breach (RCW 19.255.030)
    assert all(d != date(2027, 4, 13) for d in dated.values())
    assert duties(rep, "WA")["RCW 19.255.010(8)"] == "not_triggered"
    assert not any(o.recipient.value == "individuals" for o in rep.obligations if o.basis == "state")
    if attorney_general:
        # on HITECH's timing: discovery + 60 = 2027-05-13
        assert dated == {"RCW 19.255.030; RCW 19.255.010(7); HITECH s.13402(d)": date(2027, 5, 13)}
    else:
        assert dated == {}


def test_washington_business_associate_row_is_not_deemed():
    # the deemed-compliance path is for covered entities; a BA's state rows are shown, not scheduled
    rep = report(role="business_associate", affected_by_state={"WA": 501})
    assert state(rep, "WA") == {}
    assert duties(rep, "WA")["RCW 19.255.010(7)"] == "not_triggered"


# ---------------------------------------------------------------------------------------- Florida
def test_florida_federal_regulator_path_instead_of_a_hard_30_days():
    rep = report(affected_by_state={"FL": 499}, data_elements=PHI_ONLY)
    # no Fla. Stat. 501.171(4)(a) 30-day individual date; a copy of the HIPAA notice to the Department
    assert state(rep, "FL") == {"Fla. Stat. 501.171(4)(g)": date(2027, 5, 13)}
    at_500 = state(report(affected_by_state={"FL": 500}, data_elements=PHI_ONLY), "FL")
    assert at_500["Fla. Stat. 501.171(3)(a)"] == date(2027, 4, 13)   # Department: 30 days, kept
    assert "Fla. Stat. 501.171(5)" not in at_500
    above = state(report(affected_by_state={"FL": 1001}, data_elements=PHI_ONLY), "FL")
    assert above["Fla. Stat. 501.171(5)"] == date(2027, 5, 13)   # CRAs, with the notices
    assert "Fla. Stat. 501.171(5)" not in state(report(affected_by_state={"FL": 1000}), "FL")


# ---------------------------------------------------------------------------------------- California
def test_california_1280_15_only_for_a_cdph_licensed_facility():
    # Friday 2027-03-12 + 15 business days: 03-15..19 (5), 03-22..26 (10), 03-29..04-02 (15) = 2027-04-02
    licensed = report(discovered="2027-03-12", affected_by_state={"CA": 10}, cdph_licensed_facility=True)
    assert state(licensed, "CA") == {"Cal. Health & Safety Code 1280.15(b)(1)": date(2027, 4, 2),
                                     "Cal. Health & Safety Code 1280.15(b)(2)": date(2027, 4, 2)}
    office = report(discovered="2027-03-12", affected_by_state={"CA": 10}, cdph_licensed_facility=False)
    assert state(office, "CA") == {}
    unknown = report(discovered="2027-03-12", affected_by_state={"CA": 10})
    assert state(unknown, "CA") == {}
    assert {c: st for c, st in duties(unknown, "CA").items() if "1280.15" in c} == {
        "Cal. Health & Safety Code 1280.15(b)(1)": "must_be_checked",
        "Cal. Health & Safety Code 1280.15(b)(2)": "must_be_checked"}
    assert any("licensed by the California Department of Public Health" in q for q in unknown.questions)
    due = {d.deadline_if_applies for s in unknown.states for d in s.duties if d.status == "must_be_checked"}
    assert due == {date(2027, 4, 2)}   # the question says what date would apply


def test_playbook_warns_when_profile_and_incident_disagree_on_the_licence():
    profile = parse_model(PracticeProfile, {"name": "Front Range Family Practice",
    "specialty": "primary_care", "states": {"CA": 100},
                                            "annual_revenue": 900000, "cdph_licensed_facility": True})
    inc = incident(affected_by_state={"CA": 10})
    book = build_playbook(inc, profile, assess_obligations(inc, today=date(2029, 1, 1)))
    assert any("profile says the practice is licensed by CDPH" in w for w in book.warnings)


# ---------------------------------------------------------------------------------------- data elements
def test_without_data_elements_the_state_rows_ask_instead_of_guessing():
    rep = report(affected_by_state={"LA": 420, "CO": 600, "NY": 5}, data_elements=None)
    assert [o for o in rep.obligations if o.basis == "state"] == []
    assert set(duties(rep, "LA").values()) == {"must_be_checked"}
    assert duties(rep, "CO") == {"C.R.S. 6-1-716(2)(a)": "must_be_checked", "C.R.S. 6-1-716(2)(f)": "must_be_checked",
                                 "C.R.S. 6-1-716(2)(d)": "not_triggered"}   # 600 is not above 1,000
    # the date each would carry is shown with the question: LA 2027-05-23, CO 2027-04-13
    la = next(s for s in rep.states if s.state == "LA")
    assert [d.deadline_if_applies for d in la.duties] == [date(2027, 5, 23)]
    assert rep.questions and "data_elements" in rep.questions[0] and "CO, LA" in rep.questions[0]
    assert any(w.startswith("LA: must be checked") for w in rep.warnings)
    # a state without a row stays "must be checked", never guessed
    ny = next(s for s in rep.states if s.state == "NY")
    assert ny.covered is False and "must be checked" in ny.summary
    out = rep.to_result().to_dict()
    assert out["questions"] == list(rep.questions)
    assert out["states"][0]["duties"][0]["status"] == "must_be_checked"


def test_playbook_asks_for_the_data_elements_in_the_first_hours():
    profile = parse_model(PracticeProfile, {"name": "Front Range Family Practice",
    "specialty": "primary_care", "states": {"CO": 100},
                                            "annual_revenue": 900000})
    inc = incident(data_elements=None)
    book = build_playbook(inc, profile, assess_obligations(inc, today=date(2029, 1, 1)))
    first = next(p for p in book.phases if p.title == "First 72 hours")
    assert any("data_elements" in s.text and "Social Security" in s.text for s in first.steps)


@pytest.mark.parametrize(("value", "message"), [
    (["ssn", "dob"], "unknown data element 'dob'"),
    ("ssn", "a list of data element ids is required"),
])
def test_bad_data_elements_name_the_field_and_the_allowed_ids(value, message):
    with pytest.raises(InvalidInput) as err:
        incident(data_elements=value)
    assert err.value.field == "data_elements" and message in str(err.value)
    assert "drivers_license" in (err.value.allowed or "") and "credentials" in (err.value.allowed or "")


def test_bad_flags_are_refused():
    with pytest.raises(InvalidInput) as err:
        incident(cdph_licensed_facility="yes")
    assert err.value.field == "cdph_licensed_facility"
    with pytest.raises(InvalidInput) as err:
        incident(part2_records=1)
    assert err.value.field == "part2_records"


# ---------------------------------------------------------------------------------------- Part 2
def test_part2_records_are_named_with_the_citation():
    rep = report(part2_records=True)
    assert any("42 CFR 2.16(b)" in r and "2026-02-16" in r for r in rep.reasons)
    early = report(discovered="2025-11-03", part2_records=True)
    assert any("before 2026-02-16" in w for w in early.warnings)
    assert not any("42 CFR 2.16" in r for r in report().reasons)


# ---------------------------------------------------------------------------------------- letters
def test_business_associate_letter_goes_to_the_covered_entity():
    inc = incident(role="business_associate", affected_by_state={"LA": 30, "CO": 5})
    text = render_letter_markdown(draft_letter(inc, assess_obligations(inc, today=date(2029, 1, 1))))
    assert "Dear [Privacy Officer]" in text and "Dear [Patient name]" not in text
    assert "164.410" in text and "May 13, 2027" in text   # discovery + 60 (164.410(b))
    assert "What you can do" not in text


def test_letter_has_credit_bureau_and_ftc_blocks_where_a_state_requires_them():
    co = incident(affected_by_state={"CO": 20})
    text = render_letter_markdown(draft_letter(co, assess_obligations(co, today=date(2029, 1, 1))))
    assert "Equifax" in text and "TransUnion" in text and "Federal Trade Commission" in text
    assert "6-1-716(2)(a.2)" in text   # the editor note names the statute requiring them
    ms = incident(affected_by_state={"MS": 20})
    plain = render_letter_markdown(draft_letter(ms, assess_obligations(ms, today=date(2029, 1, 1))))
    assert "Equifax" not in plain


def test_the_colorado_washington_example_file():
    from pathlib import Path

    from cyberrx.domain.incident import load_incident

    path = Path(__file__).resolve().parents[2] / "examples" / "incidents" / "colorado-washington-phi.yaml"
    rep = assess_obligations(load_incident(path, today=date(2027, 3, 20)), today=date(2027, 3, 20))
    dated = sorted((o.deadline, o.citation) for o in rep.obligations if o.basis == "state")
    assert dated == [
        (date(2027, 4, 13), "C.R.S. 6-1-716(2)(a)"), (date(2027, 4, 13), "C.R.S. 6-1-716(2)(d)"),
        (date(2027, 4, 13), "C.R.S. 6-1-716(2)(f)"), (date(2027, 5, 13), "Fla. Stat. 501.171(4)(g)"),
        (date(2027, 5, 13), "RCW 19.255.030; RCW 19.255.010(7); HITECH s.13402(d)")]
    assert rep.questions == ()
