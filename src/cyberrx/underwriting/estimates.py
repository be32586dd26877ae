"""Market estimates: what standalone cyber costs a practice, by specialty and size, with typical controls.

The table a practice asks a broker for. For each specialty and each practice size in ``rate_manual.yaml``
(``market_estimates``), a representative practice with the segment's typical controls is rated at the standard
limits and the segment's standard retention; the range runs from the low to the high end of the size's revenue
band. Rules' surcharges apply as on a quote. Figures are manual premiums, usd per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import Controls, PracticeProfile
from cyberrx.errors import InvalidInput
from cyberrx.underwriting.quote import standard_option
from cyberrx.underwriting.rating import RateManual
from cyberrx.underwriting.rules import RuleSet
from cyberrx.vocab import RemoteAccess, Specialty


def representative(size: Mapping[str, Any], specialty: Specialty, revenue: float,
                   controls: Mapping[str, Any]) -> PracticeProfile:
    """A practice of ``size`` (providers, employees, endpoints, records) at ``revenue`` usd with ``controls``."""
    return PracticeProfile(
        name=f"{size['label']} ({specialty.value})", specialty=specialty, states={"TX": int(size["records"])},
        annual_revenue=revenue, providers=int(size["providers"]), employees=int(size["employees"]),
        endpoints=int(size["endpoints"]), remote_access=RemoteAccess.VPN, controls=Controls(**controls))


def _premium(manual: RateManual, rules: RuleSet, profile: PracticeProfile, limit: float, retention: float) -> float:
    _, _, found = rules.evaluate(profile)
    sur = {f.rule.id: f.rule.params["rate"] for f in found if f.rule.outcome == "surcharge"}
    return manual.premium(profile, limit, retention, sur).premium


def market_estimates(manual: RateManual, rules: RuleSet, specialty: str | None = None) -> dict[str, Any]:
    """Premium ranges (usd/yr) by specialty and size; ``specialty`` narrows to one (a Specialty id)."""
    if specialty is None:
        specialties = list(Specialty)
    else:
        try:
            specialties = [Specialty(specialty)]
        except ValueError:
            raise InvalidInput(f"unknown specialty {specialty!r}", field="specialty",
                               allowed=", ".join(s.value for s in Specialty)) from None
    table = manual.tables["market_estimates"]
    rows = []
    for spec in specialties:
        for size in table["sizes"]:
            low_rev, high_rev = (float(x) for x in size["revenue"])
            probe = representative(size, spec, low_rev, {})
            segment, _ = rules.segments.classify(probe)
            controls = table["typical_controls"][segment.value]
            _, retention = standard_option(manual, segment)
            for limit in table["limits"][segment.value]:
                low = _premium(manual, rules, representative(size, spec, low_rev, controls), limit, retention)
                high = _premium(manual, rules, representative(size, spec, high_rev, controls), limit, retention)
                rows.append({"specialty": spec.value, "size": size["id"], "size_label": size["label"],
                             "segment": segment.value, "revenue_low": low_rev, "revenue_high": high_rev,
                             "limit": float(limit), "retention": retention, "premium_low": min(low, high),
                             "premium_high": max(low, high)})
    return {"rows": rows, "basis": table["source"], "rate_manual_version": manual.version,
            "note": "manual premiums with typical controls; a quote on the practice's own application will differ"}


__all__ = ["market_estimates", "representative"]
