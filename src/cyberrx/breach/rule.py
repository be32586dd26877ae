"""The HIPAA Breach Notification Rule's figures (45 CFR 164.400-414), read from reference data.

The numbers (60, 500, 10, 90, 30) live in ``cyberrx/reference/data/breach_rule.yaml`` with their CFR
citations; this module reads and checks them once, on first use (nothing is read at import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


CONTACTS_FILE = "reference/data/breach_contacts.yaml"


@dataclass(frozen=True, slots=True)
class Part2Rule:
    """42 CFR 2.16 as amended in 2024: the breach-notification subpart applies to Part 2 records."""

    citation: str
    rule: str
    effective: date
    compliance_date: date
    source: str
    trust: str


@dataclass(frozen=True, slots=True)
class Contact:
    """One agency a notice to residents must name (toll-free number, web site, postal address)."""

    name: str
    phone: str
    web: str
    postal: str


@dataclass(frozen=True, slots=True)
class Contacts:
    version: str
    source: str
    blocks: dict[str, tuple[Contact, ...]]  # consumer_reporting_agencies | ftc -> contacts


def _text(item: dict[str, Any], key: str, where: str, file: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(f"{file}: {where}.{key}: required")
    return value


@cache
def part2_rule() -> Part2Rule:
    """The Part 2 breach-notification entry of ``breach_rule.yaml``, read once."""
    doc = read_reference(RULE_FILE)
    item = doc.get("part2_breach_notification") if isinstance(doc, dict) else None
    if not isinstance(item, dict):
        raise RuleFileError(f"{RULE_FILE}: part2_breach_notification: missing or not a mapping")
    where = "part2_breach_notification"
    try:
        effective = date.fromisoformat(str(item.get("effective")))
        compliance = date.fromisoformat(str(item.get("compliance_date")))
    except ValueError:
        raise RuleFileError(f"{RULE_FILE}: {where}: effective and compliance_date must be YYYY-MM-DD") from None
    return Part2Rule(citation=_text(item, "citation", where, RULE_FILE), rule=_text(item, "rule", where, RULE_FILE),
                     effective=effective, compliance_date=compliance,
                     source=_text(item, "source", where, RULE_FILE), trust=_text(item, "trust", where, RULE_FILE))


@cache
def breach_contacts() -> Contacts:
    """Consumer-reporting-agency and FTC contact blocks for notice letters, read once."""
    doc = read_reference(CONTACTS_FILE)
    if not isinstance(doc, dict):
        raise RuleFileError(f"{CONTACTS_FILE}: the document must be a mapping")
    blocks: dict[str, tuple[Contact, ...]] = {}
    for block in ("consumer_reporting_agencies", "ftc"):
        items = doc.get(block)
        if not isinstance(items, list) or not items:
            raise RuleFileError(f"{CONTACTS_FILE}: {block}: a non-empty list is required")
        out = []
        for i, item in enumerate(items):
            where = f"{block}[{i}]"
            if not isinstance(item, dict):
                raise RuleFileError(f"{CONTACTS_FILE}: {where}: must be a mapping")
            out.append(Contact(*(_text(item, k, where, CONTACTS_FILE) for k in ("name", "phone", "web", "postal"))))
        blocks[block] = tuple(out)
    return Contacts(version=_text(doc, "version", "(document)", CONTACTS_FILE),
                    source=_text(doc, "source", "(document)", CONTACTS_FILE), blocks=blocks)


__all__ = ["BreachRule", "Contact", "Contacts", "Figure", "Part2Rule", "breach_contacts", "breach_rule",
           "parse_rule", "part2_rule"]
