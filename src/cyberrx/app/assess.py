"""Use case: assess a practice — what a cyber incident is likely to cost it in a year, by coverage part.

Simulates block by block (memory bounded by the block, plus 8 bytes per trial for the annual total and the
non-zero years by part), reports the distribution, the recommended program and the gap of existing cover.

The use case also asks underwriting (the engine stays pure) two things: whether an insurer would write the practice
as it stands (``insurability``: the rules' eligibility on the profile), and which coverage parts a policy offers,
so that the recommended program names only parts a quote form can carry (``underwriting.forms.offered_parts``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from cyberrx import MODEL_VERSION
from cyberrx.domain.policy import PolicyTerms
from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import Assessment, Insurability, InsuredLoss, LossStats, Program
from cyberrx.engine.annual import AnnualLosses, simulate_annual
from cyberrx.engine.executors import Executor, executor_for
from cyberrx.engine.metrics import exceedance_curve, quantiles, summarize, tvar
from cyberrx.engine.program import recommend_program, uncovered_share
from cyberrx.engine.rng import DEFAULT_SUBJECT, Key
from cyberrx.engine.scenarios import ScenarioParameters, build_parameters
from cyberrx.engine.tally import TalliedLosses, Tally, tally_annual
from cyberrx.engine.terms import CompiledTerms, compile_terms
from cyberrx.errors import InvalidInput
from cyberrx.reference import LossModelReference, load_loss_model
from cyberrx.underwriting.forms import offered_parts
from cyberrx.underwriting.quote import DECLINE, DEFAULT_LIMITS, decide
from cyberrx.underwriting.rating import RateManual, load_manual
from cyberrx.underwriting.rules import RuleSet, load_rules
from cyberrx.vocab import PARTS, SCENARIOS, Control

DEFAULT_TRIALS = 200_000
DEFAULT_SEED = 20261123
MAX_TRIALS = 50_000_000
#: longer runs than this are summarised in two passes over the same keyed blocks (:mod:`cyberrx.engine.tally`):
#: memory bounded by a block, not by the run; the same order statistics, sums added block by block
STREAM_ABOVE_TRIALS = 2_000_000

Progress = Callable[[int, int], None]


def run_simulation(params: ScenarioParameters, n_trials: int, seed: int, *, terms: CompiledTerms | None = None,
                   executor: Executor | None = None, subject: Key = DEFAULT_SUBJECT,
                   progress: Progress | None = None) -> AnnualLosses:
    """Simulate ``n_trials`` years of ``subject`` through ``executor`` (serial when None; the caller owns it):
    :func:`cyberrx.engine.annual.simulate_annual`. The answer is the same whatever the executor."""
    return simulate_annual(params, n_trials, seed, terms=terms, executor=executor, subject=subject,
                           progress=progress)


def _part_stats(values: np.ndarray, n_trials: int) -> dict[str, float]:
    """Mean, p99, TVaR99 and median-when-hit of one part's annual loss, given its non-zero annual values."""
    hit = values[values > 0]
    return {
        "mean": float(values.sum() / n_trials),
        # quantiles() counts the years left out of ``values`` as zeros
        "p99": float(quantiles(hit, [0.99], n_total=n_trials)[0]),
        "tvar99": float(tvar(hit, 0.99, n_total=n_trials)) if hit.shape[0] else 0.0,
        "probability": hit.shape[0] / n_trials,
        "median_when_hit": float(quantiles(hit, [0.5])[0]) if hit.shape[0] else 0.0,
    }


def _tally_part_stats(t: Tally) -> dict[str, float]:
    """:func:`_part_stats` of a tallied series (same order statistics, sums added block by block)."""
    if t.count == 0:
        return {"mean": 0.0, "p99": 0.0, "tvar99": 0.0, "probability": 0.0, "median_when_hit": 0.0}
    return {"mean": t.total / t.n_total, "p99": float(t.quantiles([0.99])[0]), "tvar99": t.tvar(0.99),
            "probability": t.count / t.n_total, "median_when_hit": t.median_when_hit()}


def check_run_size(trials: int, seed: int) -> None:
    if not 1_000 <= trials <= MAX_TRIALS:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {MAX_TRIALS:,}")
    if not 0 <= seed < 2**63:
        raise InvalidInput(f"{seed} is out of range", field="seed", allowed="an integer from 0 to 2^63-1")


