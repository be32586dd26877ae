"""Annual losses of a run, computed block by block: the pure kernel an executor maps over groups of blocks.

``run_blocks`` simulates some blocks of a run and reduces each to what the summaries need (the years with an
event, their loss by part, counts and sums by scenario, and, with policy terms, what the policy pays). Because
each block draws from its own keyed stream, any grouping of blocks over any number of workers, combined with
``combine``, gives exactly the serial answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from cyberrx.engine.rng import Block, stream
from cyberrx.engine.scenarios import ScenarioParameters
from cyberrx.engine.simulate import draw_block
from cyberrx.engine.terms import CompiledTerms, apply_policy
from cyberrx.vocab import PARTS, SCENARIOS


@dataclass(frozen=True)
class BlockResult:
    """One block reduced. Trials are local to the block: ``[0, size)`` from ``start``.

    ``occupied`` ``(k,)`` the trials with an event; ``annual`` ``(n_parts, k)`` usd their loss by part;
    ``counts``/``sums`` ``(n_scenarios,)`` events and usd by scenario; with terms, ``insured``/``retained``
    ``(size,)`` usd per trial and ``insured_parts`` ``(n_parts, j)`` usd for the ``j`` years the policy pays.
    """

    start: int
    size: int
    occupied: np.ndarray
    annual: np.ndarray
    counts: np.ndarray
    sums: np.ndarray
    insured: np.ndarray | None = None
    retained: np.ndarray | None = None
    insured_parts: np.ndarray | None = None


def run_blocks(params: ScenarioParameters, seed: int, blocks: Sequence[Block],
               terms: CompiledTerms | None = None) -> list[BlockResult]:
    """Simulate and reduce ``blocks`` of a run with ``seed`` (a pure function: picklable in, picklable out)."""
    out = []
    for blk in blocks:
        draw = draw_block(stream(seed, blk.index), params, 0, blk.size)
        occupied, annual = draw.annual()
        counts, sums = draw.by_scenario()
        insured = retained = insured_parts = None
        if terms is not None:
            result = apply_policy(draw.events(ordered=True), terms)
            by_part = result.insured_by_part
            insured = by_part.sum(axis=1)
            retained = result.retained_by_part.sum(axis=1)
            insured_parts = np.ascontiguousarray(by_part[insured > 0].T)
        out.append(BlockResult(blk.start, blk.size, occupied, annual, counts, sums, insured, retained,
                               insured_parts))
    return out


@dataclass
class AnnualLosses:
    """A whole run: ``total`` ``(n_trials,)`` usd for every year; ``by_part_nonzero`` ``(n_parts, k)`` usd for
    the ``k`` years with a loss; scenario sums and counts; with terms, ``insured``/``retained`` per year and
    ``insured_parts`` ``(n_parts, j)`` for the years the policy pays."""

    n_trials: int
    total: np.ndarray
    by_part_nonzero: np.ndarray
    by_scenario_sum: np.ndarray
    events_by_scenario: np.ndarray
    years_with_event: int
    insured: np.ndarray | None = None
    retained: np.ndarray | None = None
    insured_parts: np.ndarray | None = None


def combine(n_trials: int, results: Iterable[BlockResult]) -> AnnualLosses:
    """Assemble block results (any order) into the run's annual losses, in block order."""
    ordered = sorted(results, key=lambda r: r.start)
    total = np.zeros(n_trials)
    rows, counts, sums = [], np.zeros(len(SCENARIOS), dtype=np.int64), np.zeros(len(SCENARIOS))
    with_terms = bool(ordered) and ordered[0].insured is not None
    insured = np.zeros(n_trials) if with_terms else None
    retained = np.zeros(n_trials) if with_terms else None
    insured_rows = []
    years = 0
    for r in ordered:
        year_total = r.annual.sum(axis=0)
        total[r.start + r.occupied] = year_total
        rows.append(r.annual if year_total.all() else r.annual[:, year_total > 0])
        counts += r.counts
        sums += r.sums
        years += r.occupied.shape[0]
        if insured is not None and retained is not None:
            insured[r.start:r.start + r.size] = r.insured
            retained[r.start:r.start + r.size] = r.retained
            insured_rows.append(r.insured_parts)
    n_parts = len(PARTS)
    by_part = np.concatenate(rows, axis=1) if rows else np.zeros((n_parts, 0))
    parts = (np.concatenate(insured_rows, axis=1) if insured_rows else np.zeros((n_parts, 0))) if with_terms else None
    return AnnualLosses(n_trials, total, by_part, sums, counts, years, insured, retained, parts)


__all__ = ["AnnualLosses", "BlockResult", "combine", "run_blocks"]
