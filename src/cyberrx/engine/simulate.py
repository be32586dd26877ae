"""Frequency-severity Monte Carlo over incident scenarios, vectorised over all trials of a block.

Randomness is keyed: block ``b`` of ``BLOCK_TRIALS`` trials draws from ``rng.stream(seed, b)``, so a run gives the
same numbers whether its blocks are simulated in one process, in chunks, or on two cores.

Within a block of ``m`` trials, scenario by scenario in the fixed order of ``SCENARIOS``:

1. the number of candidate events ``N_s ~ Poisson(m * cand_s)``, each placed in a trial uniformly (so per trial
   the count is ``Poisson(cand_s)``) and given a time of year; ``cand_s`` is the scenario's rate ``lam_s``, or a
   ceiling ``>= lam_s`` when one is given (``candidate_rates``), in which case each candidate is kept with
   probability ``lam_s / cand_s``. Two profiles simulated under the same ceiling share every common event and
   its random numbers (common random numbers): loss is then monotone year by year in every rate and driver;
2. each event draws the drivers its scenario uses (``DRIVERS``), always in the same order and number whatever
   the profile's parameters (so parameters never shift the stream); lognormal drivers are drawn by numpy's
   ``lognormal`` with median 1 and scaled by the scenario's median;
3. costs split into the twelve coverage parts; only the parts a scenario can hit are computed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cyberrx.engine.events import EventTable, empty_events
from cyberrx.engine.rng import BLOCK_TRIALS, plan_blocks, stream
from cyberrx.engine.scenarios import BI_CONTINGENT, BI_OWN, ScenarioParameters
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart, Scenario

P = PART_INDEX
C = CoveragePart
S = Scenario

#: the random drivers each scenario draws per event, in draw order
DRIVERS: dict[Scenario, tuple[str, ...]] = {
    S.RANSOMWARE: ("size", "records", "downtime", "ransom", "regulatory", "suit"),
    S.RANSOMWARE_EXFILTRATION: ("size", "records", "downtime", "ransom", "regulatory", "suit"),
    S.NETWORK_INTRUSION: ("size", "records", "regulatory", "suit"),
    S.BUSINESS_EMAIL_COMPROMISE: ("size", "records", "regulatory", "suit"),
    S.SOCIAL_ENGINEERING: ("size",),
    S.LOST_DEVICE: ("size", "records", "regulatory", "suit"),
    S.INSIDER_MISUSE: ("size", "records", "regulatory", "suit"),
    S.VENDOR_BREACH: ("size", "records", "regulatory", "suit"),
    S.VENDOR_OUTAGE: ("downtime",),
}

_SIZE_PARTS = (C.FORENSICS, C.LEGAL, C.PUBLIC_RELATIONS, C.DATA_RESTORATION, C.BETTERMENT)


def block_stream(seed: int, block: int) -> np.random.Generator:
    """The random stream of block ``block`` of a run with ``seed`` (``rng.stream(seed, block)``)."""
    return stream(seed, block)


def blocks(n_trials: int) -> Iterator[tuple[int, int, int]]:
    """``(block_index, first_trial, n_trials_in_block)`` covering ``n_trials`` (``rng.plan_blocks``)."""
    for blk in plan_blocks(n_trials):
        yield blk.index, blk.start, blk.size


def suit_probability(params: ScenarioParameters, notified: np.ndarray) -> np.ndarray:
    """Probability a breach of ``notified`` records draws a privacy class action (0 below the minimum)."""
    p = params.suit_p10k * (np.maximum(notified, 0.0) / 10_000.0) ** params.suit_exponent
    return np.where(notified >= params.suit_min_records, np.minimum(params.suit_max, p), 0.0)


class _Group:
    """The events of one scenario in one block, with that scenario's scalar parameters."""

    def __init__(self, params: ScenarioParameters, i: int, n: int) -> None:
        self.params = params
        self.g = {k: float(v[i]) for k, v in params.arrays().items()}
        self.n = n
        self.amount = np.zeros((n, len(PARTS)))
        self.downtime = np.zeros((n, 2))
        self.income = np.zeros((n, 2))
        self.extra = np.zeros((n, 2))
        self.records = np.zeros(n)

    def size(self, rng: np.random.Generator) -> None:
        factor = rng.lognormal(0.0, self.g["fixed_sigma"], self.n)
        self.size_factor = factor
        for part in _SIZE_PARTS:
            median = self.g[part.value]
            if median:
                self.amount[:, P[part]] = median * factor
        if self.g["funds_transfer"]:
            self.amount[:, P[C.SOCIAL_ENGINEERING]] = self.g["funds_transfer"] * factor

    def records_(self, rng: np.random.Generator) -> None:
        g = self.g
        exposed = np.minimum(g["records_cap"], g["records_median"] * rng.lognormal(0.0, g["records_sigma"], self.n))
        self.records = exposed * g["notify"]
        self.amount[:, P[C.NOTIFICATION]] = self.records * g["notification_unit"]
        # PR is engaged once a media notice is due (more than 500 residents, 45 CFR 164.406)
        self.amount[:, P[C.PUBLIC_RELATIONS]] *= self.records > self.params.media_threshold

    def downtime_(self, rng: np.random.Generator) -> None:
        g = self.g
        column = BI_OWN if g["bi_column"] == BI_OWN else BI_CONTINGENT
        part = C.BUSINESS_INTERRUPTION if column == BI_OWN else C.CONTINGENT_BI
        hours = g["downtime_median"] * rng.lognormal(0.0, g["downtime_sigma"], self.n)
        self.downtime[:, column] = hours
        self.income[:, column] = g["income_per_hour"]
        self.extra[:, column] = g["extra_expense_share"] * g["income_per_hour"] * hours
        self.amount[:, P[part]] = g["income_per_hour"] * hours + self.extra[:, column]

    def ransom(self, rng: np.random.Generator) -> None:
        paid = rng.random(self.n) < self.g["ransom_probability"]
        self.amount[:, P[C.EXTORTION]] = paid * (self.g["ransom_median"]
                                                 * rng.lognormal(0.0, self.g["ransom_sigma"], self.n))

    def regulatory(self, rng: np.random.Generator) -> None:
        # OCR investigates every breach of 500 or more, others at its discretion; one uniform decides both the
        # investigation and, nested inside it, a monetary resolution
        g, notified = self.g, self.records
        u = rng.random(self.n)
        penalty = np.minimum(g["penalty_cap"], g["penalty_median"] * rng.lognormal(0.0, g["penalty_sigma"], self.n))
        p_inv = np.where(notified >= self.params.large_breach_threshold, 1.0, g["investigation_small"])
        p_inv *= notified > 0
        self.amount[:, P[C.REGULATORY]] = ((u < p_inv) * g["regulatory_defence"] * self.size_factor
                                           + (u < p_inv * g["penalty_probability"]) * penalty)

    def suit(self, rng: np.random.Generator) -> None:
        g, notified = self.g, self.records
        u = rng.random(self.n)
        per_record = g["settlement_per_record"] * rng.lognormal(0.0, g["settlement_sigma"], self.n)
        sued = u < suit_probability(self.params, notified)
        self.amount[:, P[C.PRIVACY_LIABILITY]] = sued * (g["suit_defence"] * self.size_factor + notified * per_record)


