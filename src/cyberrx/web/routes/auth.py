"""``/`` (to the person's home, or to sign in), the sign-in form and signing out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import accounts
from cyberrx.app.authz import TooManyAttempts, Unauthenticated
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.nav import home_of
from cyberrx.web.state import web_state
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (``/practices/1``), never another host (``//evil.example``, ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@router.get("/")
def home(principal: PrincipalDep) -> Response:
    return RedirectResponse(home_of(principal), status_code=303)


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    session = web_state(request).sessions.of(request)
    if session.signed_in:
        return RedirectResponse(safe_next(next) or "/", status_code=303)
    return render(request, "sign_in.html", {"page_title": "Sign in", "email": "", "error": None,
                                            "next": safe_next(next)})


@router.post("/sign-in")
def sign_in(request: Request, service: ServiceDep, email: Annotated[str, Form(max_length=320)],
            password: Annotated[str, Form(max_length=1024)],
            next: Annotated[str | None, Form(max_length=2000)] = None,
            one_time_code: Annotated[str | None, Form(max_length=6)] = None) -> Response:
    settings = service.settings
    try:
        token = accounts.login(service.uow, email, password, settings.session_ttl_hours,
                               max_failures=settings.login_max_failures,
                               lockout=timedelta(minutes=settings.login_lockout_minutes), ports=service.ports,
                               client=request.client.host if request.client is not None else None,
                               one_time_code=one_time_code or None)
    except (Unauthenticated, TooManyAttempts) as exc:
        locked = isinstance(exc, TooManyAttempts)
        code_needed = "one-time code" in str(exc)
        message = (str(exc).capitalize() + "." if locked or code_needed else "Wrong e-mail or password.")
        response = render(request, "sign_in.html", {"page_title": "Sign in", "email": email, "error": message,
                                                    "next": safe_next(next)},
                          status_code=429 if locked else 400)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    sessions = web_state(request).sessions
    sessions.set(request, sessions.of(request).signed_in_as(token["token"], token["id"]))
    return RedirectResponse(safe_next(next) or "/", status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, service: ServiceDep) -> Response:
    """End the session: its token is revoked, so a copy of the cookie is worth nothing either."""
    sessions = web_state(request).sessions
    session = sessions.of(request)
    if session.token is not None:
        try:
            principal = accounts.authenticate(service.uow, session.token, ports=service.ports)
            if session.token_id is not None:
                accounts.revoke_token(service.uow, principal, session.token_id, ports=service.ports)
        except Unauthenticated:
            pass      # already ended
    sessions.set(request, session.signed_out())
    return RedirectResponse("/sign-in", status_code=303)


__all__ = ["router", "safe_next"]
