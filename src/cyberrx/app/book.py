"""The carrier's book for its underwriters: the policies in force with their premium, limits, retention, rate
adequacy and segment, filtered, totalled, and the vendors the insureds share (where accumulation work plugs in);
and the active rule file and rate manual, read-only, with their versions.

A policy is *in force* on ``today`` when its period started on or before it and ends after it (the period's end is
the next period's first day). Rate adequacy is premium / technical premium as bound (the quote option's); the
book's is total premium / total technical premium of the policies that have both. The segment is the rules' at
the bind; the specialty, the size band (``rate_manual.yaml`` ``market_estimates.sizes`` by annual revenue) and the
vendors are the insured's latest profile's.

Shared vendors: the EHR's vendor when the EHR is hosted by it (``ehr.hosting: cloud``), and the business
associates whose service is ``ehr`` (an EHR host), ``clearinghouse`` or ``billing``; a vendor is counted once per
insured however many ways the insured depends on it. Ranked by insureds and by the total aggregate limit of their
policies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml

from cyberrx.app.authz import Principal
from cyberrx.app.common import iso
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.referrals import require_carrier
from cyberrx.errors import InvalidInput
from cyberrx.reference import PACKAGE_DATA
from cyberrx.underwriting import load_manual
from cyberrx.vocab import Specialty

#: most policies the book page reads (beyond this it says the figures cover the first ones only)
MAX_BOOK = 20_000
#: most rows of the book listed on the page (totals and vendors cover every policy read)
MAX_ROWS = 500
#: vendors in each ranking
TOP_VENDORS = 10
VENDOR_SERVICES = {"ehr": "EHR host", "clearinghouse": "Clearinghouse", "billing": "Billing company"}
SEGMENTS = ("small_practice", "large_group")
SORTS = {"policy": "policy number", "premium": "premium, largest first", "adequacy": "rate adequacy, lowest first",
         "limit": "aggregate limit, largest first"}
ADEQUACY = {"": "any", "below": "below the technical price (under 1.00)",
            "at_or_above": "at or above it (1.00 or more)"}
RULES_FILE, MANUAL_FILE = "underwriting_rules.yaml", "rate_manual.yaml"


@dataclass(frozen=True)
class BookFilters:
    """What the book is narrowed to ('' = any): the rules' segment, a specialty, a size band id, rate adequacy
    below or at/above 1; and how the rows are sorted (a key of :data:`SORTS`)."""

    segment: str = ""
    specialty: str = ""
    size: str = ""
    adequacy: str = ""
    sort: str = "policy"

    def check(self, sizes: Sequence[Mapping[str, Any]]) -> None:
        allowed = {"segment": ("", *SEGMENTS), "specialty": ("", *(s.value for s in Specialty)),
                   "size": ("", *(str(s["id"]) for s in sizes)), "adequacy": tuple(ADEQUACY), "sort": tuple(SORTS)}
        for name, values in allowed.items():
            value = getattr(self, name)
            if value not in values:
                raise InvalidInput(f"{value!r} is not a {name}", field=name,
                                   allowed=", ".join(v for v in values if v) or "nothing")


@dataclass
class Vendor:
    name: str
    kinds: set[str] = field(default_factory=set)
    insureds: set[str] = field(default_factory=set)
    total_limit: float = 0.0
    total_premium: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kinds": sorted(self.kinds), "insureds": len(self.insureds),
                "total_limit": round(self.total_limit, 2), "total_premium": round(self.total_premium, 2)}


def in_force(terms: Mapping[str, Any], today: date) -> bool:
    """The period started on or before ``today`` and ends after it.

    >>> in_force({"period": {"start": "2026-01-01", "end": "2027-01-01"}}, date(2026, 12, 31))
    True
    >>> in_force({"period": {"start": "2026-01-01", "end": "2027-01-01"}}, date(2027, 1, 1))
    False
    """
    period = terms.get("period") or {}
    try:
        return date.fromisoformat(period["start"]) <= today < date.fromisoformat(period["end"])
    except (KeyError, TypeError, ValueError):
        return False


def size_band(revenue: float, sizes: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The size whose revenue band holds ``revenue`` usd (the band's upper end included; beyond the last band: the
    last)."""
    for s in sizes:
        if revenue <= float(s["revenue"][1]):
            return s
    return sizes[-1]


