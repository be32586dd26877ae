"""Frequency-severity Monte Carlo over incident scenarios, vectorised over all trials of a block.

Randomness is keyed by (seed, subject, block): block ``b`` of ``LOSS_BLOCK_TRIALS`` trials of a run with ``seed``
for ``subject`` (a practice of a book; ``DEFAULT_SUBJECT`` for a single assessment) draws from
``rng.subject_stream(seed, subject, b)``, so a run gives the same numbers whether its blocks are simulated in one
process, in chunks, or on two cores, and each practice of a book has streams of its own. For the default subject
that stream is ``rng.stream(seed, b)``, the one the engine has always used.

Within a block of ``m`` trials, scenario by scenario in the fixed order of ``SCENARIOS``:

1. the number of candidate events ``N_s ~ Poisson(m * cand_s)``, each placed in a trial uniformly (so per trial
   the count is ``Poisson(cand_s)``) and given a time of year; ``cand_s`` is the scenario's rate ``lam_s``, or a
   ceiling ``>= lam_s`` when one is given (``candidate_rates``), in which case each candidate is kept with
   probability ``lam_s / cand_s``. Two profiles simulated under the same ceiling share every common event and
   its random numbers (common random numbers): loss is then monotone year by year in every rate and driver;
2. each event draws the drivers its scenario uses (``DRIVERS``), always in the same order and number whatever
   the profile's parameters (so parameters never shift the stream); lognormal drivers are drawn through the
   severity family :class:`~cyberrx.engine.distributions.LognormalMedian` (numpy's ``lognormal`` with median 1,
   scaled by the scenario's median); the drivers of each scenario are declared by its model
   (:data:`cyberrx.engine.scenarios.DRIVERS`);
3. costs split into the twelve coverage parts; only the parts a scenario can hit are computed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cyberrx.engine.distributions import LognormalMedian
from cyberrx.engine.events import EventTable, empty_events
from cyberrx.engine.rng import DEFAULT_SUBJECT, Block, Key, plan_blocks, subject_stream
from cyberrx.engine.scenarios import BI_CONTINGENT, BI_OWN, DRIVERS, ScenarioParameters
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart, Scenario

P = PART_INDEX
C = CoveragePart
S = Scenario

#: trials per keyed block of the loss model (fixed: changing it changes every seeded result). Larger than the
#: FAIR blocks because a practice has few events per year: 262,144 trials hold ~50,000 events for a small
#: practice and ~900,000 for a 1,400-endpoint group, and fewer blocks mean less per-block overhead.
LOSS_BLOCK_TRIALS = 1 << 18

_SIZE_PARTS = (C.FORENSICS, C.LEGAL, C.PUBLIC_RELATIONS, C.DATA_RESTORATION, C.BETTERMENT)


def block_stream(seed: int, block: int, subject: Key = DEFAULT_SUBJECT) -> np.random.Generator:
    """The random stream of block ``block`` of a run with ``seed`` for ``subject``
    (``rng.subject_stream(seed, subject, block)``; for the default subject, ``rng.stream(seed, block)``)."""
    return subject_stream(seed, subject, block)


def loss_blocks(n_trials: int, block_trials: int = LOSS_BLOCK_TRIALS) -> tuple[Block, ...]:
    """The keyed blocks of a loss-model run of ``n_trials`` (keep ``block_trials`` at its default for anything
    stored or compared: another block size draws other numbers, from the same distribution)."""
    return plan_blocks(n_trials, block_trials)


def blocks(n_trials: int) -> Iterator[tuple[int, int, int]]:
    """``(block_index, first_trial, n_trials_in_block)`` covering ``n_trials``."""
    for blk in loss_blocks(n_trials):
        yield blk.index, blk.start, blk.size


def suit_probability(params: ScenarioParameters, notified: np.ndarray) -> np.ndarray:
    """Probability a breach of ``notified`` records draws a privacy class action (0 below the minimum)."""
    p = params.suit_p10k * (np.maximum(notified, 0.0) / 10_000.0) ** params.suit_exponent
    return np.where(notified >= params.suit_min_records, np.minimum(params.suit_max, p), 0.0)


class _Group:
    """The events of one scenario in one block, with that scenario's scalar parameters.

    Costs are kept as one contiguous column per coverage part the scenario can hit (``columns``), which is what
    aggregation wants; :meth:`BlockDraw.events` assembles the ``(n, 12)`` event table when terms need it.
    """

    def __init__(self, params: ScenarioParameters, i: int, n: int) -> None:
        self.params = params
        self.index = i
        self.g = params.scalars(i)
        self.n = n
        self.columns: dict[int, np.ndarray] = {}
        self.bi: tuple[int, np.ndarray, float, np.ndarray] | None = None    # column, hours, income/h, extra
        self.records = np.zeros(n)
        self.size_factor = np.ones(n)

    def _lognormal(self, rng: np.random.Generator, median: str, sigma: str) -> np.ndarray:
        """``n`` draws of the severity family given by the scenario's ``median`` and ``sigma`` fields."""
        return LognormalMedian(self.g[median], self.g[sigma]).sample(rng, self.n)

    def size(self, rng: np.random.Generator) -> None:
        factor = LognormalMedian(1.0, self.g["fixed_sigma"]).sample(rng, self.n)
        self.size_factor = factor
        for part in _SIZE_PARTS:
            median = self.g[part.value]
            if median:
                self.columns[P[part]] = median * factor
        if self.g["funds_transfer"]:
            self.columns[P[C.SOCIAL_ENGINEERING]] = self.g["funds_transfer"] * factor

    def records_(self, rng: np.random.Generator) -> None:
        # two components: the scenario's usual event and, with ``records_large_probability``, a large disclosure
        # (mass misdirection, tracking technology, snooping at scale); all three draws are always made
        g = self.g
        usual = self._lognormal(rng, "records_median", "records_sigma")
        large = rng.random(self.n) < g["records_large_probability"]
        large_records = self._lognormal(rng, "records_large_median", "records_large_sigma")
        exposed = np.minimum(g["records_cap"], np.where(large, large_records, usual))
        self.records = exposed * g["notify"]
        if g["notify"] and g["notification_unit"]:
            self.columns[P[C.NOTIFICATION]] = self.records * g["notification_unit"]
        # PR is engaged once a media notice is due (more than 500 residents, 45 CFR 164.406)
        pr = P[C.PUBLIC_RELATIONS]
        if pr in self.columns:
            self.columns[pr] = self.columns[pr] * (self.records > self.params.media_threshold)

    def downtime_(self, rng: np.random.Generator) -> None:
        g = self.g
        column = BI_OWN if g["bi_column"] == BI_OWN else BI_CONTINGENT
        part = C.BUSINESS_INTERRUPTION if column == BI_OWN else C.CONTINGENT_BI
        hours = self._lognormal(rng, "downtime_median", "downtime_sigma")
        income = g["income_per_hour"] * hours
        extra = g["extra_expense_share"] * income
        self.bi = (column, hours, g["income_per_hour"], extra)
        self.columns[P[part]] = income + extra

    def ransom(self, rng: np.random.Generator) -> None:
        paid = rng.random(self.n) < self.g["ransom_probability"]
        self.columns[P[C.EXTORTION]] = paid * self._lognormal(rng, "ransom_median", "ransom_sigma")

    def regulatory(self, rng: np.random.Generator) -> None:
        # OCR investigates every breach of 500 or more, others at its discretion; one uniform decides both the
        # investigation and, nested inside it, a monetary resolution
        g, notified = self.g, self.records
        u = rng.random(self.n)
        penalty = np.minimum(g["penalty_cap"], self._lognormal(rng, "penalty_median", "penalty_sigma"))
        p_inv = np.where(notified >= self.params.large_breach_threshold, 1.0, g["investigation_small"])
        p_inv *= notified > 0
        # a state attorney general may act on a large breach of its residents' records (HITECH s.13410(e)),
        # independently of OCR
        ag = ((rng.random(self.n) < g["ag_probability"]) * (notified >= self.params.large_breach_threshold)
              * self._lognormal(rng, "ag_median", "ag_sigma"))
        self.columns[P[C.REGULATORY]] = ((u < p_inv) * g["regulatory_defence"] * self.size_factor
                                         + (u < p_inv * g["penalty_probability"]) * penalty + ag)

    def suit(self, rng: np.random.Generator) -> None:
        g, notified = self.g, self.records
        u = rng.random(self.n)
        per_record = self._lognormal(rng, "settlement_per_record", "settlement_sigma")
        sued = u < suit_probability(self.params, notified)
        self.columns[P[C.PRIVACY_LIABILITY]] = sued * (g["suit_defence"] * self.size_factor + notified * per_record)

    def keep(self, mask: np.ndarray) -> None:
        self.n = int(mask.sum())
        self.columns = {j: c[mask] for j, c in self.columns.items()}
        self.records = self.records[mask]
        if self.bi is not None:
            column, hours, income, extra = self.bi
            self.bi = (column, hours[mask], income, extra[mask])

    def total(self) -> np.ndarray:
        out = np.zeros(self.n)
        for c in self.columns.values():
            out += c
        return out


