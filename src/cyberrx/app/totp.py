"""Two-factor sign-in for staff with TOTP (RFC 6238, ``pyotp``): a 6-digit code from an authenticator app,
renewed every 30 seconds.

A carrier's staff (admins, underwriters, claims adjusters: the people who bind, pay and administer) may turn it
on: :func:`begin` makes a secret (shown once, as an ``otpauth://`` URI for the app's QR scanner), :func:`confirm`
turns two-factor on once a code from the app checks. From then on a sign-in needs the code as well
(:func:`check_code`); a code is accepted once (its time step is kept) and one step of clock drift either way is
allowed. Turning it off (:func:`disable`) needs a current code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cyberrx.adapters.store.tables import UserTotp
from cyberrx.app import audit
from cyberrx.app.authz import Forbidden, OrgKind, Principal, Unauthenticated
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.errors import Conflict, InvalidInput

ISSUER = "cyberrx"
STEP_SECONDS = 30
#: kinds of organisation whose users may (and are encouraged to) use two-factor sign-in
STAFF_KINDS = frozenset({OrgKind.CARRIER})


def _totp(secret: str) -> Any:
    import pyotp

    return pyotp.TOTP(secret, interval=STEP_SECONDS)


def _accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if it was not used before."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = _totp(secret)
    step = int(now.timestamp()) // STEP_SECONDS
    for s in (step, step - 1, step + 1):
        if totp.at(s * STEP_SECONDS) == code and (last_step is None or s > last_step):
            return s
    return None


def _require_session(principal: Principal) -> None:
    if principal.token_kind != "session":
        raise Forbidden("an API token cannot do this: sign in with your password")


def begin(uow: UnitOfWork, principal: Principal, email: str, *, ports: Ports | None = None) -> dict[str, str]:
    """A new secret for the caller (staff only), not yet in force: ``{secret, uri}``."""
    import pyotp

    ports = ports or default_ports()
    _require_session(principal)
    if principal.organisation_kind not in STAFF_KINDS:
        raise Forbidden("two-factor sign-in is for a carrier's staff")
    secret = pyotp.random_base32()
    with uow.writing() as tx:
        row = tx.totp.get(principal.user_id, lock=True)
        if row is not None and row.enabled_at is not None:
            raise Conflict("two-factor sign-in is already on: turn it off first")
        tx.totp.put(UserTotp(user_id=principal.user_id, secret=secret, enabled_at=None, last_step=None))
        tx.commit()
    return {"secret": secret, "uri": _totp(secret).provisioning_uri(name=email, issuer_name=ISSUER)}


def confirm(uow: UnitOfWork, principal: Principal, code: str, *, ports: Ports | None = None) -> dict[str, bool]:
    """Turn two-factor sign-in on with a code from the app; audited."""
    ports = ports or default_ports()
    _require_session(principal)
    now = ports.clock.now()
    with uow.writing() as tx:
        row = tx.totp.get(principal.user_id, lock=True)
        if row is None:
            raise InvalidInput("start with POST /auth/totp", field="code")
        step = _accepted_step(row.secret, code, now, row.last_step)
        if step is None:
            raise InvalidInput("the code does not match", field="code", allowed="the 6 digits the app shows now")
        row.enabled_at, row.last_step = now, step
        audit.record(tx, ports.clock, principal, "user.totp_on", "user", principal.user_id, None, {"on": True})
        tx.commit()
    return {"enabled": True}


def disable(uow: UnitOfWork, principal: Principal, code: str, *, ports: Ports | None = None) -> dict[str, bool]:
    """Turn two-factor sign-in off (a current code is needed); audited."""
    ports = ports or default_ports()
    _require_session(principal)
    now = ports.clock.now()
    with uow.writing() as tx:
        row = tx.totp.get(principal.user_id, lock=True)
        if row is None or row.enabled_at is None:
            return {"enabled": False}
        if _accepted_step(row.secret, code, now, row.last_step) is None:
            raise InvalidInput("the code does not match", field="code", allowed="the 6 digits the app shows now")
        tx.totp.delete(principal.user_id)
        audit.record(tx, ports.clock, principal, "user.totp_off", "user", principal.user_id, None, {"on": False})
        tx.commit()
    return {"enabled": False}


def check_code(uow: UnitOfWork, user_id: str, code: str | None, now: datetime) -> None:
    """Unauthenticated unless the user has no two-factor sign-in, or ``code`` is a current, unused code (then it
    is used up)."""
    with uow.writing() as tx:
        row = tx.totp.get(user_id, lock=True)
        if row is None or row.enabled_at is None:
            return
        if not code:
            raise Unauthenticated("a one-time code from your authenticator app is required (one_time_code)")
        step = _accepted_step(row.secret, code, now, row.last_step)
        if step is None:
            raise Unauthenticated("the one-time code does not match")
        row.last_step = step
        tx.commit()


__all__ = ["ISSUER", "STAFF_KINDS", "begin", "check_code", "confirm", "disable"]
