"""Accounts on the use cases: users by organisation kind, one e-mail per user, tokens (shown once, expiring,
revocable, dead with a deactivated user), and the login lockout on a clock the test moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from tests.app.world import Tenant
from tests.service.world import PASSWORD

from cyberrx.app import accounts
from cyberrx.app.accounts import hash_token
from cyberrx.app.authz import TooManyAttempts, Unauthenticated
from cyberrx.errors import Conflict, InvalidInput


def _login(uow: Any, ports: Any, email: str, password: str) -> Any:
    return accounts.login(uow, email, password, 12.0, ports=ports)


def _status(uow: Any, ports: Any, email: str, password: str) -> int:
    """What the API answers: 200, 401 or 429."""
    try:
        _login(uow, ports, email, password)
        return 200
    except TooManyAttempts:
        return 429
    except Unauthenticated:
        return 401


def test_users_belong_to_an_organisation_kind_and_an_email_is_taken_once(uow: Any, ports: Any) -> None:
    carrier = accounts.create_carrier(uow, "Acme", ports=ports)
    made = accounts.create_user_unchecked(uow, carrier["id"], " Ops@Carrier.example ", "ops", "admin", PASSWORD,
                                          ports=ports)
    assert made["email"] == "ops@carrier.example" and made["role"] == "admin"
    with pytest.raises(InvalidInput, match="a carrier has no broker users"):
        accounts.create_user_unchecked(uow, carrier["id"], "b@carrier.example", "b", "broker", PASSWORD, ports=ports)
    with pytest.raises(Conflict, match="already exists"):
        accounts.create_carrier_with_user(uow, "Other", "ops@carrier.example", "x", "admin", PASSWORD, ports=ports)
    assert len(uow.rows("organisations")) == 1                  # nothing half-written: no second carrier
    with pytest.raises(InvalidInput, match="too short"):
        accounts.create_user_unchecked(uow, carrier["id"], "c@carrier.example", "c", "admin", "short", ports=ports)
    with pytest.raises(InvalidInput, match="unknown role"):
        accounts.create_user_unchecked(uow, carrier["id"], "c@carrier.example", "c", "boss", PASSWORD, ports=ports)
    stored = uow.rows("users")[0]
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


def test_tokens_are_shown_once_expire_and_can_be_revoked(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    broker = t.who["broker"]
    made = accounts.create_api_token(uow, broker, "script", 1, 365, ports=ports)
    secret = made["token"]
    # the same caller, signed in with an API token (which cannot make tokens: issue 17)
    assert accounts.authenticate(uow, secret, ports=ports) == replace(broker, token_kind="api")
    assert all("token" not in x for x in accounts.list_tokens(uow, broker))
    assert {r.token_hash for r in uow.rows("tokens")} >= {hash_token(secret)}
    assert secret not in {r.token_hash for r in uow.rows("tokens")}
    with pytest.raises(InvalidInput, match="out of range"):
        accounts.create_api_token(uow, broker, "long", 366, 365, ports=ports)
    ports.clock.advance(timedelta(days=1))
    with pytest.raises(Unauthenticated, match="expired"):
        accounts.authenticate(uow, secret, ports=ports)
    other = accounts.create_api_token(uow, broker, "again", 1, 365, ports=ports)
    with pytest.raises(Exception, match="not found"):
        accounts.revoke_token(uow, t.who["underwriter"], other["id"], ports=ports)   # not the caller's token
    assert accounts.revoke_token(uow, broker, other["id"], ports=ports)["revoked"] is True
    with pytest.raises(Unauthenticated, match="revoked"):
        accounts.authenticate(uow, other["token"], ports=ports)
    with pytest.raises(Unauthenticated, match="unknown"):
        accounts.authenticate(uow, "crx_a_nothing", ports=ports)


def test_a_deactivated_user_cannot_log_in_and_its_tokens_stop(uow: Any, ports: Any,
                                                              world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    session = _login(uow, ports, t.emails["broker"], PASSWORD)
    accounts.set_user_active(uow, t.who["brokerage_admin"], t.who["broker"].user_id, False)
    with pytest.raises(Unauthenticated, match="revoked|deactivated"):
        accounts.authenticate(uow, session["token"], ports=ports)
    assert _status(uow, ports, t.emails["broker"], PASSWORD) == 401


def test_repeated_failed_logins_lock_the_email_for_a_while(uow: Any, ports: Any,
                                                           world: tuple[Tenant, Tenant]) -> None:
    """Five failures in a row lock logins for that e-mail for 15 minutes, even with the right password; an unknown
    e-mail gets exactly the same answers, so a lockout reveals no account."""
    t, _ = world
    email, unknown = t.emails["broker"], "nobody@example.org"
    for address in (email, unknown):
        assert [_status(uow, ports, address, "wrong password!!") for _ in range(5)] == [401, 401, 401, 401, 429]
        with pytest.raises(TooManyAttempts, match="try again in 15 minutes") as locked:
            _login(uow, ports, address, PASSWORD)
        assert locked.value.retry_after_seconds == 15 * 60
    assert _status(uow, ports, t.emails["underwriter"], PASSWORD) == 200    # other e-mails are not affected
    ports.clock.advance(timedelta(minutes=15, seconds=1))
    assert _status(uow, ports, email, PASSWORD) == 200                     # the lock is over
    # a success resets the count: four failures, a success, four failures is never locked
    assert [_status(uow, ports, email, "wrong password!!") for _ in range(4)] == [401] * 4
    assert _status(uow, ports, email, PASSWORD) == 200
    assert [_status(uow, ports, email, "wrong password!!") for _ in range(4)] == [401] * 4
    assert _status(uow, ports, email, PASSWORD) == 200


def test_failures_spread_over_time_do_not_lock_and_stale_rows_are_purged(uow: Any, ports: Any) -> None:
    email = "slow@example.org"
    assert [_status(uow, ports, email, "wrong password!!") for _ in range(4)] == [401] * 4
    ports.clock.advance(timedelta(minutes=16))          # the fifth comes after the window: counting restarts
    assert _status(uow, ports, email, "wrong password!!") == 401
    assert [_status(uow, ports, email, "wrong password!!") for _ in range(3)] == [401] * 3
    assert _status(uow, ports, email, "wrong password!!") == 429
    ports.clock.advance(timedelta(days=1, hours=12))    # another e-mail fails: this one's stale row is purged
    assert _status(uow, ports, "other@example.org", "wrong password!!") == 401
    keys = {r.email_hash for r in uow.rows("login_failures")}
    assert hash_token(email) not in keys and hash_token("other@example.org") in keys
