"""A security incident at a practice (or at its business associate), as the breach module needs it.

The shape follows issue 4. Dates are calendar dates (``datetime.date``); counts are numbers of individuals.
``discovered`` is the day the breach was first known, or would have been known with reasonable diligence, to
anyone in the workforce or an agent other than the person who committed it (45 CFR 164.404(a)(2)): the
notification clocks run from it.

Validation here is what can be checked from the document alone. Whether a date lies in the future depends on
"today", which is passed in (:meth:`Incident.check_dates`, :func:`load_incident`) so tests are deterministic.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cyberrx.domain.parsing import load_model, parse_model
from cyberrx.domain.profile import US_JURISDICTIONS
from cyberrx.errors import InvalidInput
from cyberrx.vocab import Scenario

STATE_CODES_ALLOWED = "two-letter USPS codes of the 50 states, DC, PR, GU, VI, AS, MP (upper case: LA, MS)"


def _no_bool(v: object) -> object:
    # YAML turns `yes`/`true` into booleans, and bool is an int subclass: refuse it as a count
    if isinstance(v, bool):
        raise PydanticCustomError("count_type", "a whole number is required, not true/false",
                                  {"expected": "a whole number >= 0"})
    return v


def _date_only(v: object) -> object:
    # pydantic would read a bare number as a Unix timestamp; a breach date written as 20270314 is a typo
    if isinstance(v, bool | int | float):
        raise PydanticCustomError("date_type", "a calendar date is required", {"expected": "YYYY-MM-DD"})
    return v


def _bool_only(v: object) -> object:
    # refuse "yes", 1 or "true": a flag that decides whether patients are notified must be written as a flag
    if not isinstance(v, bool):
        raise PydanticCustomError("flag_type", "true or false is required", {"expected": "true or false"})
    return v


Count = Annotated[int, BeforeValidator(_no_bool), Field(ge=0)]
def _bool_or_none(v: object) -> object:
    if v is not None and not isinstance(v, bool):
        raise PydanticCustomError("flag_type", "true, false or null is required",
                                  {"expected": "true, false or null (not assessed yet)"})
    return v


Flag = Annotated[bool, BeforeValidator(_bool_only)]
FlagOrUnknown = Annotated[bool | None, BeforeValidator(_bool_or_none)]
Day = Annotated[date, BeforeValidator(_date_only)]


class Role(StrEnum):
    """Who holds the PHI under HIPAA: the practice itself, or a vendor handling PHI on its behalf."""

    COVERED_ENTITY = "covered_entity"
    BUSINESS_ASSOCIATE = "business_associate"


class DataElement(StrEnum):
    """What was in the breached records besides names: state laws apply only when their listed elements are.

    The ids are cyberrx's; each state row in ``state_breach_laws.yaml`` maps its statute's definition of
    personal information onto them (with the section). Names are assumed present: every statute pairs a name
    with an element (``credentials`` and ``financial_account`` count alone in some states).
    """

    SSN = "ssn"  # Social Security number
    DRIVERS_LICENSE = "drivers_license"  # driver's licence or state identification card number
    PASSPORT = "passport"
    GOVERNMENT_ID = "government_id"  # military, tribal, tax or other government-issued identification number
    FINANCIAL_ACCOUNT = "financial_account"  # account, credit or debit card number (with any code needed)
    DATE_OF_BIRTH = "date_of_birth"
    MEDICAL = "medical"  # medical history, condition, diagnosis or treatment (diagnosis codes included)
    HEALTH_INSURANCE = "health_insurance"  # health insurance policy, member or subscriber number
    BIOMETRIC = "biometric"  # fingerprint, retina, voice print... used to authenticate
    CREDENTIALS = "credentials"  # username or email address with a password or security answer


DATA_ELEMENTS_ALLOWED = ", ".join(e.value for e in DataElement)


def _data_elements(v: object) -> object:
    # a clear message naming the bad element and the allowed ids (pydantic's enum message lists them unquoted
    # only at the first error, and accepts a bare string as a list of characters)
    if v is None:
        return v
    if not isinstance(v, list | tuple):
        raise PydanticCustomError("data_elements_type", "a list of data element ids is required",
                                  {"expected": f"a list of: {DATA_ELEMENTS_ALLOWED}"})
    for item in v:
        if not isinstance(item, str) or item not in DataElement._value2member_map_:
            raise PydanticCustomError("data_element", "unknown data element '{element}'",
                                      {"element": item, "expected": DATA_ELEMENTS_ALLOWED})
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskAssessment(_Strict):
    """The four factors of 45 CFR 164.402 (definition of breach, paragraph (2)(i)-(iv)), as recorded."""

    nature_and_extent: str = Field(min_length=1, description="identifiers, likelihood of re-identification")
    unauthorized_person: str = Field(min_length=1, description="who used the PHI or to whom it was disclosed")
    acquired_or_viewed: Flag
    mitigated: Flag


class LawEnforcementDelay(_Strict):
    """A law-enforcement request to delay notices (45 CFR 164.412).

    ``until``: the end date given in a written statement. ``oral_statement_on``: the day an oral statement was
    made (the delay then lasts at most 30 days unless a written statement follows, in which case give both).
    ``official``: the official's name and agency, which 164.412(b) requires the entity to document.
    """

    until: Day | None = None
    oral_statement_on: Day | None = None
    official: str | None = None

    @model_validator(mode="after")
    def _one_given(self) -> LawEnforcementDelay:
        if self.until is None and self.oral_statement_on is None:
            raise PydanticCustomError(
                "delay_missing", "give the written statement's end date or the day of the oral statement",
                {"expected": "until: YYYY-MM-DD and/or oral_statement_on: YYYY-MM-DD"})
        return self


class Incident(_Strict):
    """An incident as entered by the practice, its breach coach or its business associate.

    ``affected_by_state`` counts affected individuals by state of residence; ``insufficient_contact_info`` is
    how many of them cannot be reached with the contact details on file (substitute notice, 164.404(d)(2)).
    ``low_probability_of_compromise`` is the conclusion of the four-factor assessment (``None``: not done).
    ``type`` is one of the scenario ids of :class:`cyberrx.vocab.Scenario`; the playbook uses it.

    ``data_elements``: what the breached records held (:class:`DataElement` ids); ``None`` means not yet known,
    and then every state row that depends on them is reported as a question, never guessed.
    ``part2_records``: records of a federally assisted substance use disorder program (42 CFR Part 2) were
    involved. ``cdph_licensed_facility``: the entity is a clinic, health facility, home health agency or
    hospice licensed by the California Department of Public Health (``None``: not said).
    """

    incident_id: str = Field(min_length=1)
    entity: str = Field(min_length=1)
    role: Role = Role.COVERED_ENTITY
    type: Scenario = Scenario.NETWORK_INTRUSION
    discovered: Day
    occurred: Day | None = None
    affected_by_state: dict[str, Count] = Field(min_length=1)
    phi_secured: Flag = False
    low_probability_of_compromise: FlagOrUnknown = None
    risk_assessment: RiskAssessment | None = None
    insufficient_contact_info: Count = 0
    law_enforcement_delay: LawEnforcementDelay | None = None
    data_elements: Annotated[tuple[DataElement, ...] | None, BeforeValidator(_data_elements)] = None
    part2_records: Flag = False
    cdph_licensed_facility: FlagOrUnknown = None

    @field_validator("affected_by_state")
    @classmethod
    def _known_states(cls, v: dict[str, int]) -> dict[str, int]:
        for code in v:
            if code not in US_JURISDICTIONS:
                raise PydanticCustomError("state_code", "unknown state code '{code}'",
                                          {"code": code, "expected": STATE_CODES_ALLOWED})
        if sum(v.values()) <= 0:
            raise PydanticCustomError("no_individuals", "at least one affected individual is required",
                                      {"expected": "counts >= 0 with a total of at least 1"})
        return v

    @field_validator("insufficient_contact_info")
    @classmethod
    def _not_more_than_affected(cls, v: int, info: ValidationInfo) -> int:
        by_state = info.data.get("affected_by_state")
        if by_state is not None and v > sum(by_state.values()):
            total = sum(by_state.values())
            raise PydanticCustomError("too_many", "more unreachable individuals than affected ({total})",
                                      {"total": total, "expected": f"a whole number from 0 to {total}"})
        return v

    @field_validator("occurred")
    @classmethod
    def _occurred_not_after_discovery(cls, v: date | None, info: ValidationInfo) -> date | None:
        found = info.data.get("discovered")
        if v is not None and found is not None and v > found:
            raise PydanticCustomError("after_discovery", "the breach cannot have occurred after discovery",
                                      {"expected": f"a date on or before discovered ({found.isoformat()})"})
        return v

    @property
    def total_affected(self) -> int:
        """Affected individuals, all states."""
        return int(sum(self.affected_by_state.values()))

    def check_dates(self, today: date | None = None) -> None:
        """Refuse dates after ``today`` (default: the system date) where only a past date makes sense.

        A written law-enforcement delay (``until``) may, and usually does, end in the future.
        """
        today = today or date.today()
        allowed = f"a date on or before today ({today.isoformat()})"
        if self.discovered > today:
            raise InvalidInput("the discovery date is in the future", field="discovered", allowed=allowed)
        delay = self.law_enforcement_delay
        if delay is not None and delay.oral_statement_on is not None and delay.oral_statement_on > today:
            raise InvalidInput("the oral statement date is in the future",
                               field="law_enforcement_delay.oral_statement_on", allowed=allowed)


def load_incident(path: str | Path, *, today: date | None = None) -> Incident:
    """Read an incident (YAML or JSON) and check its dates against ``today`` (default: the system date)."""
    incident = load_model(Incident, path)
    try:
        incident.check_dates(today)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=exc.field, allowed=exc.allowed, source=str(path)) from None
    return incident


def incident_from_dict(data: Any, *, today: date | None = None) -> Incident:
    """Validate a mapping as an :class:`Incident` and check its dates (for the API and tests)."""
    incident = parse_model(Incident, data)
    incident.check_dates(today)
    return incident


__all__ = ["DATA_ELEMENTS_ALLOWED", "DataElement", "Incident", "LawEnforcementDelay", "RiskAssessment", "Role",
           "incident_from_dict", "load_incident"]
