"""Business e-mail compromise: a staff mailbox taken over, the patient records in it exposed.

Frequency: base rate x (employees / reference) ** exponent x control multipliers (MFA on e-mail, filtering,
training). Severity: fixed costs; with the probability that the mailbox review finds PHI accessed, records
exposed sized from the mailbox (else none): the profile's ``mailbox_records``
when given, else records / sqrt(employees) x the reach of one mailbox (shared inboxes, distribution lists,
copies), capped at the records held; then the regulatory and litigation terms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import factors as t
from cyberrx.vocab import CoveragePart, Scenario

C = CoveragePart

SCENARIOS = (Scenario.BUSINESS_EMAIL_COMPROMISE,)
REQUIRES_PROFILE = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                    "controls.risk_analysis_current", "employees", "controls", "mailbox_records")
REQUIRES_TABLES = ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty")
DRIVERS = ("size", "records", "regulatory", "suit")
PARTS = frozenset({C.FORENSICS, C.LEGAL, C.NOTIFICATION, C.PUBLIC_RELATIONS, C.REGULATORY, C.PRIVACY_LIABILITY})


def frequency(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Annual frequency, per_year."""
    t.check_driver(scenario, "employees", tables)
    rate = t.rate_by_headcount(scenario, profile.employees, "employees", tables)
    return rate * t.control_frequency_multiplier(scenario, profile, tables)


def mailbox_records(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> float:
    """Median records exposed by a mailbox compromise (records): the profile's ``mailbox_records``, or
    records / sqrt(employees) x ``mailbox_reach``; never more than the records held."""
    if profile.mailbox_records is not None:
        in_mailbox = float(profile.mailbox_records)
    else:
        reach = t.num(t.severity_table(scenario, tables)["mailbox_reach"])
        in_mailbox = float(profile.records) / math.sqrt(max(float(profile.employees), 1.0)) * reach
    return min(float(profile.records), in_mailbox)


def parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    return {
        "frequency": frequency(scenario, profile, tables),
        **t.fixed_costs(scenario, profile, tables),
        # a review that finds the mailbox's PHI was not accessed exposes nothing; otherwise the mailbox
        **t.breach_terms(profile, tables, 0.0, large=(
            t.num(t.severity_table(scenario, tables)["mailbox_data_exposed_probability"]),
            mailbox_records(scenario, profile, tables), t.num(tables["severity"]["records_sigma"]))),
    }
