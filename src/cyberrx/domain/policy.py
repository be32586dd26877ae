"""Policy terms of a cyber policy: limits by coverage part inside one aggregate, retention, BI waiting period,
coinsurance, warranties (conditions), exclusions and, for an excess policy, the layer it sits in.

The shape is fixed by issue 3 (fields may be added, none renamed). Money is ``Decimal`` usd, whole cents;
shares (coinsurance, participation) are fractions from 0 to 1; hours and days are calendar hours and days.

Terms that a policy leaves out mean the absence of that term, never a market default: a coverage part that is
not listed is not covered; a part without its own ``retention`` takes the policy's ``retention``; a part
without a ``deductible`` has none stacked under it; a BI part
without ``waiting_period_hours`` has none (0 hours) and without ``max_period_days`` has no period of restoration
other than its limit.

Causes and exclusions. An incident's ``cause`` is a scenario id (:class:`cyberrx.vocab.Scenario`) or, when the
adjuster has classified it so, an exclusion id (``war``). A claim is excluded when its cause is itself a listed
exclusion, or when a listed exclusion is mapped to the cause and a missing control in :data:`EXCLUSION_RULES`:

=====================  =====================  ======================================================
exclusion              excludes the cause      when the incident's controls show as false
=====================  =====================  ======================================================
``unencrypted_device``  ``lost_device``         ``encryption_at_rest``
=====================  =====================  ======================================================

The other exclusions (war, terrorism, prior known acts, ...) match no simulated scenario: they deny a real claim
whose cause was classified as such, and change nothing in a simulation.

Triggers (issue 12). Nothing that happened before the ``retroactive_date`` (default: the period start, so an
unstated one never widens cover) is covered. Each part has a :class:`Trigger`: first-party parts default to
``discovery`` (first discovered during the period), ``regulatory`` and ``privacy_liability`` to
``claims_made`` (the claim first made against the insured during the period, or during the
``extended_reporting_days`` after it for an incident that occurred before the period ended). Either way the
incident must be reported to the insurer by the end of the period plus ``extended_reporting_days``.

Business interruption has two forms of waiting period (:class:`WaitingPeriodForm`): ``time_deductible`` (the
default; the first hours are never paid) and ``qualifying_period`` (an outage longer than the waiting period is
paid from hour zero; a shorter one is not paid at all, income nor extra expense).

Warranties. ``on_breach: deny`` voids the whole claim, as the form says; ``on_breach: deny_caused`` (the
causation form) denies only the lines the missing control could have caused, by :data:`CAUSATION`:

==============================  ==========================================  ====================================
missing control                 in an incident caused by                    denies the parts
==============================  ==========================================  ====================================
``mfa_email``                   business_email_compromise,                  every part
                                social_engineering, network_intrusion
``mfa_remote_access``           ransomware, ransomware_exfiltration,        every part
                                network_intrusion
``mfa_privileged``              ransomware, ransomware_exfiltration,        every part
                                network_intrusion
``edr``, ``mdr_soc``            ransomware, ransomware_exfiltration,        every part
                                network_intrusion
``patch_critical_days``         ransomware, ransomware_exfiltration,        every part
                                network_intrusion
``email_filtering``,            business_email_compromise,                  every part
``security_training``           social_engineering, ransomware,
                                ransomware_exfiltration
``encryption_at_rest``          lost_device                                 every part
``offline_backups``,            ransomware, ransomware_exfiltration         data_restoration,
``backups_tested``                                                          business_interruption, extortion
``funds_transfer_verification`` business_email_compromise,                  social_engineering
                                social_engineering
``risk_analysis_current``       any cause                                   regulatory
``incident_response_plan``      (none)                                      (none)
==============================  ==========================================  ====================================

Rationale: a control denies what its absence lets happen. Preventive controls on the way in (MFA, EDR and a
managed SOC, patching, mail filtering and training) could have stopped the incidents that come that way, so every
part of such an incident is theirs. Backups stop no intrusion: what they change is how much data is lost, how long
the practice is down and whether a ransom is needed. Funds-transfer verification stops the transfer, not the
compromise. A current risk analysis is what OCR's penalties turn on (45 CFR 164.308(a)(1)(ii)(A)), not the
incident. An incident response plan shortens and cheapens a response but causes no loss part on its own, so its
causation form denies nothing; write ``deny`` or a coinsurance for it instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cyberrx.domain.parsing import invalid_from, read_document
from cyberrx.errors import InvalidInput
from cyberrx.vocab import BI_PARTS, PARTS, SCENARIOS, THIRD_PARTY_PARTS, Control, CoveragePart, Scenario

PARTS_ALLOWED = ", ".join(p.value for p in PARTS)
CONTROLS_ALLOWED = ", ".join(c.value for c in Control)


class Trigger(StrEnum):
    """What must fall inside the period for a part to respond (see the module docstring)."""

    DISCOVERY = "discovery"
    CLAIMS_MADE = "claims_made"


class WaitingPeriodForm(StrEnum):
    """How a business interruption part's waiting period works (see the module docstring)."""

    TIME_DEDUCTIBLE = "time_deductible"
    QUALIFYING_PERIOD = "qualifying_period"


