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
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    TokenIn,
    TokenOut,
    TotpCodeIn,
    TotpOut,
    UserIn,
    UserOut,
    UserPatch,
)
from cyberrx.app import accounts, credentials, throttle, totp

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
                          client=client, one_time_code=body.one_time_code)


@router.post("/auth/password", tags=["auth"])
def change_password(body: PasswordChangeIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Change your password (signed in with your password, not an API token); your other tokens are revoked."""
    return credentials.change_password(service.uow, principal, body.current_password, body.new_password,
                                       ports=service.ports)


@router.post("/auth/password-reset", status_code=202, tags=["auth"])
def request_password_reset(body: PasswordResetIn, service: ServiceDep, client: ClientDep) -> dict[str, Any]:
    """Ask for a password-reset e-mail (a one-time link, valid an hour). The answer is the same whether or not
    the e-mail has an account; rate-limited like sign-in."""
    throttle.admit(service.ports, throttle.LOGIN, client)
    credentials.request_reset(service.uow, body.email, ports=service.ports)
    return {"status": "if this e-mail has an account, a reset link is on its way"}


@router.post("/auth/password-reset/confirm", tags=["auth"])
def confirm_password_reset(body: PasswordResetConfirmIn, service: ServiceDep, client: ClientDep) -> dict[str, Any]:
    """Set a new password with the token of the reset e-mail (once)."""
    throttle.admit(service.ports, throttle.LOGIN, client)
    return credentials.confirm_reset(service.uow, body.token, body.new_password, ports=service.ports)


@router.post("/auth/totp", response_model=TotpOut, tags=["auth"])
def begin_totp(service: ServiceDep, principal: PrincipalDep) -> dict[str, str]:
    """Start two-factor sign-in (a carrier's staff): a secret for the authenticator app, on once confirmed."""
    me = accounts.get_user(service.uow, principal, principal.user_id)
    return totp.begin(service.uow, principal, me["email"], ports=service.ports)


@router.post("/auth/totp/confirm", tags=["auth"])
def confirm_totp(body: TotpCodeIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, bool]:
    """Turn two-factor sign-in on with a code from the app: sign-ins then need `one_time_code`."""
    return totp.confirm(service.uow, principal, body.code, ports=service.ports)


@router.post("/auth/totp/disable", tags=["auth"])
def disable_totp(body: TotpCodeIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, bool]:
    return totp.disable(service.uow, principal, body.code, ports=service.ports)


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
