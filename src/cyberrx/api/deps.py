"""Request dependencies (``Annotated``): the service, the authenticated caller, a page of a list."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cyberrx.app import accounts
from cyberrx.app.authz import Principal, Unauthenticated
from cyberrx.app.common import PageRequest
from cyberrx.bootstrap import Service

_bearer = HTTPBearer(auto_error=False, description="a session token (POST /auth/login) or an API token")
SORT_PATTERN = r"^-?[a-z_]{1,40}$"


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]


def get_principal(service: ServiceDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer token is required (Authorization: Bearer ...)")
    return accounts.authenticate(service.uow, credentials.credentials, ports=service.ports)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_client(request: Request) -> str | None:
    """The caller's address, for rate limits (behind a reverse proxy: run uvicorn with ``--proxy-headers`` and
    ``--forwarded-allow-ips`` set to the proxy, so this is the address the proxy saw)."""
    return request.client.host if request.client is not None else None


ClientDep = Annotated[str | None, Depends(get_client)]


def get_page(service: ServiceDep,
             limit: Annotated[int, Query(ge=1, le=200, description="rows per page")] = 50,
             offset: Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")] = 0,
             sort: Annotated[str, Query(pattern=SORT_PATTERN,
                                        description="a column, `-` first for descending")] = "-created_at",
             ) -> PageRequest:
    return PageRequest(limit=min(limit, service.settings.page_max), offset=offset, sort=sort)


PageDep = Annotated[PageRequest, Depends(get_page)]

__all__ = ["ClientDep", "PageDep", "PrincipalDep", "ServiceDep", "get_page", "get_principal", "get_service"]