def default_trigger(part: CoveragePart) -> Trigger:
    """``claims_made`` for the third-party parts, ``discovery`` for the first-party ones."""
    return Trigger.CLAIMS_MADE if part in THIRD_PARTY_PARTS else Trigger.DISCOVERY


class Exclusion(StrEnum):
    """Exclusions a policy may list (the market's common ones; see calibration ``market.exclusions``)."""

    WAR = "war"
    TERRORISM = "terrorism"
    PRIOR_KNOWN_ACTS = "prior_known_acts"
    INTENTIONAL_ACTS = "intentional_acts"
    BODILY_INJURY = "bodily_injury"
    CONTRACTUAL_LIABILITY = "contractual_liability"
    INFRASTRUCTURE_OUTAGE = "infrastructure_outage"
    UNENCRYPTED_DEVICE = "unencrypted_device"


#: exclusion -> (the scenario it removes, the control whose absence triggers it)
EXCLUSION_RULES: dict[Exclusion, tuple[Scenario, Control]] = {
    Exclusion.UNENCRYPTED_DEVICE: (Scenario.LOST_DEVICE, Control.ENCRYPTION_AT_REST),
}

_INTRUSION = frozenset({Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION, Scenario.NETWORK_INTRUSION})
_PHISHING = frozenset({Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.SOCIAL_ENGINEERING, Scenario.RANSOMWARE,
                       Scenario.RANSOMWARE_EXFILTRATION})
_RANSOM = frozenset({Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION})
_EVERY_PART = frozenset(PARTS)

#: the causation form of a warranty: missing control -> (the causes it could have caused, the parts it denies);
#: rationale in the module docstring
CAUSATION: dict[Control, tuple[frozenset[Scenario], frozenset[CoveragePart]]] = {
    Control.MFA_EMAIL: (frozenset({Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.SOCIAL_ENGINEERING,
                                   Scenario.NETWORK_INTRUSION}), _EVERY_PART),
    Control.MFA_REMOTE_ACCESS: (_INTRUSION, _EVERY_PART),
    Control.MFA_PRIVILEGED: (_INTRUSION, _EVERY_PART),
    Control.EDR: (_INTRUSION, _EVERY_PART),
    Control.MDR_SOC: (_INTRUSION, _EVERY_PART),
    Control.PATCH_CRITICAL_DAYS: (_INTRUSION, _EVERY_PART),
    Control.EMAIL_FILTERING: (_PHISHING, _EVERY_PART),
    Control.SECURITY_TRAINING: (_PHISHING, _EVERY_PART),
    Control.ENCRYPTION_AT_REST: (frozenset({Scenario.LOST_DEVICE}), _EVERY_PART),
    Control.OFFLINE_BACKUPS: (_RANSOM, frozenset({CoveragePart.DATA_RESTORATION, CoveragePart.BUSINESS_INTERRUPTION,
                                                  CoveragePart.EXTORTION})),
    Control.BACKUPS_TESTED: (_RANSOM, frozenset({CoveragePart.DATA_RESTORATION, CoveragePart.BUSINESS_INTERRUPTION,
                                                 CoveragePart.EXTORTION})),
    Control.FUNDS_TRANSFER_VERIFICATION: (frozenset({Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.SOCIAL_ENGINEERING}),
                                          frozenset({CoveragePart.SOCIAL_ENGINEERING})),
    Control.RISK_ANALYSIS_CURRENT: (frozenset(SCENARIOS), frozenset({CoveragePart.REGULATORY})),
    Control.INCIDENT_RESPONSE_PLAN: (frozenset(), frozenset()),
}

