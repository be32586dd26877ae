"""Mount the web application on the service's FastAPI app: the pages, ``/static`` and ``/docs``.

A resource has one URL: ``/practices/{id}`` is the practice's page in a browser and its JSON for a program. A
request goes to the pages (:class:`PageDispatch`) when a page route matches its method and path and it is a
browser's: no ``Authorization`` header, and ``Accept`` naming ``text/html`` (what browsers send for a link or a
form) or an ``HX-Request`` header (htmx). Everything else (bearer tokens, ``Accept: */*`` or JSON) reaches the API
exactly as before, so the API and its OpenAPI document are unchanged.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cyberrx.bootstrap import Service
from cyberrx.errors import InvalidInput
from cyberrx.web.deps import csrf_protect
from cyberrx.web.errors import PAGE_HEADERS, error_page
from cyberrx.web.routes import ROUTERS
from cyberrx.web.sessions import Sessions
from cyberrx.web.state import WebState
from cyberrx.web.templating import STATIC_DIR, make_templates, render

SWAGGER = "/static/vendor/swagger-ui"


def wants_page(scope: Scope) -> bool:
    """A browser's request: no Authorization header; Accept names text/html, or htmx sent it."""
    headers = dict(scope.get("headers", []))
    if b"authorization" in headers:
        return False
    return b"hx-request" in headers or b"text/html" in headers.get(b"accept", b"")


class PageDispatch:
    """ASGI middleware: a browser's request for a page goes to the pages app, everything else to the API."""

    def __init__(self, app: ASGIApp, pages: FastAPI, routes: list[APIRoute]) -> None:
        self.app = app
        self.pages = pages
        self.routes = routes

    def _page_route(self, scope: Scope) -> bool:
        path, method = scope["path"], scope["method"]
        return any(r.path_regex.match(path) and method in (r.methods or ()) for r in self.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wants_page(scope) and self._page_route(scope):
            await self.pages(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def build_pages(service: Service) -> FastAPI:
    """The pages as an app of their own (no OpenAPI): every router of :data:`cyberrx.web.routes.ROUTERS`, each
    unsafe request checked for its CSRF token."""
    settings = service.settings
    sessions = Sessions(settings.resolved_secret_key(), settings.session_ttl_hours * 3600, settings.cookie_secure)
    pages = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    pages.state.web = WebState(service, sessions, make_templates())
    for router in ROUTERS:
        pages.include_router(router, dependencies=[Depends(csrf_protect)])

    @pages.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid request"}
        return _with_headers(error_page(request, InvalidInput(str(first.get("msg", "invalid request")))))

    @pages.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        response = render(request, "error.html", {"page_title": "Error", "heading": "That did not work",
                                                  "message": str(exc.detail)}, status_code=exc.status_code)
        return _with_headers(response)

    return pages


def _with_headers(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def mount(app: FastAPI, service: Service) -> None:
    """Serve the pages (for browsers, see the module's docstring), the static files, and Swagger UI at ``/docs``
    from the vendored files (nothing from another host)."""
    pages = build_pages(service)
    app.state.pages = pages
    app.add_middleware(PageDispatch, pages=pages,
                       routes=[r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
                                   swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{SWAGGER}/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg",
                                   swagger_ui_parameters={"validatorUrl": None})


__all__ = ["PageDispatch", "build_pages", "mount", "wants_page"]
