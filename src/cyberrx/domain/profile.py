"""The practice profile: what cyberrx knows about a medical practice.

Shape fixed by issue 2 (fields may be added, none renamed). Defaults are what a small practice that does not
know the answer most likely has; each default is conservative (it does not assume a control is present).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from cyberrx.vocab import Control, Hosting, RemoteAccess, Scenario, Specialty, TechnologyRole, Training

# two-letter USPS codes of the states, DC and the territories where HIPAA covered entities practise
US_JURISDICTIONS = frozenset([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
])


def _no_bool(v: object) -> object:
    if isinstance(v, bool):
        raise ValueError("a number is required, not true/false")
    return v


# Upper bounds on every input that sizes work: far above any medical practice (the largest US health systems
# run about 100,000 endpoints and $70bn revenue; California has 39 million residents), so a real profile never
# meets them, while a run's work and memory stay bounded (assumption: chosen as such ceilings, not measured).
MAX_HEADCOUNT = 100_000           # endpoints, employees, providers
MAX_PATIENTS = 50_000_000         # patients in one state, records one vendor or one mailbox holds
MAX_BUSINESS_ASSOCIATES = 500
MAX_MONEY_USD = 1e11
MAX_NAME_LENGTH = 200


def _no_control(v: object) -> object:
    if isinstance(v, str) and any(ord(c) < 32 or c == "\x7f" for c in v):
        raise ValueError("control characters (such as NUL or a line break) are not allowed")
    return v


Count = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_PATIENTS)]
Money = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=MAX_MONEY_USD, allow_inf_nan=False)]
Headcount = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=MAX_HEADCOUNT)]
Text = Annotated[str, BeforeValidator(_no_control), Field(max_length=MAX_NAME_LENGTH)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Ehr(_Strict):
    vendor: Text = "unknown"
    hosting: Hosting = Hosting.CLOUD


class BusinessAssociate(_Strict):
    name: Text
    service: Text = "other"
    holds_phi: bool = True
    baa: bool = True
    critical: bool = False
    #: patients of this practice whose PHI the vendor holds; unknown: estimated from its ``service``
    #: (loss_model.yaml vendor_services)
    records_held: Count | None = None


class Controls(_Strict):
    """Security controls in place. Unknown means absent: a practice that does not know, likely lacks it."""

    mfa_email: bool = False
    mfa_remote_access: bool = False
    mfa_privileged: bool = False
    edr: bool = False
    mdr_soc: bool = False
    offline_backups: bool = False
    backups_tested: bool = False
    encryption_at_rest: bool = False
    email_filtering: bool = False
    security_training: Training = Training.NONE
    patch_critical_days: Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=3650)] = 90
    incident_response_plan: bool = False
    funds_transfer_verification: bool = False
    risk_analysis_current: bool = False

    def improved(self, control: Control) -> Controls:
        """A copy with ``control`` put in place at its strongest usual setting."""
        value: object
        if control is Control.SECURITY_TRAINING:
            value = Training.PHISHING_SIMULATION
        elif control is Control.PATCH_CRITICAL_DAYS:
            value = min(self.patch_critical_days, 7)
        else:
            value = True
        return self.model_copy(update={control.value: value})

    def has(self, control: Control) -> bool:
        """Whether ``control`` is in place (training: any; patching: within 14 days)."""
        v = getattr(self, control.value)
        if control is Control.SECURITY_TRAINING:
            return v is not Training.NONE
        if control is Control.PATCH_CRITICAL_DAYS:
            return bool(v <= 14)
        return bool(v)


#: the most items a technology inventory may list (bounds the matching work: items x feed entries)
MAX_TECHNOLOGY_ITEMS = 500
#: the most open exposures a profile may carry
MAX_EXPOSURES = 1000


def _cpe_23(v: str | None) -> str | None:
    """A CPE 2.3 formatted string, parsed and checked by the ``cpe`` library (NISTIR 7695 grammar)."""
    if v is None:
        return None
    v = v.strip()
    if not v.startswith("cpe:2.3:"):
        raise ValueError("a CPE 2.3 formatted string is required, e.g. cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")
    from cpe import CPE  # the parser is needed only by inventories that give a CPE

    try:
        CPE(v, CPE.VERSION_2_3)
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise ValueError(f"not a valid CPE 2.3 name ({exc})") from None
    return v


class TechnologyItem(_Strict):
    """One system the practice runs: only ``vendor`` and ``product`` are required. ``role`` and
    ``internet_facing`` default from the threat catalogue (threats_catalogue.yaml) when not stated."""

    vendor: str = Field(min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=200)
    version: str | None = Field(default=None, max_length=100)
    role: TechnologyRole | None = None
    internet_facing: bool | None = None
    cpe: str | None = Field(default=None, max_length=500)

    @field_validator("cpe")
    @classmethod
    def _valid_cpe(cls, v: str | None) -> str | None:
        return _cpe_23(v)


class Exposure(_Strict):
    """An open exposure that raises the yearly frequency of the scenarios it enables, e.g. an urgent threat finding
    (an internet-facing product with a known-exploited vulnerability used by ransomware). Set by cyberrx's threat
    matching, not by the practice; the multiplier and its source come from reference data."""

    id: str = Field(min_length=1, max_length=200)
    scenarios: list[Scenario] = Field(min_length=1)
    frequency_multiplier: float = Field(ge=1.0, le=20.0)
    source: str = Field(min_length=1)


class SecurityPractices(_Strict):
    """Answers on HHS 405(d) HICP practices that no control of ``controls`` asks about. Unknown (None) changes
    nothing in the loss model; the answers size the mitigation cyberrx links to threat findings."""

    #: HICP practice 5 (IT Asset Management): a kept inventory of computers, servers and network devices
    asset_inventory: bool | None = None
    #: HICP practice 6 (Network Management): clinical, office and guest networks separated (segmentation)
    network_segmentation: bool | None = None
    #: HICP practice 9 (Network Connected Medical Device Security): networked medical devices (imaging, monitors,
    #: infusion pumps) listed, patched by their vendor and kept on their own network segment
    medical_devices_managed: bool | None = None
    #: networked medical devices the practice runs (HICP practice 9's scope)
    networked_medical_devices: Count | None = None


class ExistingCoverage(_Strict):
    aggregate_limit: Money = 0.0
    retention: Money = 0.0


class PracticeProfile(_Strict):
    """A medical practice as cyberrx sees it. ``states`` counts patients whose PHI is held, by residence."""

    name: Annotated[Text, Field(min_length=1)]
    specialty: Specialty
    states: dict[str, Count] = Field(min_length=1)
    annual_revenue: Money
    providers: Headcount = 1
    employees: Headcount = 1
    endpoints: Headcount = 5
    ehr: Ehr = Ehr()
    remote_access: RemoteAccess = RemoteAccess.NONE
    business_associates: list[BusinessAssociate] = Field(default_factory=list, max_length=MAX_BUSINESS_ASSOCIATES)
    controls: Controls = Controls()
    existing_coverage: ExistingCoverage | None = None
    #: patients whose PHI sits in one staff mailbox (referrals, results, scanned attachments kept for the mail
    #: retention period); unknown: estimated from records per employee (loss_model.yaml severity)
    mailbox_records: Count | None = None
    cdph_licensed_facility: bool = False  # a clinic/health facility/home health agency/hospice licensed by CDPH
    #: the systems the practice runs (issue 15): matched against known exploited vulnerabilities
    technology: list[TechnologyItem] = Field(default_factory=list, max_length=MAX_TECHNOLOGY_ITEMS)
    #: open exposures raising scenario frequencies (set by threat matching; empty: the model as without threats)
    exposures: list[Exposure] = Field(default_factory=list, max_length=MAX_EXPOSURES)
    #: answers on HICP practices 5, 6 and 9 (no effect on the loss model)
    security_practices: SecurityPractices = SecurityPractices()

    @field_validator("states")
    @classmethod
    def _known_states(cls, v: dict[str, int]) -> dict[str, int]:
        for code in v:
            if code not in US_JURISDICTIONS:
                raise ValueError(f"unknown state code {code!r}; use two-letter USPS codes such as LA, MS, TX")
        if sum(v.values()) <= 0:
            raise ValueError("at least one patient record must be held")
        return v

    @property
    def records(self) -> int:
        """Patients whose PHI the practice holds (all states)."""
        return int(sum(self.states.values()))

    def with_controls(self, controls: Controls) -> PracticeProfile:
        return self.model_copy(update={"controls": controls})

    def with_exposures(self, exposures: list[Exposure]) -> PracticeProfile:
        """A copy carrying exactly ``exposures`` (an empty list: the profile as without open findings)."""
        return self.model_copy(update={"exposures": list(exposures)})

__all__ = ["MAX_BUSINESS_ASSOCIATES", "MAX_EXPOSURES", "MAX_HEADCOUNT", "MAX_MONEY_USD", "MAX_NAME_LENGTH",
           "MAX_PATIENTS", "MAX_TECHNOLOGY_ITEMS", "US_JURISDICTIONS", "BusinessAssociate", "Controls", "Ehr",
           "ExistingCoverage", "Exposure", "PracticeProfile", "SecurityPractices", "TechnologyItem"]
