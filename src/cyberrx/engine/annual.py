"""Annual losses of a run, computed block by block: the pure kernel an executor maps over groups of blocks.

``run_blocks`` simulates some blocks of a run and reduces each to what the summaries need (the years with an
event, their loss by part, counts and sums by scenario, and, with policy terms, what the policy pays).
``simulate_annual`` cuts a run into groups of blocks, maps ``run_blocks`` over them through an executor chosen
by the caller (:mod:`cyberrx.engine.executors`) and adds the results in block order. Because each block draws
from its own stream keyed by (seed, subject, block), any grouping of blocks over any executor gives exactly the
serial answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from cyberrx.engine.executors import Executor, SerialExecutor
from cyberrx.engine.rng import DEFAULT_SUBJECT, Block, Key, group_blocks
from cyberrx.engine.scenarios import ScenarioParameters
from cyberrx.engine.simulate import LOSS_BLOCK_TRIALS, block_stream, draw_block, loss_blocks
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
               terms: CompiledTerms | None = None, subject: Key = DEFAULT_SUBJECT) -> list[BlockResult]:
    """Simulate and reduce ``blocks`` of ``subject``'s run with ``seed`` (a pure function: picklable in,
    picklable out)."""
    out = []
    for blk in blocks:
        draw = draw_block(block_stream(seed, blk.index, subject), params, 0, blk.size)
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


#: groups of blocks per worker of a pool: several, so progress moves and the work balances
GROUPS_PER_WORKER = 4

Progress = Callable[[int, int], None]


def simulate_annual(params: ScenarioParameters, n_trials: int, seed: int, *, terms: CompiledTerms | None = None,
                    executor: Executor | None = None, subject: Key = DEFAULT_SUBJECT, groups: int | None = None,
                    progress: Progress | None = None, block_trials: int = LOSS_BLOCK_TRIALS) -> AnnualLosses:
    """Simulate ``n_trials`` years of ``subject`` with ``seed``, mapping groups of blocks through ``executor``.

    ``executor``: serial when None; the caller owns it (enters and closes it). ``groups``: how many groups of
    blocks to map (default one per block when serial, :data:`GROUPS_PER_WORKER` per worker otherwise; at most
    one per block). ``progress(trials_done, n_trials)`` is called as groups complete, in order.
    ``block_trials``: keep the default for anything stored (another size draws other numbers).

    The answer is the same, array for array, whatever ``executor`` and ``groups``.
    """
    plan = loss_blocks(n_trials, block_trials)
    ex: Executor = executor if executor is not None else SerialExecutor()
    if groups is None:
        groups = len(plan) if ex.workers <= 1 else ex.workers * GROUPS_PER_WORKER
    units = group_blocks(plan, max(1, groups))
    if len(units) <= 1:
        ex = SerialExecutor()  # one group: no worker to start or feed
    acc = Accumulator(n_trials)
    for results in ex.map(run_blocks, ((params, seed, unit, terms, subject) for unit in units)):
        for r in results:
            acc.add(r)
        if progress is not None:
            progress(acc.next_start, n_trials)
    return acc.result()


__all__ = ["GROUPS_PER_WORKER", "Accumulator", "AnnualLosses", "BlockResult", "combine", "run_blocks",
           "simulate_annual"]
