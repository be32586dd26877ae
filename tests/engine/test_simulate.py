"""The simulator: reproducible, chunk-independent, and its means match the analytic expectation."""

from __future__ import annotations

import numpy as np
import pytest

from cyberrx.app.assess import run_simulation
from cyberrx.engine.analytic import expected_annual_loss, expected_event_cost
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import LOSS_BLOCK_TRIALS, blocks, simulate, simulate_block
from cyberrx.vocab import PART_INDEX, SCENARIOS, CoveragePart, Scenario


def test_same_seed_same_answer_other_seed_other_answer(lakeside, reference):
    params = build_parameters(lakeside, reference.tables)
    a = simulate(params, 50_000, seed=11)
    b = simulate(params, 50_000, seed=11)
    c = simulate(params, 50_000, seed=12)
    assert np.array_equal(a.trial, b.trial) and np.array_equal(a.amount, b.amount)
    assert not np.array_equal(a.annual_total(), c.annual_total())


def test_answer_does_not_depend_on_chunking(lakeside, reference):
    """Blocks simulated one by one, in any order, give exactly the whole run."""
    params = build_parameters(lakeside, reference.tables)
    n = 2 * LOSS_BLOCK_TRIALS + 1234
    whole = simulate(params, n, seed=5).annual_total()
    pieces = np.zeros(n)
    for b, start, m in reversed(list(blocks(n))):
        ev = simulate_block(params, 5, b, start, m)
        pieces += np.bincount(ev.trial, weights=ev.amount.sum(axis=1), minlength=n)
    np.testing.assert_array_equal(whole, pieces)
    streamed = run_simulation(params, n, seed=5)
    np.testing.assert_allclose(streamed.total(), whole, rtol=1e-12)


def test_events_are_sorted_by_trial_and_within_range(valley, reference):
    ev = simulate(build_parameters(valley, reference.tables), 30_000, seed=2)
    assert np.all(np.diff(ev.trial) >= 0)
    assert ev.trial.min() >= 0 and ev.trial.max() < 30_000
    assert np.all(ev.amount >= 0)


@pytest.mark.parametrize("profile_name", ["lakeside", "valley", "solo", "exposed"])
def test_mean_per_scenario_matches_frequency_times_mean_severity(profile_name, request, reference):
    """Statistical test: for each scenario, the simulated annual mean equals lambda x E[event cost] within
    4.5 standard errors (SE from the simulated annual totals of that scenario), and the simulated event
    count per year equals lambda within 4.5 Poisson standard errors sqrt(lambda / n)."""
    profile = request.getfixturevalue(profile_name)
    params = build_parameters(profile, reference.tables)
    n = 300_000
    ev = simulate(params, n, seed=2026)
    analytic = params.frequency * expected_event_cost(params).sum(axis=1)
    for i, s in enumerate(SCENARIOS):
        mask = ev.scenario == i
        annual = np.bincount(ev.trial[mask], weights=ev.amount[mask].sum(axis=1), minlength=n)
        se = annual.std(ddof=1) / np.sqrt(n)
        assert abs(annual.mean() - analytic[i]) <= 4.5 * se + 1e-9, (s, annual.mean(), analytic[i], se)
        lam = params.frequency[i]
        assert abs(mask.sum() / n - lam) <= 4.5 * np.sqrt(lam / n) + 1e-12, s
    total = ev.annual_total()
    assert abs(total.mean() - expected_annual_loss(params)) <= 4.5 * total.std() / np.sqrt(n)


def test_bi_amount_is_income_times_hours_plus_extra(lakeside, reference):
    ev = simulate(build_parameters(lakeside, reference.tables), 100_000, seed=9)
    for part, col in ((CoveragePart.BUSINESS_INTERRUPTION, 0), (CoveragePart.CONTINGENT_BI, 1)):
        expect = ev.income_per_hour[:, col] * ev.downtime_hours[:, col] + ev.extra_expense[:, col]
        np.testing.assert_allclose(ev.amount[:, PART_INDEX[part]], expect)
    # only ransomware stops the practice's own systems; only a vendor outage stops a vendor's
    own = ev.downtime_hours[:, 0] > 0
    ransom = np.isin(ev.scenario, [SCENARIOS.index(Scenario.RANSOMWARE),
                                   SCENARIOS.index(Scenario.RANSOMWARE_EXFILTRATION)])
    assert np.array_equal(own, ransom)
    assert np.array_equal(ev.downtime_hours[:, 1] > 0, ev.scenario == SCENARIOS.index(Scenario.VENDOR_OUTAGE))


def test_encrypted_lost_devices_cost_no_notification(lakeside, reference):
    """Safe harbor (HHS guidance 74 FR 19006): encrypted devices are secured PHI, nothing to notify."""
    assert lakeside.controls.encryption_at_rest
    i = SCENARIOS.index(Scenario.LOST_DEVICE)
    third_party = [PART_INDEX[CoveragePart.NOTIFICATION], PART_INDEX[CoveragePart.REGULATORY],
                   PART_INDEX[CoveragePart.PRIVACY_LIABILITY], PART_INDEX[CoveragePart.PUBLIC_RELATIONS]]
    enc = build_parameters(lakeside, reference.tables)
    assert expected_event_cost(enc)[i, third_party].sum() == 0.0
    plain = build_parameters(lakeside.with_controls(lakeside.controls.model_copy(
        update={"encryption_at_rest": False})), reference.tables)
    assert expected_event_cost(plain)[i, PART_INDEX[CoveragePart.NOTIFICATION]] > 0


@pytest.mark.parametrize("ceiling", [False, True])
def test_floor_replay_consumes_exactly_the_engines_random_numbers(valley, reference, ceiling):
    """The benchmark's floor draws the same random numbers as the engine: the stream ends in the same state."""
    from cyberrx.engine.rng import stream
    from cyberrx.engine.simulate import consume_draws, simulate_block_from

    params = build_parameters(valley, reference.tables)
    cand = params.frequency * 2 if ceiling else None
    a, b = stream(42, 3), stream(42, 3)
    simulate_block_from(a, params, 0, 20_000, candidate_rates=cand)
    drawn = consume_draws(b, params, 20_000, candidate_rates=cand)
    assert a.bit_generator.state == b.bit_generator.state
    assert drawn > 20_000 * params.frequency.sum()


@pytest.mark.parametrize("name", ["lakeside", "valley"])   # mostly single-event years / mostly several
def test_accumulator_keeps_block_order_and_sparse_parts(name, request, reference):
    from cyberrx.engine.annual import Accumulator, run_blocks
    from cyberrx.engine.simulate import loss_blocks

    params = build_parameters(request.getfixturevalue(name), reference.tables)
    plan = loss_blocks(3 * 1000)  # one block
    (r,) = run_blocks(params, 3, plan)
    acc = Accumulator(3000)
    with pytest.raises(ValueError, match="in order"):
        acc.add(type(r)(5, r.size, r.occupied, r.year_loss, r.part_values, r.counts, r.sums))
    acc.add(r)
    out = acc.result()
    dense = simulate(params, 3000, seed=3).annual_by_part()
    for j in range(dense.shape[1]):
        np.testing.assert_allclose(np.sort(out.part_losses[j]), np.sort(dense[:, j][dense[:, j] > 0]))
    np.testing.assert_allclose(out.total(), dense.sum(axis=1))
