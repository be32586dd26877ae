"""Technical price: what an option's cover costs the insurer, from the loss engine with the option's terms applied.

One simulation per quote. The practice's years are simulated once (an :class:`~cyberrx.engine.events.EventTable`)
and every option's compiled terms (``engine.terms.compile_terms``) are applied to that same table: common random
numbers, so option against option differences carry no sampling noise.

Candidate-rate ceiling. The table is drawn with ``candidate_rates`` = the frequencies of the practice's
*no-controls twin* (same size and exposure, every control absent). Every control multiplier is <= 1, so that
ceiling is >= the rates of any control set of the practice; two quotes of the same practice that differ only in
controls then share every common event and its random numbers, and adding a control can only remove events or
shrink them. That is what makes "adding a control never raises the technical premium" exact, not statistical.

Formula (figures in ``rate_manual.yaml`` ``technical``)::

    EL         = mean insured annual loss                                        usd / year
    risk load  = cost_of_capital x capital_share x (TVaR99(insured) - EL)         usd / year
    technical  = (EL + risk load) / (1 - expense_ratio - profit_margin)           usd / year

Fast settlement. The engine's ``apply_policy`` gives each event's payable line by line (for reports and claims).
A price needs only each year's total, and a year's total does not depend on the order its lines erode the limits:
``sum_p min(S_p, L_p)`` capped at the aggregate, where ``S_p`` is the year's covered amount on part ``p`` after
each claim's retention and coinsurance (retention taken from the claim's lines in order:
``clip(cumulative - R, 0, line)``). :func:`insured_annual` computes exactly that from the compiled terms, using
``engine.terms.covered_grid`` for the waiting period, coverage and denials; a test pins it to ``apply_policy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cyberrx.domain.profile import Controls, PracticeProfile
from cyberrx.engine.events import EventTable
from cyberrx.engine.metrics import tvar
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import simulate
from cyberrx.engine.terms import CompiledTerms, apply_policy, covered_grid


def _fig(node: Any) -> float:
    return float(node["value"] if isinstance(node, Mapping) else node)


@dataclass(frozen=True)
class TechnicalBasis:
    """The technical-price parameters (shares are fractions of 1; see the module docstring)."""

    cost_of_capital: float
    capital_share: float
    expense_ratio: float
    profit_margin: float

    @classmethod
    def from_manual(cls, technical: Mapping[str, Any]) -> TechnicalBasis:
        return cls(_fig(technical["cost_of_capital"]), _fig(technical["capital_share"]),
                   _fig(technical["expense_ratio"]), _fig(technical["profit_margin"]))

    @property
    def formula(self) -> str:
        return (f"technical = (EL + {self.cost_of_capital:g} x {self.capital_share:g} x (TVaR99 - EL)) / "
                f"(1 - {self.expense_ratio:g} - {self.profit_margin:g}); EL and TVaR99 of the insured annual loss")


@dataclass(frozen=True)
class TechnicalPrice:
    """An option's technical price, usd per policy year."""

    expected_loss: float
    tvar99: float
    risk_load: float
    technical_premium: float

    def to_dict(self) -> dict[str, float]:
        return {"expected_insured_loss": self.expected_loss, "tvar99_insured": self.tvar99,
                "risk_load": self.risk_load, "technical_premium": self.technical_premium}


def technical_price(insured: np.ndarray, basis: TechnicalBasis) -> TechnicalPrice:
    """The technical price of insured annual losses ``insured`` ``(n_trials,)`` usd.

    >>> basis = TechnicalBasis(0.10, 0.15, 0.30, 0.05)
    >>> x = np.zeros(100); x[-1] = 100_000.0     # one loss year in 100
    >>> p = technical_price(x, basis)
    >>> p.expected_loss, p.tvar99, round(p.risk_load, 2), round(p.technical_premium, 2)
    (1000.0, 100000.0, 1485.0, 3823.08)
    """
    el = float(insured.mean())
    t99 = tvar(insured, 0.99)
    load = basis.cost_of_capital * basis.capital_share * max(t99 - el, 0.0)
    return TechnicalPrice(el, t99, load, (el + load) / (1.0 - basis.expense_ratio - basis.profit_margin))


def no_controls_twin(profile: PracticeProfile) -> PracticeProfile:
    """The practice with every control absent (patching at the slowest band): the highest rate of every scenario."""
    return profile.with_controls(Controls(patch_critical_days=3650))


