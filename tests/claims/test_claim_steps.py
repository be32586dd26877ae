"""The adjudication as a step table (claims/steps.py): each row and the total add up to the cent, each step has
its reason and its policy clause. Figures hand-worked in tests/claims/test_adjudicate_examples.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberrx.claims import adjudicate
from cyberrx.claims.steps import step_table
from cyberrx.domain.claim import load_claim, parse_claim
from cyberrx.domain.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "examples" / "policies" / "lakeside-primary.yaml"
CLAIMS = ROOT / "examples" / "claims"
D = Decimal


def _cols(r):
    return (r.claimed, r.denied, r.waiting_period, r.after_waiting, r.retention, r.coinsurance, r.sublimit,
            r.aggregate, r.payable)


def test_the_ransomware_claim_step_by_step():
    """CLM-001 on CRX-2027-0001: forensics 45,000 - retention 10,000 = 35,000; extortion 300,000 - coinsurance
    150,000 = 150,000; BI 120,200 - waiting 8 h x 1,200 = 9,600 -> 110,600 - coinsurance 55,300 = 55,300;
    notification 21,000. Total 486,200 - 9,600 - 10,000 - 205,300 = 261,300."""
    policy, claim = load_policy(POLICY), load_claim(CLAIMS / "lakeside-ransomware.yaml")
    table = step_table(policy, claim, adjudicate(policy, claim))
    z = D("0.00")
    assert [_cols(r) for r in table.rows] == [
        (D("45000.00"), z, z, D("45000.00"), D("10000.00"), z, z, z, D("35000.00")),
        (D("300000.00"), z, z, D("300000.00"), z, D("150000.00"), z, z, D("150000.00")),
        (D("120200.00"), z, D("9600.00"), D("110600.00"), z, D("55300.00"), z, z, D("55300.00")),
        (D("21000.00"), z, z, D("21000.00"), z, z, z, z, D("21000.00")),
    ]
    t = table.total
    assert _cols(t) == (D("486200.00"), z, D("9600.00"), D("476600.00"), D("10000.00"), D("205300.00"), z, z,
                        D("261300.00"))
    assert t.claimed - t.deductions == t.payable == D("261300.00")
    assert table.balances and not table.has_layer
    bi = table.rows[2]
    assert [s.code for s in bi.steps] == ["waiting_period", "coinsurance"]
    assert bi.steps[0].clause == ("Coverage business_interruption: waiting period 8 h (deductible), period of "
                                  "restoration 120 days")
    assert bi.steps[1].clause == "Condition mfa_remote_access: on breach, coinsurance 50% on business_interruption"
    assert bi.steps[1].reason.startswith("coinsurance: the practice keeps 50% of 110,600.00")
    assert table.rows[0].steps[0].clause.startswith("Retention: policy retention $10,000.00")


def test_a_denied_claim_takes_every_line_off_with_the_condition_as_its_clause():
    policy = load_policy(POLICY)
    claim = load_claim(CLAIMS / "lakeside-denied-backups.yaml")
    table = step_table(policy, claim, adjudicate(policy, claim))
    assert table.total.payable == 0 and table.total.denied == table.total.claimed > 0
    assert table.balances
    assert all(s.code == "denied" and s.clause == "Conditions (on breach: deny): offline_backups"
               for r in table.rows for s in r.steps)


def test_the_sublimit_and_the_aggregate_are_columns_of_their_own():
    """Extortion 400,000 on a 250,000 sublimit after a 10,000 retention: 390,000 - 140,000 sublimit = 250,000;
    then forensics 900,000 with 750,000 of the 1,000,000 aggregate left: 150,000 above it."""
    policy = load_policy(POLICY)
    claim = parse_claim({"claim_id": "C-1", "policy_number": policy.policy_number,
                         "incident": {"cause": "ransomware", "occurred": "2027-03-01", "discovered": "2027-03-02"},
                         "losses": [{"coverage": "extortion", "amount": 400000},
                                    {"coverage": "forensics", "amount": 900000}]})
    table = step_table(policy, claim, adjudicate(policy, claim))
    ext, forensics = table.rows
    assert (ext.retention, ext.sublimit, ext.payable) == (D("10000.00"), D("140000.00"), D("250000.00"))
    assert (forensics.aggregate, forensics.payable) == (D("150000.00"), D("750000.00"))
    assert [s.code for s in ext.steps] == ["retention", "sublimit"]
    assert ext.steps[1].clause == "Coverage extortion: limit $250,000.00 per period"
    assert forensics.steps[0].clause == "Aggregate limit: $1,000,000.00 per period"
    assert table.total.payable == D("1000000.00") and table.balances


AMOUNT = st.integers(min_value=0, max_value=200_000_000).map(lambda c: D(c) / 100)
LINE = st.one_of(
    st.builds(lambda part, amount: {"coverage": part, "amount": str(amount)},
              st.sampled_from(["forensics", "legal", "notification", "extortion", "social_engineering",
                               "regulatory", "privacy_liability", "betterment"]), AMOUNT),
    st.builds(lambda part, hours, rate: {"coverage": part, "downtime_hours": hours, "income_loss_per_hour":
                                         str(rate)},
              st.sampled_from(["business_interruption", "contingent_bi"]), st.integers(0, 4000),
              st.integers(0, 500_000).map(lambda c: D(c) / 100)),
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=6), mfa=st.booleans(), backups=st.booleans())
def test_every_row_and_the_total_add_up_to_the_cent(lines, mfa, backups):
    policy = load_policy(POLICY)
    claim = parse_claim({"claim_id": "C-P", "policy_number": policy.policy_number,
                         "incident": {"cause": "ransomware", "occurred": "2027-03-01", "discovered": "2027-03-02",
                                      "controls": {"mfa_remote_access": mfa, "offline_backups": backups}},
                         "losses": lines})
    result = adjudicate(policy, claim)
    table = step_table(policy, claim, result)
    assert table.balances
    assert table.total.payable == result.total_payable
    for row, line in zip(table.rows, result.lines, strict=True):
        assert row.claimed - row.deductions == row.payable == line.payable
        assert min(row.denied, row.waiting_period, row.retention, row.coinsurance, row.sublimit, row.layer,
                   row.aggregate) >= 0
