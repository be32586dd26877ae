"""Exact statistics of a long run in bounded memory: two passes over the same keyed blocks.

A run of many millions of years cannot keep every year's loss (8 bytes a year and a part: 1 GB for the
1,400-endpoint group at 10,000,000 years). The statistics an assessment reports need only a few order statistics
(the quantiles, the k-th largest year of the TVaR, the 200 points of the exceedance curve), the sums and the
counts. So:

1. **count** (:class:`Tally`): each series' non-zero values are counted and summed into fine log-spaced bins
   (:data:`BINS_PER_DECADE` a decade, 0.12% wide), with the series' total count and sum;
2. **plan**: the rank of every order statistic wanted tells which bins hold it (:meth:`Tally.plan`);
3. **collect** (:class:`Tally.collect`): the run is simulated again (each block's stream is keyed by (seed,
   subject, block), so it draws exactly the same numbers) and only the values in those bins are kept;
4. **read**: an order statistic is its bin's sorted values at the rank less the counts of the bins below.

The order statistics are therefore exactly those of the sorted array, and every quantile is formed by the same
interpolation as :func:`cyberrx.engine.metrics.quantiles`; sums are added block by block, so a mean or a TVaR can
differ from the one-pass figure in the last bits of a float (never at the cent for any shipped example). Memory:
the bins (about 28,000 x 16 bytes a series) and the values of the needed bins, a few percent of a series.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cyberrx.engine.annual import BlockResult, run_blocks
from cyberrx.engine.executors import Executor, SerialExecutor
from cyberrx.engine.metrics import REPORTED_QUANTILES
from cyberrx.engine.rng import DEFAULT_SUBJECT, Key, group_blocks
from cyberrx.engine.scenarios import ScenarioParameters
from cyberrx.engine.simulate import loss_blocks
from cyberrx.engine.terms import CompiledTerms
from cyberrx.vocab import PARTS, SCENARIOS

Progress = Callable[[int, int], None]

#: bin resolution: 2,000 a decade (each bin 0.115% wide), from 1 cent to 10^12 usd
BINS_PER_DECADE = 2000
_LOW, _HIGH = -2, 12
EDGES = 10.0 ** (np.arange(_LOW * BINS_PER_DECADE, _HIGH * BINS_PER_DECADE + 1) / BINS_PER_DECADE)
N_BINS = EDGES.shape[0] + 1   # below the first edge, between edges, above the last

#: points of the exceedance curve (as :func:`cyberrx.engine.metrics.exceedance_curve`)
CURVE_POINTS = 200


_PADDED = np.concatenate([[-np.inf], EDGES, [np.inf]])   # bin b holds _PADDED[b] <= v < _PADDED[b + 1]


def _bin_of(values: np.ndarray) -> np.ndarray:
    """``numpy.searchsorted(EDGES, values, side="right")`` (the number of edges at or below each value), found from
    the logarithm and corrected against the edges themselves: 3x faster on a block's unsorted values."""
    with np.errstate(divide="ignore"):
        est = np.floor(np.log10(values) * BINS_PER_DECADE)
    b: np.ndarray = np.clip(np.nan_to_num(est, neginf=-1e9, posinf=1e9), -1e9, 1e9).astype(np.int64) \
        - _LOW * BINS_PER_DECADE + 1
    np.clip(b, 0, N_BINS - 1, out=b)
    for _ in range(4):       # the logarithm is off by at most one bin; a second look confirms
        low = values < _PADDED[b]
        high = values >= _PADDED[b + 1]
        if not (low.any() or high.any()):
            break
        b -= low
        b += high
    return b


