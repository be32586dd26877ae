"""Run a book: blocks of years x batches of practices mapped over an executor, reduced to the year loss table.

The run is cut into blocks of :data:`BOOK_BLOCK_YEARS` years (block ``b`` draws from streams keyed ``b``) and the
book into batches of ``practices_per_task`` practices; a task is a group of ``blocks_per_task`` consecutive blocks
for one batch (:func:`cyberrx.portfolio.kernel.run_batch`). Results are added in (block, batch) order whatever
the executor (serial, process pool, Dask) and however blocks are grouped, so the year loss table is the same
array for array. The systemic events of a group are drawn when its first task is handed out and dropped when
its last result is in: memory holds a few groups' events, the tasks in flight, and 48 bytes per simulated year
(the table's columns the exceedance figures need), whatever the number of years; the full table goes to Parquet
when asked (``ylt_out``).

A second pass (:func:`contributions`) simulates again, from the same keyed streams, the blocks that hold the
years around the 1-in-200 loss, and sums each policy's and each vendor's loss over them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cyberrx.engine.executors import Executor, SerialExecutor
from cyberrx.engine.rng import Block, plan_blocks
from cyberrx.errors import InvalidInput
from cyberrx.portfolio.book import BookBatch, BookModel
from cyberrx.portfolio.catalogue import SystemicCatalogue, SystemicEvents, draw_events
from cyberrx.portfolio.kernel import BlockPart, BlockSpec, XolTerms, run_batch
from cyberrx.portfolio.metrics import window_ranks
from cyberrx.portfolio.reinsurance import ReinsuranceTerms, net_of_reinsurance

#: simulated years per keyed block (fixed: another size draws other numbers)
BOOK_BLOCK_YEARS = 1 << 15
#: practices simulated by one task (fixed by default: the order in which a year's losses are added is part of
#: the figures to the last bit)
PRACTICES_PER_TASK = 256
MIN_YEARS, MAX_YEARS = 1_000, 1_000_000
#: practices x years one run may simulate (10,000 practices x 1,000,000 years)
MAX_PRACTICE_YEARS = 10_000_000_000

Progress = Callable[[int, int], None]


def check_run(n_practices: int, years: int, seed: int) -> None:
    """Refuse a run whose size is out of bounds, naming the field and what is allowed."""
    if isinstance(years, bool) or not MIN_YEARS <= years <= MAX_YEARS:
        raise InvalidInput(f"{years} is out of range", field="years", allowed=f"{MIN_YEARS:,} to {MAX_YEARS:,}")
    if not 0 <= seed < 2**63:
        raise InvalidInput(f"{seed} is out of range", field="seed", allowed="an integer from 0 to 2^63-1")
    if n_practices * years > MAX_PRACTICE_YEARS:
        raise InvalidInput(f"{n_practices:,} policies x {years:,} years is too large a run", field="years",
                           allowed=f"policies x years up to {MAX_PRACTICE_YEARS:,}")


@dataclass
class VendorTotals:
    """Per dependency ``(d,)``: systemic events that cost the book something, their summed and largest loss
    (usd, gross), over the whole run."""

    events: np.ndarray
    total: np.ndarray
    largest: np.ndarray


@dataclass
class BookRun:
    """The year loss table of a run (``(n,)`` per column, usd) and what the summaries need.

    ``gross`` insured loss of the book; ``independent`` the same book with no shared event (each practice alone);
    ``systemic`` paid on systemic events; ``occurrence`` the largest occurrence of the year (gross);
    ``xol`` per-event XoL recoveries before the annual cap; ``net`` after reinsurance.
    """

    seed: int
    gross: np.ndarray
    independent: np.ndarray
    systemic: np.ndarray
    occurrence: np.ndarray
    xol: np.ndarray
    net: np.ndarray
    vendors: VendorTotals
    block_years: int
    practices_per_task: int
    events: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_years(self) -> int:
        return int(self.gross.shape[0])


def xol_terms(reinsurance: ReinsuranceTerms | None) -> XolTerms:
    if reinsurance is None or reinsurance.per_event_xol is None:
        return XolTerms(reinsurance.ceded_share if reinsurance is not None else 0.0)
    x = reinsurance.per_event_xol
    return XolTerms(reinsurance.ceded_share, x.retention, x.limit)


def _groups(blocks: tuple[Block, ...], per_task: int) -> list[tuple[Block, ...]]:
    if per_task < 1:
        raise ValueError(f"blocks_per_task must be >= 1, got {per_task}")
    return [blocks[i:i + per_task] for i in range(0, len(blocks), per_task)]


def _batches(model: BookModel, size: int) -> list[BookBatch]:
    if size < 1:
        raise ValueError(f"practices_per_task must be >= 1, got {size}")
    return [model.batch(lo, min(lo + size, model.n)) for lo in range(0, model.n, size)]


def _draw(model: BookModel, catalogue: SystemicCatalogue | None, seed: int, blk: Block) -> SystemicEvents:
    return draw_events(catalogue, model.dependencies, model.active, seed, blk.index, blk.size)


def _map_groups(model: BookModel, catalogue: SystemicCatalogue | None, seed: int, groups: list[tuple[Block, ...]],
                batches: list[BookBatch], xol: XolTerms, executor: Executor,
                windows: dict[int, np.ndarray] | None = None
                ) -> Iterator[tuple[tuple[Block, ...], list[SystemicEvents], list[list[BlockPart]]]]:
    """For each group, in order: its blocks, their systemic events and every batch's parts (in batch order)."""
    drawn: dict[int, list[SystemicEvents]] = {}

    def tasks() -> Iterator[tuple[Any, ...]]:
        for g, group in enumerate(groups):
            drawn[g] = [_draw(model, catalogue, seed, blk) for blk in group]
            specs = tuple(BlockSpec(blk.index, blk.start, blk.size, ev,
                                    None if windows is None else windows.get(blk.index))
                          for blk, ev in zip(group, drawn[g], strict=True))
            for batch in batches:
                yield batch, catalogue, seed, specs, xol

    g, got = 0, []
    for parts in executor.map(run_batch, tasks()):
        got.append(parts)
        if len(got) == len(batches):
            yield groups[g], drawn.pop(g), got
            g, got = g + 1, []


