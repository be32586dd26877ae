"""Eligibility rules as data: a small, safe condition language over the practice profile (no code is run).

A rule file (``underwriting_rules.yaml``, format in its header) is checked completely when loaded: a rule
without an id, with an unknown segment, outcome, field, operator, control or coverage part, or a value of the
wrong kind is refused with :class:`~cyberrx.errors.RuleFileError` naming the file, the rule id and the problem.

Conditions::

    {all: [c, ...]}  {any: [c, ...]}  {not: c}
    {control_missing: mfa_remote_access}      Controls.has() is false (training: none; patching: > 14 days)
    {control_present: edr}
    {field: remote_access, equals: rdp_exposed}
    {field: records, gt: 100000}              equals, not_equals, in, gt, gte, lt, lte

Evaluation returns every rule that fired with the facts that made it fire (``because``), so each outcome on a
quote can be explained.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cyberrx.domain.parsing import read_document
from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import RuleFileError
from cyberrx.reference import check_sources, read_data_file
from cyberrx.underwriting.segments import Segment, SegmentThresholds
from cyberrx.vocab import Control, CoveragePart, Hosting, RemoteAccess, Specialty, Training

OUTCOMES = ("decline", "refer", "max_limit", "sublimit", "coinsurance", "subjectivity", "surcharge")
#: the fields each outcome needs besides id, segment, when, outcome, message, source
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    "decline": (), "refer": (), "max_limit": ("limit",), "sublimit": ("part",), "coinsurance": ("share", "parts"),
    "subjectivity": ("control", "days"), "surcharge": ("rate",),
}
SEGMENTS = ("all", *(s.value for s in Segment))
OPERATORS = ("equals", "not_equals", "in", "gt", "gte", "lt", "lte")


def _outsourced(p: PracticeProfile) -> int:
    return sum(1 for ba in p.business_associates if ba.critical)


#: field name -> (reader, kind); kind is "number" or the tuple of allowed words
FIELDS: dict[str, tuple[Callable[[PracticeProfile], Any], Any]] = {
    "specialty": (lambda p: p.specialty.value, tuple(s.value for s in Specialty)),
    "annual_revenue": (lambda p: float(p.annual_revenue), "number"),
    "providers": (lambda p: p.providers, "number"),
    "employees": (lambda p: p.employees, "number"),
    "endpoints": (lambda p: p.endpoints, "number"),
    "records": (lambda p: p.records, "number"),
    "states_count": (lambda p: sum(1 for v in p.states.values() if v > 0), "number"),
    "remote_access": (lambda p: p.remote_access.value, tuple(r.value for r in RemoteAccess)),
    "ehr_hosting": (lambda p: p.ehr.hosting.value, tuple(h.value for h in Hosting)),
    "business_associates": (lambda p: len(p.business_associates), "number"),
    "critical_business_associates": (_outsourced, "number"),
    "business_associates_without_baa": (lambda p: sum(1 for ba in p.business_associates
                                                      if ba.holds_phi and not ba.baa), "number"),
    "patch_critical_days": (lambda p: p.controls.patch_critical_days, "number"),
    "security_training": (lambda p: p.controls.security_training.value, tuple(t.value for t in Training)),
    # open urgent threat findings the profile carries (internet-facing products with a known exploited
    # vulnerability used by ransomware; set by threat matching, issue 15)
    "open_urgent_findings": (lambda p: len(p.exposures), "number"),
}

#: placeholders a rule's message may carry, filled per profile: the open urgent findings' CVEs
PLACEHOLDERS: dict[str, Callable[[PracticeProfile], str]] = {
    "{open_urgent_cves}": lambda p: ", ".join(dict.fromkeys(e.id.split(" ")[0] for e in p.exposures)) or "none",
}


def fill_message(message: str, profile: PracticeProfile) -> str:
    """The rule's sentence with its placeholders (:data:`PLACEHOLDERS`) filled for ``profile``."""
    for key, value in PLACEHOLDERS.items():
        if key in message:
            message = message.replace(key, value(profile))
    return message


