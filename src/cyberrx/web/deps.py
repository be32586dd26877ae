"""Dependencies of the pages (``Annotated``, as the API's): the service, the signed-in principal, CSRF.

- :data:`ServiceDep`: the :class:`cyberrx.bootstrap.Service` (its ``uow``, ``ports``, ``settings``, ``limits``).
- :data:`PrincipalDep` (:func:`current_principal`): the signed-in person's :class:`cyberrx.app.authz.Principal`,
  checked against the store on every request; signed out (or the session ended) the page redirects to the
  sign-in form and shows nothing. It also sets ``request.state.viewer`` for the page header.
- :func:`csrf_protect`: every page router is included with it (:func:`cyberrx.web.app.mount`), so every POST,
  PUT, PATCH and DELETE of a page must carry the session's CSRF token (form field ``csrf_token``, or header
  ``X-CSRF-Token`` as htmx sends it) or is refused with 403.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from cyberrx.app import accounts
from cyberrx.app.authz import Principal, Unauthenticated
from cyberrx.bootstrap import Service
from cyberrx.web.errors import CsrfRefused, SignInRequired
from cyberrx.web.nav import Viewer
from cyberrx.web.sessions import CSRF_FIELD, CSRF_HEADER
from cyberrx.web.state import web_state

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def get_service(request: Request) -> Service:
    return web_state(request).service


ServiceDep = Annotated[Service, Depends(get_service)]


def current_principal(request: Request) -> Principal:
    """The signed-in person, or :class:`SignInRequired` (the page redirects to the sign-in form)."""
    web = web_state(request)
    session = web.sessions.of(request)
    if session.token is None:
        raise SignInRequired("please sign in")
    uow, ports = web.service.uow, web.service.ports
    try:
        principal = accounts.authenticate(uow, session.token, ports=ports)
    except Unauthenticated:
        web.sessions.set(request, session.signed_out())
        raise SignInRequired("your session has ended: please sign in again") from None
    user = accounts.get_user(uow, principal, principal.user_id)
    org = accounts.get_organisation(uow, principal, principal.organisation_id)
    request.state.viewer = Viewer(principal, user["email"], user["name"], org["name"])
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def csrf_protect(request: Request) -> None:
    """Refuse (403) an unsafe request whose CSRF token is missing or not this session's."""
    if request.method in SAFE_METHODS:
        return
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        sent = (await request.form()).get(CSRF_FIELD)
    expected = web_state(request).sessions.of(request).csrf
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused("the CSRF token is missing or wrong")


__all__ = ["PrincipalDep", "ServiceDep", "csrf_protect", "current_principal", "get_service"]
