"""Login, API tokens, organisations and users."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from cyberrx.api.deps import ClientDep, PageDep, PrincipalDep, ServiceDep
from cyberrx.api.errors import ErrorBody
from cyberrx.api.schemas import (
    ID_PATTERN,
    LoginIn,
    OrganisationIn,
    OrganisationOut,
    Paged,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from cyberrx.app import accounts

router = APIRouter()
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post("/auth/login", response_model=TokenOut, tags=["auth"],
             responses={429: {"model": ErrorBody, "description": "too many failed logins for this e-mail"}})
def login(body: LoginIn, service: ServiceDep, client: ClientDep) -> dict[str, Any]:
    """A session token for the web (expires after the configured hours). After repeated failures for one e-mail
    logins for it wait (429, Retry-After) whatever the password."""
    settings = service.settings
    return accounts.login(service.uow, body.email, body.password, settings.session_ttl_hours,
                          max_failures=settings.login_max_failures,
                          lockout=timedelta(minutes=settings.login_lockout_minutes), ports=service.ports,
                          client=client)


@router.get("/auth/me", response_model=UserOut, tags=["auth"])
def me(service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.get_user(service.uow, principal, principal.user_id)


@router.post("/auth/tokens", response_model=TokenOut, status_code=201, tags=["auth"])
def create_token(body: TokenIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """An API token for programs: the secret is in this answer only; store it."""
    return accounts.create_api_token(service.uow, principal, body.name, body.expires_in_days,
                                     service.settings.api_token_max_days, ports=service.ports)


@router.get("/auth/tokens", response_model=list[TokenOut], tags=["auth"])
def list_tokens(service: ServiceDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return accounts.list_tokens(service.uow, principal)


@router.delete("/auth/tokens/{token_id}", response_model=TokenOut, tags=["auth"])
def revoke_token(token_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.revoke_token(service.uow, principal, token_id, ports=service.ports)


@router.get("/organisations", response_model=Paged[OrganisationOut], tags=["organisations"])
def list_organisations(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                       kind: Annotated[str | None, Query(pattern="^(carrier|brokerage|practice)$")] = None,
                       ) -> dict[str, Any]:
    return accounts.list_organisations(service.uow, principal, page, kind).as_dict()


@router.post("/organisations", response_model=OrganisationOut, status_code=201, tags=["organisations"])
def create_organisation(body: OrganisationIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.create_organisation(service.uow, principal, body.kind, body.name, ports=service.ports)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut, tags=["organisations"])
def get_organisation(organisation_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.get_organisation(service.uow, principal, organisation_id)


@router.get("/users", response_model=Paged[UserOut], tags=["users"])
def list_users(service: ServiceDep, principal: PrincipalDep, page: PageDep,
               role: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
    return accounts.list_users(service.uow, principal, page, role).as_dict()


@router.post("/users", response_model=UserOut, status_code=201, tags=["users"])
def create_user(body: UserIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.create_user(service.uow, principal, body.organisation_id, body.email, body.name, body.role,
                                body.password, ports=service.ports)


@router.get("/users/{user_id}", response_model=UserOut, tags=["users"])
def get_user(user_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return accounts.get_user(service.uow, principal, user_id)


@router.patch("/users/{user_id}", response_model=UserOut, tags=["users"])
def patch_user(user_id: IdPath, body: UserPatch, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Deactivate or reactivate a user, or change its role (admins, inside their own organisation; a carrier's
    admins in its book); audited."""
    return accounts.set_user_active(service.uow, principal, user_id, body.active, body.role, ports=service.ports)
