"""Properties of adjudication over random policies and claims (hypothesis).

payable never above claimed nor covered; per part never above the sublimit, in all never above the aggregate (or
the layer's share); a denied claim pays zero; the order of claims in the history changes a claim only through
erosion (its covered, retention and coinsurance figures never; the period's total payable not at all).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberrx.claims import adjudicate, adjudicate_sequence
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import parse_policy
from cyberrx.vocab import BI_PARTS, PARTS, CoveragePart

D = Decimal
cents = st.integers(0, 60_000_000).map(lambda c: D(c) / 100)
share = st.sampled_from([D(0), D("0.1"), D("0.25"), D("0.333"), D("0.5"), D(1)])


@st.composite
def policies(draw, layer=None):
    parts = draw(st.sets(st.sampled_from(PARTS), min_size=1))
    coverages = {}
    for p in parts:
        terms = {"limit": draw(cents), "coinsurance": draw(share)}
        if draw(st.booleans()):
            terms["retention"] = draw(st.integers(0, 3_000_000).map(lambda c: D(c) / 100))
        if p in BI_PARTS:
            terms["waiting_period_hours"] = draw(st.sampled_from([0, 8, 12, 24]))
            terms["max_period_days"] = draw(st.sampled_from([1, 30, 120]))
        coverages[p.value] = terms
    conditions = [
        {"control": "mfa_remote_access", "on_breach": {"coinsurance": draw(share),
                                                       "applies_to": ["extortion", "business_interruption"]}},
        {"control": "offline_backups", "on_breach": "deny"},
    ]
    data = {"policy_number": "P-9", "insured": "X", "period": {"start": "2027-01-01", "end": "2028-01-01"},
            "aggregate_limit": draw(cents), "retention": draw(st.integers(0, 3_000_000).map(lambda c: D(c) / 100)),
            "coverages": coverages, "conditions": conditions, "exclusions": ["war", "unencrypted_device"]}
    if layer is None:
        layer = draw(st.booleans())
    if layer:
        data["layer"] = {"attachment": draw(cents), "limit": draw(cents.filter(lambda x: x > 0)),
                         "participation": draw(st.sampled_from([D(1), D("0.5"), D("0.35")]))}
    return parse_policy(data)


@st.composite
def loss_lines(draw):
    part = draw(st.sampled_from(PARTS))
    if part in BI_PARTS:
        return {"coverage": part.value, "downtime_hours": draw(st.integers(0, 4000).map(lambda q: D(q) / 4)),
                "income_loss_per_hour": draw(st.integers(0, 500_000).map(lambda c: D(c) / 100)),
                "extra_expense": draw(st.integers(0, 5_000_000).map(lambda c: D(c) / 100))}
    return {"coverage": part.value, "amount": draw(cents)}


@st.composite
def claims(draw, claim_id):
    day = date(2027, 1, 1) + timedelta(days=draw(st.integers(-30, 400)))
    return parse_claim({
        "claim_id": claim_id, "policy_number": "P-9",
        "incident": {"cause": draw(st.sampled_from(["ransomware", "lost_device", "war", "vendor_outage"])),
                     "occurred": day, "discovered": day,
                     "controls": {"mfa_remote_access": draw(st.booleans()), "offline_backups": draw(st.booleans()),
                                  "encryption_at_rest": draw(st.booleans())}},
        "losses": draw(st.lists(loss_lines(), min_size=1, max_size=6))})


@st.composite
def histories(draw):
    n = draw(st.integers(1, 5))
    return [draw(claims(f"C{i}")) for i in range(n)]


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(policies(), histories())
def test_payable_is_bounded_by_claimed_sublimit_and_aggregate(policy, sequence):
    results = adjudicate_sequence(policy, sequence)
    paid_by_part = {p: D(0) for p in PARTS}
    total = D(0)
    for result in results:
        for line in result.lines:
            assert D(0) <= line.payable <= line.covered <= line.claimed
            assert line.retention >= 0 and line.coinsurance >= 0
            assert line.covered - line.retention - line.coinsurance >= line.payable
            paid_by_part[line.coverage] += line.payable
        total += result.total_payable
        assert result.aggregate_remaining == policy.aggregate_limit - total >= 0
        assert result.retention_applied >= sum((x.retention for x in result.lines), D(0))
    assert total <= policy.aggregate_limit
    if policy.layer is None:
        for part, paid in paid_by_part.items():
            limit = policy.coverages[part].limit if policy.covers(part) else D(0)
            assert paid <= limit
    else:
        lay = policy.layer
        # each line's share is rounded half-up: at most half a cent over per line
        lines = sum(len(r.lines) for r in results)
        assert total <= lay.limit * lay.participation + D("0.005") * lines


@SETTINGS
@given(policies(), histories())
def test_a_denied_claim_pays_zero_and_erodes_nothing(policy, sequence):
    results = adjudicate_sequence(policy, sequence)
    for result in results:
        if result.status == "denied":
            assert result.denial_reasons
            assert result.total_payable == 0 and result.total_retention == 0 and result.total_covered == 0
    without_denied = [c for c, r in zip(sequence, results, strict=True) if r.status != "denied"]
    if without_denied:
        again = adjudicate_sequence(policy, without_denied)
        kept = [r for r in results if r.status != "denied"]
        assert [r.total_payable for r in again] == [r.total_payable for r in kept]


@SETTINGS
@given(policies(), histories(), st.randoms(use_true_random=False))
def test_history_order_matters_only_through_erosion(policy, sequence, rnd):
    last = sequence[-1]
    history = sequence[:-1]
    shuffled = list(history)
    rnd.shuffle(shuffled)
    a = adjudicate(policy, last, history)
    b = adjudicate(policy, last, shuffled)
    # what a claim's own terms give does not depend on the history
    for x, y in zip(a.lines, b.lines, strict=True):
        assert (x.claimed, x.covered, x.retention, x.coinsurance) == (y.claimed, y.covered, y.retention,
                                                                      y.coinsurance)
    # the period's total does not depend on the order (sublimits and the aggregate cap cumulative amounts)
    total_a = sum((r.total_payable for r in adjudicate_sequence(policy, sequence)), D(0))
    total_b = sum((r.total_payable for r in adjudicate_sequence(policy, [*shuffled, last])), D(0))
    lines = sum(len(c.losses) for c in sequence)
    slack = D("0.005") * lines if policy.layer is not None else D(0)
    assert abs(total_a - total_b) <= slack
    # with limits that never bind, the history changes nothing at all
    alone = adjudicate(policy.model_copy(update={"aggregate_limit": D(10) ** 12, "layer": None, "coverages": {
        p: t.model_copy(update={"limit": D(10) ** 12}) for p, t in policy.coverages.items()}}), last, shuffled)
    assert [x.payable for x in alone.lines] == [
        max(D(0), x.covered - x.retention - x.coinsurance) for x in alone.lines]


@SETTINGS
@given(policies(layer=False), claims("C0"))
def test_status_matches_the_lines(policy, claim):
    r = adjudicate(policy, claim)
    only_retention = all(x.payable == x.claimed - x.retention for x in r.lines)
    if r.denial_reasons:
        assert r.status == "denied"
    else:
        assert r.status == ("paid" if only_retention else "partially_paid")
        if any(not policy.covers(x.coverage) and x.claimed > 0 for x in claim.losses):
            assert r.status == "partially_paid"
    # each line's claimed figure is rounded once (a BI line's hours x rate may have fractions of a cent)
    for x, line in zip(r.lines, claim.losses, strict=True):
        assert abs(x.claimed - line.claimed) <= D("0.005")
    assert r.total_claimed == sum((x.claimed for x in r.lines), D(0))


def test_uncovered_part_pays_nothing():
    policy = parse_policy({"policy_number": "P-9", "insured": "X", "period": {"start": "2027-01-01",
                                                                           "end": "2028-01-01"},
                           "aggregate_limit": 100, "coverages": {"forensics": {"limit": 100}}})
    claim = parse_claim({"claim_id": "C", "policy_number": "P-9", "incident": {
        "cause": "ransomware", "occurred": "2027-02-01", "discovered": "2027-02-01"},
        "losses": [{"coverage": "legal", "amount": 50}, {"coverage": "forensics", "amount": 30}]})
    r = adjudicate(policy, claim)
    assert r.lines[0].payable == 0 and r.lines[0].reasons == ("not_covered: the policy does not list legal",)
    assert r.lines[1].payable == D("30.00")
    assert r.status == "partially_paid"
    assert r.lines[0].coverage is CoveragePart.LEGAL
