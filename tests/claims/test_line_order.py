"""Issue 12, item 2: the retention falls on the earliest incurred line first; with no dates, the order presented.

The issue's ransomware claim CLM-001 on lakeside-primary: forensics 45,000; extortion 300,000 (coinsurance 0.5,
MFA on remote access missing); BI covered 1,200 x (96 - 8) + 5,000 = 110,600 (coinsurance 0.5); notification
21,000; one retention of 10,000.
  retention on forensics: 35,000 + 150,000 + 55,300 + 21,000 = 261,300
  retention on extortion: 45,000 + (300,000 - 10,000) x 0.5 = 145,000 + 55,300 + 21,000 = 266,300
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberrx.claims import adjudicate
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import parse_policy
from cyberrx.errors import InvalidInput
from cyberrx.vocab import BI_PARTS, PARTS

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
POLICY = parse_policy(yaml.safe_load((ROOT / "examples" / "policies" / "lakeside-primary.yaml").read_text()))
CLM = yaml.safe_load((ROOT / "examples" / "claims" / "lakeside-ransomware.yaml").read_text())


def with_lines(lines):
    return parse_claim({**CLM, "losses": lines})


def test_undated_lines_keep_the_presented_order_and_say_so():
    """Undated: presented order. Swapping forensics and extortion moves the payable 261,300 -> 266,300."""
    lines = CLM["losses"]
    r = adjudicate(POLICY, with_lines(lines))
    swapped = adjudicate(POLICY, with_lines([lines[1], lines[0], *lines[2:]]))
    assert r.total_payable == D("261300.00") and swapped.total_payable == D("266300.00")
    assert r.line_order.startswith("as presented: no line carries incurred")
    assert r.settlement_order == (0, 1, 2, 3)
    assert r.lines[0].reasons[0].endswith("taken from the lines in the order presented")


DATES = ["2027-03-14", "2027-03-15", "2027-03-14", "2027-04-10"]   # forensics, extortion, BI, notification


@pytest.mark.parametrize("perm", list(itertools.permutations(range(4))))
def test_dated_lines_pay_the_same_in_any_presented_order(perm):
    """Forensics and BI both incurred 2027-03-14 (the earliest): the tie goes to the vocabulary order, forensics
    before business_interruption, so the retention falls on forensics: 261,300 in all 24 orders, each line the
    same figures."""
    dated = [{**line, "incurred": day} for line, day in zip(CLM["losses"], DATES, strict=True)]
    r = adjudicate(POLICY, with_lines([dated[i] for i in perm]))
    assert r.total_payable == D("261300.00")
    by_part = {x.coverage.value: (x.retention, x.coinsurance, x.payable) for x in r.lines}
    assert by_part == {"forensics": (D("10000.00"), D("0.00"), D("35000.00")),
                       "extortion": (D("0.00"), D("150000.00"), D("150000.00")),
                       "business_interruption": (D("0.00"), D("55300.00"), D("55300.00")),
                       "notification": (D("0.00"), D("0.00"), D("21000.00"))}
    assert r.line_order.startswith("by date incurred")
    assert [r.lines[i].coverage.value for i in r.settlement_order] == [
        "forensics", "business_interruption", "extortion", "notification"]
    first = r.lines[[x.coverage.value for x in r.lines].index("forensics")]
    assert first.reasons[0].endswith("taken from the lines by date incurred, the earliest first")
    assert first.incurred.isoformat() == "2027-03-14"


def test_the_earliest_line_takes_the_retention_whatever_its_place():
    """The ransom paid on 2027-03-13, before anything else: the retention falls on extortion -> 266,300."""
    days = ["2027-03-14", "2027-03-13", "2027-03-14", "2027-04-10"]
    dated = [{**line, "incurred": day} for line, day in zip(CLM["losses"], days, strict=True)]
    r = adjudicate(POLICY, with_lines(dated))
    assert r.total_payable == D("266300.00")
    assert [x.retention for x in r.lines] == [D("0.00"), D("10000.00"), D("0.00"), D("0.00")]


def test_incurred_on_some_lines_only_is_refused():
    lines = [{**CLM["losses"][0], "incurred": "2027-03-14"}, *CLM["losses"][1:]]
    with pytest.raises(InvalidInput) as info:
        with_lines(lines)
    assert info.value.field == "losses[1].incurred"
    assert "on every line, or on none" in str(info.value.allowed)


def test_incurred_before_the_incident_is_refused():
    with pytest.raises(InvalidInput) as info:
        with_lines([{**line, "incurred": "2027-03-01"} for line in CLM["losses"]])
    assert info.value.field == "losses[0].incurred"


cents = st.integers(0, 30_000_000).map(lambda c: D(c) / 100)
share = st.sampled_from([D(0), D("0.25"), D("0.333"), D("0.5")])


@st.composite
def policies(draw):
    """Random policies (as in test_adjudicate_properties): parts, limits that bind, retentions, coinsurance, a
    coinsurance warranty and a deny warranty, sometimes an excess layer."""
    coverages = {}
    for p in draw(st.sets(st.sampled_from(PARTS), min_size=1)):
        terms = {"limit": draw(cents), "coinsurance": draw(share)}
        if draw(st.booleans()):
            terms["retention"] = draw(st.integers(0, 3_000_000).map(lambda c: D(c) / 100))
        if p in BI_PARTS:
            terms["waiting_period_hours"] = draw(st.sampled_from([0, 8, 12]))
            terms["waiting_period_form"] = draw(st.sampled_from(["time_deductible", "qualifying_period"]))
        coverages[p.value] = terms
    data = {"policy_number": "P-9", "insured": "X", "period": {"start": "2027-01-01", "end": "2028-01-01"},
            "aggregate_limit": draw(cents), "retention": draw(st.integers(0, 3_000_000).map(lambda c: D(c) / 100)),
            "coverages": coverages, "conditions": [
                {"control": "mfa_remote_access", "on_breach": {"coinsurance": draw(share),
                                                               "applies_to": ["extortion", "business_interruption"]}},
                {"control": "offline_backups", "on_breach": draw(st.sampled_from(["deny", "deny_caused"]))}]}
    if draw(st.booleans()):
        data["layer"] = {"attachment": draw(cents), "limit": draw(cents.filter(lambda x: x > 0)),
                         "participation": draw(st.sampled_from([D(1), D("0.35")]))}
    return parse_policy(data)


@st.composite
def loss_lines(draw):
    part = draw(st.sampled_from(PARTS))
    if part in BI_PARTS:
        return {"coverage": part.value, "downtime_hours": draw(st.integers(0, 200).map(lambda q: D(q) / 4)),
                "income_loss_per_hour": draw(st.integers(0, 500_000).map(lambda c: D(c) / 100)),
                "extra_expense": draw(st.integers(0, 5_000_000).map(lambda c: D(c) / 100))}
    return {"coverage": part.value, "amount": draw(st.sampled_from([D(0), D(5000), D(15000)]) | cents)}


@st.composite
def dated_claims(draw):
    lines = draw(st.lists(loss_lines(), min_size=1, max_size=6))
    # few distinct days, so ties on the day (and on the part) are common
    lines = [{**x, "incurred": f"2027-03-{draw(st.integers(10, 12)):02d}"} for x in lines]
    controls = {"mfa_remote_access": draw(st.booleans()), "offline_backups": draw(st.booleans())}
    return {"claim_id": "C", "policy_number": "P-9", "incident": {
        "cause": "ransomware", "occurred": "2027-03-10", "discovered": "2027-03-10", "controls": controls},
        "losses": lines}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), dated_claims(), st.randoms(use_true_random=False))
def test_permuting_dated_loss_lines_never_changes_any_payable(policy, data, rnd):
    """Every line keeps its covered, retention, coinsurance and payable figures, and the claim its totals and
    remaining limits, in any presented order (lines alike in every field are interchangeable)."""
    shuffled = list(data["losses"])
    rnd.shuffle(shuffled)
    a = adjudicate(policy, parse_claim(data))
    b = adjudicate(policy, parse_claim({**data, "losses": shuffled}))

    def figures(r, lines):
        return sorted((repr(sorted(line.items())), x.covered, x.retention, x.coinsurance, x.payable)
                      for line, x in zip(lines, r.lines, strict=True))
    assert figures(a, data["losses"]) == figures(b, shuffled)
    assert (a.total_payable, a.aggregate_remaining, a.sublimit_remaining, a.status) == \
        (b.total_payable, b.aggregate_remaining, b.sublimit_remaining, b.status)
