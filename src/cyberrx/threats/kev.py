"""CISA's Known Exploited Vulnerabilities (KEV) catalog: validated against its published JSON schema, read into a
versioned :class:`~cyberrx.domain.threats.Feed`.

The schema (draft-07) and a snapshot (catalogVersion 2025.08.25, 1,404 entries, CC0 1.0) ship inside the package
under ``reference/data/kev``: nothing downloads at run time. The feed's ``digest`` is the sha256 of its entries'
canonical JSON, so importing the same catalog twice is recognised (idempotent imports).

>>> feed = shipped_kev()
>>> feed.kind, feed.version, len(feed.entries), sum(e.known_ransomware for e in feed.entries)
('kev', '2025.08.25', 1404, 293)
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from cyberrx.domain.threats import Feed, FeedEntry
from cyberrx.errors import InvalidInput

KEV_DIR = "kev"
SNAPSHOT = "kev_2025.08.25.json"
SCHEMA = "kev_schema.json"
#: the most entries a feed may carry (KEV had 1,404 in 2025; bounds the matching work)
MAX_ENTRIES = 50_000


def _data_text(name: str) -> str:
    return resources.files("cyberrx.reference.data").joinpath(KEV_DIR).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def kev_schema() -> dict[str, Any]:
    """CISA's published KEV JSON schema (draft-07), as shipped."""
    schema: dict[str, Any] = json.loads(_data_text(SCHEMA))
    return schema


def validate_kev(data: Any, source: str | None = None) -> None:
    """Raise InvalidInput naming the first place ``data`` breaks the KEV schema (field path and what is allowed).

    Formats (``date``, ``date-time``) are checked too, and the declared ``count`` must equal the entries given."""
    import jsonschema

    validator = jsonschema.Draft7Validator(kev_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                       for i, p in enumerate(e.absolute_path)) or "(document)"
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise InvalidInput(f"not a CISA KEV catalog: {e.message}{more}", field=path,
                           allowed="the CISA KEV JSON schema (reference/data/kev/kev_schema.json)", source=source)
    vulns = data["vulnerabilities"]
    if len(vulns) > MAX_ENTRIES:
        raise InvalidInput(f"{len(vulns):,} entries", field="vulnerabilities", allowed=f"at most {MAX_ENTRIES:,}",
                           source=source)
    if data["count"] != len(vulns):
        raise InvalidInput(f"count says {data['count']} but {len(vulns)} entries are given", field="count",
                           allowed="the number of entries in vulnerabilities", source=source)


def digest(entries: list[FeedEntry]) -> str:
    """sha256 of the entries' canonical JSON (sorted by CVE): equal content, equal digest."""
    rows = sorted((e.to_dict() for e in entries), key=lambda r: (r["cve"], r["vendor"], r["product"]))
    return hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def parse_kev(data: Any, source: str | None = None) -> Feed:
    """A validated KEV catalog as a :class:`Feed` (vendor and product spellings trimmed)."""
    validate_kev(data, source)
    entries = [FeedEntry(
        cve=v["cveID"], vendor=v["vendorProject"].strip(), product=v["product"].strip(),
        name=v["vulnerabilityName"].strip(), description=v["shortDescription"].strip(),
        date_added=date.fromisoformat(v["dateAdded"]), due_date=date.fromisoformat(v["dueDate"]),
        required_action=v["requiredAction"].strip(),
        known_ransomware=v.get("knownRansomwareCampaignUse", "Unknown") == "Known",
        notes=v.get("notes", "").strip()) for v in data["vulnerabilities"]]
    return Feed(kind="kev", version=str(data["catalogVersion"]), released=str(data["dateReleased"]),
                digest=digest(entries), entries=entries)


def to_kev(feed: Feed) -> dict[str, Any]:
    """A feed written back in KEV's JSON format (valid against the schema)."""
    return {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": feed.version,
        "dateReleased": feed.released or f"{feed.version.replace('.', '-')}T00:00:00.000Z",
        "count": len(feed.entries),
        "vulnerabilities": [{
            "cveID": e.cve, "vendorProject": e.vendor, "product": e.product, "vulnerabilityName": e.name,
            "dateAdded": e.date_added.isoformat(), "shortDescription": e.description,
            "requiredAction": e.required_action,
            "dueDate": (e.due_date or e.date_added).isoformat(),
            "knownRansomwareCampaignUse": "Known" if e.known_ransomware else "Unknown", "notes": e.notes,
        } for e in feed.entries],
    }


@lru_cache(maxsize=1)
def shipped_kev() -> Feed:
    """The KEV snapshot shipped in the package (used when no feed was imported into the database)."""
    return parse_kev(json.loads(_data_text(SNAPSHOT)), source=f"reference/data/{KEV_DIR}/{SNAPSHOT}")


__all__ = ["MAX_ENTRIES", "digest", "kev_schema", "parse_kev", "shipped_kev", "to_kev", "validate_kev"]