# ---- conditions -------------------------------------------------------------------------------------------
class Condition:
    """A parsed condition: ``holds(profile)``, ``describe()`` (the condition in words) and ``facts(profile)``
    (why it holds, in words)."""

    def holds(self, profile: PracticeProfile) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def facts(self, profile: PracticeProfile) -> list[str]:
        """The facts that make the condition hold (call only when it holds)."""
        raise NotImplementedError


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def holds(self, profile: PracticeProfile) -> bool:
        return all(c.holds(profile) for c in self.parts)

    def describe(self) -> str:
        return "(" + " and ".join(c.describe() for c in self.parts) + ")"

    def facts(self, profile: PracticeProfile) -> list[str]:
        return [f for c in self.parts for f in c.facts(profile)]


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def holds(self, profile: PracticeProfile) -> bool:
        return any(c.holds(profile) for c in self.parts)

    def describe(self) -> str:
        return "(" + " or ".join(c.describe() for c in self.parts) + ")"

    def facts(self, profile: PracticeProfile) -> list[str]:
        return [f for c in self.parts if c.holds(profile) for f in c.facts(profile)]


@dataclass(frozen=True)
class Not(Condition):
    inner: Condition

    def holds(self, profile: PracticeProfile) -> bool:
        return not self.inner.holds(profile)

    def describe(self) -> str:
        return f"not {self.inner.describe()}"

    def facts(self, profile: PracticeProfile) -> list[str]:
        return [self.describe()]


@dataclass(frozen=True)
class ControlIs(Condition):
    control: Control
    present: bool

    def holds(self, profile: PracticeProfile) -> bool:
        return profile.controls.has(self.control) is self.present

    def describe(self) -> str:
        return f"{self.control.value} {'in place' if self.present else 'missing'}"

    def facts(self, profile: PracticeProfile) -> list[str]:
        return [self.describe()]


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda a, b: a == b, "not_equals": lambda a, b: a != b, "in": lambda a, b: a in b,
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
}
_WORDS = {"equals": "=", "not_equals": "!=", "in": "in", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class FieldTest(Condition):
    name: str
    op: str
    value: Any

    def holds(self, profile: PracticeProfile) -> bool:
        return _COMPARE[self.op](FIELDS[self.name][0](profile), self.value)

    def describe(self) -> str:
        value = ", ".join(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.name} {_WORDS[self.op]} {value}"

    def facts(self, profile: PracticeProfile) -> list[str]:
        actual = FIELDS[self.name][0](profile)
        shown = f"{actual:,.0f}" if isinstance(actual, int | float) else actual
        return [f"{self.name} is {shown} ({self.describe()})"]


def parse_condition(node: Any, where: str) -> Condition:
    """Parse a condition; RuleFileError with ``where`` (``file: rule ID``) on any problem."""
    if not isinstance(node, Mapping) or not node:
        raise RuleFileError(f"{where}: a condition must be a mapping such as {{field: records, gt: 100000}}")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        items = node[key]
        if len(node) != 1 or not isinstance(items, list) or not items:
            raise RuleFileError(f"{where}: '{key}' takes a non-empty list of conditions and nothing else")
        parts = tuple(parse_condition(c, where) for c in items)
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if "not" in node:
        if len(node) != 1:
            raise RuleFileError(f"{where}: 'not' takes one condition and nothing else")
        return Not(parse_condition(node["not"], where))
    for key, present in (("control_missing", False), ("control_present", True)):
        if key in node:
            if len(node) != 1:
                raise RuleFileError(f"{where}: '{key}' takes a control id and nothing else")
            return ControlIs(_control(node[key], where), present)
    if "field" in node:
        return _field_test(node, where)
    raise RuleFileError(f"{where}: unknown condition {sorted(node)} (allowed: all, any, not, control_missing, "
                        "control_present, field)")


def _control(value: Any, where: str) -> Control:
    try:
        return Control(value)
    except ValueError:
        raise RuleFileError(f"{where}: unknown control {value!r} (allowed: "
                            f"{', '.join(c.value for c in Control)})") from None


def _field_test(node: Mapping[str, Any], where: str) -> FieldTest:
    name = node["field"]
    if name not in FIELDS:
        raise RuleFileError(f"{where}: unknown field {name!r} (allowed: {', '.join(FIELDS)})")
    ops = [k for k in node if k != "field"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise RuleFileError(f"{where}: field {name}: give exactly one operator (allowed: {', '.join(OPERATORS)})")
    op, value = ops[0], node[ops[0]]
    kind = FIELDS[name][1]
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        raise RuleFileError(f"{where}: field {name}: 'in' takes a non-empty list")
    for v in values:
        if kind == "number":
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise RuleFileError(f"{where}: field {name}: {v!r} is not a number")
        else:
            if op in ("gt", "gte", "lt", "lte"):
                raise RuleFileError(f"{where}: field {name}: '{op}' compares numbers, {name} is a word")
            if v not in kind:
                raise RuleFileError(f"{where}: field {name}: unknown value {v!r} (allowed: {', '.join(kind)})")
    return FieldTest(name, op, tuple(value) if op == "in" else value)


# ---- rules ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One eligibility rule. ``params``: the outcome's own fields (``limit`` usd, ``part``, ``amount`` usd or
    ``share``, ``parts``, ``control``, ``days``, ``rate``)."""

    id: str
    segment: str
    when: Condition
    outcome: str
    message: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def applies_to(self, segment: Segment) -> bool:
        return self.segment in ("all", segment.value)


@dataclass(frozen=True)
class Finding:
    """A rule that fired: its id, outcome, the broker's sentence and the facts that made it fire."""

    rule: Rule
    because: tuple[str, ...]
    #: the rule's sentence with its placeholders filled for the profile (None: the rule's own sentence)
    text: str | None = None

    @property
    def message(self) -> str:
        return self.text if self.text is not None else self.rule.message

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.id, "outcome": self.rule.outcome, "message": self.message,
                "because": list(self.because), **{k: v for k, v in self.rule.params.items()}}


