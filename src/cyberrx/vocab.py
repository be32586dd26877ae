"""The project's vocabulary: ids used everywhere (code, data files, JSON, database).

The order of ``PARTS`` (the ``CoveragePart`` members the loss model simulates, in declaration order) is the column
order of every ``(n_trials, n_parts)`` array. ``errors_and_omissions`` is a part a policy may carry (an OED
account's ENO coverage round-trips through it) but no scenario costs, no quote form offers and no report shows:
it is in ``EXCHANGE_ONLY_PARTS``, not in ``PARTS``.
"""

from __future__ import annotations

from enum import StrEnum


class CoveragePart(StrEnum):
    """The coverage parts of a cyber policy (first party, then third party): the twelve the model simulates, then
    ``errors_and_omissions`` (professional E&O, OED's ENO; carried by policy terms only)."""

    FORENSICS = "forensics"
    LEGAL = "legal"
    NOTIFICATION = "notification"
    PUBLIC_RELATIONS = "public_relations"
    DATA_RESTORATION = "data_restoration"
    BUSINESS_INTERRUPTION = "business_interruption"
    CONTINGENT_BI = "contingent_bi"
    EXTORTION = "extortion"
    BETTERMENT = "betterment"
    SOCIAL_ENGINEERING = "social_engineering"
    REGULATORY = "regulatory"
    PRIVACY_LIABILITY = "privacy_liability"
    ERRORS_AND_OMISSIONS = "errors_and_omissions"


#: parts a policy can carry for data exchange (OED) that the loss model, quote forms and reports leave out
EXCHANGE_ONLY_PARTS = frozenset({CoveragePart.ERRORS_AND_OMISSIONS})
PARTS: tuple[CoveragePart, ...] = tuple(p for p in CoveragePart if p not in EXCHANGE_ONLY_PARTS)
PART_INDEX: dict[CoveragePart, int] = {p: i for i, p in enumerate(PARTS)}
THIRD_PARTY_PARTS = frozenset({CoveragePart.REGULATORY, CoveragePart.PRIVACY_LIABILITY,
                               CoveragePart.ERRORS_AND_OMISSIONS})
BI_PARTS = frozenset({CoveragePart.BUSINESS_INTERRUPTION, CoveragePart.CONTINGENT_BI})


class Scenario(StrEnum):
    """Incident scenarios the loss engine simulates."""

    RANSOMWARE = "ransomware"
    RANSOMWARE_EXFILTRATION = "ransomware_exfiltration"
    NETWORK_INTRUSION = "network_intrusion"
    BUSINESS_EMAIL_COMPROMISE = "business_email_compromise"
    SOCIAL_ENGINEERING = "social_engineering"
    LOST_DEVICE = "lost_device"
    INSIDER_MISUSE = "insider_misuse"
    VENDOR_BREACH = "vendor_breach"
    VENDOR_OUTAGE = "vendor_outage"


SCENARIOS: tuple[Scenario, ...] = tuple(Scenario)


class Control(StrEnum):
    """Security controls: the keys of the practice profile's ``controls`` block."""

    MFA_EMAIL = "mfa_email"
    MFA_REMOTE_ACCESS = "mfa_remote_access"
    MFA_PRIVILEGED = "mfa_privileged"
    EDR = "edr"
    MDR_SOC = "mdr_soc"
    OFFLINE_BACKUPS = "offline_backups"
    BACKUPS_TESTED = "backups_tested"
    ENCRYPTION_AT_REST = "encryption_at_rest"
    EMAIL_FILTERING = "email_filtering"
    SECURITY_TRAINING = "security_training"
    PATCH_CRITICAL_DAYS = "patch_critical_days"
    INCIDENT_RESPONSE_PLAN = "incident_response_plan"
    FUNDS_TRANSFER_VERIFICATION = "funds_transfer_verification"
    RISK_ANALYSIS_CURRENT = "risk_analysis_current"


class Specialty(StrEnum):
    PRIMARY_CARE = "primary_care"
    MENTAL_HEALTH = "mental_health"
    PEDIATRICS = "pediatrics"
    DENTAL = "dental"
    MULTI_SPECIALTY = "multi_specialty"
    SURGICAL = "surgical"
    IMAGING = "imaging"
    OTHER = "other"


class Hosting(StrEnum):
    CLOUD = "cloud"
    ON_PREMISES = "on_premises"


class RemoteAccess(StrEnum):
    NONE = "none"
    VPN = "vpn"
    RDP_EXPOSED = "rdp_exposed"
    VENDOR_PORTAL = "vendor_portal"


class Training(StrEnum):
    NONE = "none"
    ANNUAL = "annual"
    PHISHING_SIMULATION = "phishing_simulation"


class TechnologyRole(StrEnum):
    """What an item of a practice's technology inventory does (its group and defaults: threats_catalogue.yaml)."""

    VPN = "vpn"
    FIREWALL = "firewall"
    REMOTE_ACCESS = "remote_access"
    EMAIL = "email"
    BACKUP = "backup"
    NAS = "nas"
    REMOTE_SUPPORT = "remote_support"
    FILE_TRANSFER = "file_transfer"
    EHR = "ehr"
    PACS = "pacs"
    INTERFACE_ENGINE = "interface_engine"
    MEDICAL_DEVICE = "medical_device"
    ENDPOINT = "endpoint"
    SERVER = "server"
    OTHER = "other"


__all__ = [
    "BI_PARTS",
    "EXCHANGE_ONLY_PARTS",
    "PARTS",
    "PART_INDEX",
    "SCENARIOS",
    "THIRD_PARTY_PARTS",
    "Control",
    "CoveragePart",
    "Hosting",
    "RemoteAccess",
    "Scenario",
    "Specialty",
    "TechnologyRole",
    "Training",
]
