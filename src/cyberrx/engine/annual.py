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

    ``occupied`` ``(k,)`` the trials with an event; ``year_loss`` ``(k,)`` usd their loss; ``part_values``
    the non-zero annual losses of each coverage part (usd);
    ``counts``/``sums`` ``(n_scenarios,)`` events and usd by scenario; with terms, ``insured``/``retained``
    ``(k,)`` usd and ``insured_parts`` ``(n_parts, k)`` usd for the same occupied years.
    """

    start: int
    size: int
    occupied: np.ndarray
    year_loss: np.ndarray
    part_values: list[np.ndarray]
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
        occupied, year_loss, part_values = draw.reduce()
        counts, sums = draw.by_scenario()
        insured = retained = insured_parts = None
        if terms is not None:
            # what the policy pays, on the occupied years only (others have no event, so nothing to pay)
            result = apply_policy(draw.events(ordered=True), terms)
            insured_parts = np.ascontiguousarray(result.insured_by_part[occupied].T)
            insured = insured_parts.sum(axis=0)
            retained = result.retained_by_part[occupied].sum(axis=1)
        out.append(BlockResult(blk.start, blk.size, occupied, year_loss, part_values, counts, sums, insured,
                               retained, insured_parts))
    return out


@dataclass
class AnnualLosses:
    """A whole run, kept sparse: only the ``k`` years with an event are stored (the others lost nothing).

    ``years`` ``(k,)`` their trial indices (ascending); ``year_loss`` ``(k,)`` usd their ground-up loss;
    ``part_losses[j]`` usd the non-zero annual losses of coverage part ``j`` (one array per part, any order);
    scenario sums and counts over the run; with terms, ``insured``/``retained`` ``(k,)`` usd per stored year
    (what the policy pays / what the practice keeps) and ``insured_part_losses[j]`` the non-zero amounts the
    policy pays on part ``j``. Memory: about 8 bytes x (2 + parts hit) per year with an event.
    """

    n_trials: int
    years: np.ndarray
    year_loss: np.ndarray
    part_losses: list[np.ndarray]
    by_scenario_sum: np.ndarray
    events_by_scenario: np.ndarray
    insured: np.ndarray | None = None
    retained: np.ndarray | None = None
    insured_part_losses: list[np.ndarray] | None = None

    @property
    def years_with_event(self) -> int:
        return int(self.years.shape[0])

    def total(self) -> np.ndarray:
        """The ground-up loss of every year, ``(n_trials,)`` usd (dense: for tests and small runs)."""
        out = np.zeros(self.n_trials)
        out[self.years] = self.year_loss
        return out


class Accumulator:
    """Adds block results in block order (so every sum is formed in the same order, whatever the workers),
    keeping only what the summaries need; each block's dense arrays can be freed once added."""

    def __init__(self, n_trials: int) -> None:
        self.n_trials = n_trials
        self.next_start = 0
        self.counts = np.zeros(len(SCENARIOS), dtype=np.int64)
        self.sums = np.zeros(len(SCENARIOS))
        self.years: list[np.ndarray] = []
        self.year_loss: list[np.ndarray] = []
        self.parts: list[list[np.ndarray]] = [[] for _ in PARTS]
        self.insured: list[np.ndarray] = []
        self.retained: list[np.ndarray] = []
        self.insured_parts: list[list[np.ndarray]] = [[] for _ in PARTS]
        self.with_terms: bool | None = None

    def add(self, r: BlockResult) -> None:
        if r.start != self.next_start:
            raise ValueError(f"blocks must be added in order: expected trial {self.next_start}, got {r.start}")
        self.next_start = r.start + r.size
        self.counts += r.counts
        self.sums += r.sums
        self.years.append(r.start + r.occupied)
        self.year_loss.append(r.year_loss)
        for j, values in enumerate(r.part_values):
            self.parts[j].append(values)
        self.with_terms = r.insured is not None
        if r.insured is not None and r.retained is not None and r.insured_parts is not None:
            self.insured.append(r.insured)
            self.retained.append(r.retained)
            for j, row in enumerate(r.insured_parts):
                self.insured_parts[j].append(row[row > 0])

    def result(self) -> AnnualLosses:
        def cat(pieces: list[np.ndarray], dtype: type = np.float64) -> np.ndarray:
            return np.concatenate(pieces) if pieces else np.zeros(0, dtype=dtype)

        terms = bool(self.with_terms)
        return AnnualLosses(
            self.n_trials, cat(self.years, np.int64), cat(self.year_loss), [cat(p) for p in self.parts],
            self.sums, self.counts,
            cat(self.insured) if terms else None, cat(self.retained) if terms else None,
            [cat(p) for p in self.insured_parts] if terms else None,
        )


def combine(n_trials: int, results: Iterable[BlockResult]) -> AnnualLosses:
    """Assemble block results (any order) into the run's annual losses, in block order."""
    acc = Accumulator(n_trials)
    for r in sorted(results, key=lambda r: r.start):
        acc.add(r)
    return acc.result()


__all__ = ["Accumulator", "AnnualLosses", "BlockResult", "combine", "run_blocks"]