@dataclass(frozen=True)
class PricingRule:
    """Refer or decline an option whose rate adequacy (manual / technical premium) is below a threshold."""

    id: str
    outcome: str                  # "refer" or "decline"
    below: float                  # ratio
    message: str
    source: str

    def fires(self, rate_adequacy: float | None) -> bool:
        return rate_adequacy is not None and rate_adequacy < self.below


@dataclass(frozen=True)
class RuleSet:
    version: str
    segments: SegmentThresholds
    rules: tuple[Rule, ...]
    pricing: tuple[PricingRule, ...] = ()

    def price_findings(self, rate_adequacy: float | None) -> list[tuple[PricingRule, str]]:
        """The pricing rules an option of ``rate_adequacy`` breaks, each with the fact in words."""
        return [(r, f"rate adequacy {rate_adequacy:.2f} < {r.below:g}") for r in self.pricing
                if r.fires(rate_adequacy) and rate_adequacy is not None]

    def evaluate(self, profile: PracticeProfile) -> tuple[Segment, list[str], list[Finding]]:
        """The practice's segment, why, and every rule of that segment that fires, in file order."""
        segment, why = self.segments.classify(profile)
        found = [Finding(r, tuple(r.when.facts(profile)), fill_message(r.message, profile)) for r in self.rules
                 if r.applies_to(segment) and r.when.holds(profile)]
        return segment, why, found


_KNOWN_KEYS = {"id", "segment", "when", "outcome", "message", "source", "limit", "part", "amount", "share",
               "parts", "control", "days", "rate", "note"}


def _number(rule: Mapping[str, Any], key: str, where: str, lo: float, hi: float | None = None) -> float:
    v = rule.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or v < lo or (hi is not None and v > hi):
        span = f"a number from {lo:g} to {hi:g}" if hi is not None else f"a number >= {lo:g}"
        raise RuleFileError(f"{where}: {key} must be {span}, got {v!r}")
    return float(v)


