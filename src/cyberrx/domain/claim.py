"""A claim on a cyber policy: the incident and its loss lines, in the order they are presented.

The shape is fixed by issue 3 (fields may be added, none renamed). Money is ``Decimal`` usd in whole cents;
``downtime_hours`` may be fractional. A business-interruption line (``business_interruption``,
``contingent_bi``) gives ``downtime_hours``, ``income_loss_per_hour`` and optionally ``extra_expense``; every
other line gives ``amount``.

Added fields (optional): ``incident.ended`` (the day the incident was over) and ``losses[].date`` (the day the
loss was incurred, as recorded; it orders nothing); a loss dated before the incident occurred, or after it
ended, is refused.

Issue 12 (optional, all dates): ``incident.reported`` (the day the insured reported the incident to the insurer;
default the discovery date, never before it); ``losses[].incurred`` (the day the loss was incurred: the
retention falls on the earliest first; give it on every line or on none); on a third-party line
(``regulatory``, ``privacy_liability``) ``losses[].claim_made`` (the day the claim was first made against the
insured; default the discovery date, never before the incident occurred) and ``losses[].reported`` (the day that
claim was reported to the insurer; default the later of ``incident.reported`` and ``claim_made``).
"""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cyberrx.domain.parsing import read_document
from cyberrx.domain.policy import CAUSES, CONTROLS_ALLOWED, Day, Duration, Money, located, part_of
from cyberrx.errors import InvalidInput
from cyberrx.vocab import BI_PARTS, EXCHANGE_ONLY_PARTS, PARTS, THIRD_PARTY_PARTS, Control, CoveragePart