class Tally:
    """One series (a year's loss, or one coverage part's) over a run of ``n_total`` years: counts and sums of its
    non-zero values by bin on the first pass, the values of the needed bins on the second."""

    def __init__(self, n_total: int) -> None:
        self.n_total = n_total
        self.counts = np.zeros(N_BINS, dtype=np.int64)
        self.sums = np.zeros(N_BINS)
        self.count = 0
        self.total = 0.0
        self.needed: np.ndarray | None = None          # bool (N_BINS,): bins whose values the second pass keeps
        self.kept: list[np.ndarray] = []

    # ---- pass 1 -------------------------------------------------------------------------------------------
    def add(self, values: np.ndarray) -> None:
        """Count a block's values (zeros are left out: they are the years not counted)."""
        nz = values[values > 0]
        if nz.shape[0] == 0:
            return
        bins = _bin_of(nz)
        self.counts += np.bincount(bins, minlength=N_BINS)
        self.sums += np.bincount(bins, weights=nz, minlength=N_BINS)
        self.count += int(nz.shape[0])
        self.total += float(nz.sum())

    # ---- plan ---------------------------------------------------------------------------------------------
    def ranks(self) -> np.ndarray:
        """The ascending ranks (0-based, among the non-zero values) of every order statistic the summary reads."""
        nz, n = self.count, self.n_total
        if nz == 0:
            return np.zeros(0, dtype=np.int64)
        n0 = n - nz
        h = (n - 1) * np.asarray([*REPORTED_QUANTILES.values()], dtype=float)
        lo = np.floor(h).astype(np.int64)
        wanted = [lo - n0, np.minimum(lo + 1, n - 1) - n0]
        half = np.floor(0.5 * (nz - 1))                 # the median of the non-zero values (median when hit)
        wanted.append(np.array([half, min(half + 1, nz - 1)], dtype=np.int64))
        wanted.append(np.unique(np.linspace(0, nz - 1, min(CURVE_POINTS, nz)).astype(np.int64)))
        k = self._tail_k()
        if k < nz:
            wanted.append(np.array([nz - k], dtype=np.int64))
        ranks = np.unique(np.concatenate(wanted))
        out: np.ndarray = ranks[ranks >= 0]
        return out

    def _tail_k(self, q: float = 0.99) -> int:
        return max(1, int(np.ceil(self.n_total * (1.0 - q) - 1e-9)))

    def plan(self) -> None:
        """Mark the bins that hold the wanted order statistics (the second pass keeps their values)."""
        below = np.cumsum(self.counts)
        self.needed = np.zeros(N_BINS, dtype=bool)
        self.needed[np.searchsorted(below, self.ranks(), side="right")] = True

    # ---- pass 2 -------------------------------------------------------------------------------------------
    def collect(self, values: np.ndarray) -> None:
        assert self.needed is not None, "plan() before collect()"
        nz = values[values > 0]
        keep = nz[self.needed[_bin_of(nz)]]
        if keep.shape[0]:
            self.kept.append(keep)

    def finish(self) -> None:
        """Sort what the second pass kept, bin by bin (the bins' order is the values' order)."""
        kept = np.concatenate(self.kept) if self.kept else np.zeros(0)
        self.kept = []
        self._sorted = np.sort(kept)
        below = np.cumsum(self.counts) - self.counts          # non-zero values below each bin
        needed = self.needed if self.needed is not None else np.zeros(N_BINS, dtype=bool)
        # where each needed bin's values start in the sorted kept values
        sizes = np.where(needed, self.counts, 0)
        self._start = np.cumsum(sizes) - sizes
        self._below = below
        self._cum = np.cumsum(self.counts)

    # ---- read ---------------------------------------------------------------------------------------------
    def order_statistic(self, rank: int) -> float:
        """The ``rank``-th smallest non-zero value (0-based)."""
        b = int(np.searchsorted(self._cum, rank, side="right"))
        return float(self._sorted[self._start[b] + rank - self._below[b]])

    def quantiles(self, qs: Sequence[float]) -> np.ndarray:
        """As :func:`cyberrx.engine.metrics.quantiles` of the series padded with its zero years."""
        n, nz = self.n_total, self.count
        h = (n - 1) * np.asarray(qs, dtype=float)
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, n - 1)
        n0 = n - nz

        def at(i: np.ndarray) -> np.ndarray:
            return np.array([self.order_statistic(int(j - n0)) if j >= n0 else 0.0 for j in i])

        a, b = at(lo), at(hi)
        out: np.ndarray = a + (h - lo) * (b - a)
        return out

    def median_when_hit(self) -> float:
        """The median of the non-zero values (``quantiles(hit, [0.5])``), 0 when there are none."""
        nz = self.count
        if nz == 0:
            return 0.0
        h = 0.5 * (nz - 1)
        lo = int(np.floor(h))
        a, b = self.order_statistic(lo), self.order_statistic(min(lo + 1, nz - 1))
        return float(a + (h - lo) * (b - a))

    def tvar(self, q: float = 0.99) -> float:
        """The mean of the worst ``ceil(n (1 - q))`` years (as :func:`cyberrx.engine.metrics.tvar`)."""
        k, nz = self._tail_k(q), self.count
        if k >= nz:
            return self.total / k
        first = nz - k                                          # ascending rank of the k-th largest
        b = int(np.searchsorted(self._cum, first, side="right"))
        above = float(self.sums[b + 1:].sum())
        in_bin = self._sorted[self._start[b]:self._start[b] + self.counts[b]]
        return (above + float(in_bin[first - self._below[b]:].sum())) / k

    def summary(self) -> dict[str, float]:
        """Mean, the reported quantiles and TVaR99 (as :func:`cyberrx.engine.metrics.summarize`)."""
        out = {"mean": self.total / self.n_total}
        out.update({k: float(v) for k, v in zip(REPORTED_QUANTILES, self.quantiles(list(REPORTED_QUANTILES.values())),
                                                 strict=True)})
        out["tvar99"] = self.tvar(0.99)
        return out

    def exceedance(self) -> tuple[np.ndarray, np.ndarray]:
        """As :func:`cyberrx.engine.metrics.exceedance_curve`: levels (usd) and their chance of being exceeded."""
        nz = self.count
        if nz == 0:
            return np.zeros(1), np.zeros(1)
        idx = np.unique(np.linspace(0, nz - 1, min(CURVE_POINTS, nz)).astype(np.int64))
        levels = np.array([self.order_statistic(int(i)) for i in idx])
        return levels, (nz - idx) / self.n_total


