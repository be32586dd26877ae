"""Exceedance arithmetic on a year loss table: AAL, PML (AEP and OEP), TVaR, EP curves.

Definitions (n simulated years, losses sorted from the largest, ``L(1) >= L(2) >= ...``): the empirical return
period of the ``k``-th largest year is ``n / k``, so the loss at return period ``T`` is ``L(k)`` with
``k = floor(n / T)`` (at least 1: a run needs ``n >= T`` years). The aggregate exceedance (AEP) reads the
year's total loss, the occurrence exceedance (OEP) the year's largest single occurrence. TVaR at ``T`` is the
mean of the ``k`` largest years, so ``TVaR >= PML``.

>>> losses = np.array([0., 10., 0., 50., 20., 0., 0., 5., 0., 100.])
>>> aal(losses), pml(losses, 5), tvar(losses, 5), pml(losses, 10)
(18.5, 50.0, 75.0, 100.0)
"""

from __future__ import annotations

import numpy as np

#: return periods reported on the EP curves (those with ``n >= T`` years are kept)
EP_RETURN_PERIODS: tuple[int, ...] = (2, 5, 10, 25, 50, 100, 200, 250, 500, 1000, 5000, 10000)
#: return periods of the PML and TVaR figures
PML_RETURN_PERIODS: tuple[int, ...] = (100, 200, 250)


def rank_of(n_years: int, return_period: int) -> int:
    """``k = floor(n / T)``, the rank (from the largest) of the year at return period ``T``.

    >>> rank_of(100_000, 200), rank_of(1_000, 250)
    (500, 4)
    """
    if return_period < 1:
        raise ValueError(f"a return period is at least 1 year, got {return_period}")
    k = n_years // return_period
    if k < 1:
        raise ValueError(f"a 1-in-{return_period} figure needs at least {return_period} simulated years, "
                         f"got {n_years}")
    return k


def top(losses: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` largest values, in no particular order (``np.partition``: O(n))."""
    n = losses.shape[0]
    return np.partition(losses, n - k)[n - k:]


def aal(losses: np.ndarray) -> float:
    """Average annual loss, usd."""
    return float(losses.mean()) if losses.shape[0] else 0.0


def pml(losses: np.ndarray, return_period: int) -> float:
    """The loss at ``return_period`` (AEP on annual totals, OEP on annual maxima): ``L(floor(n / T))``."""
    k = rank_of(losses.shape[0], return_period)
    return float(top(losses, k).min())


def tvar(losses: np.ndarray, return_period: int) -> float:
    """Tail value at risk at ``return_period``: the mean of the ``floor(n / T)`` largest years."""
    k = rank_of(losses.shape[0], return_period)
    return float(top(losses, k).mean())


def ep_curve(losses: np.ndarray, periods: tuple[int, ...] = EP_RETURN_PERIODS) -> list[tuple[int, float]]:
    """``(T, loss at T)`` for each return period the run is long enough for; one sort."""
    n = losses.shape[0]
    if n == 0:
        return []
    desc = np.sort(losses)[::-1]
    return [(t, float(desc[n // t - 1])) for t in periods if n // t >= 1]


def window_ranks(n_years: int, return_period: int = 200) -> tuple[int, int]:
    """The ranks (1-based, from the largest) of the years a contribution to the 1-in-``T`` loss averages over:
    those with an empirical return period between ``0.75 T`` and ``1.25 T`` (for ``T = 200``: 1-in-150 to
    1-in-250), at least the one year at ``T``.

    >>> window_ranks(100_000)
    (401, 666)
    """
    k = rank_of(n_years, return_period)
    lo = n_years * 4 // (5 * return_period) + 1
    hi = n_years * 4 // (3 * return_period)
    return min(lo, k), max(hi, k)


__all__ = ["EP_RETURN_PERIODS", "PML_RETURN_PERIODS", "aal", "ep_curve", "pml", "rank_of", "tvar", "top",
           "window_ranks"]
