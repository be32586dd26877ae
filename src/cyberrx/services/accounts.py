"""Organisations, users, password login and API tokens.

Passwords are hashed with argon2id (``argon2-cffi``'s defaults). A login returns a session token; a program uses
an API token. Both are 256-bit random secrets shown once; only their SHA-256 is stored, so a copy of the database
does not give access. Tokens expire (``expires_at``, UTC) and can be revoked.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from cyberrx.errors import Conflict, InvalidInput
from cyberrx.services.authz import (
    ROLES_BY_KIND,
    OrgKind,
    Principal,
    Role,
    TooManyAttempts,
    Unauthenticated,
    not_found,
    organisation_scope,
    require,
    user_scope,
)
from cyberrx.services.common import Page, PageRequest, as_utc, iso, new_id, paginate, utcnow
from cyberrx.store import Store
from cyberrx.store.models import LoginFailure, Organisation, Token, User

_hasher = PasswordHasher()
#: verified when the e-mail is unknown, so a login takes as long whether or not the account exists
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD_LENGTH = 12
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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("the password is too short", field="password",
                           allowed=f"at least {MIN_PASSWORD_LENGTH} characters")


# ---- bootstrap (command line, no caller) ------------------------------------------------------------------
def create_carrier(store: Store, name: str) -> dict[str, Any]:
    """A new tenant: a carrier organisation (only from the command line)."""
    org_id = new_id()
    with store.write() as s:
        org = Organisation(id=org_id, kind=OrgKind.CARRIER.value, name=name, carrier_id=org_id, brokerage_id=None,
                           created_at=utcnow())
        s.add(org)
        return org_dict(org)


def _checked(email: str, role: str, password: str) -> tuple[str, Role, str]:
    """The e-mail normalised, the role, and the password's argon2 hash (checked before any write)."""
    _check_password(password)
    try:
        role_v = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}", field="role", allowed=", ".join(r.value for r in Role)) from None
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("not an e-mail address", field="email")
    return email, role_v, _hasher.hash(password)


def _add_user(s: Any, org: Organisation, email: str, name: str, role_v: Role, password_hash: str) -> User:
    if role_v not in ROLES_BY_KIND[OrgKind(org.kind)]:
        allowed = ", ".join(sorted(r.value for r in ROLES_BY_KIND[OrgKind(org.kind)]))
        raise InvalidInput(f"a {org.kind} has no {role_v.value} users", field="role", allowed=allowed)
    user = User(id=new_id(), organisation_id=org.id, carrier_id=org.carrier_id, email=email, name=name,
                role=role_v.value, password_hash=password_hash, active=True, created_at=utcnow())
    s.add(user)
    s.flush()
    return user


def _insert_user(store: Store, org_id: str, email: str, name: str, role: str, password: str,
                 principal: Principal | None) -> dict[str, Any]:
    email, role_v, password_hash = _checked(email, role, password)
    try:
        with store.write() as s:
            stmt = select(Organisation).where(Organisation.id == org_id)
            if principal is not None:
                stmt = stmt.where(organisation_scope(principal))
            org = s.execute(stmt).scalar_one_or_none()
            if org is None:
                raise not_found("organisation", org_id)
            if principal is not None:
                require(principal, "user.create")
            return user_dict(_add_user(s, org, email, name, role_v, password_hash))
    except IntegrityError:
        raise Conflict(f"a user with e-mail {email} already exists") from None


def create_carrier_with_user(store: Store, carrier_name: str, email: str, name: str, role: str,
                             password: str) -> dict[str, Any]:
    """A new tenant and its first user, in one transaction (only from the command line)."""
    email, role_v, password_hash = _checked(email, role, password)
    org_id = new_id()
    try:
        with store.write() as s:
            org = Organisation(id=org_id, kind=OrgKind.CARRIER.value, name=carrier_name, carrier_id=org_id,
                               brokerage_id=None, created_at=utcnow())
            s.add(org)
            s.flush()
            return user_dict(_add_user(s, org, email, name, role_v, password_hash))
    except IntegrityError:
        raise Conflict(f"a user with e-mail {email} already exists") from None


def create_user_unchecked(store: Store, org_id: str, email: str, name: str, role: str,
                          password: str) -> dict[str, Any]:
    """A user of any organisation (only from the command line, by the operator)."""
    return _insert_user(store, org_id, email, name, role, password, None)


