"""An HC3-form publication (threat briefing, sector alert, analyst note) as HTML and PDF.

The TLP mark heads and closes the document (FIRST TLP 2.0 colours: RED, AMBER, GREEN, CLEAR) and every section
carries its legend badge, *Technical* or *Non-technical*; the legend itself is printed under the executive
summary, as HC3's slides key is. Section bodies are Markdown rendered with markdown-it-py, raw HTML disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from cyberrx.domain.threats import Publication
from cyberrx.reports.documents.common import html_to_pdf, render
from cyberrx.reports.formatting import long_date
from cyberrx.threats.publications import AUDIENCE_LABEL, FORMS, LEGEND, TLP_MEANING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@dataclass(frozen=True)
class SectionView:
    title: str
    audience: str          # "technical" | "non_technical"
    badge: str             # "Technical" | "Non-technical"
    html: str              # rendered Markdown (raw HTML escaped)


@dataclass(frozen=True)
class PublicationView:
    form: str
    identifier: str
    title: str
    tlp: str
    tlp_class: str
    tlp_meaning: str
    date: str
    executive_summary: str
    legend: list[tuple[str, str]]
    sections: list[SectionView]
    cves: list[str]
    hicp: list[str]
    insureds: list[str]


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def publication_view(pub: Publication, insured_names: dict[str, str] | None = None) -> PublicationView:
    """The view of ``pub``; ``insured_names`` maps the insureds' ids to their names (an id without a name is
    shown as the id)."""
    names = insured_names or {}
    md = _markdown()
    return PublicationView(
        form=FORMS[pub.form], identifier=pub.identifier, title=pub.title, tlp=pub.tlp,
        tlp_class=pub.tlp.split(":")[1].split("+")[0].lower(), tlp_meaning=TLP_MEANING[pub.tlp],
        date=long_date(pub.date), executive_summary=pub.executive_summary,
        legend=[(AUDIENCE_LABEL[k], LEGEND[k]) for k in ("non_technical", "technical")],
        sections=[SectionView(s.title, s.audience, AUDIENCE_LABEL[s.audience], md.render(s.body_markdown))
                  for s in pub.sections],
        cves=list(pub.cves),
        hicp=[f"HICP practice {h.practice}, {h.name} ({h.volume}): {h.sub_practice}" for h in pub.hicp],
        insureds=sorted(names.get(i, i) for i in pub.insureds))


def render_html(view: PublicationView) -> str:
    return render("publication.html", view)


def render_pdf(view: PublicationView) -> bytes:
    return html_to_pdf(render_html(view))


__all__ = ["PublicationView", "SectionView", "publication_view", "render_html", "render_pdf"]
