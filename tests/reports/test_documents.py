"""The documents: each PDF's text carries the figures its view shows; pages are rendered to PNG to be looked at;
the HTML loads nothing from another host; a declined or referred option says why first."""

from __future__ import annotations

import re
from datetime import date

import pytest

import cyberrx
from cyberrx.reports.documents import Party, certificate, proposal, risk_report
from cyberrx.reports.formatting import long_date, money

from .conftest import EXAMPLES, pdf_pages, pdf_text

PREPARED = date(2026, 12, 1)
CARRIER = Party("Mutual Medical Cyber Co.", "100 Main St, Austin, TX")
PRODUCER = Party("Harbor Brokers LLC", licence="TX-123456")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _no_other_host(html: str) -> None:
    assert "<script" not in html
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html) + re.findall(r"url\(([^)]+)\)", html)
    assert all(ref.startswith("data:") for ref in refs), refs
    assert "//" not in re.sub(r"data:[^\"']+", "", html).replace("http://www.w3.org/", "")


@pytest.fixture(scope="module")
def risk(lakeside):
    profile, assessment, improvement = lakeside
    view = risk_report.risk_report_view(assessment, improvement, profile, prepared=PREPARED)
    return view, risk_report.render_html(view), risk_report.render_pdf(view)


@pytest.fixture(scope="module")
def offer(valley):
    profile, assessment, quote = valley
    view = proposal.proposal_view(quote, profile, CARRIER, PRODUCER, assessment=assessment, prepared=PREPARED)
    return view, proposal.render_html(view), proposal.render_pdf(view)


@pytest.fixture(scope="module")
def cert():
    terms = cyberrx.load_policy(EXAMPLES / "policies" / "lakeside-primary.yaml")
    view = certificate.certificate_view(terms, None, PRODUCER, "Mutual Medical Cyber Co.",
                                        Party("Bayou Community Bank", "12 Levee Rd, Baton Rouge, LA"),
                                        "Primary care medical practice.", issued=PREPARED)
    return terms, view, certificate.render_html(view), certificate.render_pdf(view)


def test_risk_report_pdf_shows_the_figures(risk, lakeside, tmp_path, poppler):
    view, _, pdf = risk
    _, assessment, improvement = lakeside
    text = _flat(pdf_text(pdf, tmp_path))
    for row in view.summary:
        assert row.value in text, row
    assert money(assessment.recommended.aggregate_limit) in text
    assert f"Recommended limit {money(view.recommended_limit_usd)}" in text      # on the chart
    assert money(assessment.annual_loss.p99) in text and money(assessment.gap.uncovered_p99_usd) in text
    for fix in view.fixes[:3]:
        assert fix.control in text and fix.cost_per_year in text
    # (a table cell of several lines comes out of pdftotext -layout interleaved with its neighbours': word by word)
    assert all(w in text for w in improvement.recommendations[0].hicp_practice.name.split())
    assert assessment.engine_version in text and assessment.reference_version in text
    assert f"{assessment.trials:,}" in text and "forensics" not in text
    assert view.prepared == "1 December 2026" and view.prepared in text


def test_proposal_pdf_shows_every_option(offer, valley, tmp_path, poppler):
    view, _, pdf = offer
    text = _flat(pdf_text(pdf, tmp_path))
    for option in valley[2].options:
        assert money(option.limit) in text and money(option.premium) in text and money(option.retention) in text
    for label in {c.decision_label for c in view.options}:
        assert label in text
    assert {"Offered", "Declined"} <= {c.decision_label for c in view.options}
    assert CARRIER.name in text and PRODUCER.name in text and "signature" in text
    assert "War and state-sponsored cyber operations" in text


def test_declined_and_referred_options_say_why_first(offer, referred):
    view, _, _ = offer
    declined = [c for c in view.options if c.decision == "decline"]
    assert declined and all(c.why and "MDR" in c.why[0].message for c in declined)
    decision_row = view.tables[0].rows[0]
    assert decision_row.kind == "decision"
    for column, cell in zip(view.tables[0].columns, decision_row.cells, strict=True):
        if column.decision == "decline":
            assert cell.startswith("Declined: Limits above $2 million")
    profile, assessment, quote = referred
    ref = proposal.proposal_view(quote, profile, CARRIER, PRODUCER, assessment=assessment)
    column = ref.options[0]
    assert column.decision == "refer" and column.why[0].rule == "NO-MFA-ANYWHERE"
    assert ref.tables[0].rows[0].cells[0].startswith("Referred to an underwriter: No multi-factor")
    assert column.why[0] not in column.other_reasons


def test_certificate_pdf_shows_the_policy(cert, tmp_path, poppler):
    terms, view, _, pdf = cert
    text = _flat(pdf_text(pdf, tmp_path))
    assert terms.policy_number in text
    assert long_date(terms.period.start) in text and long_date(terms.period.end) in text
    assert "1 January 2027" in text and "1 January 2028" in text
    assert money(terms.aggregate_limit) in text and money(terms.retention) in text
    assert "Ransom and negotiation" in text and "$250,000" in text        # a sublimit by part
    assert "$25,000" in text                                               # a part's own retention
    assert "Bayou Community Bank" in text and "Primary care medical practice." in text
    assert "confers no rights upon the certificate holder beyond those of the policy" in text
    assert "extortion" not in text


def test_html_loads_nothing_from_another_host(risk, offer, cert):
    for html in (risk[1], offer[1], cert[2]):
        _no_other_host(html)


def test_pages_render_and_fit(risk, offer, cert, poppler):
    """Every page renders; the certificate is one page. The PNGs in tests/reports/artefacts are for looking at."""
    counts = {name: len(pdf_pages(pdf, name)) for name, pdf in
              (("risk-report", risk[2]), ("proposal", offer[2]), ("certificate", cert[3]))}
    assert counts["certificate"] == 1
    assert 2 <= counts["risk-report"] <= 7 and 2 <= counts["proposal"] <= 7, counts


def test_views_carry_their_specs_for_the_page(risk, offer):
    assert set(risk[0].specs) == {"exceedance", "coverage"}
    assert set(offer[0].specs) == {"exposure", "premiums"}
