"""How much memory a run will take, estimated before it starts (pure: from the parameters, not by running).

An assessment is simulated block by block (:data:`~cyberrx.engine.simulate.LOSS_BLOCK_TRIALS` trials at a time),
so its peak memory is one block's events (every event carries its trial, time, drivers and a cost per part; far
more with policy terms) plus what the run keeps for its summaries (the years with an event). A quote keeps every
event of the run (it settles every option on the same years):

    bytes ~ FIXED + per event x expected events held + per trial x trials held + per year kept x years with an event

The expected events of a block are ``block_trials x sum(frequency)`` (frequencies are per year), so the estimate
grows with whatever raises a frequency (endpoints, employees, vendors) and with trials, the two things a caller
controls. The constants are measured (tracemalloc peak over runs of the shipped examples and of a practice at
the profile's bounds; ``tests/engine/test_footprint.py`` checks the estimate stays above the measured peak and
within 3x of it); they are bytes of numpy arrays, not a model figure.
"""

from __future__ import annotations

import math

import numpy as np

from cyberrx.engine.simulate import LOSS_BLOCK_TRIALS

#: bytes per event of the block being drawn and reduced (no policy terms)
BYTES_PER_EVENT = 150
#: bytes per event of a block run through policy terms (every line's covered, retained and paid amounts by part)
BYTES_PER_EVENT_WITH_TERMS = 1_400
#: bytes per event of a whole run's event table (a quote keeps every event of the run to settle each option)
BYTES_PER_EVENT_IN_TABLE = 800
#: bytes per trial of a block held densely (years x parts with terms)
BYTES_PER_BLOCK_TRIAL = 32
BYTES_PER_BLOCK_TRIAL_WITH_TERMS = 320
#: bytes per year with an event kept for the summaries (loss overall, by part, insured, retained; quantile copies)
BYTES_PER_OCCUPIED_YEAR = 120
#: the fixed part of a run (reference tables, small arrays)
FIXED_BYTES = 8 * 10**6


def expected_events_per_year(frequency: np.ndarray) -> float:
    """Expected events in one simulated year, all scenarios (``frequency`` per_year, ``(n_scenarios,)``)."""
    return float(np.sum(frequency))


def run_bytes(frequency: np.ndarray, n_trials: int, *, terms: bool = False, whole_run: bool = False,
              block_trials: int = LOSS_BLOCK_TRIALS) -> int:
    """Estimated peak bytes of one run of ``n_trials`` years at per-year ``frequency`` (``(n_scenarios,)``).

    ``terms``: policy terms are applied to every event (an assessment with a policy); ``whole_run``: the run keeps
    every event at once (a quote, which settles every option on the same years) rather than one block.

    >>> run_bytes(np.array([0.0]), 1_000) == FIXED_BYTES
    True
    """
    lam = expected_events_per_year(frequency)
    if not math.isfinite(lam):
        return 2**62
    held = n_trials if whole_run else min(n_trials, block_trials)
    if whole_run:
        per_event, per_trial = BYTES_PER_EVENT_IN_TABLE, BYTES_PER_BLOCK_TRIAL
    elif terms:
        per_event, per_trial = BYTES_PER_EVENT_WITH_TERMS, BYTES_PER_BLOCK_TRIAL_WITH_TERMS
    else:
        per_event, per_trial = BYTES_PER_EVENT, BYTES_PER_BLOCK_TRIAL
    occupied = n_trials * (1.0 - math.exp(-lam)) if lam > 0 else 0.0
    estimate = (FIXED_BYTES + per_event * held * lam + (per_trial * held if lam > 0 else 0)
                + BYTES_PER_OCCUPIED_YEAR * occupied)
    return int(min(estimate, 2**62))


def most_trials(frequency: np.ndarray, budget_bytes: int, *, terms: bool = False, whole_run: bool = False) -> int:
    """The most trials whose :func:`run_bytes` fits ``budget_bytes`` (0 if none does): said in a refusal."""
    lo, hi = 0, 1 << 40
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if run_bytes(frequency, mid, terms=terms, whole_run=whole_run) <= budget_bytes:
            lo = mid
        else:
            hi = mid - 1
    return lo


def describe_bytes(n: int) -> str:
    """``n`` bytes in words: ``"1.5 GB"``, ``"300 MB"``."""
    if n >= 10**9:
        return f"{n / 10**9:,.1f} GB"
    return f"{max(1, round(n / 10**6)):,} MB"


__all__ = ["BYTES_PER_EVENT", "BYTES_PER_EVENT_IN_TABLE", "BYTES_PER_EVENT_WITH_TERMS", "FIXED_BYTES",
           "describe_bytes", "expected_events_per_year", "most_trials", "run_bytes"]