_DRAW = {"size": _Group.size, "records": _Group.records_, "downtime": _Group.downtime_, "ransom": _Group.ransom,
         "regulatory": _Group.regulatory, "suit": _Group.suit}


class BlockDraw:
    """The events of one block, scenario group by scenario group (trial indices local to the block)."""

    def __init__(self, n_trials: int, first_trial: int,
                 groups: list[tuple[_Group, np.ndarray, np.ndarray]]) -> None:
        self.n_trials = n_trials
        self.first_trial = first_trial
        self.groups = [g for g in groups if g[0].n > 0]

    @property
    def n_events(self) -> int:
        return sum(g.n for g, _, _ in self.groups)

    def events(self, ordered: bool = True) -> EventTable:
        """The block as an :class:`EventTable` with global trial indices (sorted by time if ``ordered``)."""
        n = self.n_events
        if n == 0:
            return empty_events(self.n_trials)
        amount = np.zeros((n, len(PARTS)))
        downtime, income, extra = np.zeros((n, 2)), np.zeros((n, 2)), np.zeros((n, 2))
        at = 0
        for g, _, _ in self.groups:
            rows = slice(at, at + g.n)
            for j, c in g.columns.items():
                amount[rows, j] = c
            if g.bi is not None:
                column, hours, rate, ext = g.bi
                downtime[rows, column] = hours
                income[rows, column] = rate
                extra[rows, column] = ext
            at += g.n
        trial = np.concatenate([t for _, t, _ in self.groups]) + self.first_trial
        when = np.concatenate([w for _, _, w in self.groups])
        scenario = np.concatenate([np.full(g.n, g.index, dtype=np.int16) for g, _, _ in self.groups])
        records = np.concatenate([g.records for g, _, _ in self.groups])
        events = EventTable(self.n_trials, trial, scenario, amount, downtime, income, extra, records, when)
        return events.in_time_order() if ordered else events

    def reduce(self) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """``(occupied, year_loss, part_values)``: the local trials with an event (ascending), their ground-up
        loss ``(k,)`` usd, and for each coverage part the non-zero annual losses (usd, any order).

        For a practice with few events most occupied years hold a single event, whose part losses are the
        year's: those are copied and only the years with several events are summed; when most years hold
        several events every event is summed into its year by part.
        """
        n_parts = len(PARTS)
        if not self.groups:
            return np.zeros(0, dtype=np.int64), np.zeros(0), [np.zeros(0) for _ in range(n_parts)]
        trials = np.concatenate([t for _, t, _ in self.groups])
        counts = np.bincount(trials, minlength=self.n_trials)
        occupied = np.flatnonzero(counts)
        k = occupied.shape[0]
        row_of = np.empty(self.n_trials, dtype=np.int64)
        row_of[occupied] = np.arange(k)
        rows = row_of[trials]
        event_total = np.concatenate([g.total() for g, _, _ in self.groups])
        year_loss = np.bincount(rows, weights=event_total, minlength=k)
        bounds = np.cumsum([0] + [g.n for g, _, _ in self.groups])
        single = counts[trials] == 1
        if single.mean() < 0.5:
            # busy practice: most years have several events, sum every event into its year by part
            part_values: list[np.ndarray] = []
            for j in range(n_parts):
                having = [(rows[bounds[i]:bounds[i + 1]], g.columns[j]) for i, (g, _, _) in enumerate(self.groups)
                          if j in g.columns]
                if not having:
                    part_values.append(np.zeros(0))
                    continue
                values = np.bincount(np.concatenate([r for r, _ in having]),
                                     weights=np.concatenate([v for _, v in having]), minlength=k)
                part_values.append(values[values > 0])
            return occupied, year_loss, part_values
        # the rank of each multi-event year among the multi-event years, for each event in one
        several_year = counts[occupied] > 1
        n_multi = int(several_year.sum())
        compact = (np.cumsum(several_year) - 1)[rows]
        several = ~single
        part_values = []
        for j in range(n_parts):
            alone: list[np.ndarray] = []
            multi_rows: list[np.ndarray] = []
            multi_values: list[np.ndarray] = []
            for i, (g, _, _) in enumerate(self.groups):
                column = g.columns.get(j)
                if column is None:
                    continue
                sl = slice(bounds[i], bounds[i + 1])
                alone.append(column[single[sl]])
                if n_multi:
                    shared = several[sl]
                    multi_rows.append(compact[sl][shared])
                    multi_values.append(column[shared])
            pieces = alone
            if multi_rows:
                pieces = [*alone, np.bincount(np.concatenate(multi_rows), weights=np.concatenate(multi_values),
                                              minlength=n_multi)]
            kept = np.concatenate(pieces) if pieces else np.zeros(0)
            part_values.append(kept[kept > 0])
        return occupied, year_loss, part_values

    def by_scenario(self) -> tuple[np.ndarray, np.ndarray]:
        """Event counts and summed cost per scenario, ``(n_scenarios,)`` each."""
        counts = np.zeros(len(SCENARIOS), dtype=np.int64)
        sums = np.zeros(len(SCENARIOS))
        for g, _, _ in self.groups:
            counts[g.index] += g.n
            sums[g.index] += sum(float(c.sum()) for c in g.columns.values())
        return counts, sums


