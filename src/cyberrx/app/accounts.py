"""Organisations, users, password login and API tokens.

Passwords are hashed by the password-hasher port (argon2id in production: :mod:`cyberrx.adapters.passwords`). A
login returns a session token; a program uses an API token. Both are 256-bit random secrets shown once; only their
SHA-256 is stored, so a copy of the database does not give access. Tokens expire (``expires_at``, UTC) and can be
revoked.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cyberrx.adapters.store import Duplicate
from cyberrx.adapters.store.tables import LoginFailure, Organisation, Token, User
from cyberrx.app import audit, throttle, totp
from cyberrx.app.authz import (
    ROLES_BY_KIND,
    Forbidden,
    OrgKind,
    Principal,
    Role,
    TooManyAttempts,
    Unauthenticated,
    not_found,
    require,
    require_admin_of,
)
from cyberrx.app.common import Page, PageRequest, as_utc, iso, order_of
from cyberrx.app.password_policy import MIN_PASSWORD_LENGTH, check_password
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.errors import Conflict, InvalidInput

#: failed-login rows not touched for this long are deleted (longer than any lockout)
STALE_FAILURES = timedelta(days=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def org_dict(o: Organisation) -> dict[str, Any]:
    return {"id": o.id, "kind": o.kind, "name": o.name, "carrier_id": o.carrier_id, "brokerage_id": o.brokerage_id,
            "created_at": iso(o.created_at)}


def user_dict(u: User) -> dict[str, Any]:
    return {"id": u.id, "email": u.email, "name": u.name, "role": u.role, "organisation_id": u.organisation_id,
            "active": u.active, "created_at": iso(u.created_at)}


def token_dict(t: Token) -> dict[str, Any]:
    return {"id": t.id, "kind": t.kind, "name": t.name, "created_at": iso(t.created_at),
            "expires_at": iso(t.expires_at), "revoked": t.revoked_at is not None}


def _check_password(password: str, user_inputs: tuple[str, ...] = ()) -> None:
    check_password(password, user_inputs)


def _carrier(ports: Ports, name: str) -> Organisation:
    org_id = ports.ids.new()
    return Organisation(id=org_id, kind=OrgKind.CARRIER.value, name=name, carrier_id=org_id, brokerage_id=None,
                        created_at=ports.clock.now())


# ---- bootstrap (command line, no caller) ------------------------------------------------------------------
def create_carrier(uow: UnitOfWork, name: str, *, ports: Ports | None = None) -> dict[str, Any]:
    """A new tenant: a carrier organisation (only from the command line)."""
    ports = ports or default_ports()
    with uow.writing() as tx:
        org = tx.organisations.add(_carrier(ports, name))
        tx.commit()
        return org_dict(org)


def _checked(ports: Ports, email: str, role: str, password: str) -> tuple[str, Role, str]:
    """The e-mail normalised, the role, and the password's hash (checked before any write)."""
    _check_password(password, (email,))
    try:
        role_v = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}", field="role", allowed=", ".join(r.value for r in Role)) from None
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("not an e-mail address", field="email")
    return email, role_v, ports.hasher.hash(password)


def _add_user(tx: Any, ports: Ports, org: Organisation, email: str, name: str, role_v: Role,
              password_hash: str) -> User:
    if role_v not in ROLES_BY_KIND[OrgKind(org.kind)]:
        allowed = ", ".join(sorted(r.value for r in ROLES_BY_KIND[OrgKind(org.kind)]))
        raise InvalidInput(f"a {org.kind} has no {role_v.value} users", field="role", allowed=allowed)
    return tx.users.add(User(id=ports.ids.new(), organisation_id=org.id, carrier_id=org.carrier_id, email=email,
                             name=name, role=role_v.value, password_hash=password_hash, active=True,
                             created_at=ports.clock.now()))


def _audit_user(tx: Any, ports: Ports, principal: Principal | None, user: User,
                before: dict[str, Any] | None) -> None:
    """Chain a user's creation or change (``before`` None: created) as an account event."""
    after = {"email": user.email, "role": user.role, "organisation_id": user.organisation_id, "active": user.active}
    action = "user.create" if before is None else "user.update"
    audit.record_as(tx, ports.clock, user.carrier_id, principal.user_id if principal else audit.OPERATOR, action,
                    "user", user.id, before, after)