def _part(value: Any, where: str) -> str:
    try:
        return CoveragePart(value).value
    except ValueError:
        raise RuleFileError(f"{where}: unknown coverage part {value!r} (allowed: "
                            f"{', '.join(p.value for p in CoveragePart)})") from None


def _params(rule: Mapping[str, Any], outcome: str, where: str) -> dict[str, Any]:
    for key in OUTCOME_FIELDS[outcome]:
        if key not in rule:
            raise RuleFileError(f"{where}: outcome {outcome} needs '{key}'")
    if outcome == "max_limit":
        return {"limit": _number(rule, "limit", where, 1)}
    if outcome == "sublimit":
        if ("amount" in rule) == ("share" in rule):
            raise RuleFileError(f"{where}: outcome sublimit needs either 'amount' (usd) or 'share' (of the limit)")
        out: dict[str, Any] = {"part": _part(rule["part"], where)}
        out.update({"amount": _number(rule, "amount", where, 0)} if "amount" in rule
                   else {"share": _number(rule, "share", where, 0, 1)})
        return out
    if outcome == "coinsurance":
        parts = rule["parts"]
        if not isinstance(parts, list) or not parts:
            raise RuleFileError(f"{where}: parts must be a non-empty list of coverage parts")
        out = {"share": _number(rule, "share", where, 0, 1), "parts": [_part(p, where) for p in parts]}
        if "control" in rule:       # written as a condition: the coinsurance applies only if the control is missing
            out["control"] = _control(rule["control"], where).value
        return out
    if outcome == "subjectivity":
        days = rule["days"]
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise RuleFileError(f"{where}: days must be a whole number of days >= 0, got {days!r}")
        return {"control": _control(rule["control"], where).value, "days": days}
    if outcome == "surcharge":
        return {"rate": _number(rule, "rate", where, 0, 10)}
    return {}


def parse_rule(node: Any, index: int, file: str) -> Rule:
    if not isinstance(node, Mapping):
        raise RuleFileError(f"{file}: rules[{index}]: a rule must be a mapping")
    rid = node.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise RuleFileError(f"{file}: rules[{index}]: rule has no id")
    where = f"{file}: rule {rid}"
    unknown = sorted(set(node) - _KNOWN_KEYS)
    if unknown:
        raise RuleFileError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_KNOWN_KEYS))})")
    segment = node.get("segment", "all")
    if segment not in SEGMENTS:
        raise RuleFileError(f"{where}: unknown segment {segment!r} (allowed: {', '.join(SEGMENTS)})")
    outcome = node.get("outcome")
    if outcome not in OUTCOMES:
        raise RuleFileError(f"{where}: unknown outcome {outcome!r} (allowed: {', '.join(OUTCOMES)})")
    for key in ("when", "message", "source"):
        if key not in node:
            raise RuleFileError(f"{where}: missing '{key}'")
    message = node["message"]
    if not isinstance(message, str) or not message.strip():
        raise RuleFileError(f"{where}: message must be the sentence shown to the broker")
    if not str(node["source"]).strip():
        raise RuleFileError(f"{where}: source must say why the rule exists")
    when = parse_condition(node["when"], where)
    if outcome == "surcharge":
        _check_never_rises_with_a_control(when, where)
    return Rule(rid, segment, when, outcome, message.strip(), str(node["source"]), _params(node, outcome, where))


#: security-training levels, weakest first (Controls.improved moves up this order)
_TRAINING_ORDER = tuple(t.value for t in Training)


