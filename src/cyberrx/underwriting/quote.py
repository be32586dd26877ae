"""Quote options: one per limit and retention, each with the manual premium, the technical premium, their ratio,
the underwriting decision with its reasons, the subjectivities and the generated policy terms.

``technical_premium`` prices the standard form (see ``forms``); where rules restrict the issued cover (a sublimit
cut, a coinsurance), ``technical_premium_as_issued`` also prices the restricted cover on the same simulated years,
so an underwriter sees what the restrictions take off the insurer's cost. Rate adequacy uses the former.

One simulation per quote (``pricing.simulate_years``); every option's compiled terms are applied to the same
simulated years (common random numbers). Decisions follow the rule set: an option is declined if a ``decline``
rule fires or its limit is above a ``max_limit``; referred if a ``refer`` rule fires; quoted otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cyberrx.domain import results
from cyberrx.domain.policy import PolicyTerms
from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.terms import compile_terms
from cyberrx.errors import InvalidInput
from cyberrx.reference import LossModelReference
from cyberrx.underwriting.forms import issued_form, pricing_form, sublimits_of, to_terms
from cyberrx.underwriting.pricing import (
    TechnicalBasis,
    TechnicalPrice,
    YearBook,
    insured_annual,
    simulate_years,
    technical_price,
)
from cyberrx.underwriting.rating import ManualPremium, RateManual
from cyberrx.underwriting.rules import Finding, RuleSet
from cyberrx.underwriting.segments import Segment
from cyberrx.vocab import Control

DEFAULT_LIMITS = (250_000, 500_000, 1_000_000, 2_000_000, 5_000_000)
DEFAULT_RETENTIONS = (2_500, 10_000, 25_000)
QUOTE, REFER, DECLINE = "quote", "refer", "decline"


@dataclass(frozen=True)
class QuoteOption:
    """One limit and retention (usd): prices (usd per year), decision and the terms it is issued on."""

    limit: float
    retention: float
    manual: ManualPremium
    technical: TechnicalPrice
    decision: str
    reasons: tuple[str, ...]
    subjectivities: tuple[dict[str, Any], ...]
    terms: dict[str, Any]                     # issued policy terms (issue 3 format), validated
    technical_as_issued: float | None = None  # usd/yr: the issued (restricted) cover, where rules restrict it

    @property
    def premium(self) -> float:
        return self.manual.premium

    @property
    def rate_adequacy(self) -> float | None:
        """Manual premium / technical premium (>= 1: the manual rate covers the technical price); None when the
        simulated years cost the option nothing (no technical price to compare with)."""
        t = self.technical.technical_premium
        return self.premium / t if t > 0 else None

    @property
    def below_technical(self) -> bool:
        return self.premium < self.technical.technical_premium

    def policy(self) -> PolicyTerms:
        return to_terms(self.terms)

    def to_result(self) -> results.QuoteOption:
        return results.QuoteOption.model_validate(self._data())

    def _data(self) -> dict[str, Any]:
        return {
            "limit": self.limit, "retention": self.retention, "premium": self.premium,
            "technical_premium": round(self.technical.technical_premium, 2),
            "rate_adequacy": None if self.rate_adequacy is None else round(self.rate_adequacy, 4),
            "below_technical": self.below_technical,
            "sublimits": sublimits_of(self.terms), "decision": self.decision, "reasons": list(self.reasons),
            "subjectivities": list(self.subjectivities), "policy_number": self.terms["policy_number"],
            "manual": self.manual.to_dict(), "technical": self.technical.to_dict(),
            "technical_premium_as_issued": (round(self.technical.technical_premium, 2)
                                            if self.technical_as_issued is None
                                            else round(self.technical_as_issued, 2)),
            "policy_terms": self.terms,
        }


@dataclass(frozen=True)
class Quote:
    practice: str
    segment: Segment
    segment_reasons: tuple[str, ...]
    findings: tuple[Finding, ...]
    options: tuple[QuoteOption, ...]
    basis: TechnicalBasis
    trials: int
    seed: int
    versions: dict[str, str] = field(default_factory=dict)

    def option(self, limit: float, retention: float) -> QuoteOption:
        for o in self.options:
            if o.limit == limit and o.retention == retention:
                return o
        raise InvalidInput(f"no option with limit {limit:,.0f} and retention {retention:,.0f}", field="option")

    def to_result(self) -> results.Quote:
        """The typed result (:class:`~cyberrx.domain.results.Quote`): what ``--json`` prints and the API returns."""
        return results.Quote.model_validate(self._data())

    def to_dict(self) -> dict[str, Any]:
        return self.to_result().to_dict()

    def _data(self) -> dict[str, Any]:
        return {
            "practice": self.practice, "segment": self.segment.value, "segment_reasons": list(self.segment_reasons),
            "findings": [f.to_dict() for f in self.findings],
            "options": [o._data() for o in self.options],
            "technical_formula": self.basis.formula, "trials": self.trials, "seed": self.seed,
            "versions": self.versions,
        }


def check_grid(limits: Sequence[float], retentions: Sequence[float], manual: RateManual) -> None:
    """Limits and retentions (usd) must be distinct, inside the rate manual, and each retention below each limit."""
    for name, values in (("limits", limits), ("retentions", retentions)):
        if not values:
            raise InvalidInput("give at least one amount", field=name, allowed="comma-separated usd amounts")
        if len(set(values)) != len(values):
            raise InvalidInput("an amount is repeated", field=name, allowed="distinct usd amounts")
    for x in limits:
        manual.ilf(x)                   # refuses a limit outside the manual
    for r in retentions:
        manual.retention_factor(r)      # refuses a retention outside the manual
    if max(retentions) >= min(limits):
        raise InvalidInput(f"retention {max(retentions):,.0f} is not below limit {min(limits):,.0f}",
                           field="retentions", allowed="retentions below every limit")


def decide(limit: float, findings: Sequence[Finding]) -> tuple[str, list[str]]:
    """The decision for an option of ``limit`` (usd) and the reasons, one sentence per rule that bears on it."""
    decision, ranked = QUOTE, []
    for f in findings:
        r = f.rule
        why = f" [{r.id}: {'; '.join(f.because)}]"
        rank = 2
        if r.outcome == "decline" or (r.outcome == "max_limit" and limit > r.params["limit"]):
            decision, rank = DECLINE, 0
        elif r.outcome == "max_limit":
            continue                                   # the limit is within what the rule allows
        elif r.outcome == "refer":
            decision, rank = (REFER if decision == QUOTE else decision), 1
        elif r.outcome == "subjectivity":
            continue                                   # listed under subjectivities
        ranked.append((rank, f.message + why))
    # the reasons that decide come first (decline, then refer), then restrictions and surcharges, in file order
    return decision, [text for _, text in sorted(ranked, key=lambda x: x[0])]


def decide_on_price(decision: str, reasons: Sequence[str], rate_adequacy: float | None,
                    rules: RuleSet) -> tuple[str, list[str]]:
    """The decision once the pricing rules (``underwriting_rules.yaml`` ``pricing``) have seen the option's rate
    adequacy: refer below ``refer_below``, decline below ``decline_below``; their reasons go first.

    >>> from cyberrx.underwriting.rules import PricingRule, RuleSet
    >>> from cyberrx.underwriting.segments import SegmentThresholds
    >>> rules = RuleSet("t", SegmentThresholds({"employees": 150}), (), (
    ...     PricingRule("R", "refer", 0.8, "refer", "s"), PricingRule("D", "decline", 0.5, "decline", "s")))
    >>> [decide_on_price("quote", [], a, rules)[0] for a in (0.49, 0.51, 0.79, 0.81, None)]
    ['decline', 'refer', 'refer', 'quote', 'quote']
    """
    rank = {QUOTE: 0, REFER: 1, DECLINE: 2}
    front = []
    for rule, fact in sorted(rules.price_findings(rate_adequacy), key=lambda x: -rank[x[0].outcome]):
        if rank[rule.outcome] > rank[decision]:
            decision = rule.outcome
        front.append(f"{rule.message} [{rule.id}: {fact}]")
    return decision, [*front, *reasons]


def build_options(profile: PracticeProfile, rules: RuleSet, manual: RateManual, loss_model: LossModelReference,
                  limits: Sequence[float] = DEFAULT_LIMITS, retentions: Sequence[float] = DEFAULT_RETENTIONS,
                  trials: int | None = None, seed: int | None = None, start: date | None = None) -> Quote:
    """Quote ``profile`` on every limit x retention (usd). ``trials``/``seed`` default to the rate manual's."""
    check_grid(limits, retentions, manual)
    tech = manual.tables["technical"]
    trials = int(tech["trials"]["value"]) if trials is None else trials
    seed = int(tech["seed"]["value"]) if seed is None else seed
    start = start or date.today()
    basis = TechnicalBasis.from_manual(tech)
    form = manual.tables["policy_form"]
    segment, why, findings = rules.evaluate(profile)
    surcharges = {f.rule.id: f.rule.params["rate"] for f in findings if f.rule.outcome == "surcharge"}
    subjectivities = tuple({"rule": f.rule.id, "control": f.rule.params["control"], "days": f.rule.params["days"],
                            "message": f.message} for f in findings if f.rule.outcome == "subjectivity")
    book = YearBook(simulate_years(profile, loss_model.tables, trials, seed))
    controls = {c.value: profile.controls.has(c) for c in Control}
    options = []
    for limit in sorted(limits):
        for retention in sorted(retentions):
            pricing = pricing_form(profile, segment, limit, retention, form, start)
            compiled = compile_terms(to_terms(pricing), controls)
            price = technical_price(insured_annual(book, compiled), basis)
            issued = issued_form(pricing, findings, form)
            issued_terms = to_terms(issued)        # validated now, so a written document always loads
            as_issued = None
            if issued["coverages"] != pricing["coverages"]:
                # the restricted cover on the practice's current risk, every warranty taken as kept
                restricted = compile_terms(issued_terms, {c.value: True for c in Control})
                as_issued = technical_price(insured_annual(book, restricted), basis).technical_premium
            decision, reasons = decide(limit, findings)
            manual_premium = manual.premium(profile, limit, retention, surcharges)
            t = price.technical_premium
            decision, reasons = decide_on_price(decision, reasons, manual_premium.premium / t if t > 0 else None,
                                                rules)
            options.append(QuoteOption(float(limit), float(retention), manual_premium, price, decision,
                                       tuple(reasons), subjectivities, issued, as_issued))
    versions = {"rules": rules.version, "rate_manual": manual.version, "loss_model": loss_model.version}
    return Quote(profile.name, segment, tuple(why), tuple(findings), tuple(options), basis, trials, seed, versions)


def standard_option(manual: RateManual, segment: Segment) -> tuple[float, float]:
    """The segment's standard limit and retention (usd) from ``rate_manual.yaml`` ``standard_option``."""
    row: Mapping[str, Any] = manual.tables["standard_option"][segment.value]
    return float(row["limit"]), float(row["retention"])


__all__ = ["DECLINE", "DEFAULT_LIMITS", "DEFAULT_RETENTIONS", "QUOTE", "REFER", "Quote", "QuoteOption",
           "build_options", "check_grid", "decide", "decide_on_price", "standard_option"]
