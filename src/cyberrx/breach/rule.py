"""The HIPAA Breach Notification Rule's figures (45 CFR 164.400-414), read from reference data.

The numbers (60, 500, 10, 90, 30) live in ``cyberrx/reference/data/breach_rule.yaml`` with their CFR
citations; this module reads and checks them once, on first use (nothing is read at import).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from cyberrx.errors import RuleFileError

RULE_FILE = "reference/data/breach_rule.yaml"


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of the rule: ``value`` (days or individuals, see ``unit``) and where it comes from."""

    value: int
    citation: str
    source: str
    unit: str = "individuals"


@dataclass(frozen=True, slots=True)
class BreachRule:
    """The rule's figures. Days are calendar days; thresholds count individuals."""

    version: str
    source: str
    individuals_deadline_days: Figure
    substitute_notice_threshold_individuals: Figure
    substitute_web_posting_days: Figure
    substitute_toll_free_days: Figure
    media_threshold_residents_per_state: Figure
    media_deadline_days: Figure
    hhs_contemporaneous_threshold_individuals: Figure
    hhs_annual_log_days_after_year_end: Figure
    business_associate_deadline_days: Figure
    law_enforcement_oral_max_days: Figure


_FIGURES = tuple(f for f in BreachRule.__dataclass_fields__ if f not in ("version", "source"))


def _figure(doc: dict[str, Any], key: str) -> Figure:
    item = doc.get(key)
    if not isinstance(item, dict):
        raise RuleFileError(f"{RULE_FILE}: {key}: missing or not a mapping")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RuleFileError(f"{RULE_FILE}: {key}.value: a positive whole number is required, got {value!r}")
    for field in ("citation", "source"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            raise RuleFileError(f"{RULE_FILE}: {key}.{field}: required")
    return Figure(value=value, citation=item["citation"], source=item["source"],
                  unit=str(item.get("unit", "individuals")))


def parse_rule(doc: Any) -> BreachRule:
    """Check a parsed rule document and return it as a :class:`BreachRule` (RuleFileError when malformed)."""
    if not isinstance(doc, dict):
        raise RuleFileError(f"{RULE_FILE}: the document must be a mapping")
    for key in ("version", "source"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise RuleFileError(f"{RULE_FILE}: {key}: required")
    return BreachRule(version=doc["version"], source=doc["source"],
                      **{key: _figure(doc, key) for key in _FIGURES})


def read_reference(name: str) -> Any:
    """Parse a YAML file shipped under ``cyberrx/reference/data``; ``name`` is relative to ``cyberrx``."""
    try:
        text = files("cyberrx").joinpath(name).read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{name}: cannot be read ({exc.__class__.__name__})") from None


@cache
def breach_rule() -> BreachRule:
    """The rule as shipped, read once."""
    return parse_rule(read_reference(RULE_FILE))


__all__ = ["BreachRule", "Figure", "breach_rule", "parse_rule"]