def _check_never_rises_with_a_control(cond: Condition, where: str, negated: bool = False) -> None:
    """A surcharge's condition must never turn true when a control is added (so adding a control never raises
    the premium): ``control_missing`` and slow patching may raise it, ``control_present`` only under ``not``."""
    bad = f"{where}: a surcharge must not start to apply when a control is added"
    if isinstance(cond, AllOf | AnyOf):
        for part in cond.parts:
            _check_never_rises_with_a_control(part, where, negated)
    elif isinstance(cond, Not):
        _check_never_rises_with_a_control(cond.inner, where, not negated)
    elif isinstance(cond, ControlIs):
        if cond.present != negated:
            raise RuleFileError(f"{bad} ({'not ' if negated else ''}{cond.describe()}); "
                                "write the condition on the control being missing")
    elif isinstance(cond, FieldTest) and cond.name == "patch_critical_days":
        rising = cond.op in ("gt", "gte") if not negated else cond.op in ("lt", "lte")
        if not rising:
            raise RuleFileError(f"{bad} ({cond.describe()}); use patch_critical_days gt/gte N")
    elif isinstance(cond, FieldTest) and cond.name == "security_training":
        values = cond.value if cond.op == "in" else (cond.value,)
        if cond.op == "not_equals":
            values = tuple(v for v in _TRAINING_ORDER if v != cond.value)
        levels = sorted(_TRAINING_ORDER.index(v) for v in values)
        # the set of levels the condition holds on must be the weakest levels (it holds on none once improved)
        weakest = levels == list(range(len(levels)))
        strongest = levels == list(range(len(_TRAINING_ORDER) - len(levels), len(_TRAINING_ORDER)))
        if (weakest if not negated else strongest) is False:
            raise RuleFileError(f"{bad} ({cond.describe()}); name the weakest training levels")


def parse_rules(data: Mapping[str, Any], file: str = "underwriting_rules.yaml") -> RuleSet:
    """A whole rule file, checked; RuleFileError on the first problem (file, rule id, problem)."""
    version = data.get("version")
    if not version:
        raise RuleFileError(f"{file}: missing version")
    raw = data.get("rules")
    if not isinstance(raw, list) or not raw:
        raise RuleFileError(f"{file}: 'rules' must be a non-empty list")
    rules = [parse_rule(node, i, file) for i, node in enumerate(raw)]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise RuleFileError(f"{file}: rule {r.id}: duplicate id")
        seen.add(r.id)
    return RuleSet(str(version), SegmentThresholds.from_data(data, file), tuple(rules), _pricing(data, file))


def _pricing(data: Mapping[str, Any], file: str) -> tuple[PricingRule, ...]:
    block = (data.get("pricing") or {}).get("rate_adequacy")
    if block is None:
        return ()
    out = []
    for key, outcome in (("refer_below", "refer"), ("decline_below", "decline")):
        node = block.get(key)
        if node is None:
            continue
        where = f"{file}: pricing.rate_adequacy.{key}"
        value = node.get("value") if isinstance(node, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            raise RuleFileError(f"{where}: value must be a ratio from 0 to 10, got {value!r}")
        for field_ in ("id", "message", "source"):
            if not str(node.get(field_, "")).strip():
                raise RuleFileError(f"{where}: missing '{field_}'")
        out.append(PricingRule(str(node["id"]), outcome, float(value), str(node["message"]).strip(),
                               str(node["source"])))
    if len(out) == 2 and out[1].below > out[0].below:
        raise RuleFileError(f"{file}: pricing.rate_adequacy: decline_below must not exceed refer_below")
    return tuple(out)


@lru_cache(maxsize=2)
def load_rules(name: str = "underwriting_rules.yaml") -> RuleSet:
    """The shipped rule file (figures checked for sources), parsed once per process (a RuleSet is frozen; reading
    and checking the file on every quote cost a fifth of a quote's time)."""
    data = read_data_file(name)
    check_sources(data, "", name)
    return parse_rules(data, name)


def load_rules_file(path: str | Path) -> RuleSet:
    """An underwriter's own rule file (YAML or JSON, the shipped file's format), checked as the shipped one."""
    data = read_document(path)
    check_sources(data, "", str(path))
    return parse_rules(data, str(path))


__all__ = ["FIELDS", "OPERATORS", "OUTCOMES", "Condition", "Finding", "PricingRule", "Rule", "RuleSet", "load_rules",
           "load_rules_file", "parse_condition", "parse_rule", "parse_rules"]
