"""What the pages share, built once by :func:`cyberrx.web.app.mount` and kept on ``app.state.web``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from cyberrx.bootstrap import Service
from cyberrx.web.sessions import Sessions


@dataclass
class WebState:
    service: Service
    sessions: Sessions
    templates: Jinja2Templates


def web_state(request: Request) -> WebState:
    state: Any = request.app.state.web
    assert isinstance(state, WebState)
    return state


__all__ = ["WebState", "web_state"]
