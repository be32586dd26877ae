"""Social engineering (funds-transfer fraud): staff tricked into paying a fraudster; no records exposed.

Frequency: base rate x (employees / reference) ** exponent x control multipliers (call-back verification,
training). Severity: the net funds lost after recovery, scaled by revenue, and the forensic review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.SOCIAL_ENGINEERING,)
REQUIRES_PROFILE = ("employees", "annual_revenue", "controls")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity")
DRIVERS = ("size",)
PARTS = frozenset({C.FORENSICS, C.SOCIAL_ENGINEERING})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "employees", tables)
    rate = t.rate_by_headcount(scenario, profile.employees, "employees", tables)
    return rate * t.control_frequency_multiplier(scenario, profile, tables)


def funds_lost(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Median net funds lost (usd): the transfer, scaled by revenue, less the share recovered."""
    table = t.severity_table(scenario, tables)
    return (t.num(table["funds_transfer_median"]) * t.revenue_factor(profile, tables)
            * (1.0 - t.num(table["funds_recovered_share"])))


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        "funds_transfer": funds_lost(scenario, profile, tables),
    }