# ---- use cases with a caller -------------------------------------------------------------------------------
def create_organisation(store: Store, principal: Principal, kind: str, name: str) -> dict[str, Any]:
    """A brokerage in the caller's carrier (practices are made with :func:`cyberrx.services.practices.create`)."""
    require(principal, "organisation.create")
    if kind != OrgKind.BROKERAGE.value or principal.organisation_kind != OrgKind.CARRIER:
        raise InvalidInput(f"cannot create a {kind} organisation here", field="kind",
                           allowed="brokerage (by a carrier admin); practices: POST /practices")
    with store.write() as s:
        org = Organisation(id=new_id(), kind=kind, name=name, carrier_id=principal.carrier_id, brokerage_id=None,
                           created_at=utcnow())
        s.add(org)
        return org_dict(org)


def get_organisation(store: Store, principal: Principal, org_id: str) -> dict[str, Any]:
    with store.read() as s:
        org = s.execute(select(Organisation).where(Organisation.id == org_id, organisation_scope(principal))
                        ).scalar_one_or_none()
        if org is None:
            raise not_found("organisation", org_id)
        require(principal, "organisation.read")
        return org_dict(org)


def list_organisations(store: Store, principal: Principal, page: PageRequest, kind: str | None = None) -> Page:
    require(principal, "organisation.read")
    stmt = select(Organisation).where(organisation_scope(principal))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Organisation.created_at, "name": Organisation.name,
                                               "kind": Organisation.kind}, Organisation.id)
        return Page([org_dict(o) for o in rows], total, page.limit, page.offset)


def create_user(store: Store, principal: Principal, organisation_id: str, email: str, name: str, role: str,
                password: str) -> dict[str, Any]:
    """A user of an organisation the caller (an admin) can see; another tenant's organisation is not found."""
    return _insert_user(store, organisation_id, email, name, role, password, principal)


def get_user(store: Store, principal: Principal, user_id: str) -> dict[str, Any]:
    with store.read() as s:
        user = s.execute(select(User).where(User.id == user_id, user_scope(principal))).scalar_one_or_none()
        if user is None:
            raise not_found("user", user_id)
        if user.id != principal.user_id:
            require(principal, "user.read")
        return user_dict(user)


def list_users(store: Store, principal: Principal, page: PageRequest, role: str | None = None) -> Page:
    require(principal, "user.read")
    stmt = select(User).where(user_scope(principal))
    if role:
        stmt = stmt.where(User.role == role)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": User.created_at, "email": User.email,
                                               "role": User.role}, User.id)
        return Page([user_dict(u) for u in rows], total, page.limit, page.offset)


def set_user_active(store: Store, principal: Principal, user_id: str, active: bool) -> dict[str, Any]:
    """Deactivate (or reactivate) a user; a deactivated user's tokens stop working at once."""
    with store.write() as s:
        user = s.execute(select(User).where(User.id == user_id, user_scope(principal))).scalar_one_or_none()
        if user is None:
            raise not_found("user", user_id)
        require(principal, "user.update")
        user.active = active
        return user_dict(user)


def _issue(store: Store, user_id: str, kind: str, name: str, lifetime: timedelta) -> dict[str, Any]:
    secret = f"crx_{kind[0]}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    with store.write() as s:
        token = Token(id=new_id(), user_id=user_id, kind=kind, name=name, token_hash=hash_token(secret),
                      created_at=now, expires_at=now + lifetime, revoked_at=None)
        s.add(token)
        return {**token_dict(token), "token": secret}


def login(store: Store, email: str, password: str, session_ttl_hours: float, *, max_failures: int = 5,
          lockout: timedelta = timedelta(minutes=15)) -> dict[str, Any]:
    """A session token for a correct e-mail and password; Unauthenticated otherwise (same answer either way).

    After ``max_failures`` failed logins in a row for one e-mail (each within ``lockout`` of the one before),
    logins for it are refused for ``lockout`` (TooManyAttempts), even with the right password, whether or not
    the account exists; a success clears the count. The count lives in the database, so it holds across
    restarts and server processes."""
    address = email.strip().lower()
    key = hash_token(address)
    now = utcnow()
    with store.read() as s:
        user = s.execute(select(User).where(User.email == address)).scalar_one_or_none()
        record = s.get(LoginFailure, key)
    locked_until = as_utc(record.locked_until) if record is not None else None
    if locked_until is not None and locked_until > now:
        raise _locked(locked_until, now)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        ok = True
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        until = _record_failure(store, key, now, max_failures, lockout)
        if until is not None:
            raise _locked(until, now)
        raise Unauthenticated("wrong e-mail or password")
    if record is not None:
        with store.write() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.email_hash == key))
    return _issue(store, user.id, "session", "login", timedelta(hours=session_ttl_hours))