#: every accepted ``incident.cause``: the scenario ids, then the exclusion ids
CAUSES: tuple[str, ...] = tuple(s.value for s in SCENARIOS) + tuple(e.value for e in Exclusion)


def _no_bool(v: object) -> object:
    # YAML reads `yes` as true, and bool is an int: refuse it where money or a share is meant
    if isinstance(v, bool):
        raise PydanticCustomError("number_type", "a number is required, not true/false", {"expected": "a number"})
    return v


def _no_float_money(v: object) -> object:
    # a float such as 0.1 + 0.2 is not an exact amount; accept it only when it is a whole number of cents
    if isinstance(v, float) and round(v, 2) != v:
        raise PydanticCustomError("cents", "amounts are dollars and cents", {"expected": "at most 2 decimals"})
    return v


#: usd, whole cents, >= 0
Money = Annotated[Decimal, BeforeValidator(_no_float_money), BeforeValidator(_no_bool),
                  Field(ge=0, decimal_places=2, allow_inf_nan=False)]
#: a fraction from 0 to 1
Share = Annotated[Decimal, BeforeValidator(_no_bool), Field(ge=0, le=1, allow_inf_nan=False)]
#: hours (or days), >= 0
Duration = Annotated[Decimal, BeforeValidator(_no_bool), Field(ge=0, allow_inf_nan=False)]


def _date_only(v: object) -> object:
    if isinstance(v, bool | int | float):
        raise PydanticCustomError("date_type", "a calendar date is required", {"expected": "YYYY-MM-DD"})
    return v


Day = Annotated[date, BeforeValidator(_date_only)]


def part_of(value: object) -> CoveragePart:
    """``value`` as a coverage part, or a PydanticCustomError listing the allowed ids."""
    try:
        # an Enum lookup takes any object and raises ValueError for a non-member; the stubs type it as str
        return CoveragePart(value)  # type: ignore[arg-type]
    except ValueError:
        raise PydanticCustomError("coverage_part", "unknown coverage part {part}",
                                  {"part": repr(value), "expected": PARTS_ALLOWED}) from None


def _parts_list(v: object) -> object:
    if isinstance(v, list):
        return [part_of(x) for x in v]
    return v


def _exclusion_list(v: object) -> object:
    if isinstance(v, list):
        for x in v:
            if x not in {e.value for e in Exclusion}:
                raise PydanticCustomError("exclusion", "unknown exclusion {value}", {
                    "value": repr(x), "expected": ", ".join(e.value for e in Exclusion)})
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """The policy period, from ``start`` to (not including) ``end``."""

    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise PydanticCustomError("period_order", "the period must end after it starts",
                                      {"expected": f"end after {self.start.isoformat()}"})
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


