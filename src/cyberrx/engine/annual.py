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
    ``(k,)`` usd and ``insured_parts`` ``(n_parts, k)`` usd for the same occupied years.
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
            # what the policy pays, on the occupied years only (others have no event, so nothing to pay)
            result = apply_policy(draw.events(ordered=True), terms)
            insured_parts = np.ascontiguousarray(result.insured_by_part[occupied].T)
            insured = insured_parts.sum(axis=0)
            retained = result.retained_by_part[occupied].sum(axis=1)
        out.append(BlockResult(blk.start, blk.size, occupied, annual, counts, sums, insured, retained,
                               insured_parts))
    return out


@dataclass
class AnnualLosses:
    """A whole run, kept sparse: only the ``k`` years with an event are stored (the others lost nothing).

    ``years`` ``(k,)`` their trial indices (ascending); ``year_loss`` ``(k,)`` usd their ground-up loss;
    ``by_part`` ``(n_parts, k)`` usd by coverage part; scenario sums and counts over the run; with terms,
    ``insured``/``retained`` ``(k,)`` usd per stored year (what the policy pays / what the practice keeps) and
    ``insured_parts`` ``(n_parts, k)``. Memory: about 8 x (3 + 2 x 12) bytes per year with an event.
    """

    n_trials: int
    years: np.ndarray
    year_loss: np.ndarray
    by_part: np.ndarray
    by_scenario_sum: np.ndarray
    events_by_scenario: np.ndarray
    insured: np.ndarray | None = None
    retained: np.ndarray | None = None
    insured_parts: np.ndarray | None = None

    @property
    def years_with_event(self) -> int:
        return int(self.years.shape[0])

    def total(self) -> np.ndarray:
        """The ground-up loss of every year, ``(n_trials,)`` usd (dense: for tests and small runs)."""
        out = np.zeros(self.n_trials)
        out[self.years] = self.year_loss
        return out


def combine(n_trials: int, results: Iterable[BlockResult]) -> AnnualLosses:
    """Assemble block results (any order) into the run's annual losses, in block order."""
    ordered = sorted(results, key=lambda r: r.start)
    counts, sums = np.zeros(len(SCENARIOS), dtype=np.int64), np.zeros(len(SCENARIOS))
    for r in ordered:
        counts += r.counts
        sums += r.sums
    n_parts = len(PARTS)
    if not ordered:
        empty = np.zeros(0)
        return AnnualLosses(n_trials, empty.astype(np.int64), empty, np.zeros((n_parts, 0)), sums, counts)
    years = np.concatenate([r.start + r.occupied for r in ordered])
    by_part = np.concatenate([r.annual for r in ordered], axis=1)
    year_loss = by_part.sum(axis=0)
    insured = retained = insured_parts = None
    if ordered[0].insured is not None:
        insured = np.concatenate([r.insured for r in ordered])
        retained = np.concatenate([r.retained for r in ordered])
        insured_parts = np.concatenate([r.insured_parts for r in ordered], axis=1)
    return AnnualLosses(n_trials, years, year_loss, by_part, sums, counts, insured, retained, insured_parts)


__all__ = ["AnnualLosses", "BlockResult", "combine", "run_blocks"]
