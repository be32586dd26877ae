"""Stacked part deductibles and pro-rata layers (issue 16) in the one arithmetic: for a simulated year,
``apply_policy`` (float64) gives what adjudicating its events one by one as claims (Decimal) gives, as for the
other terms (tests/claims/test_terms_equivalence.py). Tolerance: 1 cent per line plus half a cent for each earlier
line of the year (a pro-rata share is rounded to the cent on the exact path, and limits pass it on)."""

from __future__ import annotations

import numpy as np
import pytest
from claims_support import claims_for_trial, random_controls, random_events, random_policy

from cyberrx.claims import adjudicate_sequence
from cyberrx.domain.policy import CoverageTerms, Layer
from cyberrx.engine.terms import apply_policy, compile_terms, insured_year_totals

TRIALS = 60


def _with_oed_terms(policy, rng):
    coverages = {p: CoverageTerms.model_validate(t.model_dump() | {"deductible": int(rng.integers(0, 3_000)) * 10})
                 for p, t in policy.coverages.items()}
    assert policy.layer is not None
    layer = Layer.model_validate(policy.layer.model_dump() | {"allocation": "pro_rata"})
    return policy.model_copy(update={"coverages": coverages, "layer": layer})


@pytest.mark.parametrize("seed", range(8))
def test_simulated_equals_adjudicated_with_deductibles_and_pro_rata(seed):
    rng = np.random.default_rng(1000 + seed)
    policy = _with_oed_terms(random_policy(rng, layer=True, friendly=True), rng)
    controls = random_controls(rng)
    events = random_events(rng, TRIALS, friendly=True)
    terms = compile_terms(policy, controls)
    assert terms.deductible is not None and terms.layer is not None and terms.layer.pro_rata
    result = apply_policy(events, terms)
    lines = 0
    for trial in range(TRIALS):
        claims, where = claims_for_trial(events, trial, controls)
        if not claims:
            continue
        exact = [x.payable for a in adjudicate_sequence(policy, claims) for x in a.lines]
        sim = [result.payable[r, p] for r, p in where]
        for i, (s, e) in enumerate(zip(sim, exact, strict=True)):
            assert abs(s - float(e)) <= 0.01 + 0.005 * i + 1e-6, (trial, i, s, e)
        lines += len(sim)
    assert lines > 50
    np.testing.assert_allclose(insured_year_totals(events, terms), result.insured_annual, rtol=0, atol=1e-6)


def test_without_the_new_terms_nothing_changes():
    """No part deductible, an in-order layer: the compiled terms carry neither, so settling takes the old path."""
    rng = np.random.default_rng(7)
    policy = random_policy(rng, layer=True)
    terms = compile_terms(policy, random_controls(rng))
    assert terms.deductible is None and terms.layer is not None and not terms.layer.pro_rata