class CoverageTerms(_Strict):
    """One coverage part's terms. ``limit``: usd per period (the sublimit, eroded by every claim).

    ``deductible``: usd per claim taken from this part's covered loss alone, before the claim's retention (a
    coverage deductible stacked under the policy's, as OED's ``PolDedNPBI`` under ``PolDed``); unlike
    ``retention``, which replaces the policy's retention for the part, it adds to it.
    """

    limit: Money
    retention: Money | None = None
    deductible: Money | None = None
    coinsurance: Share = Decimal(0)
    waiting_period_hours: Duration | None = None
    max_period_days: Duration | None = None
    waiting_period_form: WaitingPeriodForm | None = None
    trigger: Trigger | None = None

    @field_validator("trigger", mode="before")
    @classmethod
    def _known_trigger(cls, v: object) -> object:
        if v is not None and v not in {t.value for t in Trigger}:
            raise PydanticCustomError("trigger", "unknown trigger {value}", {
                "value": repr(v), "expected": ", ".join(t.value for t in Trigger)})
        return v

    @field_validator("waiting_period_form", mode="before")
    @classmethod
    def _known_form(cls, v: object) -> object:
        if v is not None and v not in {f.value for f in WaitingPeriodForm}:
            raise PydanticCustomError("waiting_period_form", "unknown waiting period form {value}", {
                "value": repr(v), "expected": ", ".join(f.value for f in WaitingPeriodForm)})
        return v


class OnBreach(_Strict):
    """What a breached warranty does: ``deny`` the whole claim (written ``on_breach: deny``); deny only what the
    missing control could have caused (``causation``, written ``on_breach: deny_caused``; see
    :data:`CAUSATION`); or raise the coinsurance of ``applies_to`` (all parts if left out) to ``coinsurance``."""

    deny: bool = False
    causation: bool = False
    coinsurance: Share | None = None
    applies_to: Annotated[list[CoveragePart] | None, BeforeValidator(_parts_list)] = None

    @model_validator(mode="before")
    @classmethod
    def _deny_word(cls, v: Any) -> Any:
        if isinstance(v, str):
            if v not in ("deny", "deny_caused"):
                raise PydanticCustomError("on_breach", "unknown consequence {value}",
                                          {"value": repr(v), "expected": _ON_BREACH_ALLOWED})
            return {"deny": True, "causation": v == "deny_caused"}
        return v

    @model_validator(mode="after")
    def _one_consequence(self) -> OnBreach:
        if self.deny == (self.coinsurance is not None) or (self.deny and self.applies_to is not None) \
                or (self.causation and not self.deny):
            raise PydanticCustomError("on_breach", "give either deny, deny_caused or a coinsurance",
                                      {"expected": _ON_BREACH_ALLOWED})
        return self

    def applies(self, part: CoveragePart) -> bool:
        return self.applies_to is None or part in self.applies_to


_ON_BREACH_ALLOWED = "deny, deny_caused, or {coinsurance: 0.5, applies_to: [parts]}"


class Condition(_Strict):
    """A warranty: ``control`` must be in place at the incident; ``on_breach`` says what happens if it was not."""

    control: Control
    on_breach: OnBreach

    @property
    def denies(self) -> bool:
        """Voids the whole claim when breached (``on_breach: deny``)."""
        return self.on_breach.deny and not self.on_breach.causation

    @property
    def denies_caused(self) -> bool:
        """Denies what the missing control could have caused (``on_breach: deny_caused``)."""
        return self.on_breach.deny and self.on_breach.causation

    def could_have_caused(self, cause: str, part: CoveragePart) -> bool:
        """True when, by :data:`CAUSATION`, this control's absence could have caused ``part`` of an incident of
        ``cause``."""
        causes, parts = CAUSATION[self.control]
        return cause in {s.value for s in causes} and part in parts

    def breached(self, controls: Mapping[str, bool]) -> bool:
        """Breached when ``controls`` shows the control as false (a control not shown is not a breach)."""
        return controls.get(self.control.value) is False


class LayerAllocation(StrEnum):
    """How a layer's payout on a claim is shared among the claim's lines (see :class:`Layer`)."""

    IN_ORDER = "in_order"
    PRO_RATA = "pro_rata"


