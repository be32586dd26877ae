"""A claim on a cyber policy: the incident and its loss lines, in the order they are presented.

The shape is fixed by issue 3 (fields may be added, none renamed). Money is ``Decimal`` usd in whole cents;
``downtime_hours`` may be fractional. A business-interruption line (``business_interruption``,
``contingent_bi``) gives ``downtime_hours``, ``income_loss_per_hour`` and optionally ``extra_expense``; every
other line gives ``amount``.

Added fields (optional): ``incident.ended`` (the day the incident was over) and ``losses[].date`` (the day the
loss was incurred); a loss dated before the incident occurred, or after it ended, is refused.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cyberrx.domain.parsing import read_document
from cyberrx.domain.policy import CAUSES, CONTROLS_ALLOWED, Day, Duration, Money, located, part_of
from cyberrx.vocab import BI_PARTS, Control, CoveragePart


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
        if self.ended is not None and self.ended < self.occurred:
            raise PydanticCustomError("claim_field", "ended before it occurred", {
                "field": "incident.ended", "message": "the incident cannot end before it occurred",
                "expected": f"a date on or after occurred ({self.occurred.isoformat()})"})
        return self

    def controls_shown(self) -> dict[str, bool]:
        """The controls as a plain ``{control id: in place}`` mapping (only those the claim states)."""
        return {c.value: v for c, v in self.controls.items()}


_BI_FIELDS = ("downtime_hours", "income_loss_per_hour", "extra_expense")


class LossLine(_Strict):
    """One loss presented on one coverage part (usd; BI as hours x income per hour + extra expense)."""

    coverage: CoveragePart
    amount: Money | None = None
    downtime_hours: Duration | None = None
    income_loss_per_hour: Money | None = None
    extra_expense: Money | None = None
    date: Day | None = None
    description: str | None = None

    @field_validator("coverage", mode="before")
    @classmethod
    def _known_part(cls, v: object) -> CoveragePart:
        return part_of(v)

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
        return self

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
        for i, line in enumerate(self.losses):
            if line.date is None:
                continue
            if line.date < inc.occurred or (inc.ended is not None and line.date > inc.ended):
                window = f"from {inc.occurred.isoformat()}" + (f" to {inc.ended.isoformat()}" if inc.ended else "")
                raise PydanticCustomError("claim_field", "loss dated outside its incident", {
                    "field": f"losses[{i}].date",
                    "message": f"loss dated {line.date.isoformat()}, outside its incident",
                    "expected": f"a date {window}"})
        return self


def parse_claim(data: Any, source: str | None = None) -> Claim:
    """Validate ``data`` as a :class:`Claim`; one InvalidInput naming the field (``losses[1].coverage``)."""
    try:
        return Claim.model_validate(data)
    except ValidationError as exc:
        raise located(exc, source) from None


def load_claim(path: str | Path) -> Claim:
    """Read a claim from a YAML or JSON file."""
    return parse_claim(read_document(path), source=str(path))


__all__ = ["Claim", "Incident", "LossLine", "load_claim", "parse_claim"]
