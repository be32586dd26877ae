"""Issue 12: triggers as real cyber forms write them, hand-worked to the cent and the day.

Policy: examples/policies/lakeside-primary.yaml (period 2027-01-01 to, not including, 2028-01-01; retention
10,000 on every part used here; no retroactive date written, so the period start; no extended reporting),
with the changes each test names.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cyberrx.claims import adjudicate
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import Trigger, parse_policy
from cyberrx.errors import InvalidInput
from cyberrx.vocab import CoveragePart

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
BASE = yaml.safe_load((ROOT / "examples" / "policies" / "lakeside-primary.yaml").read_text())


def policy(**changes):
    return parse_policy({**BASE, **changes})


def claim(incident, losses, claim_id="CLM-T"):
    return parse_claim({"claim_id": claim_id, "policy_number": "CRX-2027-0001",
                        "incident": {"cause": "network_intrusion", **incident}, "losses": losses})


def payables(r):
    return [x.payable for x in r.lines]


def test_defaults_first_party_discovery_third_party_claims_made_retro_at_period_start():
    p = policy()
    assert p.trigger_for(CoveragePart.FORENSICS) is Trigger.DISCOVERY
    assert p.trigger_for(CoveragePart.BUSINESS_INTERRUPTION) is Trigger.DISCOVERY
    assert p.trigger_for(CoveragePart.REGULATORY) is Trigger.CLAIMS_MADE
    assert p.trigger_for(CoveragePart.PRIVACY_LIABILITY) is Trigger.CLAIMS_MADE
    assert p.retroactive.isoformat() == "2027-01-01" and p.extended_reporting_days == 0
    assert p.reporting_ends.isoformat() == "2028-01-01"


INTRUSION_2026 = {"occurred": "2026-11-20", "discovered": "2027-01-10"}
LINES_2026 = [{"coverage": "forensics", "amount": 40000}, {"coverage": "legal", "amount": 15000}]


def test_occurred_before_the_period_after_the_retro_date_discovered_in_it_is_paid():
    """The issue's intrusion: occurred 2026-11-20, discovered 2027-01-10; retroactive date 2026-01-01.

    Retro: 2026-11-20 >= 2026-01-01. Discovery: 2027-01-10 is in 2027-01-01..2028-01-01; reported (default: the
    discovery date) 2027-01-10 < 2028-01-01. Retention 10,000 on the first line: forensics 40,000 - 10,000 =
    30,000; legal 15,000. Total 45,000; only the retention reduced it: paid.
    """
    r = adjudicate(policy(retroactive_date="2026-01-01"), claim(INTRUSION_2026, LINES_2026))
    assert r.status == "paid"
    assert payables(r) == [D("30000.00"), D("15000.00")]
    assert r.total_payable == D("45000.00")
    assert r.lines[0].trigger == ("trigger: discovery: first discovered 2027-01-10, inside the period 2027-01-01 "
                                  "to (not including) 2028-01-01; reported 2027-01-10, before the period ended "
                                  "(2028-01-01; no extended reporting period)")
    assert r.triggers[0].startswith("discovery (forensics, legal; the default for first-party parts): the incident "
                                    "first discovered during the period")
    assert r.triggers[-1].startswith("retroactive date 2026-01-01 (as written)")


def test_occurred_before_the_retro_date_is_denied_with_the_reason():
    """Same claim, no retroactive date written (the period start 2027-01-01): 2026-11-20 is before it -> the whole
    claim is denied (the issue's 'denied today' case stays denied, now for the right reason); and with a written
    retro date of 2026-12-01 as well."""
    r = adjudicate(policy(), claim(INTRUSION_2026, LINES_2026))
    assert r.status == "denied" and r.total_payable == 0 and r.aggregate_remaining == D("1000000.00")
    assert r.denial_reasons == ("before_retroactive_date: the incident occurred 2026-11-20, before the retroactive "
                                "date 2027-01-01 (none is written: the period start); nothing that happened before "
                                "it is covered",)
    assert r.warnings[0] == ("whole_claim_denied: nothing is paid on the 55,000.00 claimed "
                             "(before_retroactive_date)")
    r = adjudicate(policy(retroactive_date="2026-12-01"), claim(INTRUSION_2026, LINES_2026))
    assert r.status == "denied" and "before the retroactive date 2026-12-01;" in r.denial_reasons[0]


def test_discovered_after_expiry_is_denied_lawsuit_18_months_later_too():
    """Occurred 2027-12-20, discovered 2028-01-05 (after the period ended 2028-01-01); a class action made
    2029-07-01. Forensics: discovery not met. Privacy liability: claims-made, 2029-07-01 not before 2028-01-01.
    Every line denied -> the claim is denied (it used to be paid in full: 20,000 - 10,000 + 500,000)."""
    c = claim({"occurred": "2027-12-20", "discovered": "2028-01-05"},
              [{"coverage": "forensics", "amount": 20000},
               {"coverage": "privacy_liability", "amount": 500000, "claim_made": "2029-07-01"}])
    r = adjudicate(policy(), c)
    assert r.status == "denied" and r.total_payable == 0
    assert r.denial_reasons == (
        "not_triggered: discovery: first discovered 2028-01-05, outside the period 2027-01-01 to (not including) "
        "2028-01-01",
        "not_triggered: claims_made: the claim was first made 2029-07-01, not before the period ended (2028-01-01; "
        "no extended reporting period)")
    assert r.lines[1].reasons == (r.denial_reasons[1],)
    assert r.warnings == ("whole_claim_denied: nothing is paid on the 520,000.00 claimed (not_triggered)",)


ERP = {"extended_reporting_days": 90}     # 2028-01-01 + 90 days = 2028-03-31 (2028 is a leap year)
LATE_SUIT = {"occurred": "2027-11-10", "discovered": "2027-11-12"}


def test_liability_claim_made_inside_the_extended_reporting_period_is_paid():
    """90 extended reporting days: the window closes 2028-03-31. A suit made 2028-02-15, reported 2028-02-20, for
    an incident of 2027-11-10. Retention 10,000 (both parts' default) on the first line: forensics 12,000 - 10,000
    = 2,000; privacy 250,000. Total 252,000, paid. Without the extended reporting period the suit is denied and
    the claim pays 2,000."""
    c = claim(LATE_SUIT, [{"coverage": "forensics", "amount": 12000},
                          {"coverage": "privacy_liability", "amount": 250000, "claim_made": "2028-02-15",
                           "reported": "2028-02-20"}])
    r = adjudicate(policy(**ERP), c)
    assert r.status == "paid"
    assert payables(r) == [D("2000.00"), D("250000.00")] and r.total_payable == D("252000.00")
    assert r.lines[1].trigger == (
        "trigger: claims_made: the claim was first made 2028-02-15, inside the extended reporting period "
        "(2028-01-01 to (not including) 2028-03-31) for an incident that occurred 2027-11-10, before the period "
        "ended; reported 2028-02-20, before the reporting window closed (2028-03-31: the period end plus 90 days "
        "of extended reporting)")
    assert policy(**ERP).reporting_ends.isoformat() == "2028-03-31"
    r = adjudicate(policy(), c)
    assert r.status == "partially_paid" and payables(r) == [D("2000.00"), D("0.00")]
    assert r.lines[1].reasons[0].startswith("not_triggered: claims_made: the claim was first made 2028-02-15")


@pytest.mark.parametrize(("reported", "paid"), [("2028-03-30", D("250000.00")), ("2028-03-31", D("0.00")),
                                                ("2028-04-02", D("0.00"))])
def test_a_reported_date_after_the_reporting_window_is_denied(reported, paid):
    """The suit made 2028-02-15 under 90 extended days; reported on the last day of the window (2028-03-30) it is
    paid; on 2028-03-31 (the window is closed) or later it is denied. Forensics pays 2,000 either way."""
    c = claim(LATE_SUIT, [{"coverage": "forensics", "amount": 12000},
                          {"coverage": "privacy_liability", "amount": 250000, "claim_made": "2028-02-15",
                           "reported": reported}])
    r = adjudicate(policy(**ERP), c)
    assert payables(r) == [D("2000.00"), paid]
    if not paid:
        assert r.status == "partially_paid"
        assert r.lines[1].reasons == (f"not_triggered: claims_made: reported {reported}, not before the reporting "
                                      "window closed (2028-03-31: the period end plus 90 days of extended "
                                      "reporting)",)


def test_a_first_party_incident_reported_after_the_period_is_denied():
    """Discovered 2027-12-28, reported 2028-01-03 with no extended reporting: denied (discovery asks for the report
    before the period ends). With 90 extended days it is paid: forensics 30,000 - 10,000 = 20,000."""
    c = claim({"occurred": "2027-12-27", "discovered": "2027-12-28", "reported": "2028-01-03"},
              [{"coverage": "forensics", "amount": 30000}])
    r = adjudicate(policy(), c)
    assert r.status == "denied"
    assert r.denial_reasons == ("not_triggered: discovery: reported 2028-01-03, not before the period ended "
                                "(2028-01-01; no extended reporting period)",)
    assert adjudicate(policy(**ERP), c).total_payable == D("20000.00")


def test_a_part_written_discovery_follows_the_discovery_date():
    """Regulatory written with trigger: discovery: an OCR inquiry opened 2028-02-01 for an incident discovered
    2027-06-02 is paid (450,000 - 10,000 = 440,000); under the default claims-made trigger it is denied."""
    coverages = {**BASE["coverages"], "regulatory": {"limit": 500000, "trigger": "discovery"}}
    c = claim({"occurred": "2027-06-01", "discovered": "2027-06-02"},
              [{"coverage": "regulatory", "amount": 450000, "claim_made": "2028-02-01"}])
    r = adjudicate(policy(coverages=coverages), c)
    assert r.total_payable == D("440000.00")
    assert "as the policy writes it" in r.triggers[0]
    assert adjudicate(policy(), c).status == "denied"


def test_existing_examples_keep_their_payables_and_explain_their_trigger():
    from cyberrx.claims import adjudicate_files
    r = adjudicate_files(ROOT / "examples" / "policies" / "lakeside-primary.yaml",
                         ROOT / "examples" / "claims" / "lakeside-ransomware.yaml")
    assert r.total_payable == D("261300.00")
    assert all(x.trigger.startswith("trigger: discovery: first discovered 2027-03-14") for x in r.lines)
    assert r.to_dict()["lines"][0]["trigger"].startswith("trigger: discovery")


# ---- bad input -------------------------------------------------------------------------------------------
def _refused(fn, *args, **kwargs):
    with pytest.raises(InvalidInput) as info:
        fn(*args, **kwargs)
    return info.value


def test_reported_before_discovery_is_refused_naming_the_field():
    e = _refused(claim, {"occurred": "2027-03-01", "discovered": "2027-03-05", "reported": "2027-03-04"},
                 [{"coverage": "forensics", "amount": 1}])
    assert e.field == "incident.reported" and "on or after discovered (2027-03-05)" in str(e.allowed)


def test_claim_made_before_occurred_is_refused_naming_the_field():
    e = _refused(claim, {"occurred": "2027-03-01", "discovered": "2027-03-05"},
                 [{"coverage": "forensics", "amount": 1},
                  {"coverage": "privacy_liability", "amount": 1, "claim_made": "2027-02-27"}])
    assert e.field == "losses[1].claim_made" and "on or after occurred (2027-03-01)" in str(e.allowed)


def test_claim_made_on_a_first_party_line_is_refused():
    e = _refused(claim, {"occurred": "2027-03-01", "discovered": "2027-03-05"},
                 [{"coverage": "forensics", "amount": 1, "claim_made": "2027-03-06"}])
    assert e.field.startswith("losses[0]") and "regulatory" in str(e.allowed)


def test_unknown_trigger_is_refused_naming_the_field_and_what_is_allowed():
    coverages = {**BASE["coverages"], "regulatory": {"limit": 500000, "trigger": "occurrence"}}
    e = _refused(policy, coverages=coverages)
    assert e.field == "coverages.regulatory.trigger" and e.allowed == "discovery, claims_made"


def test_claims_made_on_a_first_party_part_is_refused():
    coverages = {**BASE["coverages"], "forensics": {"limit": 1000000, "trigger": "claims_made"}}
    e = _refused(policy, coverages=coverages)
    assert e.field == "coverages.forensics.trigger" and e.allowed == "discovery"


def test_retro_date_after_the_period_and_negative_reporting_days_are_refused():
    assert _refused(policy, retroactive_date="2028-01-01").field == "retroactive_date"
    assert _refused(policy, extended_reporting_days=-1).field == "extended_reporting_days"
