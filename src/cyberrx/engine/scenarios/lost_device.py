"""Lost or stolen device: a laptop, phone or drive holding patient records goes missing.

Frequency: base rate x (endpoints / reference) ** the per-device exponent (device loss is per device).
Severity: fixed costs and records exposed a share of those held; an encrypted device is secured PHI under
the HHS safe harbor (74 FR 19006), so nothing is notified and the fixed costs shrink.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.engine.scenarios.parameters import FIXED_COST_PARTS
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.LOST_DEVICE,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "endpoints", "controls.encryption_at_rest")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year (no control lowers it: encryption changes what a loss costs, not how often)."""
    t.check_driver(scenario, "endpoints", tables)
    rate = t.rate_by_headcount(scenario, profile.endpoints, "endpoints", tables, exponent_key="lost_device_exponent")
    return rate * t.control_frequency_multiplier(scenario, profile, tables)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    out = {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        **t.breach_terms(profile, tables, t.records_by_share(scenario, profile, tables)),
    }
    if profile.controls.encryption_at_rest:
        out["notify"] = 0.0
        shrink = float(tables["controls"]["encryption_at_rest"]["lost_device_fixed_costs"])
        for part in FIXED_COST_PARTS:
            if part in out:
                out[part] *= shrink
    return out
