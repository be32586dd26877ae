"""Frequency-severity Monte Carlo over incident scenarios, vectorised over all trials of a block.

Randomness is keyed: block ``b`` of ``BLOCK_TRIALS`` trials draws from ``SeedSequence(seed, spawn_key=(b,))``,
so a run gives the same numbers whether its blocks are simulated in one process, in chunks, or on two cores.

Within a block (``m`` trials, scenario rates ``lam_s``, candidate rates ``cand_s >= lam_s``):

1. the number of candidate events ``N ~ Poisson(m * sum(cand))``; each is placed in a trial uniformly and given a
   scenario with probability ``cand_s / sum(cand)`` (a thinned Poisson process: per trial and scenario the counts
   are independent ``Poisson(cand_s)``);
2. where a ceiling is given (``candidate_rates``), each candidate is kept with probability ``lam_s / cand_s``;
   comparing two profiles under the same ceiling keeps events common to both (common random numbers), which
   makes loss monotone in every rate and severity driver trial by trial;
3. every event draws its severities from 6 normals and 3 uniforms, always in the same order, whatever its
   scenario; costs split into the twelve coverage parts.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cyberrx.engine.events import EventTable, empty_events
from cyberrx.engine.rng import BLOCK_TRIALS, plan_blocks, stream
from cyberrx.engine.scenarios import BI_CONTINGENT, BI_OWN, ScenarioParameters
from cyberrx.vocab import PART_INDEX, PARTS, CoveragePart

P = PART_INDEX
C = CoveragePart


def block_stream(seed: int, block: int) -> np.random.Generator:
    """The random stream of block ``block`` of a run with ``seed`` (``rng.stream(seed, block)``)."""
    return stream(seed, block)


def blocks(n_trials: int) -> Iterator[tuple[int, int, int]]:
    """``(block_index, first_trial, n_trials_in_block)`` covering ``n_trials`` (``rng.plan_blocks``)."""
    for blk in plan_blocks(n_trials):
        yield blk.index, blk.start, blk.size


def _lognormal(median: np.ndarray, sigma: np.ndarray, z: np.ndarray) -> np.ndarray:
    return median * np.exp(sigma * z)


def event_costs(params: ScenarioParameters, scenario: np.ndarray, z: np.ndarray, u: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-event ground-up cost by coverage part.

    Args:
        scenario: ``(n,)`` scenario index of each event.
        z: ``(6, n)`` standard normals: size factor, records, downtime, ransom, penalty, settlement.
        u: ``(3, n)`` uniforms: ransom paid, regulatory action, lawsuit.

    Returns:
        amount ``(n, 12)`` usd, downtime_hours ``(n, 2)``, income_per_hour ``(n, 2)``, extra_expense ``(n, 2)``,
        records ``(n,)`` notified.
    """
    n = scenario.shape[0]
    g = {k: v[scenario] for k, v in params.arrays().items()}
    amount = np.zeros((n, len(PARTS)))

    size = np.exp(g["fixed_sigma"] * z[0])
    exposed = np.minimum(g["records_cap"], _lognormal(g["records_median"], g["records_sigma"], z[1]))
    notified = exposed * g["notify"]

    amount[:, P[C.FORENSICS]] = g["forensics"] * size
    amount[:, P[C.LEGAL]] = g["legal"] * size
    amount[:, P[C.NOTIFICATION]] = notified * g["notification_unit"]
    amount[:, P[C.PUBLIC_RELATIONS]] = g["public_relations"] * size * (notified > params.media_threshold)
    amount[:, P[C.DATA_RESTORATION]] = g["data_restoration"] * size
    amount[:, P[C.BETTERMENT]] = g["betterment"] * size
    amount[:, P[C.SOCIAL_ENGINEERING]] = g["funds_transfer"] * size

    # business interruption, own systems or a vendor's
    hours = _lognormal(g["downtime_median"], g["downtime_sigma"], z[2])
    income = g["income_per_hour"]
    downtime = np.zeros((n, 2))
    income_ph = np.zeros((n, 2))
    extra = np.zeros((n, 2))
    for column, part in ((BI_OWN, C.BUSINESS_INTERRUPTION), (BI_CONTINGENT, C.CONTINGENT_BI)):
        on = g["bi_column"] == column
        downtime[on, column] = hours[on]
        income_ph[on, column] = income[on]
        extra[on, column] = g["extra_expense_share"][on] * income[on] * hours[on]
        amount[:, P[part]] = income_ph[:, column] * downtime[:, column] + extra[:, column]

    amount[:, P[C.EXTORTION]] = (u[0] < g["ransom_probability"]) * _lognormal(g["ransom_median"],
                                                                              g["ransom_sigma"], z[3])

    # regulatory: OCR investigates every breach of 500 or more, others at its discretion; one uniform decides
    # both the investigation and (nested inside it) a monetary resolution
    investigated_p = np.where(notified >= params.large_breach_threshold, 1.0, g["investigation_small"])
    investigated_p *= notified > 0
    investigated = u[1] < investigated_p
    penalised = u[1] < investigated_p * g["penalty_probability"]
    penalty = np.minimum(g["penalty_cap"], _lognormal(g["penalty_median"], g["penalty_sigma"], z[4]))
    amount[:, P[C.REGULATORY]] = investigated * g["regulatory_defence"] * size + penalised * penalty

    suit_p = suit_probability(params, notified)
    sued = u[2] < suit_p
    settlement = notified * _lognormal(g["settlement_per_record"], g["settlement_sigma"], z[5])
    amount[:, P[C.PRIVACY_LIABILITY]] = sued * (g["suit_defence"] * size + settlement)
    return amount, downtime, income_ph, extra, notified


