"""Network intrusion: an attacker in the practice's systems reaches patient records (no encryption, no outage).

Frequency as ransomware (endpoints, controls, patch cadence, remote access); severity: fixed costs scaled by
endpoints, records exposed a share of those held, then the regulatory and litigation terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.NETWORK_INTRUSION,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "endpoints", "remote_access", "controls")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "exposure", "controls", "severity",
                   "notification", "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.DATA_RESTORATION, C.BETTERMENT,
                   C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "endpoints", tables)
    rate = t.rate_by_headcount(scenario, profile.endpoints, "endpoints", tables)
    return rate * (t.control_frequency_multiplier(scenario, profile, tables) * t.own_systems_exposure(profile, tables))


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    records = t.records_by_share(scenario, profile, tables, own_systems=True)
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables, scale=t.it_cost_scale(profile, tables), own_systems=True),
        **t.breach_terms(profile, tables, records),
    }
