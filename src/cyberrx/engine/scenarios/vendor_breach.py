"""Vendor breach: a business associate holding the practice's patient records is breached.

Frequency: base rate x the number of business associates holding PHI (at least the minimum count).
Severity: legal and PR costs, records exposed a share of those held, the share of notification cost the
practice bears under the BAA, then the regulatory and litigation terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.VENDOR_BREACH,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "business_associates")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "business_associates_holding_phi", tables)
    holding_phi = sum(1 for ba in profile.business_associates if ba.holds_phi)
    return t.rate_by_vendors(scenario, holding_phi, tables) * t.control_frequency_multiplier(scenario, profile, tables)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    out = {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        **t.breach_terms(profile, tables, t.records_by_share(scenario, profile, tables)),
    }
    out["notification_unit"] *= t.num(t.severity_table(scenario, tables)["practice_cost_share"])
    return out
