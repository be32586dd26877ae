"""The typed results of cyberrx: what every interface (library, CLI, API, store, pages) hands back.

One shape per answer, with attributes (``a.annual_loss.p99``, ``a.by_coverage["forensics"].mean``,
``a.recommended.aggregate_limit``) and one serialisation: :meth:`Result.to_dict` is exactly what ``--json``
prints, what the API returns and what the store keeps; :meth:`Result.from_dict` reads it back.

Money. Every amount is usd **rounded to cents** when the result is built and is a JSON *number* in
``to_dict()``. Simulated statistics (:data:`Usd`) are floats rounded to cents; adjudicated claim amounts
(:data:`UsdExact`) are ``Decimal`` quantised to cents, exact. On input (``from_dict``, an API body), an amount
may be a number or a decimal string; strings are parsed to ``Decimal`` exactly.

>>> s = LossStats(mean=1234.5678, p50=0, p90=1, p95=2, p99=3.005, p995=4, tvar99=5)
>>> s.mean, s.to_dict()["mean"]
(1234.57, 1234.57)
>>> LossStats.from_dict(s.to_dict()) == s
True
>>> LineResult.from_dict({"coverage": "forensics", "claimed": "1000.005", "covered": 1000, "retention": 0,
...                       "coinsurance": 0, "payable": "999.99", "reasons": []}).payable
Decimal('999.99')
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from cyberrx.vocab import CoveragePart, Scenario

CENT = Decimal("0.01")


def _cents_float(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("an amount must be a finite number of usd")
    return round(float(value), 2) + 0.0     # + 0.0: never -0.0


def _float_from(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an amount must be a number or a decimal string, not true/false")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return float(_decimal_from(value))
    return value


def _decimal_from(value: Any) -> Decimal:
    """A number or a decimal string as a ``Decimal``; floats through their shortest repr, so 0.1 is 0.1."""
    if isinstance(value, bool):
        raise ValueError("an amount must be a number or a decimal string, not true/false")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal amount of usd (e.g. 1250 or 1250.50)") from None
    else:
        raise ValueError("an amount must be a number or a decimal string")
    if not d.is_finite():
        raise ValueError("an amount must be a finite number of usd")
    return d


def to_cents(value: Any) -> Decimal:
    """``value`` (number or decimal string) as ``Decimal`` usd to the cent, half to even.

    >>> to_cents("1250.505"), to_cents(0.1), to_cents(3)
    (Decimal('1250.50'), Decimal('0.10'), Decimal('3.00'))
    """
    return _decimal_from(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


#: usd, a simulated statistic: float rounded to cents; a JSON number
Usd = Annotated[float, BeforeValidator(_float_from), AfterValidator(_cents_float)]
#: usd, an exact amount (claims, ledgers): Decimal to the cent; a JSON number rounded to cents
UsdExact = Annotated[Decimal, BeforeValidator(to_cents),
                     PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class Result(BaseModel):
    """Base of every result: frozen, unknown keys refused, one serialisation."""

    # defer_build: a model's validator is built on first use, so importing this module stays cheap
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data: what ``--json`` prints and the API returns (money as numbers)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Read back what :meth:`to_dict` wrote (or an API client sent)."""
        return cls.model_validate(data)


# ------------------------------------------------------------------------------------------- assessment
class LossStats(Result):
    """Annual loss statistics, usd per year: mean, quantiles (p50 ... p99.5) and TVaR99 (mean of the worst 1%)."""

    mean: Usd
    p50: Usd
    p90: Usd
    p95: Usd
    p99: Usd
    p995: Usd
    tvar99: Usd


class PartStats(Result):
    """One coverage part's annual loss, usd per year; ``probability``: share of years it is hit."""

    mean: Usd
    p99: Usd
    tvar99: Usd
    probability: float
    median_when_hit: Usd


class ScenarioStats(Result):
    """One scenario: modelled and simulated events per year, and its mean annual cost (usd per year)."""

    frequency: float
    simulated_frequency: float
    mean: Usd


class Program(Result):
    """The recommended program, usd: aggregate limit, retention per claim, sublimits by part, and the rule."""

    aggregate_limit: Usd
    retention: Usd
    sublimits: dict[CoveragePart, Usd]
    rule: str


