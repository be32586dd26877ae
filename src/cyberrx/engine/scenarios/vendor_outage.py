"""Vendor outage: a critical vendor's systems (EHR host, clearinghouse) go down; the practice loses income.

Frequency: base rate x the number of critical business associates (at least the minimum count); no control
of the practice's own lowers it. Severity: hours down x the income lost per hour, plus extra expense
(contingent business interruption).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.engine.scenarios.parameters import BI_CONTINGENT
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.VENDOR_OUTAGE,)
REQUIRES_PROFILE = ("annual_revenue", "business_associates")
REQUIRES_TABLES = ("frequency", "size_scaling", "severity", "income")
DRIVERS = ("downtime",)
PARTS = frozenset({C.CONTINGENT_BI})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "critical_business_associates", tables)
    critical = sum(1 for ba in profile.business_associates if ba.critical)
    return t.rate_by_vendors(scenario, critical, tables)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    return {
        "frequency": frequency(scenario, profile, tables),
        "bi_column": BI_CONTINGENT,
        **t.downtime_terms(scenario, profile, tables, lost_share_key="lost_share_vendor_outage"),
    }
