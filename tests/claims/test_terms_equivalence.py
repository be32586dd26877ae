"""Simulated and adjudicated terms agree: for a simulated year, ``engine.terms.apply_policy`` (float64,
vectorised) gives what adjudicating that year's events one by one as claims (``claims.adjudicate``, Decimal) gives,
and both agree with a plain-Python reference written from the issue's text (``claims_support``).

Tolerances, stated:
- adjudication vs the reference: equal to the cent (both exact, same rounding rule);
- simulation vs adjudication, inputs where no rounding happens (``friendly``: multiples of $10, shares in 0.05):
  within 1 cent per line (float64 error is ~1e-9 here);
- simulation vs adjudication, any cents and shares such as 0.333: within 1 cent per line plus half a cent for
  each earlier line of the year, since each exact line is rounded to the cent (at most 0.005 off the float)
  and a limit eroded by earlier lines passes their rounding on.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from claims_support import claims_for_trial, random_controls, random_events, random_policy, reference_adjudicate

from cyberrx.claims import adjudicate_sequence
from cyberrx.engine.terms import apply_policy, compile_terms

SEEDS = range(12)
TRIALS = 60


def _year_figures(events, result, policy, controls, trial):
    """(float line payables, exact adjudication, reference) for one simulated year."""
    claims, where = claims_for_trial(events, trial, controls)
    if not claims:
        return [], [], [], []
    adjudicated = adjudicate_sequence(policy, claims)
    reference = reference_adjudicate(policy, claims)
    sim = [(result.covered[r, p], result.retention[r, p], result.coinsurance[r, p], result.payable[r, p])
           for r, p in where]
    exact = [(x.covered, x.retention, x.coinsurance, x.payable) for a in adjudicated for x in a.lines]
    ref = [(x.covered, x.retention, x.coinsurance, x.payable) for lines in reference for x in lines]
    return sim, exact, ref, claims


@pytest.mark.parametrize("layer", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_simulated_equals_adjudicated_without_rounding(seed, layer):
    rng = np.random.default_rng(seed)
    policy = random_policy(rng, layer=layer, friendly=True)
    controls = random_controls(rng)
    events = random_events(rng, TRIALS, friendly=True)
    result = apply_policy(events, compile_terms(policy, controls))
    lines = 0
    for trial in range(TRIALS):
        sim, exact, ref, _ = _year_figures(events, result, policy, controls, trial)
        assert exact == ref, f"trial {trial}: adjudication differs from the reference"
        for i, (s, e) in enumerate(zip(sim, exact, strict=True)):
            assert np.allclose(np.array(s, float), np.array(e, float), rtol=0, atol=0.01), (trial, i, s, e)
        lines += len(sim)
    assert lines > 50  # the years were not empty


@pytest.mark.parametrize("layer", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_simulated_equals_adjudicated_with_rounding(seed, layer):
    rng = np.random.default_rng(1000 + seed)
    policy = random_policy(rng, layer=layer)
    controls = random_controls(rng)
    events = random_events(rng, TRIALS)
    result = apply_policy(events, compile_terms(policy, controls))
    for trial in range(TRIALS):
        sim, exact, ref, _ = _year_figures(events, result, policy, controls, trial)
        assert exact == ref, f"trial {trial}: adjudication differs from the reference"
        for i, (s, e) in enumerate(zip(sim, exact, strict=True)):
            tolerance = 0.01 + 0.005 * i
            assert np.allclose(np.array(s, float), np.array(e, float), rtol=0, atol=tolerance), (trial, i, s, e)


@pytest.mark.parametrize("seed", range(4))
def test_annual_sums_are_the_lines(seed):
    """insured_by_part sums the payable lines of each year; retained is ground-up minus insured."""
    rng = np.random.default_rng(2000 + seed)
    policy = random_policy(rng, layer=bool(seed % 2))
    events = random_events(rng, 300)
    result = apply_policy(events, compile_terms(policy, random_controls(rng)))
    by_hand = np.zeros_like(result.insured_by_part)
    np.add.at(by_hand, events.trial, result.payable)
    np.testing.assert_allclose(result.insured_by_part, by_hand, atol=1e-6)
    np.testing.assert_allclose(result.retained_by_part, events.annual_by_part() - by_hand, atol=1e-6)
    assert (result.insured_annual <= float(policy.aggregate_limit) + 1e-6).all()
    assert (result.retained_annual >= -1e-6).all()


def test_years_do_not_leak_into_each_other():
    """Applying terms to one year alone gives that year's figures within the whole table (erosion resets)."""
    rng = np.random.default_rng(7)
    policy = random_policy(rng)
    controls = random_controls(rng)
    events = random_events(rng, 40, mean_events=4)
    terms = compile_terms(policy, controls)
    whole = apply_policy(events, terms)
    for trial in (0, 13, 39):
        mask = events.trial == trial
        alone = events.subset(mask)
        alone = type(alone)(1, alone.trial * 0, alone.scenario, alone.amount, alone.downtime_hours,
                            alone.income_per_hour, alone.extra_expense, alone.records)
        one = apply_policy(alone, terms)
        np.testing.assert_allclose(one.payable, whole.payable[mask], atol=1e-6)


def test_decimal_exactness_of_reference_inputs():
    """The claims built from float events carry the same amounts exactly (the comparison starts equal)."""
    rng = np.random.default_rng(3)
    events = random_events(rng, 20)
    claims, where = claims_for_trial(events, 5, random_controls(rng))
    flat = [x for c in claims for x in c.losses]
    for line, (r, p) in zip(flat, where, strict=True):
        assert abs(float(line.claimed) - events.amount[r, p]) < 1e-6
        assert isinstance(line.claimed, Decimal)
