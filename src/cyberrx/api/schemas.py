"""Request and response bodies of the API.

Money out is a JSON number of usd rounded to cents (``1250.0``), as in every cyberrx output; money in is a
number or a decimal string (``1250.5`` or ``"1250.50"``), parsed to ``Decimal`` exactly, at most 2 decimals.
Results (assessments, quotes, adjudications, obligations) are the typed results of
:mod:`cyberrx.domain.results`, so the OpenAPI schema shows their fields.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from cyberrx.domain.results import Adjudication, Assessment, Obligations, Quote, UsdExact

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
ID_PATTERN = r"^[0-9a-f]{32}$"
#: bounds on any free-form document (a profile, policy terms, a claim, an incident) before the domain reads it:
#: the domain's own bounds are tighter; these keep odd values (1e300, Infinity, NUL, deep nesting) from reaching
#: the arithmetic or the database, alike on SQLite and PostgreSQL
DOC_MAX_NUMBER = 1e15
DOC_MAX_STRING = 100_000
DOC_MAX_DEPTH = 16
#: the years a date in a request may fall in (a quote's effective date)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _clean_text(v: str) -> str:
    if any(ord(c) < 32 or c == "\x7f" for c in v):
        raise PydanticCustomError("text_control", "control characters (such as NUL or a line break) are not allowed")
    return v


def _check_doc(value: Any, path: str, depth: int) -> None:
    if depth > DOC_MAX_DEPTH:
        raise PydanticCustomError("doc_depth", f"nested deeper than {DOC_MAX_DEPTH} levels", {"path": path})
    if isinstance(value, dict):
        for k, v in value.items():
            _check_doc(k, path, depth + 1)
            _check_doc(v, f"{path}.{k}" if path else str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_doc(v, f"{path}[{i}]", depth + 1)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        if not abs(value) <= DOC_MAX_NUMBER:       # also NaN and Infinity
            raise PydanticCustomError("doc_number", f"a finite number of at most {DOC_MAX_NUMBER:,.0f} is required",
                                      {"path": path})
    elif isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("doc_nul", "a NUL character is not allowed", {"path": path})
        if len(value) > DOC_MAX_STRING:
            raise PydanticCustomError("doc_string", f"at most {DOC_MAX_STRING:,} characters", {"path": path})


def _sane_document(v: dict[str, Any]) -> dict[str, Any]:
    _check_doc(v, "", 0)
    return v


def _in_years(v: date | None) -> date | None:
    if v is not None and not FIRST_YEAR <= v.year <= LAST_YEAR:
        raise PydanticCustomError("date_range", f"a date from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 is required")
    return v


#: a free-form document: numbers finite and at most 1e15, no NUL, strings up to 100,000 characters, 16 levels
Document = Annotated[dict[str, Any], AfterValidator(_sane_document)]
Text = Annotated[str, AfterValidator(_clean_text)]


def _no_bool(v: object) -> object:
    # JSON true/false is not a number: refuse it where an integer is meant
    if isinstance(v, bool):
        raise PydanticCustomError("int_type", "a whole number is required, not true/false")
    return v


JsonInt = Annotated[int, BeforeValidator(_no_bool)]
Id = Annotated[str, Field(pattern=ID_PATTERN, description="a 32-hex-character id")]


def _exact_amount(v: object) -> object:
    # a number or a decimal string, exactly: 0.1 is 0.1 (through its shortest repr), never a binary fraction
    if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
        raise PydanticCustomError("money_type", "an amount of usd is required: a number or a decimal string")
    if isinstance(v, str) and not re.fullmatch(MONEY_PATTERN, v.strip()):
        raise PydanticCustomError("money_format", "usd with at most 2 decimals, e.g. 1250 or \"1250.50\"")
    try:
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v).strip())
    except InvalidOperation:
        raise PydanticCustomError("money_format", "usd with at most 2 decimals, e.g. 1250 or \"1250.50\"") from None
    if not d.is_finite() or d < 0 or d.as_tuple().exponent < -2:   # type: ignore[operator]
        raise PydanticCustomError("money_format", "usd >= 0 with at most 2 decimals, e.g. 1250 or \"1250.50\"")
    if d >= Decimal("1e12"):
        raise PydanticCustomError("money_range", "usd below 1,000,000,000,000")
    return d


#: usd in a request: a number or a decimal string, parsed exactly, >= 0, at most 2 decimals
MoneyIn = Annotated[Decimal, BeforeValidator(_exact_amount),
                    Field(description="usd: a number or a decimal string, at most 2 decimals",
                          examples=[1250.5, "1250.50"])]
#: usd in a response: a JSON number rounded to cents
MoneyOut = UsdExact
Name = Annotated[Text, Field(min_length=1, max_length=200)]
Email = Annotated[Text, Field(min_length=3, max_length=254)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    one_time_code: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = Field(
        default=None, description="the 6-digit code of the authenticator app (users with two-factor sign-in)")


Password = Annotated[str, Field(min_length=1, max_length=1000)]


class PasswordChangeIn(_In):
    current_password: Password
    new_password: Password


class PasswordResetIn(_In):
    email: Email


class PasswordResetConfirmIn(_In):
    token: Annotated[str, Field(min_length=10, max_length=200)]
    new_password: Password


class TotpCodeIn(_In):
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class TotpOut(BaseModel):
    secret: str = Field(description="base32; shown once")
    uri: str = Field(description="otpauth:// URI for the authenticator app's QR scanner")


class TokenIn(_In):
    name: Name
    expires_in_days: Annotated[JsonInt, Field(ge=1, le=3650, description="days until the token expires")] = 90


class TokenOut(BaseModel):
    id: str
    kind: str
    name: str
    created_at: str
    expires_at: str
    revoked: bool
    token: str | None = Field(default=None, description="the secret: shown in this answer only")


class OrganisationIn(_In):
    kind: Literal["brokerage"]
    name: Name


class OrganisationOut(BaseModel):
    id: str
    kind: str
    name: str
    carrier_id: str
    brokerage_id: str | None
    created_at: str


class UserIn(_In):
    organisation_id: Id
    email: Email
    name: Name
    role: Literal["admin", "underwriter", "broker", "practice_manager", "claims_adjuster"]
    password: Annotated[str, Field(min_length=12, max_length=1000)]


class UserPatch(_In):
    active: bool | None = Field(default=None, description="false: deactivated (its tokens are revoked for good)")
    role: Literal["admin", "underwriter", "broker", "practice_manager", "claims_adjuster"] | None = None


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    role: str
    organisation_id: str
    active: bool
    created_at: str


class PracticeIn(_In):
    profile: Document = Field(description="the practice profile (see examples/*.yaml)")
    brokerage_id: Id | None = None


class ProfileIn(_In):
    profile: Document


class PracticeOut(BaseModel):
    id: str
    name: str
    carrier_id: str
    brokerage_id: str | None
    created_at: str
    version: int
    profile_version_id: str
    profile: dict[str, Any]


class ProfileVersionOut(BaseModel):
    id: str
    practice_id: str
    version: int
    profile: dict[str, Any]
    created_at: str
    created_by: str


class AssessmentIn(_In):
    trials: Annotated[JsonInt, Field(ge=1_000, le=50_000_000, description="simulated years")] = 200_000
    seed: Annotated[JsonInt, Field(ge=0, le=2**63 - 1)] | None = None
    policy: Document | None = Field(default=None, description="policy terms to apply to every incident")
    profile_version: Annotated[JsonInt, Field(ge=1, le=1_000_000)] | None = None


class AssessmentOut(BaseModel):
    id: str
    practice_id: str
    profile_version_id: str
    profile_version: int | None = None
    trials: int
    seed: int
    policy: dict[str, Any] | None
    status: str
    engine_version: str | None
    reference_version: str | None
    job_id: str | None
    created_at: str
    created_by: str
    progress: float | None = None
    result: Assessment | None = None


class JobOut(BaseModel):
    id: str
    kind: str
    subject_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float = Field(description="fraction done, 0 to 1")
    attempts: int
    error: str | None
    created_at: str
    heartbeat_at: str | None
    finished_at: str | None


class QuoteIn(_In):
    trials: Annotated[JsonInt, Field(ge=1_000, le=50_000_000, description="simulated years")] | None = None
    seed: Annotated[JsonInt, Field(ge=0, le=2**63 - 1)] | None = None
    effective: Annotated[date | None, AfterValidator(_in_years)] = Field(
        default=None, description="first day of the policy period (default: today; years 2000 to 2100)")


class QuoteOut(BaseModel):
    id: str
    practice_id: str
    profile_version_id: str
    trials: int
    seed: int
    effective: str
    created_at: str
    created_by: str
    decisions: list[str] = Field(description="quote, refer or decline, per option")
    result: Quote | None = None


class BindIn(_In):
    option: Annotated[JsonInt, Field(ge=0, le=1000, description="the option's index in the quote")]


class PolicyIn(_In):
    practice_id: Id
    terms: Document = Field(description="policy terms (see examples/policies/*.yaml)")


class PolicyOut(BaseModel):
    id: str
    policy_number: str
    practice_id: str
    terms: dict[str, Any]
    quote_id: str | None
    bound_at: str
    bound_by: str


class ClaimIn(_In):
    policy_id: Id
    claim: Document = Field(description="the claim (see examples/claims/*.yaml)")


class ClaimOut(BaseModel):
    id: str
    claim_number: str
    policy_id: str
    practice_id: str
    status: Literal["open", "closed"]
    allowed: MoneyOut
    reserve: MoneyOut
    paid: MoneyOut
    version: int
    created_at: str
    claim: dict[str, Any] | None = None
    adjudication: Adjudication | None = None


class AmountIn(_In):
    amount: MoneyIn
    note: Annotated[str, Field(max_length=2000)] = ""


class CloseIn(_In):
    note: Annotated[str, Field(max_length=2000)] = ""


class LedgerEntryOut(BaseModel):
    seq: int
    kind: str
    amount: MoneyOut | None
    idempotency_key: str
    note: str
    reserve_after: MoneyOut
    paid_after: MoneyOut
    created_at: str
    created_by: str


class MoneyChangeOut(BaseModel):
    claim: ClaimOut
    entry: LedgerEntryOut
    replayed: bool = Field(description="true when the Idempotency-Key was seen before: nothing new was applied")


class IncidentIn(_In):
    practice_id: Id
    incident: Document = Field(description="the incident (see examples/incidents/*.yaml)")


class IncidentOut(BaseModel):
    id: str
    practice_id: str
    incident: dict[str, Any]
    obligations: Obligations
    created_at: str
    created_by: str


class AuditEventOut(BaseModel):
    seq: int
    at: str
    actor_id: str
    action: str
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str


class ChainOut(BaseModel):
    ok: bool
    events: int
    first_bad_seq: int | None
    reason: str | None
    head: str


T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