class Insurability(Result):
    """Whether an insurer would write the practice as it stands, from the underwriting rules' eligibility.

    ``insurable`` is False when the rules decline every option; ``refusals`` are the plain sentences of what an
    insurer would refuse (a decline, or limits above a ``max_limit`` below the recommended limit) and ``rules``
    their rule ids. The pricing rule on rate adequacy needs a quote and is not applied here."""

    insurable: bool
    refusals: list[str]
    rules: list[str]


class Gap(Result):
    """What the current cover leaves open in a 1-in-100 year (``uncovered_p99`` a share, ``_usd`` in usd)."""

    existing_limit: Usd
    existing_retention: Usd
    uncovered_p99: float
    uncovered_p99_usd: Usd


class InsuredLoss(LossStats):
    """What the policy pays per year (usd), in total and by coverage part; ``claim_probability``: the share of
    simulated years in which the policy pays anything (None in results stored before it was kept)."""

    by_coverage: dict[CoveragePart, PartStats]
    claim_probability: float | None = None


class Exceedance(Result):
    """The annual-loss exceedance curve: ``probability[i]`` is the chance a year costs more than ``levels[i]``."""

    levels: list[Usd]
    probability: list[float]


class ThreatSummary(Result):
    """What the practice's technology inventory meets in the newest threat feed (issue 15): the feed, how many
    findings, the open urgent ones (``"CVE-... on product"``: internet-facing, used by ransomware), the frequency
    multiplier each raised scenario carries because of them, and how many items could not be recognised."""

    feed: str
    findings: int
    urgent: list[str]
    frequency_multipliers: dict[Scenario, float]
    unknown: int


class Assessment(Result):
    """What a cyber incident is likely to cost a practice in a year, and the cover it needs.

    ``by_coverage`` and ``by_scenario`` are keyed by the vocabulary's ids (``a.by_coverage["forensics"]``).
    ``insured_loss``, ``retained_loss``, ``policy_number`` and ``policy_notes`` are present when a policy was
    given. ``engine_version`` is the model version (:data:`cyberrx.MODEL_VERSION`) the figures come from.
    """

    practice: str
    records: int
    annual_loss: LossStats
    by_coverage: dict[CoveragePart, PartStats]
    by_scenario: dict[Scenario, ScenarioStats]
    event_probability: float
    event_probability_model: float
    recommended: Program
    gap: Gap
    trials: int
    seed: int
    reference_version: str
    engine_version: str
    exceedance: Exceedance
    policy_number: str | None = None
    insured_loss: InsuredLoss | None = None
    retained_loss: LossStats | None = None
    policy_notes: list[str] | None = None
    #: what an insurer would refuse today and why (the underwriting rules on the profile); None when not computed
    insurability: Insurability | None = None
    #: the threat findings on the practice's technology and what they raise (present when it lists technology)
    threats: ThreatSummary | None = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if out.get("insurability") is None:
            out.pop("insurability", None)
        if out.get("threats") is None:
            out.pop("threats", None)
        if self.policy_number is None and self.insured_loss is None:
            for key in ("policy_number", "insured_loss", "retained_loss", "policy_notes"):
                out.pop(key)
        return out


# ------------------------------------------------------------------------------------------------ quote
class ManualPremium(Result):
    """A rate-manual premium and every factor behind it (usd per policy year; factors dimensionless)."""

    base: Usd
    revenue_band: str
    class_factor: float
    increased_limit_factor: float
    retention_factor: float
    schedule: dict[str, float]
    schedule_modification: float
    surcharges: dict[str, float]
    before_minimum: Usd
    minimum_premium: Usd
    premium: Usd
    #: remote_access, ehr_hosting, records, staff, vendors_holding_phi factors (rate manual 2026.12.3 on)
    exposure: dict[str, float] = Field(default_factory=dict)


class TechnicalPrice(Result):
    """An option's technical price, usd per policy year."""

    expected_insured_loss: Usd
    tvar99_insured: Usd
    risk_load: Usd
    technical_premium: Usd


