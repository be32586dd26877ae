"""The policy arithmetic: one implementation, over arrays, for simulated years and for a real claim.

Every step is a small function over arrays. The same functions run on ``float64`` arrays (millions of simulated
years, :func:`apply_policy`) and on ``object`` arrays of :class:`~decimal.Decimal` (one claim and its history,
to the cent, ``cyberrx.claims.adjudicate``), so pricing and claims cannot disagree.

Layout. Losses sit in a grid of ``rows x parts`` (parts in ``cyberrx.vocab.PARTS`` order). A row is one incident
of a simulated year (every part a loss line), or one presented loss line of a real claim (one non-zero column).
Read row by row and, within a row, part by part, the grid gives the lines in the order they are presented.
``claim_starts`` marks the first row of each claim; ``period_starts`` the first row of each policy period
(a simulated year, or the claims history of a policy).

Steps, in the order of issue 3 (after denial and coverage, which zero whole rows or columns):

1. :func:`apply_waiting_period` business interruption covered = income/h x max(0, min(downtime, max hours) -
   waiting hours) + extra expense. The waiting period is a time deductible; the dollar retention applies after
   it too (both are terms of the policy, as issue 3 orders them). Under the qualifying-period form (issue 12)
   an outage longer than the waiting period counts from hour zero (income/h x min(downtime, max hours) + extra
   expense) and a shorter one pays nothing.
1b. :func:`apply_deductible` a part's own deductible (``CoverageTerms.deductible``, OED's coverage deductible),
   used up per claim by that part's lines, stacked under the retention of step 2.
2. :func:`claim_retention`, :func:`apply_retention` one retention per claim, the largest among the covered parts
   the claim touches (a line with a claimed amount above zero), taken from the covered lines in order.
3. :func:`apply_coinsurance` the share the practice keeps of what is left.
4. :func:`apply_sublimit` each part pays at most what remains of its limit in the period.
5. :func:`apply_layer` (excess policies) the slice of the period's cumulative loss between attachment and
   attachment + limit, times participation; with ``pro_rata`` allocation each claim's layer payout is then shared
   among its lines by :func:`allocate_pro_rata`, in proportion to their covered loss after step 1b.
6. :func:`apply_aggregate` at most what remains of the aggregate limit in the period.

Denial (issue 12) is per row, or per row and part: a warranty in its causation form (``deny_caused``) denies
only the parts its missing control could have caused in an incident of that cause
(``CompiledTerms.caused_denial``). The trigger (discovery, claims-made, retroactive date) is a test of a real
claim's dates made by ``cyberrx.claims``; a simulated event is an incident of the simulated year, so it is
discovered and claimed inside the period and no trigger denies it.

Erosion through a period is a cumulative sum in presentation order: a line pays ``min(C, L) - min(C', L)`` where
``C`` is the cumulative amount through the line and ``C'`` the amount before it; no loop over trials or events.

Rounding (exact path only; floats are not rounded). Each figure a line reports is rounded half-up to the cent
once, where it is formed: the BI covered amount (hours x rate + extra expense, never rounded in between), the
amount left after coinsurance, the layer's participated share. Retention, sublimit and aggregate only compare
and subtract whole cents, so they need no rounding, and because rounding commutes with ``min`` against a whole
number of cents, this is the same as rounding at the end of each line with limits eroded by the amounts paid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from cyberrx.domain.policy import PolicyTerms
from cyberrx.engine.events import BI_COLUMNS, EventTable
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS

N_PARTS = len(PARTS)
CENT = Decimal("0.01")
_quantize = np.frompyfunc(lambda x: Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP), 1, 1)


def is_exact(x: np.ndarray) -> bool:
    """True for an object array (of Decimal): the exact path."""
    return np.asarray(x).dtype == object


def to_cents(x: Any) -> Any:
    """Round an exact (Decimal) array or a Decimal half-up to the cent; floats are returned unchanged."""
    if isinstance(x, Decimal):
        return x.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(x, np.ndarray) and x.dtype == object:
        return _quantize(x).astype(object)
    return x


def cumulative_within(x: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative sums of ``x`` along axis 0, restarting at each row where ``starts`` is true.

    Args:
        x: ``(m,)`` or ``(m, k)`` amounts.
        starts: ``(m,)`` bool, true at the first row of each group; ``starts[0]`` must be true.

    Returns:
        ``(through, before)``: the group's cumulative sum through each row, and before it (0 at a group start).

    >>> through, before = cumulative_within(np.array([1., 2., 3., 4.]), np.array([True, False, True, False]))
    >>> through.tolist(), before.tolist()
    ([1.0, 3.0, 3.0, 7.0], [0.0, 1.0, 0.0, 3.0])
    """
    m = x.shape[0]
    if m == 0:
        return x.copy(), x.copy()
    if not starts[0]:
        raise ValueError("the first row must start a group")
    total = np.cumsum(x, axis=0)
    first = np.maximum.accumulate(np.where(starts, np.arange(m), 0))
    # the running total just before each group's first row; float error is relative to the block's total
    # (about 1e-16 x that total, far below a cent for any simulated block)
    offset = total[first] - x[first]
    through = total - offset
    # shifted rather than ``through - x`` so a group's payments telescope exactly to its final cumulative figure
    before = np.empty_like(through)
    before[1:] = through[:-1]
    before[starts] = 0
    return through, before


