"""Plain-language labels for the vocabulary's ids: what every report, chart and document shows instead of an id.

The ids (:mod:`cyberrx.vocab`) stay in data and JSON; people read these labels. One table per id family, so a
page, the terminal report and a PDF never name the same thing two ways.
"""

from __future__ import annotations

from cyberrx.vocab import Control, CoveragePart, Scenario

PART_LABELS: dict[str, str] = {
    CoveragePart.FORENSICS: "Forensic investigation",
    CoveragePart.LEGAL: "Breach counsel",
    CoveragePart.NOTIFICATION: "Patient notices and credit monitoring",
    CoveragePart.PUBLIC_RELATIONS: "Crisis communications",
    CoveragePart.DATA_RESTORATION: "Data and system restoration",
    CoveragePart.BUSINESS_INTERRUPTION: "Lost income (own systems down)",
    CoveragePart.CONTINGENT_BI: "Lost income (a vendor down)",
    CoveragePart.EXTORTION: "Ransom and negotiation",
    CoveragePart.BETTERMENT: "Security upgrades after an incident",
    CoveragePart.SOCIAL_ENGINEERING: "Funds-transfer fraud",
    CoveragePart.REGULATORY: "Regulators: OCR and state AG, penalties",
    CoveragePart.PRIVACY_LIABILITY: "Patient lawsuits",
    # carried by OED-imported terms only (no quote form offers it): labelled where a policy's own parts are listed
    CoveragePart.ERRORS_AND_OMISSIONS: "Professional errors and omissions",
}

SCENARIO_LABELS: dict[str, str] = {
    Scenario.RANSOMWARE: "Ransomware (systems encrypted)",
    Scenario.RANSOMWARE_EXFILTRATION: "Ransomware with data theft",
    Scenario.NETWORK_INTRUSION: "Hacking and data theft",
    Scenario.BUSINESS_EMAIL_COMPROMISE: "Email account taken over",
    Scenario.SOCIAL_ENGINEERING: "Payment fraud (fake invoice, bank change)",
    Scenario.LOST_DEVICE: "Lost or stolen laptop/phone",
    Scenario.INSIDER_MISUSE: "Staff snooping or misdirected records",
    Scenario.VENDOR_BREACH: "A vendor's breach of your patients' data",
    Scenario.VENDOR_OUTAGE: "A critical vendor's outage",
}

CONTROL_LABELS: dict[str, str] = {
    Control.MFA_EMAIL: "Multi-factor sign-in for email",
    Control.MFA_REMOTE_ACCESS: "Multi-factor sign-in for remote access",
    Control.MFA_PRIVILEGED: "Multi-factor sign-in for administrator accounts",
    Control.EDR: "Endpoint detection and response (EDR)",
    Control.MDR_SOC: "24/7 security monitoring (MDR/SOC)",
    Control.OFFLINE_BACKUPS: "Offline or immutable backups",
    Control.BACKUPS_TESTED: "Regular test restores of the backups",
    Control.ENCRYPTION_AT_REST: "Encryption of laptops, phones and media",
    Control.EMAIL_FILTERING: "Advanced email filtering",
    Control.SECURITY_TRAINING: "Phishing training for staff",
    Control.PATCH_CRITICAL_DAYS: "Critical updates installed within 14 days",
    Control.INCIDENT_RESPONSE_PLAN: "A written incident response plan",
    Control.FUNDS_TRANSFER_VERIFICATION: "Call-back check of payment and bank changes",
    Control.RISK_ANALYSIS_CURRENT: "An up-to-date HIPAA security risk analysis",
}

#: the exclusion ids of :class:`cyberrx.domain.policy.Exclusion`
EXCLUSION_LABELS: dict[str, str] = {
    "war": "War and state-sponsored cyber operations",
    "terrorism": "Terrorism",
    "prior_known_acts": "Incidents known before the policy began",
    "intentional_acts": "Intentional or dishonest acts of the insured",
    "bodily_injury": "Bodily injury and property damage",
    "contractual_liability": "Liability taken on by contract",
    "infrastructure_outage": "Outages of power, internet or other public infrastructure",
    "unencrypted_device": "Loss of an unencrypted laptop, phone or storage device",
}

#: a quote option's decision, as a broker writes it
DECISION_LABELS: dict[str, str] = {
    "quote": "Offered",
    "refer": "Referred to an underwriter",
    "decline": "Declined",
}


#: who receives a breach notice (:class:`cyberrx.breach.obligations.Recipient`), as the practice manager says it
RECIPIENT_LABELS: dict[str, str] = {
    "individuals": "The affected patients",
    "substitute_notice": "Substitute notice (patients you cannot reach)",
    "media": "Local media",
    "hhs": "HHS Office for Civil Rights",
    "covered_entity": "The practice you work for (covered entity)",
    "state_regulator": "The state attorney general or regulator",
    "consumer_reporting_agencies": "The credit bureaus",
}


def part_label(part: str) -> str:
    """The coverage part's label (``"forensics"`` -> ``"Forensic investigation"``)."""
    return PART_LABELS[CoveragePart(part)]


def control_label(control: str) -> str:
    """The control's label; an id outside the vocabulary is shown with its underscores as spaces."""
    return CONTROL_LABELS.get(control, control.replace("_", " "))


def scenario_label(scenario: str) -> str:
    return SCENARIO_LABELS.get(scenario, scenario.replace("_", " "))


def exclusion_label(exclusion: str) -> str:
    return EXCLUSION_LABELS.get(exclusion, exclusion.replace("_", " "))


__all__ = ["CONTROL_LABELS", "DECISION_LABELS", "EXCLUSION_LABELS", "PART_LABELS", "RECIPIENT_LABELS",
           "SCENARIO_LABELS",
           "control_label", "exclusion_label", "part_label", "scenario_label"]
