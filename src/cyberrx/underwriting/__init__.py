"""Underwriting and quoting: segments, eligibility rules as data, the rate manual, the technical price from the
loss engine, quote options with their policy terms, control ROI and market estimates (issue 5).

Uses ``engine``, ``domain`` and ``reference``; never ``app``, ``claims``, ``breach`` or interfaces.
"""

from cyberrx.underwriting.estimates import market_estimates
from cyberrx.underwriting.forms import issued_form, pricing_form
from cyberrx.underwriting.pricing import TechnicalBasis, TechnicalPrice, YearBook, insured_annual, technical_price
from cyberrx.underwriting.quote import (
    DECLINE,
    DEFAULT_LIMITS,
    DEFAULT_RETENTIONS,
    QUOTE,
    REFER,
    Quote,
    QuoteOption,
    build_options,
    standard_option,
)
from cyberrx.underwriting.rating import ManualPremium, RateManual, load_manual, parse_manual
from cyberrx.underwriting.roi import ControlCosts, ImprovementPlan, improvement_plan, load_control_costs
from cyberrx.underwriting.rules import Finding, Rule, RuleSet, load_rules, parse_rules
from cyberrx.underwriting.segments import Segment

__all__ = [
    "DECLINE",
    "DEFAULT_LIMITS",
    "DEFAULT_RETENTIONS",
    "QUOTE",
    "REFER",
    "ControlCosts",
    "Finding",
    "ImprovementPlan",
    "ManualPremium",
    "Quote",
    "QuoteOption",
    "RateManual",
    "Rule",
    "RuleSet",
    "Segment",
    "TechnicalBasis",
    "TechnicalPrice",
    "YearBook",
    "build_options",
    "improvement_plan",
    "insured_annual",
    "issued_form",
    "load_control_costs",
    "load_manual",
    "load_rules",
    "market_estimates",
    "parse_manual",
    "parse_rules",
    "pricing_form",
    "standard_option",
    "technical_price",
]