def _flag_only(v: object) -> object:
    if not isinstance(v, bool):
        raise PydanticCustomError("flag_type", "true or false is required", {"expected": "true or false"})
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Incident(_Strict):
    """What happened. ``controls``: the warranted controls as found at the incident (true: in place)."""

    cause: str
    occurred: Day
    discovered: Day
    ended: Day | None = None
    reported: Day | None = None
    controls: dict[Control, Annotated[bool, BeforeValidator(_flag_only)]] = Field(default_factory=dict)

    @field_validator("cause")
    @classmethod
    def _known_cause(cls, v: str) -> str:
        if v not in CAUSES:
            raise PydanticCustomError("cause", "unknown cause {cause}",
                                      {"cause": repr(v), "expected": ", ".join(CAUSES)})
        return v

    @field_validator("controls", mode="before")
    @classmethod
    def _known_controls(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for key in v:
                if key not in {c.value for c in Control}:
                    raise PydanticCustomError("control", "unknown control {control}",
                                              {"control": repr(key), "expected": CONTROLS_ALLOWED})
        return v

    @model_validator(mode="after")
    def _dates_ordered(self) -> Incident:
        if self.discovered < self.occurred:
            raise PydanticCustomError("claim_field", "discovered before it occurred", {
                "field": "incident.discovered", "message": "the incident cannot be discovered before it occurred",
                "expected": f"a date on or after occurred ({self.occurred.isoformat()})"})
        if self.reported is not None and self.reported < self.discovered:
            raise PydanticCustomError("claim_field", "reported before it was discovered", {
                "field": "incident.reported", "message": "the incident cannot be reported before it was discovered",
                "expected": f"a date on or after discovered ({self.discovered.isoformat()})"})
        if self.ended is not None and self.ended < self.occurred:
            raise PydanticCustomError("claim_field", "ended before it occurred", {
                "field": "incident.ended", "message": "the incident cannot end before it occurred",
                "expected": f"a date on or after occurred ({self.occurred.isoformat()})"})
        return self

    @property
    def reported_on(self) -> Date:
        """The day the incident was reported to the insurer: ``reported``, else the discovery date."""
        return self.discovered if self.reported is None else self.reported

    def controls_shown(self) -> dict[str, bool]:
        """The controls as a plain ``{control id: in place}`` mapping (only those the claim states)."""
        return {c.value: v for c, v in self.controls.items()}


_BI_FIELDS = ("downtime_hours", "income_loss_per_hour", "extra_expense")
_LIABILITY = ", ".join(sorted(p.value for p in THIRD_PARTY_PARTS - EXCHANGE_ONLY_PARTS))


class LossLine(_Strict):
    """One loss presented on one coverage part (usd; BI as hours x income per hour + extra expense)."""

    coverage: CoveragePart
    amount: Money | None = None
    downtime_hours: Duration | None = None
    income_loss_per_hour: Money | None = None
    extra_expense: Money | None = None
    date: Day | None = None
    incurred: Day | None = None
    claim_made: Day | None = None
    reported: Day | None = None
    description: str | None = None

    @field_validator("coverage", mode="before")
    @classmethod
    def _known_part(cls, v: object) -> CoveragePart:
        part = part_of(v)
        if part in EXCHANGE_ONLY_PARTS:
            # carried by policy terms for OED exchange; no claim arithmetic or explanation is written for it
            raise PydanticCustomError("coverage_part", "{part} is carried for data exchange only: cyberrx does not "
                                      "adjudicate it", {"part": part.value,
                                                        "expected": ", ".join(p.value for p in PARTS)})
        return part

    @model_validator(mode="after")
    def _shape_by_part(self) -> LossLine:
        if self.coverage in BI_PARTS:
            if self.amount is not None:
                raise PydanticCustomError("loss_shape", "a business interruption loss is given as hours",
                                          {"expected": "downtime_hours, income_loss_per_hour, extra_expense"})
            if self.downtime_hours is None or self.income_loss_per_hour is None:
                raise PydanticCustomError("loss_shape", "downtime_hours and income_loss_per_hour are required",
                                          {"expected": "downtime_hours, income_loss_per_hour, extra_expense"})
        else:
            if self.amount is None:
                raise PydanticCustomError("loss_shape", "amount is required", {"expected": "amount: usd >= 0"})
            given = [f for f in _BI_FIELDS if getattr(self, f) is not None]
            if given:
                raise PydanticCustomError("loss_shape", "{name} applies only to business interruption parts",
                                          {"name": given[0], "expected": "amount"})
        if self.coverage not in THIRD_PARTY_PARTS:
            given = [f for f in ("claim_made", "reported") if getattr(self, f) is not None]
            if given:
                raise PydanticCustomError("loss_shape", "{name} applies only to a claim against the insured",
                                          {"name": given[0], "expected": f"{given[0]} only on {_LIABILITY} lines"})
        return self

    @property
    def is_liability(self) -> bool:
        return self.coverage in THIRD_PARTY_PARTS

    def claim_made_on(self, incident: Incident) -> Date:
        """The day the claim was first made against the insured: ``claim_made``, else the discovery date."""
        return incident.discovered if self.claim_made is None else self.claim_made

    def reported_on(self, incident: Incident) -> Date:
        """The day this line was reported to the insurer: a liability line's own ``reported``, else the later of
        the incident's report and the claim made; any other line, the incident's report."""
        if not self.is_liability:
            return incident.reported_on
        if self.reported is not None:
            return self.reported
        return max(incident.reported_on, self.claim_made_on(incident))

    @property
    def is_bi(self) -> bool:
        return self.coverage in BI_PARTS

    @property
    def claimed(self) -> Decimal:
        """usd the practice claims, exact: ``amount``, or hours x income per hour + extra expense."""
        if self.is_bi:
            assert self.downtime_hours is not None and self.income_loss_per_hour is not None
            return self.income_loss_per_hour * self.downtime_hours + (self.extra_expense or Decimal(0))
        assert self.amount is not None
        return self.amount


class Claim(_Strict):
    """A claim: one incident, its losses in the order presented."""

    claim_id: str = Field(min_length=1)
    policy_number: str = Field(min_length=1)
    incident: Incident
    losses: list[LossLine] = Field(min_length=1)

    @model_validator(mode="after")
    def _losses_within_incident(self) -> Claim:
        inc = self.incident
        window = f"from {inc.occurred.isoformat()}" + (f" to {inc.ended.isoformat()}" if inc.ended else "")
        for i, line in enumerate(self.losses):
            for name in ("date", "incurred"):
                day = getattr(line, name)
                if day is not None and (day < inc.occurred or (inc.ended is not None and day > inc.ended)):
                    raise PydanticCustomError("claim_field", "loss dated outside its incident", {
                        "field": f"losses[{i}].{name}",
                        "message": f"loss {'dated' if name == 'date' else 'incurred'} {day.isoformat()}, "
                                   f"outside its incident",
                        "expected": f"a date {window}"})
            if line.claim_made is not None and line.claim_made < inc.occurred:
                raise PydanticCustomError("claim_field", "claim made before the incident", {
                    "field": f"losses[{i}].claim_made",
                    "message": f"claim made {line.claim_made.isoformat()}, before the incident occurred",
                    "expected": f"a date on or after occurred ({inc.occurred.isoformat()})"})
            made = line.claim_made_on(inc)
            if line.reported is not None and line.reported < made:
                raise PydanticCustomError("claim_field", "reported before the claim was made", {
                    "field": f"losses[{i}].reported",
                    "message": f"reported {line.reported.isoformat()}, before the claim was made",
                    "expected": f"a date on or after claim_made ({made.isoformat()})"})
        dated = [line.incurred is not None for line in self.losses]
        if any(dated) and not all(dated):
            i = dated.index(False)
            raise PydanticCustomError("claim_field", "incurred on some lines only", {
                "field": f"losses[{i}].incurred",
                "message": "incurred is given on some lines but not on this one: the retention order needs it on "
                           "every line or on none",
                "expected": "a date on every line, or on none (then the lines are taken in the order presented)"})
        return self

    @property
    def dated(self) -> bool:
        """True when every line carries ``incurred`` (the retention then falls on the earliest first)."""
        return all(line.incurred is not None for line in self.losses)


def parse_claim(data: Any, source: str | None = None) -> Claim:
    """Validate ``data`` as a :class:`Claim`; one InvalidInput naming the field (``losses[1].coverage``)."""
    try:
        return Claim.model_validate(data)
    except ValidationError as exc:
        raise located(exc, source) from None


def parse_claim_incident(data: Any) -> Incident:
    """Validate ``data`` as a claim's :class:`Incident` alone (a first notice of loss, before its losses are
    known); one InvalidInput naming the field (``discovered``)."""
    try:
        return Incident.model_validate(data)
    except ValidationError as exc:
        err = located(exc, None)
        raise InvalidInput(err.args[0], field=(err.field or "").removeprefix("incident."),
                           allowed=err.allowed) from None


def load_claim(path: str | Path) -> Claim:
    """Read a claim from a YAML or JSON file."""
    return parse_claim(read_document(path), source=str(path))


__all__ = ["Claim", "Incident", "LossLine", "load_claim", "parse_claim", "parse_claim_incident"]