def simulate_book(model: BookModel, catalogue: SystemicCatalogue | None, years: int, seed: int, *,
                  executor: Executor | None = None, reinsurance: ReinsuranceTerms | None = None,
                  block_years: int = BOOK_BLOCK_YEARS, blocks_per_task: int = 1,
                  practices_per_task: int = PRACTICES_PER_TASK, ylt_out: str | Path | None = None,
                  progress: Progress | None = None) -> BookRun:
    """Simulate ``years`` years of the book (pass 1): the year loss table and the vendors' totals.

    ``executor`` (serial when None; the caller owns it); ``catalogue`` None: no systemic event (a book of
    independent practices). ``ylt_out``: write the year loss table to this Parquet file as it is made.
    """
    check_run(model.n, years, seed)
    ex: Executor = executor if executor is not None else SerialExecutor()
    xol = xol_terms(reinsurance)
    blocks = plan_blocks(years, block_years)
    groups = _groups(blocks, blocks_per_task)
    batches = _batches(model, practices_per_task)
    n_deps = len(model.dependencies)
    gross, independent, systemic = np.zeros(years), np.zeros(years), np.zeros(years)
    occurrence, xol_rec, net = np.zeros(years), np.zeros(years), np.zeros(years)
    v_events, v_total, v_largest = np.zeros(n_deps, np.int64), np.zeros(n_deps), np.zeros(n_deps)
    writer = _YltWriter(ylt_out) if ylt_out is not None else None
    n_events = 0
    try:
        for group, events, parts in _map_groups(model, catalogue, seed, groups, batches, xol, ex):
            for i, (blk, ev) in enumerate(zip(group, events, strict=True)):
                rows = slice(blk.start, blk.stop)
                pieces = [p[i] for p in parts]
                g = np.zeros(blk.size)
                ind = np.zeros(blk.size)
                att_max = np.zeros(blk.size)
                att_xol = np.zeros(blk.size)
                event_loss = np.zeros(ev.n)
                for piece in pieces:           # batch order: the same sums on every executor
                    g += piece.gross
                    ind += piece.independent
                    np.maximum(att_max, piece.attritional_max, out=att_max)
                    att_xol += piece.attritional_xol
                    event_loss += piece.event_loss
                occ = att_max.copy()
                np.maximum.at(occ, ev.year, event_loss)
                rec = att_xol
                if xol.active:
                    rec = att_xol + np.bincount(ev.year, minlength=blk.size, weights=np.minimum(
                        xol.limit, np.maximum(0.0, (1.0 - xol.ceded_share) * event_loss - xol.retention)))
                gross[rows], independent[rows], occurrence[rows], xol_rec[rows] = g, ind, occ, rec
                systemic[rows] = np.bincount(ev.year, weights=event_loss, minlength=blk.size)
                net[rows] = net_of_reinsurance(g, rec, reinsurance)
                hit = event_loss > 0
                v_events += np.bincount(ev.dep[hit], minlength=n_deps)
                v_total += np.bincount(ev.dep, weights=event_loss, minlength=n_deps)
                np.maximum.at(v_largest, ev.dep, event_loss)
                n_events += int(hit.sum())
                if writer is not None:
                    writer.write(blk.start, {"gross": g, "independent": ind, "systemic": systemic[rows],
                                             "max_occurrence": occ, "net": net[rows]})
            if progress is not None:
                progress(group[-1].stop, years)
    finally:
        if writer is not None:
            writer.close()
    return BookRun(seed, gross, independent, systemic, occurrence, xol_rec, net,
                   VendorTotals(v_events, v_total, v_largest), block_years, practices_per_task, n_events)


