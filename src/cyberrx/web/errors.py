"""Pages' answers to errors, in one place: :class:`PageRoute`, the route class of every page router.

A page route raises the use cases' errors as they come; here they become an HTML page with the status the API
would give (another tenant's object: 404 "not found", as if it did not exist; a role that may not: 403), a
signed-out request becomes a redirect to the sign-in page (for htmx: an ``HX-Redirect``), and a POST without
the CSRF token a 403. PageRoute also writes the session cookie when the route changed it and marks every page
``no-store`` with the security headers below.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app.authz import Forbidden, TooManyAttempts, Unauthenticated
from cyberrx.errors import Conflict, CyberRxError, InvalidInput, NotFound
from cyberrx.web.state import web_state
from cyberrx.web.templating import render

#: pages load nothing from another host; vega compiles expressions with Function (unsafe-eval); htmx and
#: vega-embed set inline styles
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
                           "form-action 'self'; base-uri 'self'; object-src 'none'")
PAGE_HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


class SignInRequired(CyberRxError):
    """No signed-in person (or their session ended): the page sends them to the sign-in form."""


class CsrfRefused(CyberRxError):
    """An unsafe request without this session's CSRF token (HTTP 403)."""


def status_of(exc: CyberRxError) -> tuple[int, str]:
    """The HTTP status and the page's heading for a domain error."""
    if isinstance(exc, CsrfRefused):
        return 403, "This form has expired"
    if isinstance(exc, Forbidden):
        return 403, "Not allowed"
    if isinstance(exc, NotFound):
        return 404, "Not found"
    if isinstance(exc, TooManyAttempts):
        return 429, "Too many attempts"
    if isinstance(exc, Conflict):
        return 409, "That could not be done"
    if isinstance(exc, InvalidInput):
        return 422, "Please check what was entered"
    return 500, "Something went wrong"


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/sign-in" if target in ("/", "/sign-in") else f"/sign-in?next={quote(target, safe='/')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, exc: CyberRxError) -> Response:
    status, heading = status_of(exc)
    if status == 404:
        message = "There is no such page, or it is not one you can see."
    elif isinstance(exc, CsrfRefused):
        message = "The form was sent without its security token. Go back, reload the page and try again."
    elif status == 500:
        message = "The error was logged."
    else:
        message = str(exc)
    return render(request, "error.html", {"page_title": heading, "heading": heading, "message": message},
                  status_code=status)


class PageRoute(APIRoute):
    """The route class of every page: domain errors as HTML pages, the session cookie, the security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except (SignInRequired, Unauthenticated):
                response = sign_in_redirect(request)
            except CyberRxError as exc:
                response = error_page(request, exc)
            web_state(request).sessions.commit(request, response)
            for name, value in PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return page


__all__ = ["CONTENT_SECURITY_POLICY", "CsrfRefused", "PageRoute", "SignInRequired", "error_page",
           "sign_in_redirect", "status_of"]