def vendors_of(profile: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """The shared vendors an insured depends on: normalised name -> (name as written, kind)."""
    out: dict[str, tuple[str, str]] = {}
    ehr = profile.get("ehr") or {}
    if ehr.get("hosting", "cloud") == "cloud" and str(ehr.get("vendor", "unknown")).strip().lower() != "unknown":
        name = str(ehr["vendor"]).strip()
        out[name.casefold()] = (name, VENDOR_SERVICES["ehr"])
    for ba in profile.get("business_associates") or []:
        kind = VENDOR_SERVICES.get(str(ba.get("service", "other")))
        if kind is not None:
            name = str(ba["name"]).strip()
            out.setdefault(name.casefold(), (name, kind))
            if out[name.casefold()][1] != kind:
                out[name.casefold()] = (out[name.casefold()][0], f"{out[name.casefold()][1]}, {kind}")
    return out


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def book(uow: UnitOfWork, principal: Principal, filters: BookFilters | None = None, *, today: date | None = None,
         ports: Ports | None = None) -> dict[str, Any]:
    """The policies in force on ``today`` (default: the clock's day) that pass ``filters``: ``rows`` (at most
    :data:`MAX_ROWS`, sorted), ``totals``, the shared ``vendors`` ranked ``by_insureds`` and ``by_limit``, and the
    choices of each filter."""
    ports = ports or default_ports()
    require_carrier(principal, "book.read")
    filters = filters or BookFilters()
    sizes = load_manual().tables["market_estimates"]["sizes"]
    filters.check(sizes)
    today = today or ports.clock.now().date()
    with uow.reading(principal.scope) as tx:
        policies = tx.policies.every(MAX_BOOK + 1)
        truncated = len(policies) > MAX_BOOK
        live = [p for p in policies[:MAX_BOOK] if in_force(p.terms, today)]
        profiles = tx.profiles.latest_of(sorted({p.practice_id for p in live}))
        names = {o.id: o.name for o in (tx.organisations.get(i) for i in {p.practice_id for p in live}) if o}
    rows: list[dict[str, Any]] = []
    vendors: dict[str, Vendor] = {}
    for p in live:
        profile = profiles[p.practice_id].profile if p.practice_id in profiles else {}
        band = size_band(float(profile.get("annual_revenue") or 0), sizes)
        premium, technical = _num(p.premium), _num(p.technical_premium)
        adequacy = premium / technical if premium is not None and technical else None
        row = {"id": p.id, "policy_number": p.policy_number, "practice_id": p.practice_id,
               "insured": names.get(p.practice_id, str(p.terms.get("insured", ""))),
               "period_start": p.terms["period"]["start"], "period_end": p.terms["period"]["end"],
               "premium": premium, "technical_premium": technical, "rate_adequacy": adequacy,
               "aggregate_limit": float(p.terms["aggregate_limit"]), "retention": float(p.terms.get("retention", 0)),
               "segment": p.segment or "", "specialty": str(profile.get("specialty", "other")),
               "size": str(band["id"]), "size_label": str(band["label"]), "bound_at": iso(p.bound_at)}
        if not _passes(row, filters):
            continue
        rows.append(row)
        for key, (name, kind) in vendors_of(profile).items():
            v = vendors.setdefault(key, Vendor(name))
            v.kinds.update(kind.split(", "))
            v.insureds.add(p.practice_id)
            v.total_limit += row["aggregate_limit"]
            v.total_premium += premium or 0.0
    rows.sort(key=_sort_key(filters.sort))
    priced = [r for r in rows if r["premium"] is not None and r["technical_premium"]]
    premium_total = sum(Decimal(str(r["premium"])) for r in rows if r["premium"] is not None)
    technical_total = sum(Decimal(str(r["technical_premium"])) for r in priced)
    totals = {"policies": len(rows), "insureds": len({r["practice_id"] for r in rows}),
              "premium": float(premium_total), "technical_premium": float(technical_total),
              "aggregate_limit": sum(r["aggregate_limit"] for r in rows),
              "rate_adequacy": (float(sum(Decimal(str(r["premium"])) for r in priced) / technical_total)
                                if technical_total else None),
              "below_technical": sum(1 for r in priced if r["rate_adequacy"] < 1.0)}
    ranked = [v.as_dict() for v in vendors.values()]
    return {"today": today.isoformat(), "filters": filters, "rows": rows[:MAX_ROWS], "rows_total": len(rows),
            "truncated": truncated, "max_book": MAX_BOOK, "totals": totals,
            "vendors": {"by_insureds": sorted(ranked, key=lambda v: (-v["insureds"], -v["total_limit"], v["name"]))
                        [:TOP_VENDORS],
                        "by_limit": sorted(ranked, key=lambda v: (-v["total_limit"], -v["insureds"], v["name"]))
                        [:TOP_VENDORS],
                        "count": len(ranked)},
            "choices": {"segment": SEGMENTS, "specialty": [s.value for s in Specialty],
                        "size": [(str(s["id"]), str(s["label"])) for s in sizes], "adequacy": ADEQUACY,
                        "sort": SORTS}}


def _passes(row: Mapping[str, Any], f: BookFilters) -> bool:
    if f.segment and row["segment"] != f.segment:
        return False
    if f.specialty and row["specialty"] != f.specialty:
        return False
    if f.size and row["size"] != f.size:
        return False
    if f.adequacy:
        a = row["rate_adequacy"]
        if a is None or (a < 1.0) != (f.adequacy == "below"):
            return False
    return True


def _sort_key(sort: str) -> Any:
    if sort == "premium":
        return lambda r: (-(r["premium"] or 0.0), r["policy_number"])
    if sort == "adequacy":
        return lambda r: (r["rate_adequacy"] is None, r["rate_adequacy"] or 0.0, r["policy_number"])
    if sort == "limit":
        return lambda r: (-r["aggregate_limit"], r["policy_number"])
    return lambda r: r["policy_number"]


def _file(name: str) -> dict[str, Any]:
    text = resources.files(PACKAGE_DATA).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {"name": name, "text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "version": str(data.get("version", "")), "data": data}


def rules_in_force(principal: Principal) -> dict[str, Any]:
    """The active rule file and rate manual as shipped (read-only): each file's name, version, SHA-256, text and
    parsed content. Who changed what is the files' history in version control, not this page."""
    require_carrier(principal, "rules.read")
    return {"rules": _file(RULES_FILE), "manual": _file(MANUAL_FILE)}


__all__ = ["ADEQUACY", "MAX_BOOK", "MAX_ROWS", "SORTS", "TOP_VENDORS", "VENDOR_SERVICES", "BookFilters", "book",
           "in_force", "rules_in_force", "size_band", "vendors_of"]
