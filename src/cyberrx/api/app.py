"""The app factory: ``create_app(service)``; nothing is built at import.

``uvicorn --factory cyberrx.api.app:app_from_settings`` (what ``cyberrx serve`` runs) builds the service from the
settings, migrates the database and starts the job workers. The same app serves the web pages
(:mod:`cyberrx.web`: ``/``, ``/sign-in``, ``/practices``, ...), their static files and Swagger UI at ``/docs``
from vendored files (no CDN).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from cyberrx import __version__
from cyberrx.api import errors
from cyberrx.api.middleware import BodyLimit, RequestLog, SecurityHeaders
from cyberrx.api.routers import accounts, claims, portfolio, practices, quotes, threats
from cyberrx.app import health as health_app
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

    # both run on the event loop (async), so they answer while the request threads are all busy
    @app.get("/health", tags=["health"])
    async def health() -> dict[str, Any]:
        """Liveness: the process answers (see /ready for whether it can work)."""
        return {"status": "ok", "version": __version__}

    checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cyberrx-ready")

    @app.get("/ready", tags=["health"], responses={503: {"description": "not ready: the reasons by check"}})
    async def ready() -> JSONResponse:
        """Readiness: the database answers and jobs get run (this process's workers alive, or, when they run in
        their own process, no job waiting too long). 503 with Retry-After otherwise."""
        here = service.jobs.health if service.jobs.running_here else None
        result = await asyncio.get_running_loop().run_in_executor(checker, lambda: health_app.readiness(
            service.store.ping, service.uow, service.ports.clock, workers_here=here,
            queue_wait_max=timedelta(seconds=service.settings.ready_queue_wait_seconds)))
        if result.ready:
            return JSONResponse(result.as_dict())
        return JSONResponse(result.as_dict(), status_code=503,
                            headers={"Retry-After": str(errors.RETRY_AFTER_UNAVAILABLE)})

    app.include_router(accounts.router)
    app.include_router(practices.router)
    app.include_router(quotes.router)
    app.include_router(claims.router)
    app.include_router(threats.router)
    app.include_router(portfolio.router)
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
