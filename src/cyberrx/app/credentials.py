"""Changing and resetting a password.

- **Change** (signed in with a password, not an API token): the current password, then a new one that follows
  the policy (:mod:`cyberrx.app.password_policy`). Every other token of the user is revoked.
- **Reset** (forgotten password): :func:`request_reset` always answers the same (whether or not the e-mail has an
  account); for an active account it writes a one-time token (256 random bits, only its SHA-256 kept, valid
  ``RESET_TTL``) into an e-mail in the outbox, in the same transaction. :func:`confirm_reset` with that token
  sets the new password once; the user's tokens are revoked and the failed-login count is cleared.

Every change is audited (``user.password_change``, ``user.password_reset_request``, ``user.password_reset``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from cyberrx.adapters.store.tables import OutboxMessage, PasswordReset
from cyberrx.app import audit
from cyberrx.app.accounts import hash_token, require_session
from cyberrx.app.authz import Principal, Unauthenticated, not_found
from cyberrx.app.common import as_utc
from cyberrx.app.password_policy import check_password
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.errors import InvalidInput

RESET_TTL = timedelta(hours=1)


def change_password(uow: UnitOfWork, principal: Principal, current: str, new: str, *,
                    ports: Ports | None = None) -> dict[str, Any]:
    """Set a new password after checking the current one; the user's other tokens are revoked."""
    ports = ports or default_ports()
    require_session(principal)
    with uow.reading() as tx:
        user = tx.users.get(principal.user_id)
        if user is None:
            raise not_found("user", principal.user_id)
        stored, email, name = user.password_hash, user.email, user.name
    if not ports.hasher.verify(stored, current):
        raise InvalidInput("the current password is wrong", field="current_password")
    if new == current:
        raise InvalidInput("the new password is the current one", field="new_password")
    try:
        check_password(new, (email, name))
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field="new_password", allowed=exc.allowed) from None
    new_hash = ports.hasher.hash(new)
    now = ports.clock.now()
    with uow.writing() as tx:
        user = tx.users.get(principal.user_id)
        user.password_hash = new_hash
        revoked = tx.tokens.revoke_all(user.id, now)
        tx.password_resets.expire_for_user(user.id, now)
        audit.record(tx, ports.clock, principal, "user.password_change", "user", user.id, None,
                     {"tokens_revoked": revoked})
        tx.commit()
    return {"changed": True, "tokens_revoked": revoked}


def request_reset(uow: UnitOfWork, email: str, *, ports: Ports | None = None,
                  link: str = "/reset-password?token=") -> None:
    """Write a reset e-mail into the outbox if ``email`` has an active account; nothing otherwise (the caller
    answers the same either way). ``link``: the start of the URL the token is appended to."""
    ports = ports or default_ports()
    address = email.strip().lower()
    secret = f"crx_r_{secrets.token_urlsafe(32)}"
    now = ports.clock.now()
    with uow.writing() as tx:
        user = tx.users.by_email(address)
        if user is None or not user.active:
            return
        tx.password_resets.expire_for_user(user.id, now)
        tx.password_resets.add(PasswordReset(id=ports.ids.new(), user_id=user.id, token_hash=hash_token(secret),
                                             created_at=now, expires_at=now + RESET_TTL, used_at=None))
        minutes = int(RESET_TTL.total_seconds() // 60)
        tx.outbox.add(OutboxMessage(
            id=ports.ids.new(), carrier_id=user.carrier_id, alert_id=None, kind="password_reset", attempts=0,
            to_address=user.email, subject="Reset your cyberrx password",
            body=(f"Someone asked to reset the password of {user.email} on cyberrx.\n\n"
                  f"To choose a new password, open this link within {minutes} minutes (it works once):\n"
                  f"{link}{secret}\n\nIf it was not you, ignore this e-mail: your password stays as it is.\n"),
            created_at=now, sent_at=None))
        audit.record_as(tx, ports.clock, user.carrier_id, audit.ANONYMOUS, "user.password_reset_request", "user",
                        user.id, None, {"expires_at": (now + RESET_TTL).isoformat()})
        tx.commit()


def confirm_reset(uow: UnitOfWork, token: str, new: str, *, ports: Ports | None = None) -> dict[str, Any]:
    """Set the password of the reset token's user (once, before it expires); the user's tokens are revoked."""
    ports = ports or default_ports()
    now = ports.clock.now()
    with uow.reading() as tx:
        reset = tx.password_resets.by_hash(hash_token(token))
        user = tx.users.get(reset.user_id) if reset is not None else None
        usable = (reset is not None and reset.used_at is None and user is not None and user.active
                  and (as_utc(reset.expires_at) or now) > now)
        email, name = (user.email, user.name) if user is not None else ("", "")
    if not usable:
        raise Unauthenticated("the reset link is unknown, used or expired: ask for a new one")
    try:
        check_password(new, (email, name))
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field="new_password", allowed=exc.allowed) from None
    new_hash = ports.hasher.hash(new)
    with uow.writing() as tx:
        reset = tx.password_resets.by_hash(hash_token(token), lock=True)
        if reset is None or reset.used_at is not None:      # used at the same moment by another request
            raise Unauthenticated("the reset link is unknown, used or expired: ask for a new one")
        reset.used_at = now
        user = tx.users.get(reset.user_id)
        user.password_hash = new_hash
        revoked = tx.tokens.revoke_all(user.id, now)
        tx.login_failures.delete(hash_token(user.email))
        audit.record_as(tx, ports.clock, user.carrier_id, user.id, "user.password_reset", "user", user.id, None,
                        {"tokens_revoked": revoked})
        tx.commit()
    return {"changed": True, "tokens_revoked": revoked}


__all__ = ["RESET_TTL", "change_password", "confirm_reset", "request_reset"]