def simulate_block(params: ScenarioParameters, seed: int, block: int, first_trial: int, n_trials: int,
                   candidate_rates: np.ndarray | None = None, ordered: bool = True,
                   subject: Key = DEFAULT_SUBJECT) -> EventTable:
    """All events of one block; trial indices are global (``first_trial`` onwards).

    ``ordered``: sort the events by trial and time of year (needed to apply policy terms in order of
    occurrence); the random numbers drawn are the same either way.
    """
    draw = draw_block(block_stream(seed, block, subject), params, first_trial, n_trials, candidate_rates)
    return draw.events(ordered)


def simulate_block_from(rng: np.random.Generator, params: ScenarioParameters, first_trial: int, n_trials: int,
                        candidate_rates: np.ndarray | None = None, ordered: bool = True) -> EventTable:
    """:func:`simulate_block` drawing from a given generator (the block's keyed stream)."""
    return draw_block(rng, params, first_trial, n_trials, candidate_rates).events(ordered)


def draw_block(rng: np.random.Generator, params: ScenarioParameters, first_trial: int, n_trials: int,
               candidate_rates: np.ndarray | None = None) -> BlockDraw:
    """Draw every event of a block from ``rng``, scenario by scenario (see the module docstring)."""
    lam = params.frequency
    cand = lam if candidate_rates is None else np.maximum(candidate_rates, lam)
    groups: list[tuple[_Group, np.ndarray, np.ndarray]] = []
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
            group.keep(keep)
            trial, when = trial[keep], when[keep]
        groups.append((group, trial, when))
    return BlockDraw(n_trials, first_trial, groups)