@dataclass
class Contributions:
    """Each policy's ``(n,)`` and each dependency's ``(d,)`` loss averaged over the window years around the
    1-in-``return_period`` loss (usd, gross), the attritional remainder, and the window itself."""

    return_period: int
    years: np.ndarray
    policies: np.ndarray
    vendors: np.ndarray
    attritional: float
    book: float


def contributions(model: BookModel, catalogue: SystemicCatalogue | None, run: BookRun, *,
                  executor: Executor | None = None, return_period: int = 200,
                  blocks_per_task: int = 1) -> Contributions:
    """Pass 2: the mean loss of each policy and each dependency over the years ranked around the
    1-in-``return_period`` gross loss (:func:`cyberrx.portfolio.metrics.window_ranks`), simulated again from
    the same keyed streams (only the blocks holding those years)."""
    ex: Executor = executor if executor is not None else SerialExecutor()
    n = run.n_years
    lo, hi = window_ranks(n, return_period)
    order = np.argsort(-run.gross, kind="stable")
    years = np.sort(order[lo - 1:hi])
    blocks = plan_blocks(n, run.block_years)
    windows: dict[int, np.ndarray] = {}
    for blk in blocks:
        inside = years[(years >= blk.start) & (years < blk.stop)]
        if inside.shape[0]:
            windows[blk.index] = inside - blk.start
    wanted = tuple(blk for blk in blocks if blk.index in windows)
    groups = _groups(wanted, blocks_per_task)
    batches = _batches(model, run.practices_per_task)
    policies = np.zeros(model.n)
    vendors = np.zeros(len(model.dependencies))
    for group, events, parts in _map_groups(model, catalogue, run.seed, groups, batches, XolTerms(), ex, windows):
        for i, (blk, ev) in enumerate(zip(group, events, strict=True)):
            event_loss = np.zeros(ev.n)
            for b, batch_parts in enumerate(parts):
                piece = batch_parts[i]
                if piece.window is not None:
                    policies[batches[b].first:batches[b].first + batches[b].m] += piece.window
                event_loss += piece.event_loss
            in_window = np.isin(ev.year, windows[blk.index])
            vendors += np.bincount(ev.dep[in_window], weights=event_loss[in_window], minlength=vendors.shape[0])
    k = years.shape[0]
    book = float(run.gross[years].sum()) / k
    policies /= k
    vendors /= k
    return Contributions(return_period, years, policies, vendors, book - float(vendors.sum()), book)


class _YltWriter:
    """The year loss table to Parquet, one row group per block (pyarrow, imported only when asked)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._writer: Any = None

    def write(self, start: int, columns: dict[str, np.ndarray]) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        size = next(iter(columns.values())).shape[0]
        table = pa.table({"year": np.arange(start, start + size, dtype=np.int64),
                          **{k: np.round(v, 2) for k, v in columns.items()}})
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self.path), table.schema)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


__all__ = ["BOOK_BLOCK_YEARS", "MAX_PRACTICE_YEARS", "MAX_YEARS", "MIN_YEARS", "PRACTICES_PER_TASK", "BookRun",
           "Contributions", "VendorTotals", "check_run", "contributions", "simulate_book", "xol_terms"]
