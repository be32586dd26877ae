"""The typed results of threat intelligence (issue 15): feed entries, findings, a match, publications.

Same habits as :mod:`cyberrx.domain.results`: frozen, unknown keys refused, ``to_dict()`` is exactly what
``--json`` prints and the API returns, ``from_dict()`` reads it back.

>>> f = Finding(cve="CVE-2024-21762", vendor="fortinet", product="fortios", matched_by="alias",
...             version_affected=True, internet_facing=True, known_ransomware=True, urgent=True,
...             due_date=date(2024, 2, 16), required_action="Apply mitigations per vendor instructions.")
>>> Finding.from_dict(f.to_dict()) == f, f.to_dict()["due_date"]
(True, '2024-02-16')
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cyberrx.domain.results import Result

MatchedBy = Literal["id", "alias", "cpe"]
FeedKind = Literal["kev", "stix"]
Tlp = Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
PublicationForm = Literal["threat_briefing", "sector_alert", "analyst_note"]
Audience = Literal["technical", "non_technical"]


class FeedEntry(Result):
    """One known exploited vulnerability as a feed publishes it (KEV's fields; a STIX vulnerability maps here).

    ``vendor`` and ``product`` are the feed's own spellings (trailing spaces kept out); ``known_ransomware``:
    KEV's ``knownRansomwareCampaignUse == "Known"`` (a STIX bundle: a ``uses`` relationship from ransomware)."""

    cve: str = Field(pattern=r"^CVE-[0-9]{4}-[0-9]{4,19}$")
    vendor: str
    product: str
    name: str
    description: str = ""
    date_added: date
    due_date: date | None = None
    required_action: str = ""
    known_ransomware: bool = False
    notes: str = ""


class Feed(Result):
    """A versioned feed: its kind, the publisher's version, a digest of its entries (sha256 of their canonical
    JSON: the same content imports once), and the entries."""

    kind: FeedKind
    version: str
    released: str | None = None
    digest: str
    entries: list[FeedEntry]


class HicpLink(Result):
    """The HHS 405(d) HICP (2023 edition) practice that answers a finding, sized for the practice: Technical
    Volume 1 for small organisations, Technical Volume 2 for medium and large ones."""

    practice: int
    name: str
    volume: str
    sub_practice: str


class Finding(Result):
    """One inventory item x one known exploited vulnerability. ``vendor``/``product``: cyberrx's normalised ids.

    ``matched_by``: how the item's product was recognised (``id``: its own id or name; ``alias``: a spelling in
    the alias table; ``cpe``: its CPE 2.3 name). ``version_affected``: True when the item's version lies in the
    vulnerability's CPE version ranges, None when unknown (no version, or no ranges for the CVE). ``urgent``:
    internet-facing and known to be used by ransomware. ``due_date``/``required_action``: the feed's."""

    cve: str
    vendor: str
    product: str
    matched_by: MatchedBy
    version_affected: bool | None
    internet_facing: bool
    known_ransomware: bool
    urgent: bool
    due_date: date | None
    required_action: str


class Unknown(Result):
    """An inventory item cyberrx could not normalise: never dropped silently. ``item``: its position in
    ``technology`` (None for one mapped from ``ehr`` or ``remote_access``)."""

    item: int | None
    field: str
    vendor: str
    product: str
    reason: str


class Match(Result):
    """The findings of one practice against one feed, and what could not be matched.

    ``to_dict()`` is the JSON of ``cyberrx threats match --json``: ``{"findings": [...], "unknown": [...]}``."""

    findings: list[Finding]
    unknown: list[Unknown]

    @property
    def urgent(self) -> list[Finding]:
        return [f for f in self.findings if f.urgent]


class Section(Result):
    """A publication's section with its legend mark: technical (IT staff, IOCs) or non-technical (managers)."""

    title: str
    audience: Audience
    body_markdown: str


class Publication(Result):
    """An HC3-form publication: threat briefing, sector alert or analyst note, each with a TLP mark, an identifier
    (``YYYYMMDDHHMM``, HC3's habit), an executive summary, sections each marked for its audience, the CVEs it
    concerns and the insureds (practice ids) it concerns."""

    form: PublicationForm
    identifier: str = Field(pattern=r"^[0-9]{12}$")
    title: str
    tlp: Tlp
    date: date
    executive_summary: str
    sections: list[Section] = Field(min_length=1)
    cves: list[str] = Field(default_factory=list)
    hicp: list[HicpLink] = Field(default_factory=list)
    insureds: list[str] = Field(default_factory=list)


__all__ = ["Audience", "Feed", "FeedEntry", "FeedKind", "Finding", "HicpLink", "Match", "MatchedBy", "Publication",
           "PublicationForm", "Section", "Tlp", "Unknown"]
