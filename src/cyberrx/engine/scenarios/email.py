"""Business e-mail compromise: a staff mailbox taken over, the patient records in it exposed.

Frequency: base rate x (employees / reference) ** exponent x control multipliers (MFA on e-mail, filtering,
training). Severity: fixed costs, records exposed a share of those held, regulatory and litigation terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.BUSINESS_EMAIL_COMPROMISE,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "employees", "controls")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "employees", tables)
    rate = t.rate_by_headcount(scenario, profile.employees, "employees", tables)
    return rate * t.control_frequency_multiplier(scenario, profile, tables)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        **t.breach_terms(profile, tables, t.records_by_share(scenario, profile, tables)),
    }