@dataclass
class TalliedLosses:
    """A long run summarised in two passes (:func:`tally_annual`): what :class:`~cyberrx.engine.annual.AnnualLosses`
    gives the summaries, without the years. ``year``/``parts[j]``: the ground-up series; with terms,
    ``insured``/``retained``/``insured_parts[j]`` and ``insured_years`` (years the policy pays anything)."""

    n_trials: int
    year: Tally
    parts: list[Tally]
    by_scenario_sum: np.ndarray
    events_by_scenario: np.ndarray
    years_with_event: int
    insured: Tally | None = None
    retained: Tally | None = None
    insured_parts: list[Tally] | None = None
    insured_years: int = 0

    def tallies(self) -> list[Tally]:
        return [self.year, *self.parts, *(t for t in (self.insured, self.retained) if t is not None),
                *(self.insured_parts or [])]


def _feed(out: TalliedLosses, r: BlockResult, second: bool) -> None:
    def put(t: Tally, values: np.ndarray) -> None:
        (t.collect if second else t.add)(values)

    put(out.year, r.year_loss)
    for t, values in zip(out.parts, r.part_values, strict=True):
        put(t, values)
    if out.insured is not None and out.retained is not None and out.insured_parts is not None:
        assert r.insured is not None and r.retained is not None and r.insured_parts is not None
        put(out.insured, r.insured)
        put(out.retained, r.retained)
        for t, row in zip(out.insured_parts, r.insured_parts, strict=True):
            put(t, row)
    if not second:
        out.by_scenario_sum += r.sums
        out.events_by_scenario += r.counts
        out.years_with_event += int(r.occupied.shape[0])
        if r.insured is not None:
            out.insured_years += int(np.count_nonzero(r.insured > 0))


def tally_annual(params: ScenarioParameters, n_trials: int, seed: int, *, terms: CompiledTerms | None = None,
                 executor: Executor | None = None, subject: Key = DEFAULT_SUBJECT,
                 progress: Progress | None = None) -> TalliedLosses:
    """Simulate ``n_trials`` years twice over the same keyed blocks (one block per unit of work, so that memory is
    bounded by a block whatever the run's length): the first pass counts, the second keeps the values the
    summaries read. ``progress(done, 2 * n_trials)`` as blocks complete."""
    plan = loss_blocks(n_trials)
    ex: Executor = executor if executor is not None else SerialExecutor()
    units = group_blocks(plan, len(plan))
    n_parts = len(PARTS)
    out = TalliedLosses(n_trials, Tally(n_trials), [Tally(n_trials) for _ in range(n_parts)],
                        np.zeros(len(SCENARIOS)), np.zeros(len(SCENARIOS), dtype=np.int64), 0)
    if terms is not None:
        out.insured, out.retained = Tally(n_trials), Tally(n_trials)
        out.insured_parts = [Tally(n_trials) for _ in range(n_parts)]
    for second in (False, True):
        if second:
            for t in out.tallies():
                t.plan()
        done = 0
        for results in ex.map(run_blocks, ((params, seed, unit, terms, subject) for unit in units)):
            for r in results:
                _feed(out, r, second)
                done += r.size
            if progress is not None:
                progress(done + (n_trials if second else 0), 2 * n_trials)
    for t in out.tallies():
        t.finish()
    return out


__all__ = ["BINS_PER_DECADE", "CURVE_POINTS", "Tally", "TalliedLosses", "tally_annual"]
