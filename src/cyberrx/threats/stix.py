"""STIX 2.1 bundles in and out, through OASIS's ``stix2`` library (which validates every object it parses).

In: a bundle's ``vulnerability`` objects become feed entries. The CVE comes from the external reference whose
``source_name`` is ``cve``; vendor, product, dates and KEV's fields from the ``x_kev_*`` custom properties
cyberrx writes (a bundle from elsewhere without them names its vendor and product ``unknown``: reported at
match time, never matched by guess). Known ransomware use: a ``malware`` object whose ``malware_types`` include
``ransomware`` and that ``exploits`` the vulnerability (or ``x_kev_known_ransomware``). The required action:
the description of a ``course-of-action`` that ``mitigates`` it (else ``x_kev_required_action``). Indicators,
attack patterns and other relationships are kept by the bundle and counted, not needed for matching.

Out: a feed as a bundle with deterministic ids (uuid5 of the CVE), so exporting the same feed twice gives the
same bundle, and import(export(feed)) gives the same entries (same digest).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from cyberrx.domain.threats import Feed, FeedEntry
from cyberrx.errors import InvalidInput
from cyberrx.threats.kev import MAX_ENTRIES, digest

#: the namespace of cyberrx's deterministic STIX ids
NAMESPACE = uuid.UUID("6f1b3c52-9a0e-5d8e-8c8f-15e0c1a1e015")
RANSOMWARE_NAME = "Ransomware (known campaign use, CISA KEV)"
MAX_OBJECTS = 200_000


def _sid(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _cve_of(vuln: Any) -> str | None:
    for ref in vuln.get("external_references", []) or []:
        if ref.get("source_name", "").casefold() == "cve" and ref.get("external_id"):
            return str(ref["external_id"])
    name = str(vuln.get("name", ""))
    return name if name.startswith("CVE-") else None


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def parse_bundle(data: str | dict[str, Any], source: str | None = None) -> Any:
    """The bundle parsed and validated by ``stix2`` (custom ``x_`` properties allowed); InvalidInput naming the
    problem otherwise."""
    import stix2
    from stix2.exceptions import STIXError

    try:
        raw = json.loads(data) if isinstance(data, str) else data
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: {exc}", source=source) from None
    if not isinstance(raw, dict) or raw.get("type") != "bundle":
        raise InvalidInput("not a STIX bundle", field="type", allowed="bundle", source=source)
    if len(raw.get("objects", []) or []) > MAX_OBJECTS:
        raise InvalidInput(f"{len(raw['objects']):,} objects", field="objects", allowed=f"at most {MAX_OBJECTS:,}",
                           source=source)
    try:
        return stix2.parse(raw, allow_custom=True)
    except (STIXError, ValueError, TypeError) as exc:
        raise InvalidInput(f"not a valid STIX 2.1 bundle: {str(exc).splitlines()[0]}", field="objects",
                           allowed="STIX 2.1 objects (stix2 library)", source=source) from None


def import_bundle(data: str | dict[str, Any], *, version: str | None = None, source: str | None = None) -> Feed:
    """A STIX 2.1 bundle as a feed. ``version``: the feed's version (default: the bundle's id)."""
    bundle = parse_bundle(data, source)
    objects = list(bundle.get("objects", []) or [])
    by_id = {o["id"]: o for o in objects}
    ransomware = {o["id"] for o in objects if o["type"] == "malware" and "ransomware" in (o.get("malware_types") or [])}
    exploited: set[str] = set()
    actions: dict[str, str] = {}
    for r in (o for o in objects if o["type"] == "relationship"):
        if r["relationship_type"] == "exploits" and r["source_ref"] in ransomware:
            exploited.add(r["target_ref"])
        elif r["relationship_type"] == "mitigates" and r["source_ref"] in by_id:
            coa = by_id[r["source_ref"]]
            if coa["type"] == "course-of-action":
                actions[r["target_ref"]] = str(coa.get("description") or coa.get("name", ""))
    entries: list[FeedEntry] = []
    for v in (o for o in objects if o["type"] == "vulnerability"):
        cve = _cve_of(v)
        if cve is None:
            raise InvalidInput(f"vulnerability {v['id']} names no CVE", field="external_references",
                               allowed="an external reference with source_name 'cve'", source=source)
        known = v.get("x_kev_known_ransomware")
        entries.append(FeedEntry(
            cve=cve, vendor=str(v.get("x_kev_vendor_project", "unknown")),
            product=str(v.get("x_kev_product", "unknown")),
            name=str(v.get("x_kev_vulnerability_name") or v.get("name", cve)),
            description=str(v.get("description", "")),
            date_added=_date(v.get("x_kev_date_added")) or _date(v["created"]) or date.today(),
            due_date=_date(v.get("x_kev_due_date")),
            required_action=actions.get(v["id"], str(v.get("x_kev_required_action", ""))),
            known_ransomware=v["id"] in exploited or known == "Known",
            notes=str(v.get("x_kev_notes", ""))))
    if len(entries) > MAX_ENTRIES:
        raise InvalidInput(f"{len(entries):,} vulnerabilities", field="objects", allowed=f"at most {MAX_ENTRIES:,}",
                           source=source)
    entries.sort(key=lambda e: e.cve)
    return Feed(kind="stix", version=version or str(bundle["id"]), released=None, digest=digest(entries),
                entries=entries)


def export_bundle(feed: Feed) -> Any:
    """The feed as a ``stix2.Bundle``: one vulnerability per entry (with KEV's fields as ``x_kev_*``), one
    course-of-action per required action (``mitigates``), one ransomware malware object (``exploits`` each entry
    known to be used by ransomware)."""
    import stix2

    objects: list[Any] = []
    malware = stix2.Malware(id=_sid("malware", "ransomware"), name=RANSOMWARE_NAME, is_family=True,
                            malware_types=["ransomware"], created=_at(date(2021, 11, 3)),
                            modified=_at(date(2021, 11, 3)))
    used = False
    for e in feed.entries:
        at = _at(e.date_added)
        props: dict[str, Any] = {
            "x_kev_vendor_project": e.vendor, "x_kev_product": e.product, "x_kev_vulnerability_name": e.name,
            "x_kev_date_added": e.date_added.isoformat(),
            "x_kev_known_ransomware": "Known" if e.known_ransomware else "Unknown"}
        if e.due_date is not None:
            props["x_kev_due_date"] = e.due_date.isoformat()
        if e.notes:
            props["x_kev_notes"] = e.notes
        vuln = stix2.Vulnerability(id=_sid("vulnerability", e.cve), name=e.cve, description=e.description or None,
                                   created=at, modified=at, allow_custom=True,
                                   external_references=[{"source_name": "cve", "external_id": e.cve}], **props)
        objects.append(vuln)
        if e.required_action:
            coa = stix2.CourseOfAction(id=_sid("course-of-action", e.cve), name=f"Remediate {e.cve}",
                                       description=e.required_action, created=at, modified=at)
            objects += [coa, stix2.Relationship(id=_sid("relationship", f"mitigates:{e.cve}"), source_ref=coa.id,
                                                relationship_type="mitigates", target_ref=vuln.id,
                                                created=at, modified=at)]
        if e.known_ransomware:
            used = True
            objects.append(stix2.Relationship(id=_sid("relationship", f"exploits:{e.cve}"), source_ref=malware.id,
                                              relationship_type="exploits", target_ref=vuln.id,
                                              created=at, modified=at))
    if used:
        objects.insert(0, malware)
    return stix2.Bundle(*objects, id=_sid("bundle", f"{feed.kind}:{feed.version}:{feed.digest}"), allow_custom=True)


def bundle_counts(data: str | dict[str, Any]) -> dict[str, int]:
    """Objects per STIX type in a bundle (what an import records besides the vulnerabilities)."""
    out: dict[str, int] = {}
    for o in parse_bundle(data).get("objects", []) or []:
        out[o["type"]] = out.get(o["type"], 0) + 1
    return out


__all__ = ["bundle_counts", "export_bundle", "import_bundle", "parse_bundle"]