class Finding(Result):
    """An underwriting rule that fired: id, outcome, the broker's sentence, the facts, and the rule's params."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    rule: str
    outcome: str
    message: str
    because: list[str]


class QuoteOption(Result):
    """One limit and retention (usd): premiums (usd per year), decision, reasons and the terms it is issued on."""

    limit: Usd
    retention: Usd
    premium: Usd
    technical_premium: Usd
    rate_adequacy: float | None
    below_technical: bool
    sublimits: dict[CoveragePart, Usd]
    decision: Literal["quote", "refer", "decline"]
    reasons: list[str]
    subjectivities: list[dict[str, Any]]
    policy_number: str
    manual: ManualPremium
    technical: TechnicalPrice
    technical_premium_as_issued: Usd
    policy_terms: dict[str, Any]


class Quote(Result):
    """Quote options for a practice, one per limit x retention, with the rules that fired."""

    practice: str
    segment: str
    segment_reasons: list[str]
    findings: list[Finding]
    options: list[QuoteOption]
    technical_formula: str
    trials: int
    seed: int
    versions: dict[str, str]

    def option(self, limit: float, retention: float) -> QuoteOption:
        """The option with this limit and retention (usd)."""
        for o in self.options:
            if o.limit == limit and o.retention == retention:
                return o
        raise KeyError((limit, retention))


# ------------------------------------------------------------------------------------------ improvement
class SharedLicence(Result):
    control: str
    annual_cost_with_it: Usd


class ControlFigures(Result):
    """A control (or set)'s yearly cost and what it saves, usd per year; payback in months."""

    annual_cost: Usd
    loss_reduction_mean: Usd
    loss_reduction_p99: Usd
    premium_reduction: Usd
    technical_premium_reduction: Usd
    payback_months: float | None
    net_benefit: Usd
    #: usd/yr: drop in the loss the practice keeps under the standard option as issued (retained = ground-up -
    #: insured); net_benefit = premium_reduction + retained_loss_reduction - annual_cost
    retained_loss_reduction: Usd = 0.0
    #: what it does to insurability (a decline or refer turned into a quote, a coinsurance or sublimit removed)
    insurability: str | None = None
    #: required by law whatever its payback (``required_by``: the citation and what it requires)
    required: bool = False
    required_by: str | None = None


class HicpPractice(Result):
    """The HHS 405(d) HICP (2023 edition) practice a control belongs to: its number, name and sub-practice.
    ``practice`` is None for a control that is not an HICP sub-practice; ``name`` then says what it is (payment-fraud
    guidance; the HIPAA Security Rule's risk analysis)."""

    practice: int | None
    name: str
    sub_practice: str

    @property
    def label(self) -> str:
        """``"405(d) HICP practice 3: Identity and Access Management"``, or the name alone outside HICP."""
        return self.name if self.practice is None else f"405(d) HICP practice {self.practice}: {self.name}"


class Recommendation(ControlFigures):
    control: str
    hicp_practice: HicpPractice
    insurer_baseline: bool
    insurer_baseline_note: str
    shared_licence: SharedLicence | None


class BestSet(ControlFigures):
    controls: list[str]


class StandardOption(Result):
    limit: Usd
    retention: Usd


class CurrentPosition(Result):
    expected_annual_loss: Usd
    p99: Usd
    premium: Usd
    technical_premium: Usd
    schedule_debits_capped: bool
    #: usd/yr: expected loss the practice keeps under the standard option as issued to it
    retained_loss: Usd = 0.0


class Improvement(Result):
    """Which controls pay back first: each missing or weak control ranked, and the best set within a budget."""

    practice: str
    segment: str
    standard_option: StandardOption
    current: CurrentPosition
    recommendations: list[Recommendation]
    budget: Usd
    best_set: BestSet | None
    method: str
    trials: int
    seed: int
    control_costs_version: str


# ----------------------------------------------------------------------------------------- adjudication
class LineResult(Result):
    """One loss line of a claim, usd to the cent, and why (one reason per step that changed the amount)."""

    coverage: CoveragePart
    claimed: UsdExact
    covered: UsdExact
    retention: UsdExact
    coinsurance: UsdExact
    payable: UsdExact
    reasons: list[str]
    #: the trigger the line was tested under and why it is met (``trigger: ...``) or not (``not_triggered: ...``)
    trigger: str = ""
    #: the day the loss was incurred, where the claim gives it (it orders the retention)
    incurred: date | None = None


