"""Vendor breach: a business associate holding the practice's patient records is breached.

Each business associate holding PHI is breached at the base rate x its service's ratio
(``vendor_services``: a billing or IT vendor more often than a lab), and exposes a share of the records it holds
(its ``records_held``, or the service's usual share of the practice's records). The scenario's frequency is the
sum over those vendors (at least the minimum count, taken as an ``other`` vendor); its records distribution is
the lognormal matching the frequency-weighted mixture of the vendors' (same mean and variance of log records).
Severity: legal and PR costs, the share of notification cost the practice bears under the BAA, then the
regulatory and litigation terms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import BusinessAssociate, PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.VENDOR_BREACH,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "business_associates")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty", "vendor_services")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.REGULATORY, C.PRIVACY_LIABILITY})


def _service(ba: BusinessAssociate | None, tables: Mapping[str, Any]) -> Mapping[str, Any]:
    services: Mapping[str, Any] = tables["vendor_services"]
    name = ba.service if ba is not None and ba.service in services else "other"
    block: Mapping[str, Any] = services[name]
    return block


def _vendors(profile: PracticeProfile, tables: Mapping[str, Any]) -> list[tuple[float, float]]:
    """``(annual rate, median records exposed)`` of each vendor holding PHI (per_year, records)."""
    t.check_driver(Scenario.VENDOR_BREACH, "business_associates_holding_phi", tables)
    base = t.base_rate(Scenario.VENDOR_BREACH, tables)
    holding: list[BusinessAssociate | None] = [ba for ba in profile.business_associates if ba.holds_phi]
    minimum = int(t.num(tables["size_scaling"]["vendor_minimum_count"]))
    holding += [None] * max(0, minimum - len(holding))
    out = []
    for ba in holding:
        service = _service(ba, tables)
        held = (float(ba.records_held) if ba is not None and ba.records_held is not None
                else float(profile.records) * t.num(service["records_held_share"]))
        exposed = min(float(profile.records), held) * t.num(tables["severity"]["scenarios"]["vendor_breach"]
                                                            ["records_exposed_share"])
        out.append((base * t.num(service["breach_rate_ratio"]), max(exposed, 1.0)))
    return out


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year: the sum of the vendors' rates."""
    rates = sum(rate for rate, _ in _vendors(profile, tables))
    return rates * t.control_frequency_multiplier(scenario, profile, tables)


def _records(profile: PracticeProfile, tables: Mapping[str, Any]) -> tuple[float, float]:
    """Median and log-sd of records exposed, the lognormal matching the vendors' frequency-weighted mixture."""
    vendors = _vendors(profile, tables)
    sigma = t.num(tables["severity"]["records_sigma"])
    weights = [rate for rate, _ in vendors] if sum(rate for rate, _ in vendors) > 0 else [1.0] * len(vendors)
    total = sum(weights)
    mu = sum(w * math.log(m) for w, (_, m) in zip(weights, vendors, strict=True)) / total
    spread = sum(w * (math.log(m) - mu) ** 2 for w, (_, m) in zip(weights, vendors, strict=True)) / total
    return math.exp(mu), math.sqrt(sigma * sigma + spread)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    median, sigma = _records(profile, tables)
    out = {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        **t.breach_terms(profile, tables, median),
    }
    out["records_sigma"] = sigma
    out["notification_unit"] *= t.num(t.severity_table(scenario, tables)["practice_cost_share"])
    return out
