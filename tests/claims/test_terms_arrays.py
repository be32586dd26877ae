"""Each step of engine.terms alone, on float64 and on Decimal arrays, and compile_terms' resolutions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from cyberrx.domain.policy import load_policy
from cyberrx.engine.events import EventTable
from cyberrx.engine.terms import (
    apply_aggregate,
    apply_coinsurance,
    apply_layer,
    apply_policy,
    apply_retention,
    apply_sublimit,
    apply_waiting_period,
    claim_retention,
    compile_terms,
    cumulative_within,
    to_cents,
)
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, Control, CoveragePart, Scenario

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
LAKESIDE = load_policy(ROOT / "examples" / "policies" / "lakeside-primary.yaml")
EXCESS = load_policy(ROOT / "examples" / "policies" / "valley-excess-5x5.yaml")
ALL_IN_PLACE = {c.value: True for c in Control}


def dec(values):
    return np.array([D(str(v)) for v in values], dtype=object)


def test_cumulative_within_restarts_at_each_group():
    through, before = cumulative_within(np.array([1.0, 2.0, 3.0, 4.0, 5.0]),
                                        np.array([True, False, True, False, False]))
    assert through.tolist() == [1, 3, 3, 7, 12]
    assert before.tolist() == [0, 1, 0, 3, 7]
    with pytest.raises(ValueError):
        cumulative_within(np.array([1.0]), np.array([False]))


def test_waiting_period_caps_downtime_then_takes_the_wait_off():
    # 96 h at 1,200/h after 8 h wait + 5,000 = 110,600; 4 h < 8 h wait leaves the extra expense only;
    # 5,000 h capped at 120 d x 24 = 2,880 h: 1,200 x (2,880 - 8) + 0 = 3,446,400
    hours = np.array([96.0, 4.0, 5000.0])
    out = apply_waiting_period(hours, np.full(3, 1200.0), np.array([5000.0, 700.0, 0.0]), 8.0, 2880.0)
    assert out.tolist() == [110600.0, 700.0, 3446400.0]
    exact = apply_waiting_period(dec([96, 4, 5000]), dec([1200] * 3), dec([5000, 700, 0]), D(8), D(2880))
    assert exact.tolist() == [D("110600.00"), D("700.00"), D("3446400.00")]


def test_waiting_period_rounds_half_up_once():
    # 1.25 h x 100.01/h = 125.0125 -> 125.01; 0.5 h x 0.01 = 0.005 -> 0.01 (half-up, not half-even)
    out = apply_waiting_period(dec([1.25, 0.5]), dec([100.01, 0.01]), dec([0, 0]), D(0), D("Infinity"))
    assert out.tolist() == [D("125.01"), D("0.01")]


def test_claim_retention_is_the_largest_among_parts_touched():
    part_retention = np.array([10.0, 25.0, 5.0])
    touched = np.array([[True, False, True], [False, False, True], [True, True, False]])
    # rows 0 and 1 are one claim (10 and 5 -> 10), row 2 another (10 and 25 -> 25)
    out = claim_retention(part_retention, touched, np.array([True, False, True]))
    assert out.tolist() == [10.0, 10.0, 25.0]
    assert claim_retention(part_retention, np.zeros((1, 3), bool), np.array([True])).tolist() == [0.0]


def test_retention_is_taken_in_order_until_used_up():
    covered = np.array([4000.0, 9000.0, 3000.0, 50.0, 20000.0])
    retention = np.array([10000.0] * 3 + [25000.0] * 2)
    starts = np.array([True, False, False, True, False])
    # claim 1: 4,000 then 6,000 of 9,000 then 0; claim 2: 50 then 24,950 of 20,000 -> 20,000
    assert apply_retention(covered, retention, starts).tolist() == [4000, 6000, 0, 50, 20000]


def test_coinsurance_keeps_the_share_and_rounds_what_is_left_half_up():
    kept, rest = apply_coinsurance(np.array([300000.0, 110600.0]), np.array([0.5, 0.5]))
    assert kept.tolist() == [150000.0, 55300.0] and rest.tolist() == [150000.0, 55300.0]
    kept, rest = apply_coinsurance(dec([100.01, 100.00]), dec([0.5, "0.333"]))
    # 100.01 x 0.5 = 50.005 left -> 50.01 paid side, 50.00 kept; 100 x 0.667 = 66.70 left, 33.30 kept
    assert rest.tolist() == [D("50.01"), D("66.70")] and kept.tolist() == [D("50.00"), D("33.30")]


def test_sublimit_erodes_per_part_through_the_period():
    amount = np.array([[150000.0, 10.0], [200000.0, 10.0], [90000.0, 10.0], [300000.0, 0.0]])
    starts = np.array([True, False, False, True])  # a new period at row 3
    out = apply_sublimit(amount, np.array([250000.0, 25.0]), starts)
    assert out.tolist() == [[150000, 10], [100000, 10], [0, 5], [250000, 0]]



def test_retention_takes_a_known_cumulative_amount():
    # the claim's covered amount through and before each line, summed once for many options
    covered, starts = np.array([4000.0, 9000.0, 3000.0, 7000.0]), np.array([True, False, False, True])
    through, before = cumulative_within(covered, starts)
    for r in (0.0, 5000.0, 10000.0, 20000.0):
        given = apply_retention(covered, np.full(4, r), starts, cumulative=(through, before))
        assert given.tolist() == apply_retention(covered, np.full(4, r), starts).tolist()


def test_one_row_periods_pay_at_most_the_limit_without_a_running_sum():
    # every row its own period (a simulated year's totals): min(x, L) exactly, float and Decimal
    years = np.array([[0.1 + 0.2, 3e6], [250000.0, 7.0]])
    out = apply_sublimit(years, np.array([250000.0, 1e6]), np.ones(2, dtype=bool))
    assert out.tolist() == [[0.1 + 0.2, 1e6], [250000.0, 7.0]]
    assert apply_aggregate(np.array([1e6 + 0.01, 3.0]), 1e6, np.ones(2, dtype=bool)).tolist() == [1e6, 3.0]
    exact = apply_aggregate(dec([600000.5, 2]), D(600000), np.ones(2, dtype=bool))
    assert exact.tolist() == [D(600000), D(2)]

def test_layer_pays_its_slice_of_the_cumulative_loss_times_participation():
    amount = np.array([4e6, 3e6, 5e6, 1e6])
    out = apply_layer(amount, 5e6, 5e6, 0.5, np.array([True, False, False, False]))
    # cumulative 4M, 7M, 12M, 13M: slices 0, 2M, 3M, 0; half of them
    assert out.tolist() == [0, 1e6, 1.5e6, 0]
    exact = apply_layer(dec([0.03, 0.03]), D("0.01"), D(1), D("0.5"), np.array([True, False]))
    # slices 0.02 and 0.03 -> 0.01 and 0.015 -> 0.02 (half-up)
    assert exact.tolist() == [D("0.01"), D("0.02")]


def test_aggregate_never_pays_beyond_what_remains():
    out = apply_aggregate(np.array([600000.0, 300000.0, 250000.0, 1.0]), 1e6, np.array([True, False, False, False]))
    assert out.tolist() == [600000, 300000, 100000, 0]
    assert out.sum() == 1e6


def test_to_cents_only_touches_the_exact_path():
    x = np.array([1.005])
    assert to_cents(x) is x
    assert to_cents(D("1.005")) == D("1.01")
    assert to_cents(D("-0.005")) == D("-0.01")


def test_compile_terms_resolves_conditions_and_exclusions():
    controls = dict(ALL_IN_PLACE, mfa_remote_access=False, encryption_at_rest=False)
    t = compile_terms(LAKESIDE, controls)
    assert t.covered[PART_INDEX[CoveragePart.PUBLIC_RELATIONS]] == np.False_
    assert t.coinsurance[PART_INDEX[CoveragePart.EXTORTION]] == 0.5
    assert t.coinsurance[PART_INDEX[CoveragePart.BUSINESS_INTERRUPTION]] == 0.5
    assert t.coinsurance[PART_INDEX[CoveragePart.FORENSICS]] == 0.0
    assert t.retention[PART_INDEX[CoveragePart.SOCIAL_ENGINEERING]] == 25000.0
    assert t.retention[PART_INDEX[CoveragePart.LEGAL]] == 10000.0
    assert t.waiting_hours[PART_INDEX[CoveragePart.CONTINGENT_BI]] == 12.0
    assert t.max_hours[PART_INDEX[CoveragePart.CONTINGENT_BI]] == 60 * 24
    assert np.isinf(t.max_hours[PART_INDEX[CoveragePart.FORENSICS]])
    assert not t.denied
    assert t.excluded_scenario.tolist() == [s is Scenario.LOST_DEVICE for s in SCENARIOS]
    assert any("lost_device" in n for n in t.notes)
    # with encryption in place lost devices are covered; without offline backups every event is denied
    assert not compile_terms(LAKESIDE, ALL_IN_PLACE).excluded_scenario.any()
    assert compile_terms(LAKESIDE, dict(ALL_IN_PLACE, offline_backups=False)).denied
    # causes can be mapped: a cause that is itself an exclusion is excluded
    mapped = compile_terms(LAKESIDE, ALL_IN_PLACE, cause_of=lambda i: "war" if i == 0 else SCENARIOS[i].value)
    assert mapped.excluded_scenario.tolist() == [i == 0 for i in range(len(SCENARIOS))]


def test_compile_terms_exact_uses_decimals():
    t = compile_terms(EXCESS, ALL_IN_PLACE, exact=True)
    assert t.limit.dtype == object and t.limit[0] == D("10000000")
    assert t.layer is not None and t.layer.attachment == D("5000000") and t.layer.participation == D("1.0")


def _one_event_table(amount_by_part, bi=None, scenario=Scenario.RANSOMWARE, n_trials=1, trial=(0,)):
    n = len(trial)
    amount = np.zeros((n, len(PARTS)))
    downtime, income, extra = np.zeros((n, 2)), np.zeros((n, 2)), np.zeros((n, 2))
    for part, value in amount_by_part.items():
        amount[:, PART_INDEX[part]] = value
    if bi is not None:
        downtime[:, 0], income[:, 0], extra[:, 0] = bi
        amount[:, PART_INDEX[CoveragePart.BUSINESS_INTERRUPTION]] = bi[0] * bi[1] + bi[2]
    return EventTable(n_trials, np.array(trial), np.full(n, SCENARIOS.index(scenario), np.int16), amount,
                      downtime, income, extra, np.zeros(n))


def test_apply_policy_on_the_issue_claim_as_a_simulated_event():
    """The issue's claim as one simulated event (lines in PARTS order: forensics, notification, BI, extortion).

    Retention 10,000 comes off forensics (first in PARTS order, as in the claim): 35,000; notification 21,000;
    BI 110,600 x 0.5 = 55,300; extortion 300,000 x 0.5 = 150,000 -> 261,300 insured of 486,200 ground-up.
    """
    ev = _one_event_table({CoveragePart.FORENSICS: 45000.0, CoveragePart.EXTORTION: 300000.0,
                           CoveragePart.NOTIFICATION: 21000.0}, bi=(96.0, 1200.0, 5000.0))
    r = apply_policy(ev, compile_terms(LAKESIDE, dict(ALL_IN_PLACE, mfa_remote_access=False)))
    assert r.insured_annual.tolist() == [261300.0]
    assert r.retained_annual.tolist() == [486200.0 - 261300.0]
    assert r.payable[0, PART_INDEX[CoveragePart.BUSINESS_INTERRUPTION]] == 55300.0
    assert r.retention[0].sum() == 10000.0 and r.retention[0, PART_INDEX[CoveragePart.FORENSICS]] == 10000.0


def test_apply_policy_denies_excluded_scenarios_and_breached_deny_conditions():
    ev = _one_event_table({CoveragePart.NOTIFICATION: 8400.0}, scenario=Scenario.LOST_DEVICE)
    unencrypted = dict(ALL_IN_PLACE, encryption_at_rest=False)
    assert apply_policy(ev, compile_terms(LAKESIDE, unencrypted)).insured_annual.tolist() == [0.0]
    assert apply_policy(ev, compile_terms(LAKESIDE, ALL_IN_PLACE)).insured_annual.tolist() == [0.0]  # 8,400 < 10,000
    ev = _one_event_table({CoveragePart.NOTIFICATION: 18400.0})
    assert apply_policy(ev, compile_terms(LAKESIDE, ALL_IN_PLACE)).insured_annual.tolist() == [8400.0]
    no_backups = dict(ALL_IN_PLACE, offline_backups=False)
    r = apply_policy(ev, compile_terms(LAKESIDE, no_backups))
    assert r.insured_annual.tolist() == [0.0] and r.denied.all()


def test_apply_policy_erodes_within_a_year_and_resets_between_years():
    # three extortion events of 200,000: years 0 (two events) and 1 (one). Sublimit 250,000, retention 10,000:
    # year 0: 190,000 then min(190,000, 60,000) = 60,000; year 1: 190,000
    ev = _one_event_table({CoveragePart.EXTORTION: 200000.0}, n_trials=2, trial=(0, 0, 1))
    r = apply_policy(ev, compile_terms(LAKESIDE, ALL_IN_PLACE))
    assert r.payable[:, PART_INDEX[CoveragePart.EXTORTION]].tolist() == [190000.0, 60000.0, 190000.0]
    assert r.insured_by_part[:, PART_INDEX[CoveragePart.EXTORTION]].tolist() == [250000.0, 190000.0]


def test_apply_policy_handles_no_events():
    ev = EventTable(3, np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros((0, len(PARTS))), np.zeros((0, 2)),
                    np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0))
    r = apply_policy(ev, compile_terms(EXCESS, ALL_IN_PLACE))
    assert r.insured_by_part.shape == (3, len(PARTS)) and not r.insured_by_part.any()


def test_apply_policy_is_vectorised_over_many_years():
    """200,000 years x ~2 events each through the array arithmetic in one call (its speed is a benchmark's
    business, not a timed test's: benchmarks/quote_bench.py)."""
    rng = np.random.default_rng(0)
    n_trials = 200_000
    counts = rng.poisson(2.0, n_trials)
    trial = np.repeat(np.arange(n_trials), counts)
    n = trial.shape[0]
    amount = rng.lognormal(9, 1.5, (n, len(PARTS))) * (rng.random((n, len(PARTS))) < 0.3)
    ev = EventTable(n_trials, trial, rng.integers(0, len(SCENARIOS), n).astype(np.int16), amount,
                    np.zeros((n, 2)), np.zeros((n, 2)), np.zeros((n, 2)), np.zeros(n))
    terms = compile_terms(EXCESS, ALL_IN_PLACE)
    r = apply_policy(ev, terms)
    assert r.insured_annual.shape == (n_trials,)
    assert (r.insured_annual <= 5e6 + 1e-3).all()
    assert (r.payable >= -1e-6).all()


def test_docstring_examples_run():
    import doctest

    import cyberrx.engine.terms as module

    failures, tried = doctest.testmod(module)
    assert tried >= 8 and failures == 0
