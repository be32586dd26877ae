"""The recommended program, worked by hand on the market options."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberrx.engine.program import (
    largest_option_at_most,
    recommend_program,
    smallest_option_at_least,
    uncovered_share,
)

LIMITS = [50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
RETENTIONS = [1_000, 2_500, 5_000, 10_000, 25_000]


def test_options_at_the_boundaries():
    assert smallest_option_at_least(250_000, LIMITS) == 250_000          # equal counts
    assert smallest_option_at_least(250_000.01, LIMITS) == 500_000
    assert smallest_option_at_least(9e9, LIMITS) == 5_000_000           # none is enough: the largest
    assert largest_option_at_most(12_000, RETENTIONS) == 10_000
    assert largest_option_at_most(500, RETENTIONS) == 1_000              # none is small enough: the smallest


def test_the_aggregate_covers_the_average_of_the_worst_years_not_just_the_p99():
    """Lakeside's shape: p99 $118,169 but the worst 1% of years average $268,295 (a ransomware year), so
    $500,000 is recommended, not the $250,000 the p99 alone would give. Revenue $2.4M x 0.5% = $12,000 ->
    the largest retention at or below it is $10,000."""
    program = recommend_program(268_295, {"forensics": 61_167, "extortion": 10_379, "legal": 0.0}, 2_400_000,
                                LIMITS, RETENTIONS, 0.005, median_when_hit_by_part={"forensics": 2_303,
                                                                                    "extortion": 63_928})
    assert program.aggregate_limit == 500_000 and program.retention == 10_000
    # forensics: its TVaR99 $61,167 -> $100,000; extortion, hit about 1 year in 1,000: its TVaR99 is only
    # $10,379 but a typical ransom paid is $63,928 -> $100,000; a part never hit -> no sublimit
    assert program.sublimits == {"forensics": 100_000, "extortion": 100_000}
    assert "TVaR99" in program.rule and "median cost when hit" in program.rule
    assert "0.5% of annual revenue" in program.rule and "tower" not in program.rule


def test_sublimits_never_exceed_the_aggregate_and_a_huge_tail_asks_for_a_tower():
    program = recommend_program(8_900_000, {"regulatory": 7_000_000, "forensics": 400_000}, 90_000_000,
                                LIMITS, RETENTIONS, 0.005)
    assert program.aggregate_limit == 5_000_000
    assert program.sublimits == {"regulatory": 5_000_000, "forensics": 500_000}
    assert "tower" in program.rule


@pytest.mark.parametrize(("loss", "limit", "retention", "share"), [
    (100_000, 10_000, 0, 0.9),          # a $10K endorsement pays a tenth
    (100_000, 1_000_000, 10_000, 0.1),  # only the retention is kept
    (5_000, 1_000_000, 10_000, 1.0),    # below the retention: all kept
    (0, 1_000_000, 10_000, 0.0),
])
def test_uncovered_share_by_hand(loss, limit, retention, share):
    assert uncovered_share(loss, limit, retention) == pytest.approx(share)


money = st.floats(min_value=0, max_value=2e7, allow_nan=False)


@given(tail=money, more=money, parts=st.dictionaries(st.sampled_from(["forensics", "legal", "extortion"]),
                                                      st.tuples(money, money), max_size=3),
       revenue=st.floats(min_value=1e4, max_value=5e8))
def test_program_invariants(tail, more, parts, revenue):
    """A worse tail never lowers the limit; every sublimit is a market option no larger than the aggregate and
    at least the part's basis (unless capped); the retention is a market option."""
    tvar = {k: v[0] for k, v in parts.items()}
    median = {k: v[1] for k, v in parts.items()}
    a = recommend_program(tail, tvar, revenue, LIMITS, RETENTIONS, 0.005, median_when_hit_by_part=median)
    b = recommend_program(tail + more, tvar, revenue, LIMITS, RETENTIONS, 0.005, median_when_hit_by_part=median)
    assert b.aggregate_limit >= a.aggregate_limit
    assert a.aggregate_limit in LIMITS and a.retention in RETENTIONS
    assert a.aggregate_limit >= min(tail, max(LIMITS))
    for part, sub in a.sublimits.items():
        basis = max(tvar[part], median[part])
        assert sub in LIMITS and sub <= a.aggregate_limit
        assert sub >= min(basis, a.aggregate_limit, max(LIMITS))
    assert set(a.sublimits) == {p for p in parts if max(tvar[p], median[p]) > 0}
