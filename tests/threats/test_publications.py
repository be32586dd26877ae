"""Publications in HC3's forms: every section carries its technical / non-technical mark, and the TLP."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from cyberrx.errors import InvalidInput
from cyberrx.reports.documents.publication import publication_view, render_html, render_pdf
from cyberrx.threats.kev import shipped_kev
from cyberrx.threats.publications import draft_from_kev, parse_markdown
from cyberrx.threats.risk import hicp_link

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "publications" / "citrix-bleed-sector-alert.md"


def test_markdown_with_front_matter_is_read_with_each_sections_mark() -> None:
    pub = parse_markdown(EXAMPLE.read_text())
    assert (pub.form, pub.tlp, pub.identifier, pub.cves) == ("sector_alert", "TLP:CLEAR", "202311101300",
                                                              ["CVE-2023-4966"])
    assert [(s.title, s.audience) for s in pub.sections] == [
        ("What it means for your practice", "non_technical"), ("What to do today", "non_technical"),
        ("Affected versions and fix", "technical"), ("Detection", "technical")]
    assert pub.executive_summary.startswith("Attackers, ransomware groups among them")


def test_a_section_without_a_mark_is_refused_with_its_line() -> None:
    text = EXAMPLE.read_text().replace("## Detection [technical]", "## Detection")
    line = text.splitlines().index("## Detection") + 1
    with pytest.raises(InvalidInput) as err:
        parse_markdown(text)
    assert f"line {line}" in str(err.value) and "no audience mark" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        parse_markdown(EXAMPLE.read_text().replace("TLP:CLEAR", "TLP:WHITE"))
    assert "tlp" in str(err.value)


def _sections(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<section class="pub" data-audience="(\w+)">\s*<h2>[^<]*<span class="badge badge-\w+">'
                      r'([\w-]+)</span>', html)


def test_the_html_marks_every_section_and_carries_the_tlp_top_and_bottom() -> None:
    pub = parse_markdown(EXAMPLE.read_text())
    html = render_html(publication_view(pub, {"p1": "Lakeside Family Medicine"}))
    marks = _sections(html)
    assert len(marks) == len(pub.sections) == 4
    assert marks == [("non_technical", "Non-technical"), ("non_technical", "Non-technical"),
                     ("technical", "Technical"), ("technical", "Technical")]
    assert html.count('class="tlp tlp-clear"') == 2
    assert "<table>" in html and "<script" not in html           # Markdown tables render; no raw HTML


def test_a_draft_from_a_kev_entry_lists_the_insureds_and_its_hicp_practice() -> None:
    entry = next(e for e in shipped_kev().entries if e.cve == "CVE-2024-1709")
    pub = draft_from_kev(entry, ["p1", "p2"], [hicp_link("vulnerability", True), hicp_link("identity", True)],
                         day=date(2024, 2, 22))
    assert (pub.form, pub.tlp, pub.identifier) == ("sector_alert", "TLP:AMBER", "202402221300")
    assert {s.audience for s in pub.sections} == {"technical", "non_technical"}
    assert "2 insured practices run it" in pub.executive_summary
    html = render_html(publication_view(pub, {"p1": "Lakeside Family Medicine", "p2": "Solo Therapy"}))
    assert len(_sections(html)) == len(pub.sections)
    assert "<li>Lakeside Family Medicine</li>" in html and "<li>Solo Therapy</li>" in html
    assert "HICP practice 7, Vulnerability Management (Technical Volume 1" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_carries_every_mark_and_the_tlp(tmp_path: Path) -> None:
    pub = parse_markdown(EXAMPLE.read_text())
    pdf = tmp_path / "alert.pdf"
    pdf.write_bytes(render_pdf(publication_view(pub)))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("TLP:CLEAR") >= 2
    for s in pub.sections:
        title_at = text.index(s.title)
        badge = "NON-TECHNICAL" if s.audience == "non_technical" else "TECHNICAL"
        assert text[title_at:title_at + len(s.title) + 40].replace("\n", " ").find(badge) >= 0, s.title