def consume_draws(rng: np.random.Generator, params: ScenarioParameters, n_trials: int,
                  candidate_rates: np.ndarray | None = None) -> int:
    """Draw, and discard, exactly the random numbers one block consumes; returns how many were drawn.

    The floor of the engine benchmark: the time numpy needs just to draw the random numbers of a run. A test
    checks that it leaves the stream in the same state as :func:`simulate_block_from`.
    """
    lam = params.frequency
    cand = lam if candidate_rates is None else np.maximum(candidate_rates, lam)
    per_driver = {"size": ("lognormal",), "records": ("lognormal", "random", "lognormal"),
                  "downtime": ("lognormal",), "ransom": ("random", "lognormal"),
                  "regulatory": ("random", "lognormal", "random", "lognormal"),
                  "suit": ("random", "lognormal")}
    drawn = 0
    for i, scenario in enumerate(SCENARIOS):
        n = int(rng.poisson(n_trials * cand[i])) if cand[i] > 0 else 0
        rng.integers(0, n_trials, size=n)
        rng.random(n)
        drawn += 1 + 2 * n
        if candidate_rates is not None:
            rng.random(n)
            drawn += n
        for driver in DRIVERS[scenario]:
            for kind in per_driver[driver]:
                rng.random(n) if kind == "random" else rng.lognormal(0.0, 1.0, n)
                drawn += n
    return drawn


def simulate(params: ScenarioParameters, n_trials: int, seed: int,
             candidate_rates: np.ndarray | None = None, ordered: bool = True,
             subject: Key = DEFAULT_SUBJECT) -> EventTable:
    """Every event of ``n_trials`` simulated years of ``subject`` in one table (memory ~200 bytes per event)."""
    parts = [simulate_block(params, seed, b, start, m, candidate_rates, ordered, subject)
             for b, start, m in blocks(n_trials)]
    if not parts:
        return empty_events(n_trials)
    return EventTable(
        n_trials,
        *(np.concatenate([getattr(e, name) for e in parts])
          for name in ("trial", "scenario", "amount", "downtime_hours", "income_per_hour", "extra_expense",
                       "records", "time_of_year")),
    )


__all__ = ["DRIVERS", "LOSS_BLOCK_TRIALS", "BlockDraw", "block_stream", "blocks", "consume_draws", "draw_block",
           "loss_blocks", "simulate", "simulate_block", "simulate_block_from", "suit_probability"]
