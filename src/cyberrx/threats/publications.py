"""Publications in HC3's three forms: threat briefing, sector alert, analyst note.

Each carries a TLP mark (FIRST TLP 2.0: CLEAR, GREEN, AMBER, AMBER+STRICT, RED), an identifier (HC3's habit:
the date and 1300, ``YYYYMMDD1300``), an executive summary, and sections each marked for its audience, HC3's
legend: *non-technical* (managerial, strategic: practice managers and physicians) or *technical* (tactical,
indicators: IT staff and the practice's IT provider). Authored by a carrier's analyst as Markdown with front
matter, or drafted by cyberrx from a KEV entry that concerns its insureds.

Markdown form::

    ---
    form: sector_alert            # threat_briefing | sector_alert | analyst_note
    title: Citrix Bleed exploited against healthcare
    tlp: TLP:CLEAR
    date: 2023-11-10
    identifier: "202311101300"    # optional: the date and 1300
    cves: [CVE-2023-4966]         # optional: the KEV entries it concerns
    executive_summary: >          # or a first section "## Executive summary"
      ...
    ---
    ## What it means for your practice [non-technical]
    ...
    ## Indicators and detection [technical]
    ...

A section heading without its mark, a TLP outside the list or an unknown form is refused with the line.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from cyberrx.domain.threats import FeedEntry, HicpLink, Publication, PublicationForm, Section
from cyberrx.errors import InvalidInput

FORMS: dict[str, str] = {"threat_briefing": "Threat briefing", "sector_alert": "Sector alert",
                         "analyst_note": "Analyst note"}
TLP_MEANING: dict[str, str] = {
    "TLP:CLEAR": "Disclosure is not limited.",
    "TLP:GREEN": "Limited disclosure: may be shared within the healthcare community, not published.",
    "TLP:AMBER": "Limited disclosure: the recipient's organisation and its clients who need to know.",
    "TLP:AMBER+STRICT": "Limited disclosure: the recipient's organisation only.",
    "TLP:RED": "For the named recipients only.",
}
AUDIENCE_LABEL = {"technical": "Technical", "non_technical": "Non-technical"}
LEGEND = {
    "non_technical": "Managerial, strategic and high-level: for practice managers, physicians and owners.",
    "technical": "Tactical, indicators and configuration: for IT staff and the practice's IT provider.",
}
MAX_TEXT = 200_000
_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*\[(?P<mark>[^\]]+)\]\s*$")
_MARKS = {"technical": "technical", "non-technical": "non_technical", "non_technical": "non_technical",
          "nontechnical": "non_technical"}


def identifier_for(day: date) -> str:
    """HC3's identifier habit: the date and 1300 (``202401181300``)."""
    return f"{day:%Y%m%d}1300"


def _split_front_matter(text: str, source: str | None) -> tuple[dict[str, Any], list[str], int]:
    import yaml

    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InvalidInput("a publication starts with front matter between two '---' lines", field="line 1",
                           allowed="---, then form, title, tlp, date, then ---", source=source)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise InvalidInput("the front matter is not closed by a '---' line", field="line 1", source=source) from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"front matter is not valid YAML: {str(exc).splitlines()[0]}", field="front matter",
                           source=source) from None
    if not isinstance(meta, dict):
        raise InvalidInput("front matter must be a mapping of fields", field="front matter", source=source)
    return meta, lines[end + 1:], end + 2


