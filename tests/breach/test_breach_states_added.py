"""State rows added in state table 2026-12-01 (MS, OK, OR): hand-worked dates, thresholds at the boundary.

Date arithmetic is written out in the comments: days left in the month, then whole months, then the day.
What each row says, and its sources, is in ``state_breach_laws.yaml``; these tests pin the dates a practice sees.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from cyberrx.breach import Recipient, assess_obligations, build_playbook, render_playbook_text, state_law_for
from cyberrx.breach.obligations import ObligationsReport
from cyberrx.domain.incident import Incident, incident_from_dict
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.profile import PracticeProfile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "incidents" / "lakeside-family-medicine.yaml"


def incident(**changes: Any) -> Incident:
    base: dict[str, Any] = {
        "incident_id": "INC-2027-031", "entity": "Lakeside Family Medicine", "role": "covered_entity",
        "discovered": "2027-03-14", "affected_by_state": {"OR": 300}, "phi_secured": False,
        "low_probability_of_compromise": None, "insufficient_contact_info": 0,
        "data_elements": ["ssn", "medical"],  # triggers every row; PHI-only cases set their own
    }
    base.update(changes)
    return parse_model(Incident, base)


def report(**changes: Any) -> ObligationsReport:
    return assess_obligations(incident(**changes), today=date(2029, 1, 1))  # late "today": nothing in the future


def state_obligations(rep: ObligationsReport, state: str) -> dict[str, Any]:
    found = [o for o in rep.obligations if o.basis == "state" and o.states == (state,)]
    assert len({o.recipient for o in found}) == len(found), [o.as_dict() for o in found]
    return {o.recipient.value: o for o in found}


def status(rep: ObligationsReport, state: str):
    return next(s for s in rep.states if s.state == state)


# ---------------------------------------------------------------------------------------- the table
def test_version_and_rows():
    rep = report()
    assert rep.reference_versions["state_breach_laws"] == "2026-12-15"
    (ms,), (ok,), (or_,) = state_law_for("MS"), state_law_for("OK"), state_law_for("OR")
    assert (ms.statute, ms.trust, ms.hipaa_compliance_deemed) == ("Miss. Code Ann. 75-24-29", "P", "unknown")
    assert ok.statute.startswith("24 O.S. 161-166") and ok.effective == "2026-01-01"
    assert (ok.trust, ok.hipaa_compliance_deemed) == ("?", "reported")   # sources conflict on the AG anchor
    assert (or_.statute, or_.trust, or_.hipaa_compliance_deemed) == ("ORS 646A.604", "P", "reported")
    assert (ms.individuals_deadline_days, ok.individuals_deadline_days, or_.individuals_deadline_days) == (
        None, None, 45)
    for row in (ms, ok, or_):
        assert row.source.strip() and row.what_differs.strip()


# ---------------------------------------------------------------------------------------- Oregon
def test_oregon_45_days_for_residents_and_attorney_general():
    rep = report(affected_by_state={"OR": 300})
    oregon = state_obligations(rep, "OR")
    # 2027-03-14 + 45: 17 days to 2027-03-31, +28 = 2027-04-28 (HIPAA's 60 days would be 2027-05-13)
    assert oregon["individuals"].deadline == date(2027, 4, 28)
    assert oregon["state_regulator"].deadline == date(2027, 4, 28)
    assert oregon["individuals"].citation == "ORS 646A.604(3)(a)"      # each duty cites its subsection
    assert oregon["state_regulator"].citation.startswith("ORS 646A.604(1)(b)")
    assert all(o.trust == "P" for o in oregon.values())
    assert "Oregon Attorney General" in oregon["state_regulator"].method
    assert "HIPAA exemption" in oregon["individuals"].method   # counsel must confirm before relying on it
    # the shorter state clock comes first, before the federal 60 days
    first = rep.obligations[0]
    assert (first.recipient, first.basis, first.deadline) == (Recipient.INDIVIDUALS, "state", date(2027, 4, 28))
    assert not any(w.startswith("OR:") for w in rep.warnings)   # statute text: no "verify" warning


@pytest.mark.parametrize(("residents", "attorney_general"), [(249, False), (250, False), (251, True), (1, False)])
def test_oregon_attorney_general_only_above_250(residents, attorney_general):
    rep = report(affected_by_state={"OR": residents})
    oregon = state_obligations(rep, "OR")
    assert oregon["individuals"].deadline == date(2027, 4, 28)   # every affected resident, whatever the count
    assert ("state_regulator" in oregon) is attorney_general
    if not attorney_general:
        assert f"not triggered: {residents} residents, needs more than 250 residents" in status(rep, "OR").summary


@pytest.mark.parametrize(("discovered", "due"), [
    ("2027-12-20", date(2028, 2, 3)),   # 11 days to 2027-12-31, +31 (January) = 42, +3 = 2028-02-03
    ("2028-01-20", date(2028, 3, 5)),   # 11 days to 2028-01-31, +29 (February 2028, leap) = 40, +5 = 2028-03-05
    ("2027-01-20", date(2027, 3, 6)),   # 11 days to 2027-01-31, +28 (February 2027) = 39, +6 = 2027-03-06
])
def test_oregon_45_days_across_months_and_leap_years(discovered, due):
    oregon = state_obligations(report(discovered=discovered, affected_by_state={"OR": 251}), "OR")
    assert oregon["individuals"].deadline == due and oregon["state_regulator"].deadline == due


def test_oregon_deadline_is_not_moved_by_a_law_enforcement_delay():
    rep = report(affected_by_state={"OR": 300}, law_enforcement_delay={"until": "2027-06-30"})
    assert {o.deadline for o in state_obligations(rep, "OR").values()} == {date(2027, 4, 28)}
    federal = next(o for o in rep.obligations if o.recipient is Recipient.INDIVIDUALS and o.basis == "federal")
    assert federal.deadline == date(2027, 6, 30)


# ---------------------------------------------------------------------------------------- Oklahoma
def test_oklahoma_attorney_general_60_days_from_discovery_with_its_conditions():
    rep = report(affected_by_state={"OK": 500})
    oklahoma = state_obligations(rep, "OK")
    assert list(oklahoma) == ["state_regulator"]   # residents: "without unreasonable delay", no day count
    ag = oklahoma["state_regulator"]
    # 2027-03-14 + 60: 17 days to 2027-03-31, +30 (April) = 47, +13 = 2027-05-13
    assert ag.deadline == date(2027, 5, 13)
    assert ag.citation.startswith("24 O.S. 163") and ag.trust == "?"
    assert "Oklahoma Attorney General" in ag.method
    # the AG duty starts 2026-01-01; health data alone is not Oklahoma "personal information", which is now
    # decided from the incident's data_elements (issue 12) instead of being left in applies_if
    assert "2026-01-01" in ag.applies_if
    phi_only = report(affected_by_state={"OK": 500}, data_elements=["date_of_birth", "medical"])
    assert state_obligations(phi_only, "OK") == {}
    assert "24 O.S. 162" in status(phi_only, "OK").summary
    assert any(w.startswith("OK:") and "conflict" in w and "verify" in w for w in rep.warnings)


@pytest.mark.parametrize(("residents", "attorney_general"), [(499, False), (500, True), (501, True)])
def test_oklahoma_attorney_general_from_500_residents(residents, attorney_general):
    rep = report(affected_by_state={"OK": residents})
    assert ("state_regulator" in state_obligations(rep, "OK")) is attorney_general
    if not attorney_general:
        assert "not triggered: 499 residents, needs at least 500 residents" in status(rep, "OK").summary


def test_oklahoma_uses_the_earlier_reading_of_the_conflicting_sources():
    # most sources: 60 days after the notices to residents; HIPAA Journal: 60 days from discovery. With a
    # written law-enforcement delay to 2027-06-30 the first reading would give 2027-06-30 + 60 = 2027-08-29;
    # the row counts from discovery, so the date stays 2027-05-13 (the Louisiana AG, counted from the
    # notices, moves: 2027-06-30 + 10 = 2027-07-10)
    rep = report(affected_by_state={"OK": 600, "LA": 10}, law_enforcement_delay={"until": "2027-06-30"})
    assert state_obligations(rep, "OK")["state_regulator"].deadline == date(2027, 5, 13)
    assert state_obligations(rep, "LA")["state_regulator"].deadline == date(2027, 7, 10)


# ---------------------------------------------------------------------------------------- Mississippi
@pytest.mark.parametrize("residents", [1, 130, 499, 500, 5000])
def test_mississippi_is_covered_but_adds_no_dated_obligation(residents):
    rep = report(affected_by_state={"MS": residents})
    ms = status(rep, "MS")
    assert ms.covered is True and ms.statutes == ("Miss. Code Ann. 75-24-29",)
    assert "Health information is not \"personal information\"" in ms.summary
    assert "without unreasonable delay" in ms.summary and "No notice to the Attorney General" in ms.summary
    assert state_obligations(rep, "MS") == {}
    assert not any("must be checked" in w for w in rep.warnings)
    assert not any(w.startswith("MS:") for w in rep.warnings)   # statute text: no "verify" warning
    # only the federal notices: individuals on 2027-03-14 + 60 = 2027-05-13
    assert {o.basis for o in rep.obligations} == {"federal"}
    assert next(o for o in rep.obligations if o.recipient is Recipient.INDIVIDUALS).deadline == date(2027, 5, 13)


def test_the_example_incident_with_mississippi_covered():
    # examples/incidents/lakeside-family-medicine.yaml: LA 420, MS 130, names, dates of birth and diagnosis
    # codes. Mississippi is covered and adds nothing; since issue 12 Louisiana adds nothing either: its
    # "personal information" (La. R.S. 51:3073(4)(a)) has no medical information, so no 10-day AG date
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    rep = assess_obligations(incident_from_dict(data, today=date(2027, 3, 20)), today=date(2027, 3, 20))
    assert [s.state for s in rep.states if s.covered] == ["LA", "MS"]
    assert [o for o in rep.obligations if o.basis == "state"] == []
    assert "51:3073(4)(a)" in status(rep, "LA").summary
    assert not any("must be checked" in w for w in rep.warnings)


# ---------------------------------------------------------------------------------------- all together
def test_practice_with_patients_in_all_three_and_an_unlisted_state():
    rep = report(affected_by_state={"MS": 130, "OK": 600, "OR": 251, "AL": 40})
    dated = [(o.deadline, o.recipient.value, o.states) for o in rep.obligations if o.basis == "state"]
    assert dated == [
        (date(2027, 4, 28), "individuals", ("OR",)),        # 2027-03-14 + 45
        (date(2027, 4, 28), "state_regulator", ("OR",)),    # same 45 days, 251 > 250
        (date(2027, 5, 13), "state_regulator", ("OK",)),    # 2027-03-14 + 60, 600 >= 500
    ]
    assert {s.state: s.covered for s in rep.states} == {"AL": False, "MS": True, "OK": True, "OR": True}
    assert [w for w in rep.warnings if "must be checked" in w] == [w for w in rep.warnings if w.startswith("AL:")]
    assert len([w for w in rep.warnings if "must be checked" in w]) == 1


@pytest.mark.parametrize("state", ["AL", "NY", "IL", "VT", "PR", "GA", "AR"])
def test_a_state_not_added_still_must_be_checked(state):
    rep = report(affected_by_state={state: 10, "OR": 10})
    assert status(rep, state).covered is False
    assert state_law_for(state) == ()
    assert any(w.startswith(f"{state}:") and "must be checked" in w for w in rep.warnings)
    assert all(o.states != (state,) for o in rep.obligations if o.basis == "state")


def test_playbook_shows_the_oregon_date_inline():
    inc = incident(affected_by_state={"OR": 300, "AL": 5})
    prof = parse_model(PracticeProfile, {"name": "Lakeside Family Medicine",
    "specialty": "primary_care", "states": {"OR": 3000, "AL": 50},
                                         "annual_revenue": 2_400_000})
    text = render_playbook_text(build_playbook(inc, prof, assess_obligations(inc, today=date(2027, 3, 20))))
    # Wednesday 2027-04-28 = 2027-03-14 + 45
    assert "BY Wed 28 Apr 2027: Letters to affected patients (OR)" in text
    assert "BY Wed 28 Apr 2027: Notice to the state regulator (OR)" in text
    assert "check the breach-notification law of AL" in text