def _eroded(x: np.ndarray, cap: Any, starts: np.ndarray,
            cumulative: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """What each row pays under a cap eroded in order within each group: ``min(C, cap) - min(C', cap)``.

    ``cumulative``: ``(C, C')`` when already known (``cumulative_within(x, starts)`` or an equal, better
    conditioned figure). Where every row is its own group, ``C = x`` and ``C' = 0`` without summing.
    """
    if cumulative is not None:
        through, before = cumulative
    elif x.shape[0] and starts.all():
        floor = np.minimum(0, cap)     # min(C', cap) with C' = 0: zero for any cap that is not negative
        paid = np.minimum(x, cap)
        return paid - floor if np.any(floor) else paid
    else:
        through, before = cumulative_within(x, starts)
    paid = np.minimum(through, cap)
    paid -= np.minimum(before, cap)     # in place: one array less to allocate over millions of lines
    return paid


# ---- the steps ---------------------------------------------------------------------------------------------
def apply_waiting_period(downtime_hours: np.ndarray, income_per_hour: np.ndarray, extra_expense: np.ndarray,
                         waiting_hours: Any, max_hours: Any, qualifying: Any = False) -> np.ndarray:
    """Covered business-interruption loss, usd: ``income/h x max(0, min(downtime, max) - waiting) + extra``.

    All arguments broadcast together (hours, usd/hour, usd, hours, hours, bool). Downtime is capped at the
    period of restoration (``max_period_days x 24``) before the waiting period is taken off. ``qualifying``
    (the qualifying-period form): where true, an outage longer than ``waiting_hours`` counts from hour zero,
    ``income/h x min(downtime, max) + extra``, and one no longer pays 0.

    >>> float(apply_waiting_period(np.array(96.), np.array(1200.), np.array(5000.), 8., 120 * 24.))
    110600.0
    >>> apply_waiting_period(np.array([96., 8.]), np.array(1200.), np.array(5000.), 8., 120 * 24., True).tolist()
    [120200.0, 0.0]
    """
    counted = np.minimum(downtime_hours, max_hours)
    deducted = to_cents(income_per_hour * np.maximum(counted - waiting_hours, 0) + extra_expense)
    if not np.any(qualifying):
        return deducted
    passed = downtime_hours > waiting_hours
    from_zero = to_cents(income_per_hour * counted + extra_expense)
    zero: Any = Decimal(0) if is_exact(np.asarray(from_zero)) else 0.0
    return np.where(qualifying, np.where(passed, from_zero, zero), deducted)


def claim_retention(part_retention: np.ndarray, touched: np.ndarray, claim_starts: np.ndarray) -> np.ndarray:
    """The retention of each row's claim, usd ``(rows,)``: the largest ``part_retention`` (``(parts,)`` usd)
    among the parts the claim touches (``touched``, ``(rows, parts)`` bool: covered and claimed above zero)."""
    row_max = np.where(touched, part_retention, 0).max(axis=1, initial=0)
    if claim_starts.all():
        return row_max
    first = np.flatnonzero(claim_starts)
    per_claim = np.maximum.reduceat(row_max, first)
    return np.repeat(per_claim, np.diff(np.append(first, row_max.shape[0])))



def _by_line(denied: np.ndarray) -> np.ndarray:
    """``denied`` ``(rows,)`` or ``(rows, n_parts)`` as an array that broadcasts over ``(rows, n_parts)``."""
    return denied[:, None] if denied.ndim == 1 else denied


def touched_lines(amount: np.ndarray, terms: CompiledTerms, denied: np.ndarray) -> np.ndarray:
    """The lines that count for their claim's retention, bool ``(rows, n_parts)``: claimed above zero
    (``amount`` usd ``(rows, n_parts)``), on a covered part, not ``denied`` (``(rows,)`` bool, a whole row, or
    ``(rows, n_parts)`` line by line)."""
    return (amount > 0) & terms.covered[None, :] & ~_by_line(denied)


def denied_events(scenario: np.ndarray, terms: CompiledTerms) -> np.ndarray:
    """Simulated events the policy denies, ``(n_events,)`` bool: a breached deny condition denies every one, an
    excluded cause those of its scenario (``scenario`` ``(n_events,)`` indices into ``SCENARIOS``)."""
    return np.full(scenario.shape[0], terms.denied) | terms.excluded_scenario[scenario]


def denied_lines(scenario: np.ndarray, terms: CompiledTerms) -> np.ndarray:
    """:func:`denied_events`, with the parts a breached causation warranty denies: ``(n_events, n_parts)`` bool
    where the terms have such a warranty, else the ``(n_events,)`` rows alone."""
    rows = denied_events(scenario, terms)
    if terms.caused_denial is None or not terms.caused_denial.any():
        return rows
    return rows[:, None] | terms.caused_denial[scenario]

def apply_retention(covered: np.ndarray, retention: np.ndarray, line_claim_starts: np.ndarray, *,
                    cumulative: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Retention taken from each line, usd ``(m,)``: lines in presentation order, each claim's ``retention``
    (``(m,)``, the claim's figure on each of its lines) used up by its covered lines in turn.

    ``cumulative``: the claim's covered amount through and before each line, ``(m,)`` each, when already known
    (it does not depend on the retention: settling many options on the same lines sums them once).

    >>> apply_retention(np.array([4000., 9000., 3000.]), np.full(3, 10000.), np.array([True, False, False]))
    array([4000., 6000.,    0.])
    """
    return _eroded(covered, retention, line_claim_starts, cumulative)


def apply_coinsurance(amount: np.ndarray, share: Any) -> tuple[np.ndarray, np.ndarray]:
    """Split ``amount`` (usd) into the ``share`` the practice keeps and the rest; returns ``(kept, rest)``.

    The rest is what a line carries forward, rounded half-up to the cent on the exact path.

    >>> kept, rest = apply_coinsurance(np.array([300000.]), 0.5)
    >>> kept.tolist(), rest.tolist()
    ([150000.0], [150000.0])
    """
    rest = to_cents(amount * (1 - share))
    return amount - rest, rest


def apply_sublimit(amount: np.ndarray, limit: Any, period_starts: np.ndarray) -> np.ndarray:
    """What each row pays under a per-period limit eroded in row order: ``(rows, parts)`` usd with ``limit``
    ``(parts,)`` usd, or ``(m,)`` with a scalar. ``period_starts`` ``(rows,)`` marks each period's first row.

    >>> apply_sublimit(np.array([[150000.], [200000.]]), np.array([250000.]), np.array([True, False])).ravel()
    array([150000., 100000.])
    """
    return _eroded(amount, limit, period_starts)


def apply_layer(amount: np.ndarray, attachment: Any, limit: Any, participation: Any,
                line_period_starts: np.ndarray) -> np.ndarray:
    """What an excess layer pays of each line, usd ``(m,)``: ``participation`` x the part of the period's
    cumulative amount (lines in order) between ``attachment`` and ``attachment + limit``.

    >>> apply_layer(np.array([4e6, 3e6, 5e6]), 5e6, 5e6, 1.0, np.array([True, False, False]))
    array([      0., 2000000., 3000000.])
    """
    through, before = cumulative_within(amount, line_period_starts)
    top = attachment + limit
    sliced = (np.minimum(through, top) - np.minimum(through, attachment)) \
        - (np.minimum(before, top) - np.minimum(before, attachment))
    return to_cents(sliced * participation)


def apply_deductible(amount: np.ndarray, deductible: Any, starts: np.ndarray | None = None) -> np.ndarray:
    """What is left of each row after a deductible, usd, same shape as ``amount``.

    ``amount`` ``(m,)`` or ``(m, k)`` usd; ``deductible`` usd, a scalar or ``(k,)`` (one per column: a coverage
    part's own deductible). ``starts`` ``(m,)`` bool marks the first row of each group (a claim, an
    occurrence) whose rows use one deductible up in turn; None: every row is its own group, so each row keeps
    ``max(amount - deductible, 0)`` (OED's deductible, Oasis calcrule 12). Stacking a part's deductible under a
    policy deductible is two calls: the parts' deductibles on the ``(m, k)`` grid, the policy's on the rows'
    totals.

    >>> apply_deductible(np.array([[100000., 100000.]]), np.array([10000., 25000.])).tolist()
    [[90000.0, 75000.0]]
    >>> apply_deductible(np.array([4000., 9000., 3000.]), 10000., np.array([True, False, False])).tolist()
    [0.0, 3000.0, 3000.0]
    """
    if starts is None:
        starts = np.ones(amount.shape[0], dtype=bool)
    left = amount - _eroded(amount, deductible, starts)
    if not is_exact(left):
        np.maximum(left, 0.0, out=left)     # a cumulative sum's float error must not leave -1e-18
    return left


def allocate_pro_rata(total: Any, weights: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Share each group's ``total`` out over its rows in proportion to ``weights``, usd, shaped like ``weights``.

    ``weights`` ``(m,)`` with ``group`` ``(m,)`` ints indexing ``total`` ``(g,)``; or ``weights`` ``(n, k)``
    with ``total`` ``(n,)`` and no ``group`` (each row's total over its ``k`` columns: an occurrence's layer
    payout back to its coverages, in proportion to each coverage's loss after its own terms, as Oasis's
    back-allocation does). A group whose weights sum to 0 gets 0. On the exact path each share is rounded
    half-up to the cent on its own, so the shares may sum to a cent or so more or less than the total (OED's
    validation case allocates 80,500.00 as shares summing to 80,500.01).

    >>> allocate_pro_rata(np.array([1000., 0.]), np.array([[90000., 60000., 0.], [0., 0., 0.]])).tolist()
    [[600.0, 400.0, 0.0], [0.0, 0.0, 0.0]]
    """
    if group is None:
        if weights.ndim != 2:
            raise ValueError("give group for one-dimensional weights")
        n, k = weights.shape
        flat = allocate_pro_rata(np.asarray(total).reshape(n), weights.ravel(), np.repeat(np.arange(n), k))
        return flat.reshape(n, k)
    total = np.asarray(total)
    exact = is_exact(weights) or is_exact(total)
    zero: Any = Decimal(0) if exact else 0.0
    sums = np.full(total.shape[0], zero, dtype=object if exact else np.float64)
    np.add.at(sums, group, weights)
    positive = sums > 0
    one: Any = Decimal(1) if exact else 1.0
    share = total[group] * weights / np.where(positive, sums, one)[group]
    return to_cents(np.where(positive[group], share, zero))


def apply_aggregate(amount: np.ndarray, aggregate_limit: Any, line_period_starts: np.ndarray) -> np.ndarray:
    """What each line pays within the aggregate limit eroded by the lines before it in the period, usd ``(m,)``.

    >>> apply_aggregate(np.array([600000., 300000., 250000.]), 1e6, np.array([True, False, False]))
    array([600000., 300000., 100000.])
    """
    return _eroded(amount, aggregate_limit, line_period_starts)


# ---- compiled terms ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerTerms:
    """An excess layer: ``attachment`` and ``limit`` usd, ``participation`` a share."""

    attachment: Any
    limit: Any
    participation: Any
    pro_rata: bool = False


@dataclass(frozen=True)
class CompiledTerms:
    """Policy terms as arrays, resolved against a practice's controls and the causes of the scenarios.

    Per part, ``(n_parts,)`` in ``PARTS`` order: ``covered`` bool; ``limit`` usd (0 where not covered);
    ``retention`` usd; ``coinsurance`` share after breached conditions raised it; ``waiting_hours`` hours;
    ``max_hours`` hours (inf: no period of restoration). ``aggregate_limit`` usd; ``layer`` or None.
    ``denied``: a deny condition is breached, every event is denied. ``excluded_scenario`` ``(n_scenarios,)``
    bool. Numbers are float64, or Decimal in object arrays when compiled ``exact``. ``notes``: one line per
    resolution (which condition was breached, which scenario excluded), for reports. ``qualifying``
    ``(n_parts,)`` bool: the part's waiting period is a qualifying period (None: none is). ``caused_denial``
    ``(n_scenarios, n_parts)`` bool: the parts a breached causation warranty denies in each scenario's events
    (None: no such warranty is breached). ``deductible`` ``(n_parts,)`` usd: each part's own deductible, taken
    per claim before the retention (None: no part has one).
    """

    covered: np.ndarray
    limit: np.ndarray
    retention: np.ndarray
    coinsurance: np.ndarray
    waiting_hours: np.ndarray
    max_hours: np.ndarray
    aggregate_limit: Any
    layer: LayerTerms | None
    denied: bool
    excluded_scenario: np.ndarray
    notes: tuple[str, ...] = ()
    qualifying: np.ndarray | None = None
    caused_denial: np.ndarray | None = None
    deductible: np.ndarray | None = None


def compile_terms(policy: PolicyTerms, controls: Mapping[str, bool],
                  cause_of: Sequence[str] | Callable[[int], str] | None = None, *, exact: bool = False
                  ) -> CompiledTerms:
    """Resolve ``policy`` against a practice's ``controls`` into arrays.

    Args:
        policy: the policy terms.
        controls: ``{control id: in place}``. A condition is breached where its control is ``False`` here
            (a control left out counts as in place, as on a claim): pass every control, e.g.
            ``{c.value: profile.controls.has(c) for c in Control}``.
        cause_of: the cause of each scenario index (a sequence or a function); default the scenario ids of
            ``cyberrx.vocab.SCENARIOS``. Causes are matched against exclusions (``PolicyTerms.exclusion_for``):
            with ``unencrypted_device`` excluded and ``encryption_at_rest`` false, ``lost_device`` is excluded.
        exact: Decimal object arrays (for adjudication) instead of float64.
    """
    num = (lambda d: d) if exact else float
    dtype = object if exact else np.float64
    covered = np.array([policy.covers(p) for p in PARTS])
    limit = np.array([num(policy.coverages[p].limit) if policy.covers(p) else num(Decimal(0)) for p in PARTS],
                     dtype=dtype)
    retention = np.array([num(policy.retention_for(p)) for p in PARTS], dtype=dtype)
    waiting = np.array([num(policy.waiting_hours(p)) for p in PARTS], dtype=dtype)
    max_hours = np.array([num(policy.max_hours(p)) for p in PARTS], dtype=dtype)
    notes: list[str] = []
    shares = []
    for p in PARTS:
        share, raised_by = policy.coinsurance_for(p, controls)
        shares.append(num(share))
        if raised_by is not None and policy.covers(p):
            notes.append(f"{p.value}: coinsurance {share} because {raised_by.control.value} is not in place")
    denying = policy.denying_conditions(controls)
    notes += [f"every claim denied: {c.control.value} is not in place" for c in denying]
    causes = [cause_of(i) if callable(cause_of) else (cause_of[i] if cause_of is not None else s.value)
              for i, s in enumerate(SCENARIOS)]
    excluded = []
    for cause in causes:
        hit = policy.exclusion_for(cause, controls)
        excluded.append(hit is not None)
        if hit is not None:
            notes.append(f"{cause} excluded ({hit.value})")
    layer = None
    if policy.layer is not None:
        layer = LayerTerms(num(policy.layer.attachment), num(policy.layer.limit), num(policy.layer.participation),
                           policy.layer.allocation == "pro_rata")
    qualifying = np.array([policy.qualifying_period(p) for p in PARTS])
    caused = np.array([[bool(policy.causing_conditions(controls, cause, p)) for p in PARTS] for cause in causes])
    if caused.any():
        notes += [f"{c.control.value} is not in place: the parts it could have caused are denied"
                  for c in policy.conditions if c.denies_caused and c.breached(controls)]
    deductible = None
    if any(policy.covers(p) and policy.coverages[p].deductible for p in PARTS):
        deductible = np.array([num(policy.coverages[p].deductible or Decimal(0)) if policy.covers(p)
                               else num(Decimal(0)) for p in PARTS], dtype=dtype)
    return CompiledTerms(covered, limit, retention, np.array(shares, dtype=dtype), waiting, max_hours,
                         num(policy.aggregate_limit), layer, bool(denying), np.array(excluded), tuple(notes),
                         qualifying if qualifying.any() else None, caused if caused.any() else None, deductible)


# ---- the whole pipeline ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settlement:
    """Each step's figure per row and part, usd ``(rows, n_parts)``.

    ``covered`` (after waiting period, coverage and denial), ``retention`` taken, ``coinsurance`` kept,
    ``after_sublimit``, ``after_layer`` (equal to ``after_sublimit`` without a layer) and ``payable``;
    ``deductible`` taken by the parts' own deductibles (None where the terms have none).
    """

    covered: np.ndarray
    retention: np.ndarray
    coinsurance: np.ndarray
    after_sublimit: np.ndarray
    after_layer: np.ndarray
    payable: np.ndarray
    claim_retention: np.ndarray
    deductible: np.ndarray | None = None


def _pro_rata_by_claim(after_layer: np.ndarray, weights: np.ndarray, claim_starts: np.ndarray) -> np.ndarray:
    """Each claim's layer payout (the sum of its lines in ``after_layer``) shared among its lines in
    proportion to ``weights`` (:func:`allocate_pro_rata`), ``(rows, parts)``."""
    rows, parts = after_layer.shape
    if rows == 0:
        return after_layer
    claim = np.cumsum(claim_starts) - 1
    totals = np.full(int(claim[-1]) + 1, Decimal(0) if is_exact(after_layer) else 0.0, dtype=after_layer.dtype)
    np.add.at(totals, claim, after_layer.sum(axis=1))
    return allocate_pro_rata(totals, weights.ravel(), np.repeat(claim, parts)).reshape(rows, parts)


def settle(covered: np.ndarray, touched: np.ndarray, terms: CompiledTerms, coinsurance: np.ndarray,
           claim_starts: np.ndarray, period_starts: np.ndarray) -> Settlement:
    """Steps 2-6 over a ``(rows, n_parts)`` grid of covered amounts (usd).

    Args:
        covered: usd per row and part, after the waiting period, with denied rows and uncovered parts at 0.
        touched: bool, the lines that count for the claim's retention (covered, claimed above zero).
        terms: the compiled terms (retention, limits, layer, aggregate).
        coinsurance: share kept per part, ``(n_parts,)`` or ``(rows, n_parts)`` (a real claim's own conditions).
        claim_starts: ``(rows,)`` bool, first row of each claim.
        period_starts: ``(rows,)`` bool, first row of each period (simulated year).
    """
    rows, parts = covered.shape
    # step 1b: the parts' own deductibles, per claim, stacked under the claim's retention
    net = covered if terms.deductible is None else apply_deductible(covered, terms.deductible, claim_starts)
    row_retention = claim_retention(terms.retention, touched, claim_starts)
    line_claim_starts = np.zeros((rows, parts), dtype=bool)
    line_claim_starts[:, 0] = claim_starts
    line_period_starts = np.zeros((rows, parts), dtype=bool)
    line_period_starts[:, 0] = period_starts
    flat_period_starts = line_period_starts.ravel()

    taken = apply_retention(net.ravel(), np.repeat(row_retention, parts), line_claim_starts.ravel())
    taken = taken.reshape(rows, parts)
    kept, rest = apply_coinsurance(net - taken, coinsurance)
    after_sublimit = apply_sublimit(rest, terms.limit, period_starts)
    after_layer = after_sublimit
    if terms.layer is not None:
        lay = terms.layer
        after_layer = apply_layer(after_sublimit.ravel(), lay.attachment, lay.limit, lay.participation,
                                  flat_period_starts).reshape(rows, parts)
        if lay.pro_rata:
            after_layer = _pro_rata_by_claim(after_layer, net, claim_starts)
    payable = apply_aggregate(after_layer.ravel(), terms.aggregate_limit, flat_period_starts).reshape(rows, parts)
    return Settlement(covered, taken, kept, after_sublimit, after_layer, payable, row_retention,
                      None if terms.deductible is None else covered - net)


@dataclass(frozen=True)
class PolicyResult:
    """Policy terms applied to simulated events.

    Per event and part, usd ``(n_events, n_parts)``: ``covered``, ``retention``, ``coinsurance``, ``payable``.
    ``denied`` ``(n_events,)`` bool (excluded cause or breached deny condition).
    Per trial and part, usd ``(n_trials, n_parts)``: ``insured_by_part`` (what the policy pays) and
    ``retained_by_part`` (ground-up minus insured: retention, waiting period, coinsurance, uncovered parts,
    denied events and everything above the limits).
    """

    covered: np.ndarray
    retention: np.ndarray
    coinsurance: np.ndarray
    payable: np.ndarray
    denied: np.ndarray
    insured_by_part: np.ndarray
    retained_by_part: np.ndarray

    @property
    def insured_annual(self) -> np.ndarray:
        """``(n_trials,)`` usd the policy pays per simulated year."""
        return self.insured_by_part.sum(axis=1)

    @property
    def retained_annual(self) -> np.ndarray:
        """``(n_trials,)`` usd the practice keeps per simulated year."""
        return self.retained_by_part.sum(axis=1)


def covered_grid(amount: np.ndarray, downtime_hours: np.ndarray, income_per_hour: np.ndarray,
                 extra_expense: np.ndarray, terms: CompiledTerms, denied: np.ndarray) -> np.ndarray:
    """Covered usd per row and part ``(rows, n_parts)``: ground-up ``amount`` on covered parts, BI parts through
    :func:`apply_waiting_period` (hours, usd/h, usd in ``(rows, 2)`` per ``BI_COLUMNS``), denied rows (``denied``
    ``(rows,)``) or lines (``(rows, n_parts)``) zero."""
    covered = amount.copy()
    for part, column in BI_COLUMNS.items():
        p = PART_INDEX[part]
        qualifying = terms.qualifying is not None and bool(terms.qualifying[p])
        covered[:, p] = apply_waiting_period(downtime_hours[:, column], income_per_hour[:, column],
                                             extra_expense[:, column], terms.waiting_hours[p], terms.max_hours[p],
                                             qualifying)
    keep = terms.covered[None, :] & ~_by_line(denied)
    zero: Any = Decimal(0) if is_exact(covered) else 0.0
    return np.where(keep, covered, zero)


def apply_policy(events: EventTable, terms: CompiledTerms) -> PolicyResult:
    """Apply ``terms`` to every simulated event (float64, vectorised over all trials).

    Each event is one claim whose lines are the parts in ``PARTS`` order; events within a trial are presented
    in row order, so sublimits and the aggregate erode through the year. Gives, for each year, what
    adjudicating that year's events one by one as claims would give (within a cent per line).
    """
    n, n_trials = events.n_events, events.n_trials
    denied = denied_events(events.scenario, terms)
    by_line = denied_lines(events.scenario, terms)
    covered = covered_grid(events.amount, events.downtime_hours, events.income_per_hour, events.extra_expense,
                           terms, by_line)
    touched = touched_lines(events.amount, terms, by_line)
    period_starts = np.ones(n, dtype=bool)
    period_starts[1:] = events.trial[1:] != events.trial[:-1]
    s = settle(covered, touched, terms, terms.coinsurance, np.ones(n, dtype=bool), period_starts)
    insured = np.zeros((n_trials, N_PARTS))
    for p in range(N_PARTS):
        insured[:, p] = np.bincount(events.trial, weights=s.payable[:, p], minlength=n_trials)
    retained = events.annual_by_part() - insured
    return PolicyResult(s.covered, s.retention, s.coinsurance, s.payable, denied, insured, retained)



# ---- year totals -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoveredLines:
    """The covered loss lines of an event table under one set of coverage terms, for settling year totals.

    Lines are in presentation order (event row, then part); lines with nothing covered are dropped (they pay
    nothing under any retention or limit). ``m`` lines, ``k`` occupied years (trials with an event):

    ``n_years`` trials in the table; ``occupied`` ``(k,)`` their indices, ascending; ``event``, ``part`` ``(m,)``
    each line's event row and part column; ``covered`` ``(m,)`` usd after waiting period, coverage and denial
    (:func:`covered_grid`); ``through``, ``before`` ``(m,)`` usd, the claim's covered amount through and before
    the line (summed within the event, so exact to the claim's own size); ``claim_starts`` ``(m,)`` bool, first
    line of each event; ``cell`` ``(m,)`` occupied-year index x ``n_parts`` + part; ``touched`` ``(n_events,
    n_parts)`` the lines that count for the claim's retention, ``any_touched`` ``(n_events,)`` and
    ``touched_parts`` ``(n_parts,)`` their reductions.
    """

    n_years: int
    occupied: np.ndarray
    event: np.ndarray
    part: np.ndarray
    covered: np.ndarray
    through: np.ndarray
    before: np.ndarray
    claim_starts: np.ndarray
    cell: np.ndarray
    touched: np.ndarray
    any_touched: np.ndarray
    touched_parts: np.ndarray


def coverage_key(terms: CompiledTerms) -> bytes:
    """The terms :func:`covered_lines` depends on (coverage, waiting periods and their form, periods of
    restoration, excluded scenarios, denial, causation denials), as bytes: equal keys, the same covered lines."""
    key = b"|".join(np.ascontiguousarray(a).tobytes() for a in (
        terms.covered, terms.waiting_hours, terms.max_hours, terms.excluded_scenario, np.array([terms.denied])))
    for tag, a in ((b"|qualifying:", terms.qualifying), (b"|caused:", terms.caused_denial)):
        if a is not None:
            key += tag + np.ascontiguousarray(a).tobytes()
    return key


def covered_lines(events: EventTable, terms: CompiledTerms,
                  years: tuple[np.ndarray, np.ndarray] | None = None) -> CoveredLines:
    """The covered lines of ``events`` under ``terms`` (float64), as :func:`apply_policy` lays them out.

    ``years``: ``np.unique(events.trial, return_inverse=True)`` when already known.
    """
    occupied, year_row = np.unique(events.trial, return_inverse=True) if years is None else years
    denied = denied_lines(events.scenario, terms)
    cov = covered_grid(events.amount, events.downtime_hours, events.income_per_hour, events.extra_expense, terms,
                       denied)
    touched = touched_lines(events.amount, terms, denied)
    through = np.cumsum(cov, axis=1)
    before = np.zeros_like(through)
    before[:, 1:] = through[:, :-1]
    event, part = np.nonzero(cov > 0)
    claim_starts = np.ones(event.shape[0], dtype=bool)
    claim_starts[1:] = event[1:] != event[:-1]
    return CoveredLines(events.n_trials, occupied, event, part, cov[event, part], through[event, part],
                        before[event, part], claim_starts, year_row[event] * N_PARTS + part, touched,
                        np.asarray(touched.any(axis=1)), np.asarray(touched.any(axis=0)))


def _retention_of_claims(lines: CoveredLines, terms: CompiledTerms) -> np.ndarray:
    """:func:`claim_retention` of every event ``(n_events,)`` usd; one comparison per event when the parts
    the claims touch share one retention (the usual form), which gives the same figures."""
    touched = terms.retention[lines.touched_parts]
    if not touched.size:            # no claim touches a covered part (a denied policy): no retention
        return np.zeros(lines.touched.shape[0])
    if np.all(touched == touched[0]):
        return np.where(lines.any_touched, touched[0], 0.0)
    return claim_retention(terms.retention, lines.touched, np.ones(lines.touched.shape[0], dtype=bool))


def _share_of_lines(lines: CoveredLines, terms: CompiledTerms) -> Any:
    """The coinsurance share of each line ``(m,)``, or one figure where the parts claimed share it."""
    shares = terms.coinsurance[lines.touched_parts]
    if shares.size and np.all(shares == shares[0]):
        return shares[0]
    return terms.coinsurance[lines.part]


def insured_year_totals(events: EventTable, terms: CompiledTerms,
                        lines: CoveredLines | Callable[[CompiledTerms], CoveredLines] | None = None) -> np.ndarray:
    """What the policy pays each simulated year, ``(n_trials,)`` usd: :func:`apply_policy`'s ``insured_annual``
    (to float rounding) without settling the sublimits and the aggregate line by line.

    Each claim's retention and coinsurance are taken line by line (:func:`apply_retention`,
    :func:`apply_coinsurance`). A limit eroded through a period pays ``min(C, L) - min(C', L)`` per line, and those
    telescope to ``min(S, L)`` of the period's total ``S``: so :func:`apply_sublimit` and :func:`apply_aggregate`
    run once per year, on each part's year total and on their sum, each year its own one-row period. An excess
    layer slices the year's cumulative loss in presentation order, so with a layer this is ``apply_policy`` on
    the events in time order.

    Args:
        events: the simulated years (any order within a year: totals do not depend on it).
        terms: float64 compiled terms.
        lines: the events' :func:`covered_lines` under ``terms``, or a function of ``terms`` giving them
            (a cache: settling many options reuses lines that share a :func:`coverage_key`); computed if None.
    """
    if terms.layer is not None or terms.deductible is not None:
        # a layer slices the year in time order; parts' deductibles sit before the retention, which the lines
        # below take from the covered amounts directly: both settle event by event
        return apply_policy(events.in_time_order(), terms).insured_annual
    if lines is None:
        lines = covered_lines(events, terms)
    elif callable(lines):
        lines = lines(terms)
    retention = _retention_of_claims(lines, terms)[lines.event]
    taken = apply_retention(lines.covered, retention, lines.claim_starts, cumulative=(lines.through, lines.before))
    _, rest = apply_coinsurance(np.subtract(lines.covered, taken, out=taken), _share_of_lines(lines, terms))
    k = lines.occupied.shape[0]
    by_part = np.bincount(lines.cell, weights=rest, minlength=k * N_PARTS).reshape(k, N_PARTS)
    each_year = np.ones(k, dtype=bool)
    paid = apply_aggregate(apply_sublimit(by_part, terms.limit, each_year).sum(axis=1), terms.aggregate_limit,
                           each_year)
    out = np.zeros(lines.n_years)
    out[lines.occupied] = paid
    return out

__all__ = ["CENT", "CompiledTerms", "CoveredLines", "LayerTerms", "N_PARTS", "PolicyResult", "Settlement",
           "allocate_pro_rata", "apply_aggregate", "apply_coinsurance", "apply_deductible", "apply_layer",
           "apply_policy", "apply_retention", "apply_sublimit", "apply_waiting_period", "claim_retention",
           "compile_terms", "coverage_key", "covered_grid", "covered_lines", "cumulative_within", "denied_events",
           "denied_lines", "insured_year_totals", "is_exact", "settle", "to_cents", "touched_lines"]
