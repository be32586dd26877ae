"""Market segments: a small or mid-sized practice versus a large group or network.

The thresholds live in ``underwriting_rules.yaml`` (``segments.large_group``): a practice is a ``large_group``
when it reaches ANY of them (employees, endpoints, annual revenue in usd, patient records), a
``small_practice`` otherwise. HICP (405(d)) draws the same line between its Technical Volume 1 (small practices
without IT staff) and Volume 2 (medium and large organisations with hundreds of personnel and IT assets).

What differs by segment: the policy form (sublimits, contingent BI, social engineering, regulatory limits; see
``rate_manual.yaml`` ``policy_form``) and which eligibility rules apply (each rule names its segment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import RuleFileError


class Segment(StrEnum):
    SMALL_PRACTICE = "small_practice"
    LARGE_GROUP = "large_group"


#: the profile measures a large-group threshold may name, and how each is read from the profile
MEASURES = {
    "employees": lambda p: float(p.employees),
    "endpoints": lambda p: float(p.endpoints),
    "annual_revenue": lambda p: float(p.annual_revenue),
    "records": lambda p: float(p.records),
}


@dataclass(frozen=True)
class SegmentThresholds:
    """Large-group thresholds: measure name -> value (persons, devices, usd, patients)."""

    large_group: Mapping[str, float]

    @classmethod
    def from_data(cls, data: Mapping[str, Any], file: str) -> SegmentThresholds:
        block = (data.get("segments") or {}).get("large_group")
        if not isinstance(block, Mapping):
            raise RuleFileError(f"{file}: segments.large_group is missing")
        out: dict[str, float] = {}
        for key, node in block.items():
            if key in ("source", "trust", "note"):
                continue
            if key not in MEASURES:
                raise RuleFileError(f"{file}: segments.large_group.{key}: unknown measure "
                                    f"(allowed: {', '.join(MEASURES)})")
            if not isinstance(node, Mapping) or not isinstance(node.get("value"), int | float):
                raise RuleFileError(f"{file}: segments.large_group.{key}: needs a numeric value")
            out[key] = float(node["value"])
        if not out:
            raise RuleFileError(f"{file}: segments.large_group names no threshold")
        return cls(out)

    def classify(self, profile: PracticeProfile) -> tuple[Segment, list[str]]:
        """The segment and, for a large group, each threshold reached (e.g. ``"employees 900 >= 150"``)."""
        reached = [f"{name} {MEASURES[name](profile):,.0f} >= {limit:,.0f}"
                   for name, limit in self.large_group.items() if MEASURES[name](profile) >= limit]
        return (Segment.LARGE_GROUP if reached else Segment.SMALL_PRACTICE), reached


__all__ = ["MEASURES", "Segment", "SegmentThresholds"]