class PriorClaim(Result):
    claim_id: str
    status: str
    total_payable: UsdExact


class Adjudication(Result):
    """What the policy pays on one claim: status, lines, totals (usd, exact) and what is left of the limits."""

    claim_id: str
    policy_number: str
    status: Literal["denied", "paid", "partially_paid"]
    denial_reasons: list[str]
    retention_applied: UsdExact
    lines: list[LineResult]
    total_claimed: UsdExact
    total_covered: UsdExact
    total_retention: UsdExact
    total_coinsurance: UsdExact
    total_payable: UsdExact
    aggregate_remaining: UsdExact
    sublimit_remaining: dict[CoveragePart, UsdExact]
    history: list[PriorClaim] = Field(default_factory=list)
    #: one sentence per trigger applied (its parts, where it comes from, what it asks), then the retroactive date
    triggers: list[str] = Field(default_factory=list)
    #: the order the retention falls on the lines, and why (by date incurred, or as presented)
    line_order: str = ""
    #: the lines' indices (as presented) in that order
    settlement_order: list[int] = Field(default_factory=list)
    #: for a claim denied whole: what that costs the practice and, for a void-all warranty, what it spares
    warnings: list[str] = Field(default_factory=list)


# ------------------------------------------------------------------------------------------- obligations
class Obligation(Result):
    """One notice to give: to whom, by when (after any law-enforcement delay), how, and under which law."""

    recipient: str
    deadline: date | None
    method: str
    states: list[str]
    citation: str
    rule_deadline: date | None
    not_before: date | None
    applies_if: str | None
    basis: str
    trust: str


class StateDuty(Result):
    """One state requirement for this incident: ``scheduled``, ``not_triggered`` or ``must_be_checked``."""

    statute: str
    citation: str
    recipient: str
    status: Literal["scheduled", "not_triggered", "must_be_checked"]
    reason: str
    deadline_if_applies: date | None


class StateStatus(Result):
    state: str
    residents: int
    covered: bool
    statutes: list[str]
    summary: str
    duties: list[StateDuty] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)


class Obligations(Result):
    """Must we notify, whom and by when: obligations sorted by deadline, with the reasons and warnings."""

    incident_id: str
    entity: str
    role: str
    type: Scenario
    discovered: date
    as_of: date
    total_affected: int
    reportable: bool
    reasons: list[str]
    obligations: list[Obligation]
    warnings: list[str]
    states: list[StateStatus]
    law_enforcement_delay_ends: date | None
    reference_versions: dict[str, str]
    questions: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------------- FAIR
class FairNode(Result):
    """One FAIR node over all simulations, in the node's unit (usd, per_year or a share)."""

    source: Literal["supplied", "calculated"]
    mean: float
    stdev: float
    minimum: float
    maximum: float


class FairResult(Result):
    """An Open FAIR model run: each node's summary and the risk (annual loss exposure, usd) quantiles."""

    name: str
    simulations: int
    seed: int
    nodes: dict[str, FairNode]
    risk_quantiles: dict[str, Usd]
    vulnerability_share: float | None = None
    engine_version: str
    block_trials: int
    timings_s: dict[str, float] = Field(default_factory=dict)


RESULT_TYPES: tuple[type[Result], ...] = (Assessment, Quote, QuoteOption, Improvement, Adjudication, Obligations,
                                          FairResult)

__all__ = ["CENT", "RESULT_TYPES", "Adjudication", "Assessment", "BestSet", "ControlFigures", "CurrentPosition",
           "Exceedance", "FairNode", "FairResult", "Finding", "Gap", "HicpPractice", "Improvement", "InsuredLoss",
           "LineResult",
           "LossStats", "ManualPremium", "Obligation", "Obligations", "PartStats", "PriorClaim", "Program", "Quote",
           "QuoteOption", "Recommendation", "Result", "ScenarioStats", "SharedLicence", "StandardOption",
           "StateStatus", "TechnicalPrice", "Usd", "UsdExact", "to_cents"]