def suit_probability(params: ScenarioParameters, notified: np.ndarray) -> np.ndarray:
    """Probability a breach of ``notified`` records draws a privacy class action (0 below the minimum)."""
    p = params.suit_p10k * (np.maximum(notified, 0.0) / 10_000.0) ** params.suit_exponent
    return np.where(notified >= params.suit_min_records, np.minimum(params.suit_max, p), 0.0)


def simulate_block(params: ScenarioParameters, seed: int, block: int, first_trial: int, n_trials: int,
                   candidate_rates: np.ndarray | None = None) -> EventTable:
    """All events of one block; trial indices are global (``first_trial`` onwards)."""
    rng = block_stream(seed, block)
    lam = params.frequency
    cand = lam if candidate_rates is None else np.maximum(candidate_rates, lam)
    total = float(cand.sum())
    if total <= 0.0:
        return _shift(empty_events(n_trials), first_trial)
    n = int(rng.poisson(n_trials * total))
    trial = np.sort(rng.integers(0, n_trials, size=n))
    cum = np.cumsum(cand) / total
    scenario = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cand) - 1).astype(np.int16)
    if candidate_rates is not None:
        keep_p = np.divide(lam, cand, out=np.zeros_like(lam), where=cand > 0)
        keep = rng.random(n) < keep_p[scenario]
    z = rng.standard_normal((6, n))
    u = rng.random((3, n))
    if candidate_rates is not None:
        trial, scenario, z, u = trial[keep], scenario[keep], z[:, keep], u[:, keep]
    amount, downtime, income, extra, records = event_costs(params, scenario, z, u)
    return EventTable(n_trials, trial + first_trial, scenario, amount, downtime, income, extra, records)


def _shift(events: EventTable, first_trial: int) -> EventTable:
    return EventTable(events.n_trials, events.trial + first_trial, events.scenario, events.amount,
                      events.downtime_hours, events.income_per_hour, events.extra_expense, events.records)


def simulate(params: ScenarioParameters, n_trials: int, seed: int,
             candidate_rates: np.ndarray | None = None) -> EventTable:
    """Every event of ``n_trials`` simulated years in one table (memory ~200 bytes per event)."""
    parts = [simulate_block(params, seed, b, start, m, candidate_rates) for b, start, m in blocks(n_trials)]
    if not parts:
        return empty_events(n_trials)
    return EventTable(
        n_trials,
        np.concatenate([e.trial for e in parts]),
        np.concatenate([e.scenario for e in parts]),
        np.concatenate([e.amount for e in parts]),
        np.concatenate([e.downtime_hours for e in parts]),
        np.concatenate([e.income_per_hour for e in parts]),
        np.concatenate([e.extra_expense for e in parts]),
        np.concatenate([e.records for e in parts]),
    )


__all__ = ["BLOCK_TRIALS", "block_stream", "blocks", "event_costs", "simulate", "simulate_block",
           "suit_probability"]
