"""Summary statistics of simulated annual losses.

Annual losses are non-negative and mostly zero for a practice (most years have no incident), so quantiles are
read from the sorted non-zero values only: the result equals ``numpy.quantile(x, q)`` (linear interpolation,
numpy's default) at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cyberrx.engine.executors import Executor

#: the quantiles every assessment reports, by output key
REPORTED_QUANTILES: dict[str, float] = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p995": 0.995}


def sorted_nonzero(x: np.ndarray) -> tuple[np.ndarray, int]:
    """The sorted strictly positive values of ``x`` and the count of the rest (zeros)."""
    nz = np.sort(x[x > 0])
    return nz, int(x.shape[0] - nz.shape[0])


def quantiles(x: np.ndarray, qs: Sequence[float], n_total: int | None = None) -> np.ndarray:
    """``numpy.quantile(x, qs)`` for non-negative ``x`` (linear interpolation), computed on the non-zeros.

    ``n_total`` (>= len(x)) counts zeros left out of ``x``: the quantiles are those of ``x`` padded with zeros.
    Only the order statistics needed are found (``numpy.partition``), so the cost is linear in the non-zeros.

    >>> quantiles(np.array([0.0, 0.0, 0.0, 10.0]), [0.5, 1.0]).tolist()
    [0.0, 10.0]
    """
    n = x.shape[0] if n_total is None else n_total
    if n == 0:
        return np.full(len(qs), np.nan)
    nz = x[x > 0]
    n0 = n - nz.shape[0]
    h = (n - 1) * np.asarray(qs, dtype=float)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    # positions in the full sorted array: below n0 a zero, else the (i - n0)-th smallest non-zero
    wanted = np.unique(np.concatenate([lo, hi]) - n0)
    wanted = wanted[wanted >= 0]
    part = nz                      # a copy already (boolean indexing): partitioned in place
    select_order_statistics(part, wanted)

    def at(i: np.ndarray) -> np.ndarray:
        j = i - n0
        out = np.zeros(i.shape)
        out[j >= 0] = part[j[j >= 0]]
        return out

    a, b = at(lo), at(hi)
    out: np.ndarray = a + (h - lo) * (b - a)
    return out


def tvar(x: np.ndarray, q: float = 0.99, n_total: int | None = None) -> float:
    """Tail value at risk: the mean of the worst ``ceil(n * (1 - q))`` years (usd), for non-negative ``x``.

    ``n_total`` counts zero years left out of ``x``. Found among the non-zero years (selecting among many
    equal zeros is slow in ``numpy.partition``).
    """
    n = x.shape[0] if n_total is None else n_total
    k = max(1, int(np.ceil(n * (1.0 - q) - 1e-9)))
    nz = x[x > 0]
    if k >= nz.shape[0]:
        return float(nz.sum() / k)      # the worst k years are all the non-zero ones plus zeros
    top = np.partition(nz, nz.shape[0] - k)[nz.shape[0] - k:]
    return float(top.mean())


def summarize(x: np.ndarray, n_total: int | None = None) -> dict[str, float]:
    """Mean, the reported quantiles and TVaR99 of annual losses ``x`` usd (``n_total``: with implicit zeros)."""
    n = x.shape[0] if n_total is None else n_total
    qs = quantiles(x, list(REPORTED_QUANTILES.values()), n_total=n)
    out = {"mean": float(x.sum() / n) if n else float("nan")}
    out.update({k: float(v) for k, v in zip(REPORTED_QUANTILES, qs, strict=True)})
    out["tvar99"] = tvar(x, 0.99, n_total=n)
    return out


def _partition(values: np.ndarray, kth: np.ndarray) -> None:
    values.partition(kth)


def select_order_statistics(values: np.ndarray, positions: np.ndarray, *, executor: Executor | None = None) -> None:
    """Reorder ``values`` in place so that ``values[p]`` is its ``p``-th smallest for every ``p`` in
    ``positions`` (sorted, unique): ``numpy.partition`` at those positions.

    With an ``executor`` whose workers share memory (threads, more than one), ``values`` is first partitioned at
    its middle and the two halves are then partitioned at the same time, each at the positions on its side.
    """
    if positions.shape[0] == 0:
        return
    if executor is None or not executor.shares_memory or executor.workers < 2:
        values.partition(positions)
        return
    mid = values.shape[0] // 2
    values.partition(mid)
    left, right = positions[positions < mid], positions[positions > mid] - (mid + 1)
    jobs = [(half, k) for half, k in ((values[:mid], left), (values[mid + 1:], right)) if k.size]
    for _ in executor.map(_partition, jobs):
        pass


def _lerp(a: float, b: float, t: float) -> float:
    # numpy's own linear interpolation (numpy/lib/_function_base_impl.py _lerp), so results are bit-identical
    diff = b - a
    return b - diff * (1.0 - t) if t >= 0.5 else a + diff * t


def linear_quantiles(x: np.ndarray, qs: Sequence[float], *, executor: Executor | None = None) -> np.ndarray:
    """``numpy.quantile(x, qs, overwrite_input=True)`` (linear), bit for bit, reordering ``x`` in place.

    The order statistics are found by :func:`select_order_statistics`: with an ``executor`` of threads, the two
    halves either side of the middle at the same time (on 10,000,000 values and 8 quantiles about 0.14 s
    against numpy's 0.38 s on two cores). Unlike :func:`quantiles`, it interpolates exactly as numpy does.

    >>> x = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 9.0])
    >>> bool(np.array_equal(linear_quantiles(x.copy(), [0.1, 0.5, 0.99]), np.quantile(x, [0.1, 0.5, 0.99])))
    True
    """
    n = x.shape[0]
    if n == 0:
        return np.full(len(qs), np.nan)
    h = [q * (n - 1) for q in qs]
    lows = [int(np.floor(v)) for v in h]
    needed = np.unique(np.array([*lows, *(min(lo + 1, n - 1) for lo in lows)], dtype=np.int64))
    select_order_statistics(x, needed, executor=executor)
    out = np.empty(len(qs))
    for i, (v, lo) in enumerate(zip(h, lows, strict=True)):
        hi = min(lo + 1, n - 1)
        out[i] = _lerp(float(x[lo]), float(x[hi]), v - lo)
    return out


def exceedance_curve(x: np.ndarray, points: int = 200, n_total: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Loss levels (usd) and their annual probability of being exceeded, for plotting."""
    nz, _ = sorted_nonzero(x)
    n = x.shape[0] if n_total is None else n_total
    if nz.shape[0] == 0:
        return np.zeros(1), np.zeros(1)
    idx = np.unique(np.linspace(0, nz.shape[0] - 1, min(points, nz.shape[0])).astype(np.int64))
    levels = nz[idx]
    prob = (nz.shape[0] - idx) / n
    return levels, prob


__all__ = ["REPORTED_QUANTILES", "exceedance_curve", "linear_quantiles", "quantiles", "select_order_statistics",
           "summarize", "tvar"]
