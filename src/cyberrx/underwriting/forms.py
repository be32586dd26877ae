"""Policy terms for a quote option, generated from the standard form in ``rate_manual.yaml`` (``policy_form``).

Two documents per option, both in the policy-terms format of issue 3 (:class:`~cyberrx.domain.policy.PolicyTerms`):

- the **pricing form**: the segment's standard sublimits (a share of the aggregate limit or a fixed amount, never
  above it), BI waiting periods and periods of restoration, the standard exclusions, and a warranty condition for
  each control the application declares in place. The technical premium is priced on it. Warranties on declared
  controls are not breached in simulation, so the price is that of the cover the insurer promises;
- the **issued terms**: the pricing form with the rules' restrictions (a sublimit cut; a coinsurance, written as a
  condition on a control where the rule names one) and, for each subjectivity, the warranty on the control the
  practice undertakes to put in place (one condition per control, the larger share and all parts named).
  Restrictions imposed on a poorly controlled risk are the carrier's protection and are not credited in price
  (they come on top of debits and surcharges, as in the market), which keeps "adding a control never raises the
  technical premium" exact.

The issued terms are what ``cyberrx quote --terms-out`` writes and what ``cyberrx assess --policy`` and
``cyberrx claim adjudicate`` accept unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from cyberrx.domain.policy import PolicyTerms, parse_policy
from cyberrx.domain.profile import PracticeProfile
from cyberrx.underwriting.rules import Finding
from cyberrx.underwriting.segments import Segment
from cyberrx.vocab import BI_PARTS, Control, CoveragePart, Hosting


def _num(x: float) -> int | float:
    """usd as a whole number where it is one, else rounded to the cent (YAML-friendly)."""
    x = round(float(x), 2)
    return int(x) if x == int(x) else x


def outsourced(profile: PracticeProfile) -> bool:
    """Whether the practice depends on an outside party's systems: a hosted EHR or a critical business associate
    (billing, clearinghouse, EHR host)."""
    return profile.ehr.hosting is Hosting.CLOUD or any(ba.critical for ba in profile.business_associates)


def states_count(profile: PracticeProfile) -> int:
    return sum(1 for v in profile.states.values() if v > 0)


def policy_number(prefix: str, insured: str, limit: float, retention: float) -> str:
    slug = re.sub(r"[^A-Z0-9]+", "-", insured.upper()).strip("-")[:24] or "PRACTICE"
    return f"{prefix}-{slug}-L{int(limit) // 1000}K-R{int(retention)}"


def pricing_form(profile: PracticeProfile, segment: Segment, limit: float, retention: float,
                 form: Mapping[str, Any], start: date) -> dict[str, Any]:
    """The standard form of one option as a policy-terms document (a plain mapping, validated by the caller)."""
    multi_state = states_count(profile) >= float(form["multi_state_threshold"]["value"])
    coverages: dict[str, Any] = {}
    for part_name, specs in form["coverages"].items():
        part = CoveragePart(part_name)
        spec = specs.get("multi_state") if multi_state and "multi_state" in specs else specs[segment.value]
        if spec.get("only_if_outsourced") and not outsourced(profile):
            continue
        sub = limit * float(spec["share"]) if "share" in spec else float(spec["amount"])
        terms: dict[str, Any] = {"limit": _num(min(limit, sub))}
        if part in BI_PARTS:
            base = specs[segment.value]
            terms["waiting_period_hours"] = base["waiting_period_hours"]
            terms["max_period_days"] = base["max_period_days"]
        coverages[part.value] = terms
    conditions = [{"control": name, "on_breach": {"coinsurance": spec["coinsurance"],
                                                    "applies_to": list(spec["applies_to"])}}
                  for name, spec in form["warranties"].items()
                  if name != "source" and profile.controls.has(Control(name))]
    exclusions = list(form["exclusions"])
    if profile.controls.encryption_at_rest:
        exclusions.append("unencrypted_device")
    days = int(form["period_days"]["value"])
    return {
        "policy_number": policy_number(form["policy_number_prefix"], profile.name, limit, retention),
        "insured": profile.name,
        "period": {"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat()},
        "aggregate_limit": _num(limit),
        "retention": _num(retention),
        "coverages": coverages,
        "conditions": conditions,
        "exclusions": exclusions,
    }


def offered_parts(profile: PracticeProfile, segment: Segment, form: Mapping[str, Any]) -> dict[str, str | None]:
    """Every coverage part of the vocabulary: None where the practice's quote form offers it, else why not.

    >>> from cyberrx.underwriting import load_manual
    >>> from cyberrx.domain import PracticeProfile, load_model
    >>> p = load_model(PracticeProfile, "examples/lakeside-family-medicine.yaml")
    >>> offered_parts(p, Segment.SMALL_PRACTICE, load_manual().tables["policy_form"])["betterment"]
    'no quote form offers it (not in the rate manual policy_form)'
    """
    out: dict[str, str | None] = {}
    for part in CoveragePart:
        specs = form["coverages"].get(part.value)
        if specs is None:
            out[part.value] = "no quote form offers it (not in the rate manual policy_form)"
        elif specs.get(segment.value, {}).get("only_if_outsourced") and not outsourced(profile):
            out[part.value] = ("offered only to a practice with a hosted EHR or a critical business associate "
                               "(policy_form only_if_outsourced)")
        else:
            out[part.value] = None
    return out


def issued_form(pricing: Mapping[str, Any], findings: Sequence[Finding], form: Mapping[str, Any]) -> dict[str, Any]:
    """The pricing form with the rules' restrictions and the subjectivities' warranties (a new mapping)."""
    limit = float(pricing["aggregate_limit"])
    coverages = {k: dict(v) for k, v in pricing["coverages"].items()}
    # one condition per control: {control: (coinsurance share, parts it applies to)}
    conditions = {c["control"]: (float(c["on_breach"]["coinsurance"]), list(c["on_breach"]["applies_to"]))
                  for c in pricing["conditions"]}

    def condition(control: str, share: float, parts: Sequence[str]) -> None:
        old_share, old_parts = conditions.get(control, (0.0, []))
        conditions[control] = (max(old_share, share), old_parts + [p for p in parts if p not in old_parts])

    for f in findings:
        r, p = f.rule, f.rule.params
        if r.outcome == "sublimit" and p["part"] in coverages:
            cut = limit * p["share"] if "share" in p else p["amount"]
            coverages[p["part"]]["limit"] = _num(min(float(coverages[p["part"]]["limit"]), cut))
        elif r.outcome == "coinsurance" and "control" in p:
            condition(p["control"], p["share"], [part for part in p["parts"] if part in coverages])
        elif r.outcome == "coinsurance":
            for part in p["parts"]:
                if part in coverages:
                    coverages[part]["coinsurance"] = max(float(coverages[part].get("coinsurance", 0)), p["share"])
        elif r.outcome == "subjectivity" and p["control"] in form["warranties"]:
            spec = form["warranties"][p["control"]]
            condition(p["control"], float(spec["coinsurance"]), spec["applies_to"])
    written = [{"control": c, "on_breach": {"coinsurance": _num(share), "applies_to": parts}}
               for c, (share, parts) in conditions.items() if parts]
    return {**pricing, "coverages": coverages, "conditions": written}


def to_terms(document: Mapping[str, Any]) -> PolicyTerms:
    return parse_policy(dict(document), source="generated policy form")


def sublimits_of(document: Mapping[str, Any]) -> dict[str, float]:
    """Each covered part's limit (usd) where it is below the aggregate."""
    agg = float(document["aggregate_limit"])
    return {k: float(v["limit"]) for k, v in document["coverages"].items() if float(v["limit"]) < agg}


__all__ = ["issued_form", "offered_parts", "outsourced", "policy_number", "pricing_form", "states_count",
           "sublimits_of", "to_terms"]