def _insert_user(uow: UnitOfWork, ports: Ports, org_id: str, email: str, name: str, role: str, password: str,
                 principal: Principal | None) -> dict[str, Any]:
    email, role_v, password_hash = _checked(ports, email, role, password)
    try:
        with uow.writing(principal.scope if principal is not None else None) as tx:
            org = tx.organisations.get(org_id)
            if org is None:
                raise not_found("organisation", org_id)
            if principal is not None:
                require(principal, "user.create")
                require_admin_of(principal, org.id)
            user = _add_user(tx, ports, org, email, name, role_v, password_hash)
            _audit_user(tx, ports, principal, user, None)
            tx.commit()
            return user_dict(user)
    except Duplicate:
        raise Conflict(f"a user with e-mail {email} already exists") from None


def create_carrier_with_user(uow: UnitOfWork, carrier_name: str, email: str, name: str, role: str,
                             password: str, *, ports: Ports | None = None) -> dict[str, Any]:
    """A new tenant and its first user, in one transaction (only from the command line)."""
    ports = ports or default_ports()
    email, role_v, password_hash = _checked(ports, email, role, password)
    try:
        with uow.writing() as tx:
            org = tx.organisations.add(_carrier(ports, carrier_name))
            user = _add_user(tx, ports, org, email, name, role_v, password_hash)
            _audit_user(tx, ports, None, user, None)
            tx.commit()
            return user_dict(user)
    except Duplicate:
        raise Conflict(f"a user with e-mail {email} already exists") from None


def create_user_unchecked(uow: UnitOfWork, org_id: str, email: str, name: str, role: str, password: str, *,
                          ports: Ports | None = None) -> dict[str, Any]:
    """A user of any organisation (only from the command line, by the operator)."""
    return _insert_user(uow, ports or default_ports(), org_id, email, name, role, password, None)


# ---- use cases with a caller -------------------------------------------------------------------------------
def create_organisation(uow: UnitOfWork, principal: Principal, kind: str, name: str, *,
                        ports: Ports | None = None) -> dict[str, Any]:
    """A brokerage in the caller's carrier (practices are made with :func:`cyberrx.app.practices.create`)."""
    ports = ports or default_ports()
    require(principal, "organisation.create")
    if kind != OrgKind.BROKERAGE.value or principal.organisation_kind != OrgKind.CARRIER:
        raise InvalidInput(f"cannot create a {kind} organisation here", field="kind",
                           allowed="brokerage (by a carrier admin); practices: POST /practices")
    with uow.writing(principal.scope) as tx:
        org = tx.organisations.add(Organisation(id=ports.ids.new(), kind=kind, name=name,
                                                carrier_id=principal.carrier_id, brokerage_id=None,
                                                created_at=ports.clock.now()))
        tx.commit()
        return org_dict(org)


