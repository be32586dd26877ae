"""The documents cyberrx hands on: one view model per document, rendered as HTML and PDF from shared templates.

=====================  ==========================================  ===============================================
document               view model (built by)                       renderer module
=====================  ==========================================  ===============================================
practice risk report   :func:`~.risk_report.risk_report_view`      :mod:`cyberrx.reports.documents.risk_report`
broker proposal        :func:`~.proposal.proposal_view`            :mod:`cyberrx.reports.documents.proposal`
certificate            :func:`~.certificate.certificate_view`      :mod:`cyberrx.reports.documents.certificate`
=====================  ==========================================  ===============================================

Each renderer module has ``render_html(view) -> str`` (a complete document: CSS inline, charts as inline SVG,
nothing loaded from another host, no script) and ``render_pdf(view) -> bytes`` (WeasyPrint, US Letter). A
view's ``charts`` are Vega-Lite specs (:mod:`cyberrx.reports.charts`) that a page can hand to vega-embed; the
document draws the same specs statically. Every displayed figure is a string already formatted by
:mod:`cyberrx.reports.formatting`, so a page that renders the view shows exactly the document's figures.
"""

from cyberrx.reports.documents.common import Party, Row

__all__ = ["Party", "Row"]