def parse_markdown(text: str, source: str | None = None) -> Publication:
    """A publication from its Markdown (front matter + sections each marked [technical] or [non-technical])."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{len(text):,} characters", field="document", allowed=f"at most {MAX_TEXT:,}",
                           source=source)
    meta, body, first_line = _split_front_matter(text, source)
    sections: list[dict[str, Any]] = []
    for n, line in enumerate(body, start=first_line):
        if line.startswith("## "):
            m = _HEADING.match(line)
            mark = _MARKS.get(m.group("mark").strip().casefold()) if m else None
            if m is None or mark is None:
                raise InvalidInput(f"section {line[3:].strip()!r} carries no audience mark", field=f"line {n}",
                                   allowed="## Title [technical] or ## Title [non-technical]", source=source)
            sections.append({"title": m.group("title").strip(), "audience": mark, "lines": []})
        elif line.startswith("# ") and not sections:
            continue                                  # a document title above the first section
        elif sections:
            sections[-1]["lines"].append(line)
        elif line.strip():
            raise InvalidInput("text before the first section", field=f"line {n}",
                               allowed="a '## Title [mark]' heading first", source=source)
    summary = meta.get("executive_summary")
    if summary is None and sections and sections[0]["title"].casefold() == "executive summary":
        summary = "\n".join(sections.pop(0)["lines"]).strip()
    day = meta.get("date")
    try:
        day = date.fromisoformat(str(day)) if day is not None else None
    except ValueError:
        raise InvalidInput(f"{day!r} is not a date", field="date", allowed="YYYY-MM-DD", source=source) from None
    data = {
        "form": meta.get("form"), "title": meta.get("title"), "tlp": str(meta.get("tlp", "")).upper(), "date": day,
        "identifier": str(meta.get("identifier") or (identifier_for(day) if day else "")),
        "executive_summary": str(summary or "").strip(),
        "sections": [{"title": s["title"], "audience": s["audience"], "body_markdown": "\n".join(s["lines"]).strip()}
                     for s in sections],
        "cves": list(meta.get("cves") or []), "insureds": list(meta.get("insureds") or []),
    }
    if not data["executive_summary"]:
        raise InvalidInput("no executive summary", field="executive_summary",
                           allowed="front matter executive_summary, or a first section '## Executive summary'",
                           source=source)
    try:
        return Publication.model_validate(data)
    except ValidationError as exc:
        from cyberrx.domain.parsing import invalid_from

        raise invalid_from(exc, source) from None


def draft_from_kev(entry: FeedEntry, insureds: list[str], hicp: list[HicpLink], *, day: date,
                   form: PublicationForm = "sector_alert", tlp: str = "TLP:AMBER",
                   affected_count: int | None = None) -> Publication:
    """A sector alert drafted from a KEV entry that concerns the carrier's insureds (``insureds``: their ids).
    TLP:AMBER by default: it names the carrier's clients."""
    n = len(insureds) if affected_count is None else affected_count
    ransom = ("It is known to be used in ransomware campaigns." if entry.known_ransomware
              else "CISA has not confirmed its use in ransomware campaigns.")
    due = f" CISA asks federal agencies to act by {entry.due_date:%B %-d, %Y}." if entry.due_date else ""
    summary = (f"{entry.vendor} {entry.product} has a vulnerability that attackers are exploiting now "
               f"({entry.cve}, added to CISA's Known Exploited Vulnerabilities catalog on "
               f"{entry.date_added:%B %-d, %Y}). {ransom} {n} insured practice{'s run' if n != 1 else ' runs'} "
               f"it.{due}")
    mitigation = "\n".join(f"- HICP practice {h.practice}, {h.name} ({h.volume}): {h.sub_practice}" for h in hicp)
    sections = [
        Section(title="What it means for your practice", audience="non_technical", body_markdown=(
            f"If your practice runs **{entry.vendor} {entry.product}**, an attacker may be able to get in without a "
            "password. Ask your IT provider today whether you run it and whether it is updated. "
            + ("Because ransomware groups use this flaw, a system that faces the internet should be updated or "
               "taken off the internet now." if entry.known_ransomware else "Plan the update this week."))),
        Section(title="What to do", audience="non_technical", body_markdown=(
            f"1. Ask your IT provider to apply the vendor's fix: {entry.required_action}\n"
            "2. Tell your broker or carrier when it is done (acknowledge the alert), so your cover reflects it.\n"
            "3. If you cannot update, ask whether the system can be disconnected from the internet until it is.")),
        Section(title="Technical details", audience="technical", body_markdown=(
            f"- **CVE:** {entry.cve}\n- **Vulnerability:** {entry.name}\n- **Vendor / product (KEV):** "
            f"{entry.vendor} / {entry.product}\n- **Added to KEV:** {entry.date_added.isoformat()}"
            + (f"\n- **KEV due date:** {entry.due_date.isoformat()}" if entry.due_date else "")
            + f"\n- **Known ransomware campaign use:** {'Known' if entry.known_ransomware else 'Unknown'}\n\n"
            f"{entry.description}" + (f"\n\nNotes: {entry.notes}" if entry.notes else ""))),
        Section(title="Mitigations (405(d) HICP)", audience="technical", body_markdown=mitigation or
                "- HICP practice 7, Vulnerability Management: patch the product."),
    ]
    return Publication(form=form, identifier=identifier_for(day), title=f"{entry.vendor} {entry.product}: "
                       f"{entry.name.removeprefix(entry.vendor).strip()} ({entry.cve})", tlp=tlp,  # type: ignore[arg-type]
                       date=day, executive_summary=summary, sections=sections, cves=[entry.cve], hicp=hicp,
                       insureds=list(insureds))


__all__ = ["AUDIENCE_LABEL", "FORMS", "LEGEND", "TLP_MEANING", "draft_from_kev", "identifier_for", "parse_markdown"]
