"""Matching a practice's inventory against a feed: one finding per inventory item and CVE.

An entry names products by its (vendor, product) spelling (the catalogue's ``kev`` spellings). An entry whose
product is "Multiple ..." names no one product: it concerns an item only where its name or description mentions
the item's product (``mentions``), so an Apple "Multiple Products" entry about Safari never lands on a practice's
macOS laptops unless it names macOS. A version outside the CVE's CPE ranges drops the finding; a version unknown
keeps it with ``version_affected`` None.

>>> from cyberrx.domain.profile import PracticeProfile
>>> p = PracticeProfile.model_validate({"name": "X", "states": {"TX": 100}, "annual_revenue": 1e6,
...     "technology": [{"vendor": "Fortinet", "product": "FortiGate", "version": "6.0.4"}]})
>>> m = match(p, shipped_kev())
>>> [f.cve for f in m.findings if f.cve == "CVE-2018-13379"], m.findings[0].matched_by
(['CVE-2018-13379'], 'alias')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.threats import Feed, FeedEntry, Finding, Match
from cyberrx.threats.catalogue import Catalogue, load_catalogue
from cyberrx.threats.inventory import InventoryItem, normalise
from cyberrx.threats.kev import shipped_kev
from cyberrx.threats.versions import RangeTable, load_ranges

Index = tuple[dict[str, list[FeedEntry]], dict[str, list[FeedEntry]]]
#: indexes of the feeds matched lately, by (feed digest, catalogue version): one alert run indexes its feed once
_INDEXES: dict[tuple[str, str, str], Index] = {}
_MAX_INDEXES = 4


def _index(feed: Feed, catalogue: Catalogue) -> Index:
    """Entries by product id, and the "Multiple ..." entries by vendor id (cached per feed digest)."""
    key = (feed.digest, str(len(feed.entries)), catalogue.version)
    if key not in _INDEXES:
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = _build_index(feed, catalogue)
    return _INDEXES[key]


def _build_index(feed: Feed, catalogue: Catalogue) -> Index:
    by_product: dict[str, list[FeedEntry]] = defaultdict(list)
    multiple: dict[str, list[FeedEntry]] = defaultdict(list)
    for e in feed.entries:
        for pid in catalogue.kev_products(e.vendor, e.product):
            by_product[pid].append(e)
        if catalogue.is_multiple(e.product):
            vendor = catalogue.vendor_id(e.vendor)
            if vendor is not None:
                multiple[vendor].append(e)
    return by_product, multiple


def _finding(item: InventoryItem, e: FeedEntry, ranges: RangeTable) -> Finding | None:
    affected = ranges.affected(e.cve, item.product.cpe.replace("\\", ""), item.version)
    if affected is False:
        return None
    urgent = item.internet_facing and e.known_ransomware
    return Finding(cve=e.cve, vendor=item.product.vendor, product=item.product.id, matched_by=item.matched_by,
                   version_affected=affected, internet_facing=item.internet_facing,
                   known_ransomware=e.known_ransomware, urgent=urgent, due_date=e.due_date,
                   required_action=e.required_action)


def match(profile: PracticeProfile, feed: Feed | None = None, *, catalogue: Catalogue | None = None,
          ranges: RangeTable | None = None) -> Match:
    """The practice's findings against ``feed`` (the shipped KEV snapshot when None), urgent first, then by due
    date and CVE; and the inventory items that could not be recognised."""
    cat = catalogue or load_catalogue()
    rng = ranges or load_ranges()
    items, unknown = normalise(profile, cat)
    by_product, multiple = _index(feed or shipped_kev(), cat)
    findings: list[Finding] = []
    for item in items:
        seen: set[str] = set()
        candidates = by_product.get(item.product.id, []) + [
            e for e in multiple.get(item.product.vendor, []) if item.product.mentioned_in(f"{e.name} {e.description}")]
        for e in candidates:
            if e.cve in seen:
                continue
            seen.add(e.cve)
            f = _finding(item, e, rng)
            if f is not None:
                findings.append(f)
    findings.sort(key=lambda f: (not f.urgent, f.due_date or date.max, f.cve, f.product))
    return Match(findings=findings, unknown=unknown)


def role_counts(feed: Feed | None = None, catalogue: Catalogue | None = None) -> dict[str, tuple[int, int]]:
    """Entries per role group of the catalogue, and how many of them are known to be used by ransomware:
    ``{group: (entries, ransomware)}``. An entry counts once in each group its spelling falls in."""
    cat = catalogue or load_catalogue()
    n: Counter[str] = Counter()
    r: Counter[str] = Counter()
    for e in (feed or shipped_kev()).entries:
        for group in dict.fromkeys(cat.group(role) for role in cat.kev_roles(e.vendor, e.product)):
            n[group] += 1
            r[group] += e.known_ransomware
    return {g: (n[g], r[g]) for g in cat.groups if n[g]}


__all__ = ["match", "role_counts"]
