"""Jinja2 templates (``web/templates``) and :func:`render`, which every page answers with.

Every template extends ``base.html`` and gets, besides what the route passes: ``request``, ``viewer`` (the
signed-in :class:`cyberrx.web.nav.Viewer`, or None on the sign-in page), ``csrf_token`` (put it in every form:
``{{ csrf_field() }}``) and the filters ``usd`` (money rounded to cents), ``day`` (an ISO date or time as
"1 Dec 2026") and ``pct`` (a share as a percentage).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from cyberrx.web.sessions import CSRF_FIELD, CSRF_HEADER
from cyberrx.web.state import web_state

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def usd(value: Any) -> str:
    """``1234.5`` -> ``$1,234.50`` (None and missing values: an en dash)."""
    if value is None or value == "":
        return "–"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def day(value: Any) -> str:
    """An ISO date or date-time (or a date) as ``1 Dec 2026``."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    return f"{value.day} {value:%b %Y}"


def pct(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(usd=usd, day=day, pct=pct)
    return Jinja2Templates(env=env)


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """The page ``name`` with ``context``, the viewer and the CSRF token; the route's answer."""
    web = web_state(request)
    csrf = web.sessions.of(request).csrf

    def csrf_field() -> Markup:
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">')

    ctx: dict[str, Any] = {"viewer": getattr(request.state, "viewer", None), "csrf_token": csrf,
                           "csrf_field": csrf_field, "csrf_header": CSRF_HEADER, "page_title": None,
                           **(context or {})}
    return web.templates.TemplateResponse(request, name, ctx, status_code=status_code)


__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "day", "make_templates", "pct", "render", "usd"]
