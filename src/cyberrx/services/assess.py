"""Use case: assess a practice — what a cyber incident is likely to cost it in a year, by coverage part.

Simulates block by block (memory bounded by the block, plus 8 bytes per trial for the annual total and the
non-zero years by part), reports the distribution, the recommended program and the gap of existing cover.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cyberrx import ENGINE_VERSION
from cyberrx.domain.policy import PolicyTerms
from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.events import EventTable
from cyberrx.engine.metrics import exceedance_curve, quantiles, summarize
from cyberrx.engine.program import recommend_program, uncovered_share
from cyberrx.engine.rng import stream
from cyberrx.engine.scenarios import ScenarioParameters, build_parameters
from cyberrx.engine.simulate import blocks, draw_block
from cyberrx.engine.terms import CompiledTerms, apply_policy, compile_terms
from cyberrx.errors import InvalidInput
from cyberrx.reference import LossModelReference, load_loss_model
from cyberrx.vocab import PARTS, SCENARIOS, Control

DEFAULT_TRIALS = 200_000
DEFAULT_SEED = 20261123
MAX_TRIALS = 50_000_000

Progress = Callable[[int, int], None]


@dataclass
class AnnualLosses:
    """Annual losses of a run: totals for every trial, per-part values for the years with any loss."""

    n_trials: int
    total: np.ndarray                      # (n_trials,) usd
    by_part_nonzero: np.ndarray            # (n_parts, k) usd, the k years with a loss (part-major)
    by_scenario_sum: np.ndarray            # (n_scenarios,) usd summed over all trials
    events_by_scenario: np.ndarray         # (n_scenarios,) event counts
    years_with_event: int
    extra: dict[str, Any] = field(default_factory=dict)


def run_simulation(params: ScenarioParameters, n_trials: int, seed: int,
                   on_block: Callable[[EventTable, int, int], None] | None = None,
                   progress: Progress | None = None) -> AnnualLosses:
    """Simulate ``n_trials`` years block by block; ``on_block(events, first_trial, m)`` sees every block.

    Per block only the years with an event are aggregated (``occupied``), so the work and memory follow the
    number of events, not the number of trials. ``on_block`` receives the block's events in time order.
    """
    n_parts, n_scen = len(PARTS), len(SCENARIOS)
    total = np.zeros(n_trials)
    nonzero_rows: list[np.ndarray] = []
    by_scen = np.zeros(n_scen)
    counts = np.zeros(n_scen, dtype=np.int64)
    years_with_event = 0
    for b, start, m in blocks(n_trials):
        draw = draw_block(stream(seed, b), params, start, m)
        occupied, annual = draw.annual()
        year_total = annual.sum(axis=0)
        total[start + occupied] = year_total
        nonzero_rows.append(annual[:, year_total > 0])
        c, sums = draw.by_scenario()
        counts += c
        by_scen += sums
        years_with_event += occupied.shape[0]
        if on_block is not None:
            on_block(draw.events(ordered=True), start, m)
        if progress is not None:
            progress(start + m, n_trials)
    rows = np.concatenate(nonzero_rows, axis=1) if nonzero_rows else np.zeros((n_parts, 0))
    return AnnualLosses(n_trials, total, rows, by_scen, counts, years_with_event)


def _part_stats(values: np.ndarray, n_trials: int) -> dict[str, float]:
    """Mean, p99 and median-when-hit of one part's annual loss, given its values in the years with any loss."""
    hit = values[values > 0]
    return {
        "mean": float(values.sum() / n_trials),
        # quantiles() counts the years left out of ``values`` as zeros
        "p99": float(quantiles(hit, [0.99], n_total=n_trials)[0]),
        "probability": hit.shape[0] / n_trials,
        "median_when_hit": float(quantiles(hit, [0.5])[0]) if hit.shape[0] else 0.0,
    }


def check_run_size(trials: int, seed: int) -> None:
    if not 1_000 <= trials <= MAX_TRIALS:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {MAX_TRIALS:,}")
    if not 0 <= seed < 2**63:
        raise InvalidInput(f"{seed} is out of range", field="seed", allowed="an integer from 0 to 2^63-1")


