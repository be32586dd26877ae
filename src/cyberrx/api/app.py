"""The app factory: ``create_app(service)``; nothing is built at import.

``uvicorn --factory cyberrx.api.app:app_from_settings`` (what ``cyberrx serve`` runs) builds the service from the
settings, migrates the database and starts the job workers. The same app serves the web pages
(:mod:`cyberrx.web`: ``/``, ``/sign-in``, ``/practices``, ...), their static files and Swagger UI at ``/docs``
from vendored files (no CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from cyberrx import __version__
from cyberrx.api import errors
from cyberrx.api.middleware import BodyLimit, RequestLog, SecurityHeaders
from cyberrx.api.routers import accounts, claims, practices, quotes
from cyberrx.bootstrap import Service, build
from cyberrx.web.app import mount


def create_app(service: Service, *, manage: bool = True) -> FastAPI:
    """The API and the web pages over ``service``. ``manage``: start the job workers with the app and close the
    service after."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage:
            service.start()
        try:
            yield
        finally:
            if manage:
                service.close()

    app = FastAPI(title="cyberrx", version=__version__, lifespan=lifespan, responses=errors.ERROR_RESPONSES,
                  docs_url=None, redoc_url=None,
                  description="Cyber risk and cyber insurance for US medical practices: practices, assessments, "
                              "policies, claims, incidents. Errors: `{\"error\": {code, message, field}}`.")
    app.state.service = service
    errors.install(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    app.include_router(accounts.router)
    app.include_router(practices.router)
    app.include_router(quotes.router)
    app.include_router(claims.router)
    mount(app, service)
    # added last = outermost: the log sees every answer, the headers go on every answer, the limit comes first
    app.add_middleware(BodyLimit, max_bytes=service.settings.request_max_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    return app


def app_from_settings() -> FastAPI:
    """Factory for uvicorn: settings from the environment and settings file."""
    return create_app(build())


__all__ = ["app_from_settings", "create_app"]
