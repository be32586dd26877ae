"""What the documents share: parties, labelled rows, the Jinja2 environment, the static chart render, the PDF."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cyberrx.reports.formatting import long_date, money

if TYPE_CHECKING:
    from jinja2 import Environment

    from cyberrx.reports.charts import Spec


@dataclass(frozen=True)
class Party:
    """A person or organisation named on a document: producer (broker), insured, insurer, certificate holder."""

    name: str
    address: str = ""
    contact: str = ""
    licence: str = ""

    @classmethod
    def of(cls, value: Party | str) -> Party:
        return value if isinstance(value, Party) else cls(name=value)


@dataclass(frozen=True)
class Row:
    """One labelled figure. ``value`` is formatted; ``term`` is the precise term (for brokers and underwriters);
    ``field`` is where the figure comes from (a typed result's attribute path), so every figure is traceable."""

    label: str
    value: str
    term: str = ""
    field: str = ""


@dataclass(frozen=True)
class Source:
    """A reference data file or run fact behind a document's figures."""

    name: str
    version: str
    basis: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart of a document: its Vega-Lite spec (for a page's vega-embed) and its alternative text."""

    spec: Spec
    alt: str
    width_pct: int = 100
    svg: str = field(default="", compare=False)


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("cyberrx.reports", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.filters["long_date"] = long_date
    env.filters["chart_src"] = chart_src
    return env


def chart_src(chart: Chart) -> str:
    """The chart drawn as SVG, as a ``data:`` URI for an ``<img>`` (no file, no other host)."""
    svg = chart.svg or _svg(json.dumps(chart.spec, sort_keys=True))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=16)
def _svg(spec_json: str) -> str:
    # a view is rendered twice for its HTML and its PDF; drawing a chart costs ~0.3-1 s
    from cyberrx.reports.charts import to_svg

    return to_svg(json.loads(spec_json))


@lru_cache(maxsize=1)
def stylesheet() -> str:
    from importlib import resources

    return resources.files("cyberrx.reports").joinpath("templates/print.css").read_text(encoding="utf-8")


def render(template: str, view: Any) -> str:
    """``template`` (in reports/templates) rendered with the view; the print stylesheet is inlined."""
    return environment().get_template(template).render(view=view, css=stylesheet())


def html_to_pdf(html: str) -> bytes:
    """The HTML document as PDF bytes (WeasyPrint). Nothing is fetched: the documents hold no external URL, and
    the URL fetcher refuses anything but ``data:`` URIs all the same."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    return pdf


def today_or(day: date | None) -> date:
    return date.today() if day is None else day


__all__ = ["Chart", "Party", "Row", "Source", "chart_src", "environment", "html_to_pdf", "render", "stylesheet",
           "today_or"]