def assess(profile: PracticeProfile, trials: int = DEFAULT_TRIALS, seed: int = DEFAULT_SEED, *,
           policy: PolicyTerms | None = None, reference: LossModelReference | None = None,
           progress: Progress | None = None, workers: int = 1, executor: Executor | None = None) -> Assessment:
    """The assessment of ``profile`` (:class:`~cyberrx.domain.results.Assessment`, money in usd to the cent).

    With ``policy``, the terms are applied to every simulated incident as a claim (same arithmetic as claim
    adjudication) and the result adds ``insured_loss`` (what the policy pays) and ``retained_loss`` (what the
    practice keeps: retentions, waiting periods, coinsurance, uncovered parts, denials and anything above the
    limits). The simulation's blocks are mapped through ``executor`` when given (the caller closes it), else
    through ``workers`` processes; the figures are the same whatever the executor.
    """
    check_run_size(trials, seed)
    ref = reference or load_loss_model()
    params = build_parameters(profile, ref.tables)
    terms = None
    if policy is not None:
        terms = compile_terms(policy, {c.value: profile.controls.has(c) for c in Control})
    run = tally_annual if trials > STREAM_ABOVE_TRIALS else run_simulation
    if executor is not None:     # the caller's executor: the caller owns (and closes) it
        losses = run(params, trials, seed, terms=terms, executor=executor, progress=progress)
    else:
        with executor_for(workers) as pool:  # the edge owns the pool: processes when workers > 1
            losses = run(params, trials, seed, terms=terms, executor=pool, progress=progress)
    result = underwriting_view(profile, summarize_assessment(profile, ref, params, losses, seed))
    if isinstance(losses, TalliedLosses):
        if policy is not None and losses.insured is not None and losses.retained is not None and \
                losses.insured_parts is not None and terms is not None:
            insured_t: dict[str, Any] = losses.insured.summary()
            insured_t["by_coverage"] = {part.value: _tally_part_stats(losses.insured_parts[j])
                                        for j, part in enumerate(PARTS)}
            insured_t["claim_probability"] = losses.insured_years / trials
            result = result.model_copy(update={
                "policy_number": policy.policy_number,
                "insured_loss": InsuredLoss.model_validate(insured_t),
                "retained_loss": LossStats.model_validate(losses.retained.summary()),
                "policy_notes": list(terms.notes),
            })
        return result
    if policy is not None and terms is not None and losses.insured is not None and losses.retained is not None:
        insured: dict[str, Any] = summarize(losses.insured, n_total=trials)
        parts = losses.insured_part_losses or [np.zeros(0) for _ in PARTS]
        insured["by_coverage"] = {part.value: _part_stats(parts[j], trials) for j, part in enumerate(PARTS)}
        # the share of years in which the policy pays anything (the years not kept are years it pays nothing)
        insured["claim_probability"] = float(np.count_nonzero(losses.insured > 0)) / trials
        result = result.model_copy(update={
            "policy_number": policy.policy_number,
            "insured_loss": InsuredLoss.model_validate(insured),
            "retained_loss": LossStats.model_validate(summarize(losses.retained, n_total=trials)),
            "policy_notes": list(terms.notes),
        })
    return result


def insurability(profile: PracticeProfile, rules: RuleSet, recommended_limit: float) -> Insurability:
    """Whether the rules leave any option of the quote grid undeclined, and what they refuse: each ``decline``
    rule that fires, and each ``max_limit`` rule that declines the recommended limit (usd)."""
    _, _, found = rules.evaluate(profile)
    insurable = any(decide(limit, found)[0] != DECLINE for limit in DEFAULT_LIMITS)
    refused = [f for f in found if f.rule.outcome == "decline"
               or (f.rule.outcome == "max_limit" and recommended_limit > f.rule.params["limit"])]
    return Insurability(insurable=insurable, refusals=[f.rule.message for f in refused],
                        rules=[f.rule.id for f in refused])


def offered_program(profile: PracticeProfile, program: Program, rules: RuleSet, manual: RateManual) -> Program:
    """The program with only the sublimits of parts the practice's quote form offers; the rule says what was
    dropped and why."""
    segment, _ = rules.segments.classify(profile)
    why_not = offered_parts(profile, segment, manual.tables["policy_form"])
    dropped = {part: why for part, why in why_not.items() if why is not None and part in program.sublimits}
    if not dropped:
        return program
    kept = {part: limit for part, limit in program.sublimits.items() if part not in dropped}
    note = "; ".join(f"{part}: {why}" for part, why in sorted(dropped.items()))
    return program.model_copy(update={
        "sublimits": kept, "rule": f"{program.rule}; only parts a policy offers are recommended, dropped {note}"})


@functools.cache
def _shipped_rules() -> RuleSet:
    """The shipped rule set, read once a process (reading its YAML took 0.1-0.5 s of every assessment)."""
    return load_rules()


def underwriting_view(profile: PracticeProfile, result: Assessment, rules: RuleSet | None = None,
                      manual: RateManual | None = None) -> Assessment:
    """The assessment with ``insurability`` and the recommended program restricted to the parts a policy offers."""
    rules = rules or _shipped_rules()
    manual = manual or load_manual()
    program = offered_program(profile, result.recommended, rules, manual)
    return result.model_copy(update={"recommended": program,
                                     "insurability": insurability(profile, rules, program.aggregate_limit)})


def summarize_assessment(profile: PracticeProfile, ref: LossModelReference, params: ScenarioParameters,
                         losses: AnnualLosses | TalliedLosses, seed: int) -> Assessment:
    n = losses.n_trials
    if isinstance(losses, TalliedLosses):
        annual = losses.year.summary()
        by_coverage = {part.value: _tally_part_stats(losses.parts[j]) for j, part in enumerate(PARTS)}
        levels, prob = losses.year.exceedance()
    else:
        annual = summarize(losses.year_loss, n_total=n)
        by_coverage = {part.value: _part_stats(losses.part_losses[j], n) for j, part in enumerate(PARTS)}
        levels, prob = exceedance_curve(losses.year_loss, n_total=n)
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
        annual["tvar99"], {k: v["tvar99"] for k, v in by_coverage.items()}, profile.annual_revenue,
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
        "engine_version": MODEL_VERSION,
        "exceedance": {"levels": levels.tolist(), "probability": prob.tolist()},
    }
    return Assessment.model_validate(result)


__all__ = ["DEFAULT_SEED", "DEFAULT_TRIALS", "assess", "check_run_size", "insurability", "offered_program",
           "run_simulation", "summarize_assessment", "underwriting_view"]
