"""The book's pure kernel: one task simulates some blocks of years for one batch of practices, and reduces them.

For each block (``n`` years keyed ``b``) and each practice of the batch:

1. its attritional events from the per-practice engine, on its own stream ``subject_stream(seed, subject, b)``
   (:func:`cyberrx.engine.simulate.draw_block`), and what its policy pays each year
   (:func:`cyberrx.engine.terms.insured_year_totals`): the *independent* figure, as if no event were shared;
2. the systemic events of the block that reach it through its dependencies (drawn once for the book,
   :func:`cyberrx.portfolio.catalogue.draw_events`), each as one more incident of that year with the practice's
   own loss: a vendor outage costs its income per hour for the outage's hours (contingent BI, through the
   waiting period); a vendor breach its notification cost for the records that vendor holds x the exposed share,
   counsel, and PR above the media threshold; a product exploitation, when it is compromised (its own uniform,
   :func:`~cyberrx.portfolio.catalogue.pair_uniform`), its own-systems outage, forensics and restoration;
3. in the years a systemic event reaches it, the year is settled again with every incident in time order
   (:func:`cyberrx.engine.terms.apply_policy`: retention per claim, sublimits and aggregate eroding through the
   year), which gives what each incident is paid, so each systemic event's payment is known per insured.

The task reduces inside the worker: per year the batch's insured loss (``gross``), its independent loss, its
largest attritional occurrence (an insured's attritional claims of one year count as one occurrence: an upper
bound, below any per-event excess of loss retention in practice) and the per-event XoL recoveries on them; per
systemic event the batch's payments. Python loops run over practices and kinds, never over years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cyberrx.engine.events import EventTable
from cyberrx.engine.rng import subject_stream
from cyberrx.engine.simulate import draw_block
from cyberrx.engine.terms import CompiledTerms, apply_policy, insured_year_totals
from cyberrx.portfolio.book import BookBatch
from cyberrx.portfolio.catalogue import BREACH, EXPLOIT, OUTAGE, SystemicCatalogue, SystemicEvents, pair_uniform
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart, Scenario

_C = CoveragePart
_S = {s: i for i, s in enumerate(SCENARIOS)}
_SCENARIO_OF_KIND = {OUTAGE: _S[Scenario.VENDOR_OUTAGE], BREACH: _S[Scenario.VENDOR_BREACH],
                     EXPLOIT: _S[Scenario.RANSOMWARE]}
_NP = len(PARTS)


@dataclass(frozen=True)
class BlockSpec:
    """Block ``index`` of the run: years ``[start, start + size)``, with its systemic events and, in a
    contribution pass, the years (local) whose per-practice losses are summed."""

    index: int
    start: int
    size: int
    events: SystemicEvents
    window: np.ndarray | None = None


@dataclass(frozen=True)
class XolTerms:
    """What the kernel needs of the reinsurance: the quota share ceded first, then the per-event layer."""

    ceded_share: float = 0.0
    retention: float = 0.0
    limit: float = 0.0

    @property
    def active(self) -> bool:
        return self.limit > 0


@dataclass(frozen=True)
class BlockPart:
    """One block reduced over one batch. Per year ``(size,)`` usd: ``gross`` insured, ``independent`` (no
    systemic event), ``attritional_max`` the largest attritional occurrence, ``attritional_xol`` its XoL
    recoveries; ``event_loss`` ``(n_events,)`` usd paid per systemic event; ``window`` ``(m,)`` usd each
    practice's summed loss over the block's window years (contribution pass only)."""

    start: int
    size: int
    gross: np.ndarray
    independent: np.ndarray
    attritional_max: np.ndarray
    attritional_xol: np.ndarray
    event_loss: np.ndarray
    window: np.ndarray | None = None


@dataclass(frozen=True)
class _Pairs:
    """Systemic incidents of the batch in one block, one row per (event, practice) with a loss, grouped by
    practice: ``bounds`` ``(m + 1,)`` rows of practice ``j`` are ``[bounds[j], bounds[j+1])``."""

    event: np.ndarray
    year: np.ndarray
    time: np.ndarray
    scenario: np.ndarray
    amount: np.ndarray
    downtime: np.ndarray
    income: np.ndarray
    extra: np.ndarray
    records: np.ndarray
    bounds: np.ndarray


def systemic_pairs(batch: BookBatch, events: SystemicEvents, catalogue: SystemicCatalogue | None) -> _Pairs:
    """Every (event, practice) incident of the batch, with each practice's own loss by coverage part (usd).

    Candidate pairs are first filtered by kind (critical link for an outage, records held for a breach, the
    insured's compromise for an exploitation); the ``(rows, n_parts)`` grid is built for the incidents only.
    """
    ptr = batch.ptr
    counts = ptr[events.dep + 1] - ptr[events.dep]
    total = int(counts.sum())
    ev = np.repeat(np.arange(events.n), counts)
    link = np.repeat(ptr[events.dep] - (np.cumsum(counts) - counts), counts) + np.arange(total)
    kind = events.kind[ev]
    f = batch.figures
    hit = np.zeros(total, dtype=bool)
    hit |= (kind == OUTAGE) & batch.critical[link]
    notified_all = batch.records[link] * events.share[ev]
    hit |= (kind == BREACH) & (notified_all >= 1.0)
    ex = np.flatnonzero(kind == EXPLOIT)
    if ex.shape[0]:
        exploit = catalogue.kind("product_exploitation") if catalogue is not None else None
        share = exploit.compromised_share if exploit is not None else 0.0
        u = pair_uniform(events.key[ev[ex]], batch.subjects[batch.practice[link[ex]]])
        hit[ex] = u < share * f["compromise_multiplier"][batch.practice[link[ex]]]
    rows = np.flatnonzero(hit)
    practice = batch.practice[link[rows]]
    rows = rows[np.argsort(practice, kind="stable")]
    practice = batch.practice[link[rows]]
    e = ev[rows]
    kind = kind[rows]
    hours = events.hours[e]
    n = rows.shape[0]
    amount = np.zeros((n, _NP))
    downtime, income, extra = np.zeros((n, 2)), np.zeros((n, 2)), np.zeros((n, 2))
    records = np.zeros(n)

    k = np.flatnonzero(kind == OUTAGE)
    p = practice[k]
    rate = f["outage_income_per_hour"][p]
    lost = rate * hours[k]
    ext = f["outage_extra_share"][p] * lost
    amount[k, PART_INDEX[_C.CONTINGENT_BI]] = lost + ext
    downtime[k, 1], income[k, 1], extra[k, 1] = hours[k], rate, ext

    k = np.flatnonzero(kind == BREACH)
    p = practice[k]
    notified = notified_all[rows[k]]
    amount[k, PART_INDEX[_C.NOTIFICATION]] = notified * f["notification_unit"][p]
    amount[k, PART_INDEX[_C.LEGAL]] = f["breach_legal"][p]
    amount[k, PART_INDEX[_C.PUBLIC_RELATIONS]] = np.where(notified > f["media_threshold"][p], f["breach_pr"][p], 0.0)
    records[k] = notified

    k = np.flatnonzero(kind == EXPLOIT)
    p = practice[k]
    own = f["own_income_per_hour"][p]
    lost = own * hours[k]
    ext = f["own_extra_share"][p] * lost
    amount[k, PART_INDEX[_C.BUSINESS_INTERRUPTION]] = lost + ext
    amount[k, PART_INDEX[_C.FORENSICS]] = f["own_forensics"][p]
    amount[k, PART_INDEX[_C.DATA_RESTORATION]] = f["own_restoration"][p]
    downtime[k, 0], income[k, 0], extra[k, 0] = hours[k], own, ext

    scenario = np.array([_SCENARIO_OF_KIND[c] for c in range(3)], dtype=np.int16)[kind]
    bounds = np.searchsorted(practice, np.arange(batch.m + 1))
    return _Pairs(e, events.year[e], events.time[e], scenario, amount, downtime, income, extra, records, bounds)


def _settle_with_systemic(att_events: EventTable, pairs: _Pairs, lo: int, hi: int, terms: CompiledTerms,
                          n_years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The years of one practice a systemic event reaches, settled with every incident in time order.

    Returns ``(years, year_paid, systemic_paid_by_year, paid_per_pair)``: the local years ``(k,)``, what the
    policy pays in each ``(k,)`` usd, the part of it paid on systemic incidents ``(k,)`` usd, and what each of the
    practice's systemic incidents ``(hi - lo,)`` is paid, usd.
    """
    years, sys_row = np.unique(pairs.year[lo:hi], return_inverse=True)
    mine = np.isin(att_events.trial, years)
    att = att_events.subset(mine)
    n_att = att.n_events
    trial = np.concatenate([np.searchsorted(years, att.trial), sys_row])
    time_of_year = np.concatenate([att.time_of_year if att.time_of_year is not None else np.zeros(n_att),
                                   pairs.time[lo:hi]])
    order = np.argsort(trial + time_of_year, kind="stable")
    table = EventTable(
        int(years.shape[0]), trial[order],
        np.concatenate([att.scenario, pairs.scenario[lo:hi]])[order],
        np.concatenate([att.amount, pairs.amount[lo:hi]])[order],
        np.concatenate([att.downtime_hours, pairs.downtime[lo:hi]])[order],
        np.concatenate([att.income_per_hour, pairs.income[lo:hi]])[order],
        np.concatenate([att.extra_expense, pairs.extra[lo:hi]])[order],
        np.concatenate([att.records, pairs.records[lo:hi]])[order],
        time_of_year[order],
    )
    result = apply_policy(table, terms)
    paid = result.payable.sum(axis=1)
    k = years.shape[0]
    year_paid = np.bincount(table.trial, weights=paid, minlength=k)
    is_sys = order >= n_att
    sys_paid = np.bincount(table.trial[is_sys], weights=paid[is_sys], minlength=k)
    per_pair = np.zeros(hi - lo)
    per_pair[order[is_sys] - n_att] = paid[is_sys]
    return years, year_paid, sys_paid, per_pair


def run_batch(batch: BookBatch, catalogue: SystemicCatalogue | None, seed: int, blocks: Sequence[BlockSpec],
              xol: XolTerms) -> list[BlockPart]:
    """Simulate ``blocks`` for the practices of ``batch`` and reduce them (a pure function: picklable in and
    out; the same result on any worker)."""
    out = []
    keep_share = 1.0 - xol.ceded_share
    for blk in blocks:
        n = blk.size
        gross = np.zeros(n)
        independent = np.zeros(n)
        att_max = np.zeros(n)
        att_xol = np.zeros(n)
        event_loss = np.zeros(blk.events.n)
        window = np.zeros(batch.m) if blk.window is not None else None
        pairs = systemic_pairs(batch, blk.events, catalogue)
        for j in range(batch.m):
            draw = draw_block(subject_stream(seed, int(batch.subjects[j]), blk.index), batch.params[j], 0, n)
            events = draw.events(ordered=False)
            att = insured_year_totals(events, batch.terms[j])
            independent += att
            lo, hi = int(pairs.bounds[j]), int(pairs.bounds[j + 1])
            if hi > lo:
                years, year_paid, sys_paid, per_pair = _settle_with_systemic(events, pairs, lo, hi, batch.terms[j], n)
                total = att.copy()
                total[years] = year_paid
                occurrence = total.copy()
                occurrence[years] -= sys_paid
                event_loss += np.bincount(pairs.event[lo:hi], weights=per_pair, minlength=blk.events.n)
            else:
                total = occurrence = att
            gross += total
            hit = np.flatnonzero(occurrence > 0)
            values = occurrence[hit]
            att_max[hit] = np.maximum(att_max[hit], values)
            if xol.active:
                att_xol[hit] += np.minimum(xol.limit, np.maximum(0.0, keep_share * values - xol.retention))
            if window is not None and blk.window is not None:
                window[j] = total[blk.window].sum()
        out.append(BlockPart(blk.start, n, gross, independent, att_max, att_xol, event_loss, window))
    return out


__all__ = ["BlockPart", "BlockSpec", "XolTerms", "run_batch", "systemic_pairs"]
