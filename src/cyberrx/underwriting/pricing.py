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

Settlement. A price needs only each year's insured total: ``engine.terms.insured_year_totals``, the policy
arithmetic of ``engine.terms`` (each claim's retention and coinsurance line by line, then the sublimits and the
aggregate on the year's totals, which is what eroding them line by line sums to; an excess layer goes through
``apply_policy``). This module computes no term itself (``tests/underwriting/test_one_arithmetic.py``); the
:class:`YearBook` only caches each event table's covered lines across the options of a quote.
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
from cyberrx.engine.terms import CompiledTerms, CoveredLines, coverage_key, covered_lines, insured_year_totals


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


@dataclass
class YearBook:
    """An event table prepared for settling many options: its covered lines (``engine.terms.covered_lines``)
    cached per distinct set of waiting periods, coverage and denials (``engine.terms.coverage_key``: the terms an
    option's limit and retention do not change)."""

    events: EventTable
    occupied: np.ndarray = field(init=False)
    year_row: np.ndarray = field(init=False)
    _lines: dict[bytes, CoveredLines] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.occupied, self.year_row = np.unique(self.events.trial, return_inverse=True)

    def lines(self, terms: CompiledTerms) -> CoveredLines:
        key = coverage_key(terms)
        if key not in self._lines:
            self._lines[key] = covered_lines(self.events, terms, (self.occupied, self.year_row))
        return self._lines[key]


def insured_annual(book: YearBook, terms: CompiledTerms) -> np.ndarray:
    """What the policy pays each simulated year, ``(n_trials,)`` usd: ``engine.terms.insured_year_totals`` on
    the book's years, its covered lines from the book's cache."""
    return insured_year_totals(book.events, terms, book.lines)


__all__ = ["TechnicalBasis", "TechnicalPrice", "YearBook", "candidate_ceiling", "insured_annual",
           "no_controls_twin", "simulate_years", "technical_price"]