class PolicyAccumulator:
    """Applies policy terms to each simulated block (``engine.terms.apply_policy``) and keeps, per trial, what
    the policy pays, plus per part the paid amounts of the years it pays anything."""

    def __init__(self, terms: CompiledTerms, n_trials: int) -> None:
        self.terms = terms
        self.insured = np.zeros(n_trials)
        self.retained = np.zeros(n_trials)
        self.by_part: list[np.ndarray] = []

    def __call__(self, events: EventTable, start: int, m: int) -> None:
        local = replace(events, trial=events.trial - start, n_trials=m)
        result = apply_policy(local, self.terms)
        insured = result.insured_by_part
        self.insured[start:start + m] = insured.sum(axis=1)
        self.retained[start:start + m] = result.retained_by_part.sum(axis=1)
        paid_years = self.insured[start:start + m] > 0
        self.by_part.append(np.ascontiguousarray(insured[paid_years].T))

    def summary(self, n_trials: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rows = np.concatenate(self.by_part, axis=1) if self.by_part else np.zeros((len(PARTS), 0))
        insured = summarize(self.insured)
        insured["by_coverage"] = {part.value: _part_stats(rows[j], n_trials) for j, part in enumerate(PARTS)}
        retained = summarize(self.retained)
        return insured, retained


def assess(profile: PracticeProfile, trials: int = DEFAULT_TRIALS, seed: int = DEFAULT_SEED, *,
           policy: PolicyTerms | None = None, reference: LossModelReference | None = None,
           progress: Progress | None = None, keep_annual: bool = False) -> dict[str, Any]:
    """The assessment of ``profile`` as a JSON-ready mapping (money in usd as numbers).

    With ``policy``, the terms are applied to every simulated incident as a claim (same arithmetic as claim
    adjudication) and the result adds ``insured_loss`` (what the policy pays) and ``retained_loss`` (what the
    practice keeps: retentions, waiting periods, coinsurance, uncovered parts, denials and anything above the
    limits).
    """
    check_run_size(trials, seed)
    ref = reference or load_loss_model()
    params = build_parameters(profile, ref.tables)
    accumulator = None
    if policy is not None:
        controls = {c.value: profile.controls.has(c) for c in Control}
        accumulator = PolicyAccumulator(compile_terms(policy, controls), trials)
    losses = run_simulation(params, trials, seed, on_block=accumulator, progress=progress)
    result = summarize_assessment(profile, ref, params, losses, seed, keep_annual=keep_annual)
    if policy is not None and accumulator is not None:
        insured, retained = accumulator.summary(trials)
        result["policy_number"] = policy.policy_number
        result["insured_loss"] = insured
        result["retained_loss"] = retained
        result["policy_notes"] = list(accumulator.terms.notes)
    return result


def summarize_assessment(profile: PracticeProfile, ref: LossModelReference, params: ScenarioParameters,
                         losses: AnnualLosses, seed: int, keep_annual: bool = False) -> dict[str, Any]:
    n = losses.n_trials
    annual = summarize(losses.total)
    by_coverage = {part.value: _part_stats(losses.by_part_nonzero[j], n) for j, part in enumerate(PARTS)}
    by_scenario = {
        s.value: {
            "frequency": float(params.frequency[i]),
            "simulated_frequency": float(losses.events_by_scenario[i] / n),
            "mean": float(losses.by_scenario_sum[i] / n),
        }
        for i, s in enumerate(SCENARIOS)
    }
    prog_tables = ref.tables["program"]
    program = recommend_program(
        annual["p99"], {k: v["p99"] for k, v in by_coverage.items()}, profile.annual_revenue,
        limit_options=ref.figure("program.limit_options"),
        retention_options=ref.figure("program.retention_options"),
        retention_revenue_share=float(prog_tables["retention_revenue_share"]["value"]),
        median_when_hit_by_part={k: v["median_when_hit"] for k, v in by_coverage.items()},
    )
    existing = profile.existing_coverage
    existing_limit = float(existing.aggregate_limit) if existing else 0.0
    existing_retention = float(existing.retention) if existing else 0.0
    uncovered = uncovered_share(annual["p99"], existing_limit, existing_retention)
    total_rate = float(params.frequency.sum())
    result: dict[str, Any] = {
        "practice": profile.name,
        "records": profile.records,
        "annual_loss": annual,
        "by_coverage": by_coverage,
        "by_scenario": by_scenario,
        "event_probability": losses.years_with_event / n,
        "event_probability_model": 1.0 - math.exp(-total_rate),
        "recommended": {
            "aggregate_limit": program.aggregate_limit,
            "retention": program.retention,
            "sublimits": program.sublimits,
            "rule": program.rule,
        },
        "gap": {
            "existing_limit": existing_limit,
            "existing_retention": existing_retention,
            "uncovered_p99": uncovered,
            "uncovered_p99_usd": uncovered * annual["p99"],
        },
        "trials": n,
        "seed": seed,
        "reference_version": ref.version,
        "engine_version": ENGINE_VERSION,
    }
    if keep_annual:
        levels, prob = exceedance_curve(losses.total)
        result["_exceedance"] = {"levels": levels, "probability": prob}
    return result


__all__ = ["DEFAULT_SEED", "DEFAULT_TRIALS", "AnnualLosses", "assess", "check_run_size", "run_simulation",
           "summarize_assessment"]
