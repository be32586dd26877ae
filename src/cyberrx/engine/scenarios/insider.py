"""Insider misuse and unauthorized disclosure: staff look at, send or expose records without a need to know.

Two kinds of event in one scenario, as the OCR portal shows them: the common small one (a snooping employee, a
misdirected letter or fax: a median number of records) and, with a small probability, a large disclosure (a
misdirected mass mailing, tracking technology on the website or portal, snooping at scale: records /
sqrt(employees) x a reach). Frequency: base rate x (employees / reference) ** exponent x training. Severity:
fixed costs, the two-component records distribution (capped at those held), then the regulatory and
litigation terms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.INSIDER_MISUSE,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "employees", "controls.security_training")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "employees", tables)
    rate = t.rate_by_headcount(scenario, profile.employees, "employees", tables)
    return rate * t.control_frequency_multiplier(scenario, profile, tables)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    table = t.severity_table(scenario, tables)
    records = min(float(profile.records), t.num(table["records_median"]))
    large = (t.num(table["large_disclosure_probability"]),
             float(profile.records) / math.sqrt(max(float(profile.employees), 1.0))
             * t.num(table["large_disclosure_reach"]),
             t.num(table["large_disclosure_sigma"]))
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        **t.breach_terms(profile, tables, records, large=large),
    }
