"""Ransomware, with and without exfiltration: the practice's own systems encrypted (and, for the second,
records taken first).

Frequency: base rate x (endpoints / reference) ** exponent x control multipliers x patch cadence x
remote-access exposure. Severity: fixed costs scaled by endpoints; records exposed a share of those held
(larger when the EHR is on premises); own-systems downtime (longer on premises); a ransom paid with some
probability, scaled by revenue; then the regulatory and litigation terms of any breach of records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.engine.scenarios.parameters import BI_OWN
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "endpoints", "remote_access", "controls", "ehr.hosting")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "exposure", "controls", "severity", "income",
                   "notification", "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "downtime", "ransom", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.DATA_RESTORATION, C.BETTERMENT,
                   C.BUSINESS_INTERRUPTION, C.EXTORTION, C.REGULATORY, C.PRIVACY_LIABILITY})


def _hosting_records_share(profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    key = "on_premises_ehr_records_share" if t.on_premises(profile) else "cloud_ehr_records_share"
    return t.num(tables["exposure"][key])


def _hosting_downtime(profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    return t.num(tables["exposure"]["on_premises_ehr_downtime"]) if t.on_premises(profile) else 1.0


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "endpoints", tables)
    rate = t.rate_by_headcount(scenario, profile.endpoints, "endpoints", tables)
    return rate * (t.control_frequency_multiplier(scenario, profile, tables) * t.own_systems_exposure(profile, tables))


def _ransom(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    table = t.severity_table(scenario, tables)
    return {
        "ransom_probability": t.num(table["ransom_payment_probability"])
        * t.severity_multiplier("ransom_payment_probability", profile, tables, own_systems=True),
        "ransom_median": t.num(table["ransom_median"]) * t.revenue_factor(profile, tables),
        "ransom_sigma": t.num(table["ransom_sigma"]),
    }


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    records = t.records_by_share(scenario, profile, tables, share_factor=_hosting_records_share(profile, tables),
                                 own_systems=True)
    downtime = t.downtime_terms(
        scenario, profile, tables, lost_share_key="lost_share_own_outage",
        median_factor=t.severity_multiplier("downtime", profile, tables, own_systems=True)
        * _hosting_downtime(profile, tables))
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables, scale=t.it_cost_scale(profile, tables), own_systems=True),
        **t.breach_terms(profile, tables, records),
        "bi_column": BI_OWN,
        **downtime,
        **_ransom(scenario, profile, tables),
    }
