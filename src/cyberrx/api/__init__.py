"""The REST API (FastAPI): routers per resource over :mod:`cyberrx.app`; :func:`create_app` builds it."""

from cyberrx.api.app import create_app

__all__ = ["create_app"]