class Layer(_Strict):
    """An excess layer: pays ``participation`` x the part of the period's covered loss between ``attachment``
    and ``attachment + limit`` (usd), after the primary terms (retention, coinsurance, sublimits).

    ``allocation``: ``in_order`` (the default) gives the layer's payout to the lines in the order they fill it;
    ``pro_rata`` shares each claim's payout among its lines in proportion to each line's covered loss after its
    part's deductible (OED's back-allocation: the figures Oasis reports per coverage).
    """

    attachment: Money
    limit: Money
    participation: Share = Decimal(1)
    allocation: LayerAllocation = LayerAllocation.IN_ORDER

    @field_validator("allocation", mode="before")
    @classmethod
    def _known_allocation(cls, v: object) -> object:
        if v not in {a.value for a in LayerAllocation} and not isinstance(v, LayerAllocation):
            raise PydanticCustomError("allocation", "unknown allocation {value}", {
                "value": repr(v), "expected": ", ".join(a.value for a in LayerAllocation)})
        return v

    @field_validator("limit")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise PydanticCustomError("layer_limit", "a layer needs a limit above zero", {"expected": "a number > 0"})
        return v


class PolicyTerms(_Strict):
    """A cyber policy as issued (issue 3 shape). A part left out of ``coverages`` is not covered.

    For an excess policy (``layer`` given) each coverage limit is the most the whole tower pays on that part
    (follow form: write the primary's sublimit where it is below the tower, the tower's top otherwise), the
    retention is the primary's, and ``aggregate_limit`` is this policy's own limit.
    """

    policy_number: str = Field(min_length=1)
    insured: str = Field(min_length=1)
    period: Period
    aggregate_limit: Money
    retention: Money = Decimal(0)
    coverages: dict[CoveragePart, CoverageTerms]
    conditions: list[Condition] = Field(default_factory=list)
    exclusions: Annotated[list[Exclusion], BeforeValidator(_exclusion_list)] = Field(default_factory=list)
    layer: Layer | None = None
    retroactive_date: Day | None = None
    extended_reporting_days: Annotated[int, BeforeValidator(_no_bool), Field(ge=0)] = 0
    #: the OED account row this policy was imported from, every field as written (``cyberrx oed import``), so
    #: that an export gives back what the terms do not carry (identifiers, premium, industry, vendor codes)
    oed: dict[str, str] | None = None

    @field_validator("coverages", mode="before")
    @classmethod
    def _known_parts(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for key in v:
                part_of(key)
        return v

    @model_validator(mode="after")
    def _bi_terms_on_bi_parts(self) -> PolicyTerms:
        for part, terms in self.coverages.items():
            for name in ("waiting_period_hours", "max_period_days", "waiting_period_form"):
                if part not in BI_PARTS and getattr(terms, name) is not None:
                    raise PydanticCustomError(
                        "policy_field", "{field}: only business interruption parts have this term",
                        {"field": f"coverages.{part.value}.{name}", "message": "only business interruption "
                         "parts have this term", "expected": "business_interruption, contingent_bi"})
            if terms.trigger is Trigger.CLAIMS_MADE and part not in THIRD_PARTY_PARTS:
                raise PydanticCustomError(
                    "policy_field", "{field}: a first-party part has no claim made against the insured",
                    {"field": f"coverages.{part.value}.trigger", "message": "claims_made applies only to the "
                     "third-party parts (a first-party loss has no claim made against the insured)",
                     "expected": "discovery"})
        if self.retroactive_date is not None and self.retroactive_date >= self.period.end:
            raise PydanticCustomError(
                "policy_field", "retroactive_date: after the period", {
                    "field": "retroactive_date", "message": "the retroactive date must be before the period ends",
                    "expected": f"a date before {self.period.end.isoformat()}"})
        return self

    # ---- behaviour ------------------------------------------------------------------------------------------
    def covers(self, part: CoveragePart) -> bool:
        return part in self.coverages

    def retention_for(self, part: CoveragePart) -> Decimal:
        """usd: the part's own retention, else the policy's."""
        own = self.coverages[part].retention if part in self.coverages else None
        return self.retention if own is None else own

    @property
    def retroactive(self) -> date:
        """The retroactive date: as written, else the period start."""
        return self.period.start if self.retroactive_date is None else self.retroactive_date

    @property
    def reporting_ends(self) -> date:
        """The first day too late to report (or, claims-made, to make) a claim: period end + extended days."""
        return self.period.end + timedelta(days=self.extended_reporting_days)

    def trigger_for(self, part: CoveragePart) -> Trigger:
        """The part's trigger: as written, else :func:`default_trigger`."""
        terms = self.coverages.get(part)
        return default_trigger(part) if terms is None or terms.trigger is None else terms.trigger

    def qualifying_period(self, part: CoveragePart) -> bool:
        """True when the part's waiting period is a qualifying period (paid from hour zero once passed)."""
        terms = self.coverages.get(part)
        return terms is not None and terms.waiting_period_form is WaitingPeriodForm.QUALIFYING_PERIOD

    def waiting_hours(self, part: CoveragePart) -> Decimal:
        terms = self.coverages.get(part)
        return Decimal(0) if terms is None or terms.waiting_period_hours is None else terms.waiting_period_hours

    def max_hours(self, part: CoveragePart) -> Decimal:
        """Longest downtime (hours) counted for a BI part; infinite where no period of restoration is set."""
        terms = self.coverages.get(part)
        if terms is None or terms.max_period_days is None:
            return Decimal("Infinity")
        return terms.max_period_days * 24

    def exclusion_for(self, cause: str, controls: Mapping[str, bool]) -> Exclusion | None:
        """The listed exclusion that removes an incident of ``cause`` with ``controls``, if any."""
        for exclusion in self.exclusions:
            if cause == exclusion.value:
                return exclusion
            rule = EXCLUSION_RULES.get(exclusion)
            if rule is not None and cause == rule[0].value and controls.get(rule[1].value) is False:
                return exclusion
        return None

    def denying_conditions(self, controls: Mapping[str, bool]) -> list[Condition]:
        """Conditions with ``on_breach: deny`` that ``controls`` breach."""
        return [c for c in self.conditions if c.denies and c.breached(controls)]

    def causing_conditions(self, controls: Mapping[str, bool], cause: str, part: CoveragePart) -> list[Condition]:
        """Conditions with ``on_breach: deny_caused`` that ``controls`` breach and whose control's absence could
        have caused ``part`` of an incident of ``cause``."""
        return [c for c in self.conditions
                if c.denies_caused and c.breached(controls) and c.could_have_caused(cause, part)]

    def coinsurance_for(self, part: CoveragePart, controls: Mapping[str, bool]) -> tuple[Decimal, Condition | None]:
        """The share the practice keeps on ``part``: the part's own coinsurance raised to that of a breached
        condition naming the part (the larger), and the condition that raised it (None if none did)."""
        share = self.coverages[part].coinsurance if part in self.coverages else Decimal(0)
        raised_by: Condition | None = None
        for c in self.conditions:
            on = c.on_breach
            if on.coinsurance is not None and on.applies(part) and c.breached(controls) and on.coinsurance > share:
                share, raised_by = on.coinsurance, c
        return share, raised_by


def parse_policy(data: Any, source: str | None = None) -> PolicyTerms:
    """Validate ``data`` as :class:`PolicyTerms`; one InvalidInput naming the field on failure."""
    try:
        return PolicyTerms.model_validate(data)
    except ValidationError as exc:
        raise located(exc, source) from None


def located(exc: ValidationError, source: str | None) -> InvalidInput:
    """Like ``parsing.invalid_from``, but a cross-field error carrying its own ``field`` is placed there."""
    first = exc.errors(include_url=False)[0]
    ctx = first.get("ctx") or {}
    if "field" in ctx and "message" in ctx:
        return InvalidInput(str(ctx["message"]), field=str(ctx["field"]), allowed=ctx.get("expected"), source=source)
    return invalid_from(exc, source)


def load_policy(path: Any) -> PolicyTerms:
    """Read policy terms from a YAML or JSON file."""
    return parse_policy(read_document(path), source=str(path))


__all__ = ["CAUSATION", "CAUSES", "EXCLUSION_RULES", "Condition", "CoverageTerms", "Exclusion", "Layer",
           "LayerAllocation",
           "Money", "OnBreach", "Period", "PolicyTerms", "Share", "Trigger", "WaitingPeriodForm", "default_trigger",
           "load_policy", "located", "parse_policy", "part_of"]
