"""The policy steps OED needs (issue 16), each alone, hand-worked, on float64 and on Decimal object arrays:
``apply_deductible`` (a coverage's own deductible stacked under the policy's), ``apply_layer`` with
participation, and ``allocate_pro_rata`` (a layer's payout back to the coverages)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberrx.engine.terms import allocate_pro_rata, apply_deductible, apply_layer

D = Decimal


def dec(*xs):
    return np.array([D(str(x)) for x in xs], dtype=object)


# ---- apply_deductible ------------------------------------------------------------------------------------------
def test_each_row_keeps_what_is_above_its_deductible():
    # 100,000 less 10,000 = 90,000; 5,000 under a 10,000 deductible keeps nothing
    assert apply_deductible(np.array([100000.0, 5000.0]), 10000.0).tolist() == [90000.0, 0.0]


def test_one_deductible_per_column():
    grid = np.array([[100000.0, 100000.0, 100000.0]])
    assert apply_deductible(grid, np.array([10000.0, 25000.0, 0.0])).tolist() == [[90000.0, 75000.0, 100000.0]]


def test_a_group_uses_its_deductible_up_in_order():
    # one claim of three lines, 10,000 deductible: 4,000 absorbed, then 6,000 of 9,000, then nothing
    left = apply_deductible(np.array([4000.0, 9000.0, 3000.0, 2000.0]), 10000.0,
                            np.array([True, False, False, True]))
    assert left.tolist() == [0.0, 3000.0, 3000.0, 0.0]     # the 4th row starts a new claim: its own deductible


def test_exact_on_decimals():
    left = apply_deductible(np.array([[D("100000.00"), D("24999.99")]], dtype=object), dec(10000, 25000))
    assert left.tolist() == [[D("90000.00"), D(0)]]
    assert all(isinstance(x, Decimal) for x in left.ravel())


def test_stacked_deductibles_hand_worked():
    """Coverage deductibles 10,000 (NPBI) and 25,000 (CBI) under a 50,000 policy deductible, on 100,000 each of
    NPBI, CBI and DIAS: coverages keep 90,000 + 75,000 + 100,000 = 265,000; the policy 265,000 - 50,000 =
    215,000. One retention of 50,000 for the claim (no stacking) would keep 250,000: the 35,000 difference is
    the coverage deductibles."""
    ground_up = dec(100000, 100000, 100000).reshape(1, 3)
    coverage = apply_deductible(ground_up, dec(10000, 25000, 0))
    assert coverage.tolist() == [[D(90000), D(75000), D(100000)]]
    policy = apply_deductible(coverage.sum(axis=1), D(50000))
    assert policy.tolist() == [D(215000)]
    one_retention = apply_deductible(ground_up.sum(axis=1), D(50000))
    assert one_retention[0] - policy[0] == D(35000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=20), st.integers(0, 10**7))
def test_deductible_takes_at_most_itself_per_group_and_never_makes_a_loss_negative(cents, ded):
    x = np.array(cents, dtype=float) / 100
    starts = np.zeros(len(x), dtype=bool)
    starts[0] = True
    left = apply_deductible(x, ded / 100, starts)
    assert np.all(left >= 0) and np.all(left <= x)
    assert (x - left).sum() == pytest.approx(min(x.sum(), ded / 100), abs=1e-6)


# ---- apply_layer with participation ----------------------------------------------------------------------------
def test_layer_with_participation_hand_worked():
    """10% of the slice between 10,000 and 10,010,000: on 815,000 that is 10% of 805,000 = 80,500; on 5,000
    nothing; on 20,000,000 the whole slice, 10% of 10,000,000 = 1,000,000."""
    every = np.ones(3, dtype=bool)
    paid = apply_layer(np.array([815000.0, 5000.0, 2e7]), 10000.0, 1e7, 0.1, every)
    assert paid.tolist() == pytest.approx([80500.0, 0.0, 1e6])
    exact = apply_layer(dec(815000, 5000, 20000000), D(10000), D(10000000), D("0.1"), every)
    assert exact.tolist() == [D("80500.00"), D("0.00"), D("1000000.00")]


def test_layer_through_a_period_fills_in_order():
    # two rows in one period: 8,000 then 7,000 against a layer of 10,000 xs 10,000 at 50%: the first row is
    # below the attachment, the second brings the period to 15,000: 50% of 5,000
    paid = apply_layer(np.array([8000.0, 7000.0]), 10000.0, 10000.0, 0.5, np.array([True, False]))
    assert paid.tolist() == [0.0, 2500.0]


# ---- allocate_pro_rata -----------------------------------------------------------------------------------------
def test_pro_rata_hand_worked():
    """80,500 back to losses of 90,000, 75,000 and 7 x 100,000 (865,000): 80,500 x 90/865 = 8,375.72,
    x 75/865 = 6,979.77, x 100/865 = 9,306.36 each; the rounded shares sum to 80,500.01 (Oasis's figures)."""
    weights = dec(90000, 75000, *[100000] * 7).reshape(1, 9)
    shares = allocate_pro_rata(dec(80500), weights)
    assert shares.tolist() == [[D("8375.72"), D("6979.77")] + [D("9306.36")] * 7]
    assert shares.sum() == D("80500.01")


def test_pro_rata_in_groups_and_zero_weights():
    total = np.array([300.0, 50.0])
    shares = allocate_pro_rata(total, np.array([1.0, 2.0, 0.0, 0.0]), np.array([0, 0, 1, 1]))
    assert shares.tolist() == [100.0, 200.0, 0.0, 0.0]     # the second group has no weight: nothing allocated


def test_pro_rata_needs_groups_for_flat_weights():
    with pytest.raises(ValueError):
        allocate_pro_rata(np.array([1.0]), np.array([1.0, 2.0]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10**8), min_size=1, max_size=12), st.integers(0, 10**9))
def test_pro_rata_shares_sum_to_the_total_within_a_cent_a_line(weight_cents, total_cents):
    weights = np.array([D(w) / 100 for w in weight_cents], dtype=object).reshape(1, -1)
    total = D(total_cents) / 100
    shares = allocate_pro_rata(np.array([total], dtype=object), weights)
    assert abs(shares.sum() - total) <= D("0.005") * len(weight_cents)
    # in proportion: the larger weight never gets the smaller share
    order = np.argsort([float(w) for w in weights[0]], kind="stable")
    got = [shares[0][i] for i in order]
    assert got == sorted(got)