def candidate_ceiling(profile: PracticeProfile, tables: Mapping[str, Any]) -> np.ndarray:
    """Per-scenario candidate rates, per year: the no-controls twin's frequencies (>= any control set's)."""
    return build_parameters(no_controls_twin(profile), tables).frequency


def simulate_years(profile: PracticeProfile, tables: Mapping[str, Any], n_trials: int, seed: int) -> EventTable:
    """The practice's simulated years under its no-controls ceiling (unordered: totals need no order)."""
    params = build_parameters(profile, tables)
    return simulate(params, n_trials, seed, candidate_rates=candidate_ceiling(profile, tables), ordered=False)


@dataclass(frozen=True)
class _Lines:
    """The covered loss lines of every event (zero lines dropped: they pay nothing under any terms)."""

    event: np.ndarray          # (m,) event row of each line
    part: np.ndarray           # (m,) coverage-part column
    covered: np.ndarray        # (m,) usd covered on the line (after waiting period, coverage, denial)
    through: np.ndarray        # (m,) usd covered on the event's lines up to and including this one
    cell: np.ndarray           # (m,) occupied-year row x n_parts + part: where the line is summed
    any_touched: np.ndarray    # (n_events,) the event has a line that counts for the retention
    touched: np.ndarray        # (n_events, n_parts) lines that count for the retention


@dataclass
class YearBook:
    """An event table prepared for settling many options: the covered lines cached per distinct set of waiting
    periods, coverage and denials (the terms an option's limit and retention do not change)."""

    events: EventTable
    occupied: np.ndarray = field(init=False)
    year_row: np.ndarray = field(init=False)
    _lines: dict[bytes, _Lines] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.occupied, self.year_row = np.unique(self.events.trial, return_inverse=True)

    def lines(self, terms: CompiledTerms) -> _Lines:
        key = b"|".join(np.ascontiguousarray(a).tobytes() for a in (
            terms.covered, terms.waiting_hours, terms.max_hours, terms.excluded_scenario,
            np.array([terms.denied])))
        if key not in self._lines:
            ev = self.events
            denied = np.full(ev.n_events, terms.denied) | terms.excluded_scenario[ev.scenario]
            cov = covered_grid(ev.amount, ev.downtime_hours, ev.income_per_hour, ev.extra_expense, terms, denied)
            touched = (ev.amount > 0) & terms.covered[None, :] & ~denied[:, None]
            through = np.cumsum(cov, axis=1)
            event, part = np.nonzero(cov > 0)
            cell = self.year_row[event] * cov.shape[1] + part
            self._lines[key] = _Lines(event, part, cov[event, part], through[event, part], cell,
                                      touched.any(axis=1), touched)
        return self._lines[key]


def insured_annual(book: YearBook, terms: CompiledTerms) -> np.ndarray:
    """What the policy pays each simulated year, ``(n_trials,)`` usd: equal to
    ``apply_policy(events, terms).insured_annual`` (to float rounding), without settling line by line."""
    ev = book.events
    if terms.layer is not None:     # an excess layer slices the cumulative year: use the engine line by line
        return apply_policy(ev.in_time_order(), terms).insured_annual
    lines = book.lines(terms)
    covered_retentions = terms.retention[terms.covered]
    if covered_retentions.size and np.all(covered_retentions == covered_retentions[0]):
        retention = np.where(lines.any_touched, covered_retentions[0], 0.0)
    else:   # the claim's retention: the largest among the parts it touches (engine.terms.claim_retention)
        retention = np.where(lines.touched, terms.retention[None, :], 0.0).max(axis=1, initial=0.0)
    rest = np.clip(lines.through - retention[lines.event], 0.0, lines.covered) * (1.0 - terms.coinsurance[lines.part])
    n_parts = terms.limit.shape[0]
    k = book.occupied.shape[0]
    per_part = np.bincount(lines.cell, weights=rest, minlength=k * n_parts).reshape(k, n_parts)
    year = np.minimum(np.minimum(per_part, terms.limit[None, :]).sum(axis=1), terms.aggregate_limit)
    out = np.zeros(ev.n_trials)
    out[book.occupied] = year
    return out


__all__ = ["TechnicalBasis", "TechnicalPrice", "YearBook", "candidate_ceiling", "insured_annual",
           "no_controls_twin", "simulate_years", "technical_price"]