_DRAW = {"size": _Group.size, "records": _Group.records_, "downtime": _Group.downtime_, "ransom": _Group.ransom,
         "regulatory": _Group.regulatory, "suit": _Group.suit}


def simulate_block(params: ScenarioParameters, seed: int, block: int, first_trial: int, n_trials: int,
                   candidate_rates: np.ndarray | None = None, ordered: bool = True) -> EventTable:
    """All events of one block; trial indices are global (``first_trial`` onwards).

    ``ordered``: sort the events by trial and time of year (needed to apply policy terms in order of
    occurrence); the random numbers drawn are the same either way.
    """
    rng = block_stream(seed, block)
    lam = params.frequency
    cand = lam if candidate_rates is None else np.maximum(candidate_rates, lam)
    groups: list[tuple[int, np.ndarray, np.ndarray, _Group]] = []
    for i, scenario in enumerate(SCENARIOS):
        n = int(rng.poisson(n_trials * cand[i])) if cand[i] > 0 else 0
        trial = rng.integers(0, n_trials, size=n)
        when = rng.random(n)
        keep = None
        if candidate_rates is not None:
            keep = rng.random(n) < (lam[i] / cand[i] if cand[i] > 0 else 0.0)
        group = _Group(params, i, n)
        for driver in DRIVERS[scenario]:
            _DRAW[driver](group, rng)
        if keep is not None:
            trial, when = trial[keep], when[keep]
            for name in ("amount", "downtime", "income", "extra", "records"):
                setattr(group, name, getattr(group, name)[keep])
        groups.append((i, trial, when, group))
    if sum(g[1].shape[0] for g in groups) == 0:
        return empty_events(n_trials)
    trial = np.concatenate([g[1] for g in groups])
    when = np.concatenate([g[2] for g in groups])
    scenario = np.concatenate([np.full(g[1].shape[0], g[0], dtype=np.int16) for g in groups])
    fields = [np.concatenate([getattr(g[3], name) for g in groups])
              for name in ("amount", "downtime", "income", "extra", "records")]
    events = EventTable(n_trials, trial + first_trial, scenario, *fields, when)
    return events.in_time_order() if ordered else events


def simulate(params: ScenarioParameters, n_trials: int, seed: int,
             candidate_rates: np.ndarray | None = None, ordered: bool = True) -> EventTable:
    """Every event of ``n_trials`` simulated years in one table (memory ~200 bytes per event)."""
    parts = [simulate_block(params, seed, b, start, m, candidate_rates, ordered) for b, start, m in blocks(n_trials)]
    if not parts:
        return empty_events(n_trials)
    return EventTable(
        n_trials,
        *(np.concatenate([getattr(e, name) for e in parts])
          for name in ("trial", "scenario", "amount", "downtime_hours", "income_per_hour", "extra_expense",
                       "records", "time_of_year")),
    )


__all__ = ["BLOCK_TRIALS", "DRIVERS", "block_stream", "blocks", "simulate", "simulate_block", "suit_probability"]
