"""Issue 12, items 3 and 4: the qualifying-period form of the BI waiting period, and the causation form of a
breached warranty, hand-worked on lakeside-primary (retention 10,000; BI waiting 8 h, 120 days of restoration,
limit 500,000; extortion coinsurance 0; offline_backups warranted with on_breach: deny).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml

from cyberrx.claims import adjudicate, adjudicate_files
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import parse_policy
from cyberrx.engine.events import EventTable
from cyberrx.engine.terms import apply_policy, compile_terms
from cyberrx.errors import InvalidInput
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart, Scenario

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
BASE = yaml.safe_load((ROOT / "examples" / "policies" / "lakeside-primary.yaml").read_text())


def policy(bi_form=None, backups="deny"):
    coverages = dict(BASE["coverages"])
    if bi_form is not None:
        coverages["business_interruption"] = {**coverages["business_interruption"], "waiting_period_form": bi_form}
    conditions = [c if c["control"] != "offline_backups" else {**c, "on_breach": backups} for c in BASE["conditions"]]
    return parse_policy({**BASE, "coverages": coverages, "conditions": conditions})


def claim(losses, cause="ransomware", controls=None):
    return parse_claim({"claim_id": "CLM-B", "policy_number": "CRX-2027-0001", "incident": {
        "cause": cause, "occurred": "2027-05-02", "discovered": "2027-05-02", "controls": controls or {}},
        "losses": losses})


def bi(hours, rate=1200, extra=5000):
    return {"coverage": "business_interruption", "downtime_hours": hours, "income_loss_per_hour": rate,
            "extra_expense": extra}


# ---- business interruption: time deductible vs qualifying period ------------------------------------------
@pytest.mark.parametrize(("form", "covered", "payable"), [
    # 1,200 x (96 - 8) + 5,000 = 110,600; less the 10,000 retention = 100,600
    (None, D("110600.00"), D("100600.00")),
    ("time_deductible", D("110600.00"), D("100600.00")),
    # 96 h passed the 8 h qualifying period: from hour zero, 1,200 x 96 + 5,000 = 120,200; less 10,000 = 110,200
    ("qualifying_period", D("120200.00"), D("110200.00")),
])
def test_a_96_hour_outage_under_each_form(form, covered, payable):
    r = adjudicate(policy(form), claim([bi(96)]))
    assert (r.lines[0].claimed, r.lines[0].covered, r.lines[0].payable) == (D("120200.00"), covered, payable)


def test_an_outage_that_does_not_pass_the_qualifying_period_pays_nothing_of_bi():
    """6 h down at 1,200/h plus 2,000 extra expense, then forensics 30,000 (presented in that order).
    Time deductible: BI covered 1,200 x max(0, 6 - 8) + 2,000 = 2,000; the retention takes that 2,000 and 8,000 of
    forensics -> 0 + 22,000. Qualifying period: 6 h does not pass 8 h -> BI covered 0 (nor extra expense); the
    whole retention falls on forensics -> 0 + 20,000. Exactly 8 h does not pass either."""
    lines = [bi(6, extra=2000), {"coverage": "forensics", "amount": 30000}]
    deductible = adjudicate(policy(), claim(lines))
    qualifying = adjudicate(policy("qualifying_period"), claim(lines))
    assert [x.payable for x in deductible.lines] == [D("0.00"), D("22000.00")]
    assert [x.retention for x in deductible.lines] == [D("2000.00"), D("8000.00")]
    assert [x.covered for x in qualifying.lines] == [D("0.00"), D("30000.00")]
    assert [x.payable for x in qualifying.lines] == [D("0.00"), D("20000.00")]
    assert qualifying.lines[0].reasons[0] == ("waiting_period: qualifying period: the outage of 6 h did not pass the "
                                              "8 h qualifying period, so nothing is covered (income nor extra "
                                              "expense)")
    assert adjudicate(policy("qualifying_period"), claim([bi(8, extra=2000)])).lines[0].covered == D("0.00")


def test_just_past_the_qualifying_period_counts_from_hour_zero():
    """9 h: qualifying 1,200 x 9 + 2,000 = 12,800 (less 10,000 = 2,800); deductible 1,200 x 1 + 2,000 = 3,200
    (less 10,000: 0)."""
    q = adjudicate(policy("qualifying_period"), claim([bi(9, extra=2000)]))
    t = adjudicate(policy(), claim([bi(9, extra=2000)]))
    assert (q.lines[0].covered, q.lines[0].payable) == (D("12800.00"), D("2800.00"))
    assert (t.lines[0].covered, t.lines[0].payable) == (D("3200.00"), D("0.00"))
    assert "counts from hour zero: 1,200.00/h x 9 h + 2,000.00 extra expense = 12,800.00" in q.lines[0].reasons[0]


def test_qualifying_period_caps_at_the_period_of_restoration():
    """3,000 h at 100/h: counted 120 days x 24 = 2,880 h from hour zero: 288,000 + 5,000 = 293,000."""
    r = adjudicate(policy("qualifying_period"), claim([bi(3000, rate=100)]))
    assert r.lines[0].covered == D("293000.00")


def test_the_form_is_only_on_bi_parts_and_only_the_two_forms():
    bad = {**BASE, "coverages": {**BASE["coverages"], "forensics": {"limit": 1, "waiting_period_form":
                                                                      "qualifying_period"}}}
    with pytest.raises(InvalidInput) as info:
        parse_policy(bad)
    assert info.value.field == "coverages.forensics.waiting_period_form"
    with pytest.raises(InvalidInput) as info:
        policy("hours_zero")
    assert info.value.field == "coverages.business_interruption.waiting_period_form"
    assert info.value.allowed == "time_deductible, qualifying_period"


# ---- warranties: deny (void) vs deny_caused (causation) ---------------------------------------------------
RANSOM_LINES = [{"coverage": "forensics", "amount": 30000}, {"coverage": "extortion", "amount": 100000},
                bi(48, rate=1000, extra=2000), {"coverage": "notification", "amount": 8000}]
NO_BACKUPS = {"offline_backups": False}


def test_deny_voids_the_whole_claim_and_warns_what_it_spares_under_causation():
    """on_breach: deny, offline backups missing: nothing paid on 30,000 + 100,000 + (1,000 x 48 + 2,000 =
    50,000) + 8,000 = 188,000. The warning names the parts missing backups could not have caused."""
    r = adjudicate(policy(), claim(RANSOM_LINES, controls=NO_BACKUPS))
    assert r.status == "denied" and r.total_payable == 0 and r.total_claimed == D("188000.00")
    assert r.warnings == (
        "whole_claim_denied: nothing is paid on the 188,000.00 claimed (condition_breached)",
        "whole_claim_denied: offline_backups is warranted with on_breach: deny, which voids every part, including "
        "those its absence could not have caused in a ransomware incident (forensics 30,000.00, notification "
        "8,000.00); under the causation form (deny_caused) those would not be denied: check the wording")


def test_deny_caused_denies_only_what_missing_backups_could_have_caused():
    """on_breach: deny_caused: extortion and business_interruption are denied (CAUSATION: backups change the ransom
    and the downtime), forensics and notification are paid. The retention 10,000 falls on forensics:
    20,000 + 0 + 0 + 8,000 = 28,000, partially paid, no warning."""
    r = adjudicate(policy(backups="deny_caused"), claim(RANSOM_LINES, controls=NO_BACKUPS))
    assert [x.payable for x in r.lines] == [D("20000.00"), D("0.00"), D("0.00"), D("8000.00")]
    assert r.total_payable == D("28000.00") and r.status == "partially_paid" and not r.warnings
    assert r.lines[1].reasons[0] == (
        "causation: offline_backups was not in place at the incident and the policy denies what its absence could "
        "have caused (on breach: deny_caused): in a ransomware incident, data_restoration, business_interruption, "
        "extortion")
    assert r.lines[1].covered == 0 and r.lines[1].retention == 0


def test_deny_caused_denies_nothing_in_an_incident_backups_do_not_touch():
    """A business email compromise with backups missing: causation denies nothing; forensics 30,000 - 10,000 =
    20,000 and notification 8,000. Under on_breach: deny the same claim is void."""
    lines = [RANSOM_LINES[0], RANSOM_LINES[3]]
    r = adjudicate(policy(backups="deny_caused"), claim(lines, "business_email_compromise", NO_BACKUPS))
    assert r.total_payable == D("28000.00") and r.status == "paid"
    assert adjudicate(policy(), claim(lines, "business_email_compromise", NO_BACKUPS)).status == "denied"


def test_deny_caused_denying_every_line_denies_the_claim_with_a_warning():
    """Only extortion 100,000 claimed, backups missing, causation: the one line is denied -> the claim is denied."""
    r = adjudicate(policy(backups="deny_caused"), claim([RANSOM_LINES[1]], controls=NO_BACKUPS))
    assert r.status == "denied" and r.denial_reasons[0].startswith("causation: offline_backups")
    assert r.warnings == ("whole_claim_denied: nothing is paid on the 100,000.00 claimed (causation)",)


def test_the_denied_backups_example_now_warns():
    r = adjudicate_files(ROOT / "examples" / "policies" / "lakeside-primary.yaml",
                         ROOT / "examples" / "claims" / "lakeside-denied-backups.yaml")
    assert r.status == "denied" and r.total_payable == 0
    assert "(forensics 30,000.00)" in r.warnings[1]


def test_unknown_consequence_is_refused():
    with pytest.raises(InvalidInput) as info:
        policy(backups="deny_maybe")
    assert info.value.allowed == "deny, deny_caused, or {coinsurance: 0.5, applies_to: [parts]}"


# ---- the same arithmetic on simulated events ----------------------------------------------------------------
def _events():
    """Two simulated events in one year: a ransomware (forensics 30,000, extortion 100,000, BI 6 h x 1,200 +
    2,000) and a business email compromise (forensics 30,000, BI 0)."""
    amount = np.zeros((2, len(PARTS)))
    amount[0, PART_INDEX[CoveragePart.FORENSICS]] = 30000
    amount[0, PART_INDEX[CoveragePart.EXTORTION]] = 100000
    amount[0, PART_INDEX[CoveragePart.BUSINESS_INTERRUPTION]] = 6 * 1200 + 2000
    amount[1, PART_INDEX[CoveragePart.FORENSICS]] = 30000
    scenario = np.array([SCENARIOS.index(Scenario.RANSOMWARE), SCENARIOS.index(Scenario.BUSINESS_EMAIL_COMPROMISE)],
                        dtype=np.int16)
    downtime = np.array([[6.0, 0.0], [0.0, 0.0]])
    income = np.array([[1200.0, 0.0], [0.0, 0.0]])
    extra = np.array([[2000.0, 0.0], [0.0, 0.0]])
    return EventTable(1, np.zeros(2, dtype=np.int64), scenario, amount, downtime, income, extra, np.zeros(2))


def test_simulated_events_take_the_causation_form_and_the_qualifying_period():
    """Nothing breached: the ransomware pays forensics 30,000 - 10,000 (the retention falls on forensics, first in
    PARTS order) = 20,000, extortion 100,000, and BI 1,200 x max(0, 6 - 8) + 2,000 = 2,000 under the time deductible
    or 0 under the qualifying period (6 h < 8 h); the BEC pays 20,000: 142,000 or 140,000 in the year.
    Backups missing, causation: the ransomware's extortion and BI are denied: 20,000 + 20,000 = 40,000 under either
    form. Backups missing, deny: every event is denied: 0."""
    def year(bi_form, backups, controls):
        return apply_policy(_events(), compile_terms(policy(bi_form, backups), controls)).insured_annual.tolist()
    assert year(None, "deny", {}) == [142000.0]
    assert year("qualifying_period", "deny", {}) == [140000.0]
    for form in (None, "qualifying_period"):
        assert year(form, "deny_caused", {"offline_backups": False}) == [40000.0]
    assert year(None, "deny", {"offline_backups": False}) == [0.0]
    terms = compile_terms(policy(None, "deny_caused"), {"offline_backups": False})
    assert terms.caused_denial is not None and not terms.denied
    ransom = SCENARIOS.index(Scenario.RANSOMWARE)
    assert [p.value for p, hit in zip(PARTS, terms.caused_denial[ransom], strict=True) if hit] == [
        "data_restoration", "business_interruption", "extortion"]
    assert compile_terms(policy(), {}).qualifying is None and compile_terms(policy(), {}).caused_denial is None