def get_organisation(uow: UnitOfWork, principal: Principal, org_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        org = tx.organisations.get(org_id)
        if org is None:
            raise not_found("organisation", org_id)
        require(principal, "organisation.read")
        return org_dict(org)


def list_organisations(uow: UnitOfWork, principal: Principal, page: PageRequest, kind: str | None = None) -> Page:
    require(principal, "organisation.read")
    order = order_of(page, {"created_at": "created_at", "name": "name", "kind": "kind"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.organisations.list({"kind": kind} if kind else {}, order, page.limit, page.offset)
        return Page([org_dict(o) for o in rows], total, page.limit, page.offset)


def create_user(uow: UnitOfWork, principal: Principal, organisation_id: str, email: str, name: str, role: str,
                password: str, *, ports: Ports | None = None) -> dict[str, Any]:
    """A user of an organisation the caller (an admin) can see; another tenant's organisation is not found."""
    return _insert_user(uow, ports or default_ports(), organisation_id, email, name, role, password, principal)


def get_user(uow: UnitOfWork, principal: Principal, user_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        user = tx.users.get(user_id)
        if user is None:
            raise not_found("user", user_id)
        if user.id != principal.user_id:
            require(principal, "user.read")
        return user_dict(user)


def list_users(uow: UnitOfWork, principal: Principal, page: PageRequest, role: str | None = None) -> Page:
    require(principal, "user.read")
    order = order_of(page, {"created_at": "created_at", "email": "email", "role": "role"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.users.list({"role": role} if role else {}, order, page.limit, page.offset)
        return Page([user_dict(u) for u in rows], total, page.limit, page.offset)


def set_user_active(uow: UnitOfWork, principal: Principal, user_id: str, active: bool | None,
                    role: str | None = None, *, ports: Ports | None = None) -> dict[str, Any]:
    """Deactivate (or reactivate) a user, or change its role; audited. A deactivated user's tokens are revoked
    (they stop working at once and stay revoked if the user is reactivated: the user signs in again)."""
    ports = ports or default_ports()
    with uow.writing(principal.scope) as tx:
        user = tx.users.get(user_id)
        if user is None:
            raise not_found("user", user_id)
        require(principal, "user.update")
        require_admin_of(principal, user.organisation_id)
        before = {"email": user.email, "role": user.role, "organisation_id": user.organisation_id,
                  "active": user.active}
        if role is not None and role != user.role:
            org = tx.organisations.get(user.organisation_id)
            allowed = ROLES_BY_KIND[OrgKind(org.kind)] if org is not None else frozenset()
            if role not in {r.value for r in allowed}:
                raise InvalidInput(f"a {org.kind if org else 'organisation'} has no {role} users", field="role",
                                   allowed=", ".join(sorted(r.value for r in allowed)))
            if user.id == principal.user_id:
                raise InvalidInput("you cannot change your own role", field="role")
            user.role = role
        if active is not None and active != user.active:
            if not active and user.id == principal.user_id:
                raise InvalidInput("you cannot deactivate yourself", field="active")
            user.active = active
            if not active:
                tx.tokens.revoke_all(user.id, ports.clock.now())
        if before != {"email": user.email, "role": user.role, "organisation_id": user.organisation_id,
                      "active": user.active}:
            _audit_user(tx, ports, principal, user, before)
        tx.commit()
        return user_dict(user)


def _issue(uow: UnitOfWork, ports: Ports, user_id: str, kind: str, name: str,
           lifetime: timedelta, *, action: str = "token.issue", detail: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    secret = f"crx_{kind[0]}_{secrets.token_urlsafe(32)}"
    now = ports.clock.now()
    with uow.writing() as tx:
        token = tx.tokens.add(Token(id=ports.ids.new(), user_id=user_id, kind=kind, name=name,
                                    token_hash=hash_token(secret), created_at=now, expires_at=now + lifetime,
                                    revoked_at=None))
        user = tx.users.get(user_id)
        if user is not None:
            audit.record_as(tx, ports.clock, user.carrier_id, user_id, action, "user", user_id, None,
                            {"token_id": token.id, "kind": kind, "name": name, "expires_at": iso(token.expires_at),
                             **(detail or {})})
        tx.commit()
        return {**token_dict(token), "token": secret}


def login(uow: UnitOfWork, email: str, password: str, session_ttl_hours: float, *, max_failures: int = 5,
          lockout: timedelta = timedelta(minutes=15), ports: Ports | None = None,
          client: str | None = None, one_time_code: str | None = None) -> dict[str, Any]:
    """A session token for a correct e-mail and password; Unauthenticated otherwise (same answer either way).

    After ``max_failures`` failed logins in a row for one e-mail (each within ``lockout`` of the one before),
    logins for it are refused for ``lockout`` (TooManyAttempts), even with the right password, whether or not
    the account exists; a success clears the count. The count lives in the database, so it holds across
    restarts and server processes, and each attempt is counted (in one locked transaction) *before* its password
    is checked, so attempts made in parallel can never get more than ``max_failures`` checked.

    ``client`` (the caller's address) is rate-limited too (:mod:`cyberrx.app.throttle`): attempts per address and
    overall, and failed attempts per address (a password sprayed over many e-mails). A user with two-factor
    sign-in on (:mod:`cyberrx.app.totp`) also needs ``one_time_code``."""
    ports = ports or default_ports()
    throttle.check(ports, throttle.LOGIN_FAILURE, client)
    throttle.admit(ports, throttle.LOGIN, client)
    address = email.strip().lower()
    key = hash_token(address)
    now = ports.clock.now()
    with uow.reading() as tx:
        user = tx.users.by_email(address)
        stored = user.password_hash if user is not None else None
        active = user is not None and user.active
        user_id = user.id if user is not None else None
        who = _Who(user.carrier_id if user is not None else "", user_id or audit.ANONYMOUS,
                   user_id or key[:32], client)
    pauses_at = _reserve_attempt(uow, key, now, max_failures, lockout, who, ports)
    ok = ports.hasher.verify(stored if stored is not None else ports.hasher.dummy_hash, password)
    if not ok or user_id is None or not active:
        throttle.count(ports, throttle.LOGIN_FAILURE, client)
        reason = "unknown e-mail" if user_id is None else ("wrong password" if not ok else "user deactivated")
        _audit_login(uow, ports, who, "login.failure", {"reason": reason})
        if pauses_at is not None:       # this was the last attempt allowed
            raise _locked(pauses_at, now)
        raise Unauthenticated("wrong e-mail or password")
    try:
        totp.check_code(uow, user_id, one_time_code, now)
    except Unauthenticated as exc:      # counted as a failure (the attempt was counted before the check)
        _audit_login(uow, ports, who, "login.failure", {"reason": "one-time code missing or wrong"})
        if pauses_at is not None:
            raise _locked(pauses_at, now) from None
        raise exc
    with uow.writing() as tx:
        tx.login_failures.delete(key)
        tx.commit()
    return _issue(uow, ports, user_id, "session", "login", timedelta(hours=session_ttl_hours),
                  action="login.success", detail={"client": client})


@dataclass(frozen=True)
class _Who:
    """Who a sign-in is for, as the audit names them (an unknown e-mail: anonymous, by the e-mail's hash)."""

    carrier_id: str
    actor_id: str
    subject_id: str
    client: str | None


def _audit_login(uow: UnitOfWork, ports: Ports, who: _Who, action: str, after: dict[str, Any]) -> None:
    with uow.writing() as tx:
        audit.record_as(tx, ports.clock, who.carrier_id, who.actor_id, action, "user", who.subject_id, None,
                        {**after, "client": who.client})
        tx.commit()


def _locked(until: datetime, now: datetime) -> TooManyAttempts:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = math.ceil(seconds / 60)
    return TooManyAttempts(f"too many failed logins for this e-mail: try again in {minutes} minute"
                           f"{'s' if minutes != 1 else ''}", seconds)


def _reserve_attempt(uow: UnitOfWork, key: str, now: datetime, max_failures: int, lockout: timedelta,
                     who: _Who | None = None, ports: Ports | None = None) -> datetime | None:
    """Count one attempt for ``key`` before its password is checked (a success deletes the count); TooManyAttempts
    when logins for it are paused. The attempt that reaches ``max_failures`` starts the pause at once (and returns
    when it ends), so attempts in flight at the same moment are refused rather than checked."""
    for attempt in range(2):
        try:
            with uow.writing() as tx:
                row = tx.login_failures.get(key, lock=True)
                if row is None:
                    row = tx.login_failures.add(LoginFailure(email_hash=key, failures=0, locked_until=None,
                                                             updated_at=now))
                else:
                    locked_until = as_utc(row.locked_until)
                    if locked_until is not None and locked_until > now:
                        raise _locked(locked_until, now)
                    last = as_utc(row.updated_at)
                    if last is not None and now - last > lockout:
                        row.failures = 0     # failures count in a row, each within a lockout window
                row.failures += 1
                row.updated_at = now
                # rows of e-mails that stopped failing a day ago are kept no longer (attackers invent e-mails)
                tx.login_failures.purge(now - STALE_FAILURES, now, keep=key)
                until = None
                if row.failures >= max_failures:
                    row.failures = 0
                    row.locked_until = until = now + lockout
                    if who is not None and ports is not None:
                        audit.record_as(tx, ports.clock, who.carrier_id, who.actor_id, "login.lockout", "user",
                                        who.subject_id, None, {"locked_until": iso(until), "client": who.client,
                                                               "after_attempts": max_failures})
                tx.commit()
                return until
        except Duplicate:      # two first attempts at once: the other inserted the row, count again
            if attempt:
                raise
    return None


def create_api_token(uow: UnitOfWork, principal: Principal, name: str, expires_in_days: int, max_days: int, *,
                     ports: Ports | None = None) -> dict[str, Any]:
    """An API token for the caller, valid ``expires_in_days`` days; the secret is in the answer only. Only a
    signed-in person (a session) may make one: an API token cannot mint tokens (a leaked one would live for ever)."""
    require(principal, "token.manage")
    require_session(principal)
    if not 1 <= expires_in_days <= max_days:
        raise InvalidInput(f"{expires_in_days} days is out of range", field="expires_in_days",
                           allowed=f"1 to {max_days}")
    return _issue(uow, ports or default_ports(), principal.user_id, "api", name, timedelta(days=expires_in_days))


def require_session(principal: Principal) -> None:
    """Forbidden unless the caller signed in with a password (not an API token)."""
    if principal.token_kind != "session":
        raise Forbidden("an API token cannot do this: sign in with your password")


def list_tokens(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    with uow.reading() as tx:
        return [token_dict(t) for t in tx.tokens.list_for_user(principal.user_id)]


def revoke_token(uow: UnitOfWork, principal: Principal, token_id: str, *,
                 ports: Ports | None = None) -> dict[str, Any]:
    """Revoke one of the caller's own tokens (others' tokens are not found)."""
    ports = ports or default_ports()
    with uow.writing() as tx:
        token = tx.tokens.get_for_user(token_id, principal.user_id)
        if token is None:
            raise not_found("token", token_id)
        if token.revoked_at is None:
            token.revoked_at = ports.clock.now()
            audit.record_as(tx, ports.clock, principal.carrier_id, principal.user_id, "token.revoke", "user",
                            principal.user_id, None, {"token_id": token.id, "kind": token.kind})
        tx.commit()
        return token_dict(token)


def authenticate(uow: UnitOfWork, secret: str, *, ports: Ports | None = None) -> Principal:
    """The caller behind a bearer token, or Unauthenticated (unknown, expired, revoked, or user inactive)."""
    ports = ports or default_ports()
    if not secret:
        raise Unauthenticated("a bearer token is required")
    with uow.reading() as tx:
        found = tx.tokens.by_hash(hash_token(secret))
    if found is None:
        raise Unauthenticated("unknown token")
    token, user, org = found
    if token.revoked_at is not None:
        raise Unauthenticated("the token was revoked")
    expires = as_utc(token.expires_at)
    if expires is None or expires <= ports.clock.now():
        raise Unauthenticated("the token has expired")
    if not user.active:
        raise Unauthenticated("the user is deactivated")
    return Principal(user.id, Role(user.role), org.id, OrgKind(org.kind), org.carrier_id, token.kind)


def carrier_name(uow: UnitOfWork, principal: Principal) -> str:
    """The name of the caller's carrier: the insurer every document of the caller's book names (a broker's or a
    practice's scope holds no carrier row, yet its quotes and policies are that carrier's)."""
    require(principal, "organisation.read")
    with uow.reading() as tx:
        org = tx.organisations.get(principal.carrier_id)
        if org is None:
            raise not_found("organisation", principal.carrier_id)
        return str(org.name)


__all__ = ["MIN_PASSWORD_LENGTH", "authenticate", "carrier_name", "create_api_token", "create_carrier",
           "create_carrier_with_user",
           "create_organisation", "create_user", "create_user_unchecked", "get_organisation", "get_user",
           "hash_token", "list_organisations", "list_tokens", "list_users", "login", "revoke_token",
           "set_user_active"]