def _locked(until: datetime, now: datetime) -> TooManyAttempts:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = math.ceil(seconds / 60)
    return TooManyAttempts(f"too many failed logins for this e-mail: try again in {minutes} minute"
                           f"{'s' if minutes != 1 else ''}", seconds)


def _record_failure(store: Store, key: str, now: datetime, max_failures: int,
                    lockout: timedelta) -> datetime | None:
    """Count one failure for ``key``; the time logins are locked until when this one reaches the limit."""
    for attempt in range(2):
        try:
            with store.write() as s:
                record = s.execute(select(LoginFailure).where(LoginFailure.email_hash == key)
                                   .with_for_update()).scalar_one_or_none()
                if record is None:
                    record = LoginFailure(email_hash=key, failures=0, locked_until=None, updated_at=now)
                    s.add(record)
                else:
                    last = as_utc(record.updated_at)
                    if last is not None and now - last > lockout:
                        record.failures = 0     # failures count in a row, each within a lockout window
                record.failures += 1
                record.updated_at = now
                # rows of e-mails that stopped failing a day ago are kept no longer (attackers invent e-mails)
                s.execute(delete(LoginFailure).where(
                    LoginFailure.updated_at < now - STALE_FAILURES, LoginFailure.email_hash != key,
                    or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now)))
                if record.failures >= max_failures:
                    record.failures = 0
                    record.locked_until = now + lockout
                    return record.locked_until
                return None
        except IntegrityError:      # two first failures at once: the other inserted the row, count again
            if attempt:
                raise
    return None


def create_api_token(store: Store, principal: Principal, name: str, expires_in_days: int,
                     max_days: int) -> dict[str, Any]:
    """An API token for the caller, valid ``expires_in_days`` days; the secret is in the answer only."""
    require(principal, "token.manage")
    if not 1 <= expires_in_days <= max_days:
        raise InvalidInput(f"{expires_in_days} days is out of range", field="expires_in_days",
                           allowed=f"1 to {max_days}")
    return _issue(store, principal.user_id, "api", name, timedelta(days=expires_in_days))


def list_tokens(store: Store, principal: Principal) -> list[dict[str, Any]]:
    with store.read() as s:
        rows = s.execute(select(Token).where(Token.user_id == principal.user_id)
                         .order_by(Token.created_at.desc(), Token.id)).scalars().all()
        return [token_dict(t) for t in rows]


def revoke_token(store: Store, principal: Principal, token_id: str) -> dict[str, Any]:
    """Revoke one of the caller's own tokens (others' tokens are not found)."""
    with store.write() as s:
        token = s.execute(select(Token).where(Token.id == token_id, Token.user_id == principal.user_id)
                          ).scalar_one_or_none()
        if token is None:
            raise not_found("token", token_id)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        return token_dict(token)


def authenticate(store: Store, secret: str) -> Principal:
    """The caller behind a bearer token, or Unauthenticated (unknown, expired, revoked, or user inactive)."""
    if not secret:
        raise Unauthenticated("a bearer token is required")
    with store.read() as s:
        row = s.execute(select(Token, User, Organisation).join(User, Token.user_id == User.id)
                        .join(Organisation, User.organisation_id == Organisation.id)
                        .where(Token.token_hash == hash_token(secret))).first()
    if row is None:
        raise Unauthenticated("unknown token")
    token, user, org = row
    if token.revoked_at is not None:
        raise Unauthenticated("the token was revoked")
    expires = as_utc(token.expires_at)
    if expires is None or expires <= utcnow():
        raise Unauthenticated("the token has expired")
    if not user.active:
        raise Unauthenticated("the user is deactivated")
    return Principal(user.id, Role(user.role), org.id, OrgKind(org.kind), org.carrier_id)


__all__ = ["authenticate", "create_api_token", "create_carrier", "create_carrier_with_user", "create_organisation",
           "create_user", "create_user_unchecked", "get_organisation", "get_user", "list_organisations",
           "list_tokens", "list_users", "login", "revoke_token", "set_user_active"]
