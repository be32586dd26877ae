"""The API end to end over a real database: login, tokens, assessments (in the request, and as a job a worker
thread runs), pagination and sorting in SQL, the lockout's 429, and the error shape. What a use case decides
(versions, quotes and binding, obligations, the lockout's rules) is tested on the use cases in tests/app."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.service.world import PASSWORD, Tenant, auth, make_tenant, ok, wait_job


def test_world_and_assessments(client: TestClient, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw = t.h("underwriter")
    a = ok(client.get(f"/assessments/{t.brokered.assessment}", headers=uw))
    assert a["status"] == "succeeded" and a["trials"] == 1000 and a["seed"] == 7 and a["profile_version"] == 1
    assert a["result"]["trials"] == 1000 and a["engine_version"] == a["result"]["engine_version"]
    job = wait_job(client, uw, t.brokered.job)
    assert job["status"] == "succeeded" and job["progress"] == 1.0 and job["attempts"] == 1
    queued = ok(client.get(f"/assessments/{job['subject_id']}", headers=uw))
    assert queued["status"] == "succeeded" and queued["result"]["trials"] == 6000


def test_tokens_are_shown_once_revocable_and_only_hashed(client: TestClient, service: Any,
                                                        world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    made = ok(client.post("/auth/tokens", headers=t.h("broker"), json={"name": "script", "expires_in_days": 1}), 201)
    secret = made["token"]
    assert ok(client.get("/auth/me", headers=auth(secret)))["role"] == "broker"
    listed = ok(client.get("/auth/tokens", headers=t.h("broker")))
    assert all(x.get("token") is None for x in listed) and made["id"] in {x["id"] for x in listed}
    ok(client.delete(f"/auth/tokens/{made['id']}", headers=t.h("broker")))
    r = client.get("/auth/me", headers=auth(secret))
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    from sqlalchemy import select

    from cyberrx.adapters.store.tables import Token
    with service.store.read() as s:
        hashes = s.execute(select(Token.token_hash)).scalars().all()
    assert secret not in hashes and all(len(h) == 64 for h in hashes)


def test_expired_token_and_wrong_password_are_refused(client: TestClient, service: Any,
                                                      world: tuple[Tenant, Tenant]) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from cyberrx.adapters.store.tables import Token

    t, _ = world
    email = ok(client.get("/auth/me", headers=t.h("broker")))["email"]
    session = ok(client.post("/auth/login", json={"email": email, "password": PASSWORD}))   # a token of its own
    with service.store.write() as s:
        s.execute(update(Token).where(Token.id == session["id"])
                  .values(expires_at=service.ports.clock.now() - timedelta(1)))
    r = client.get("/auth/me", headers=auth(session["token"]))
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    r = client.post("/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_lists_paginate_filter_and_sort(client: TestClient, service: Any) -> None:
    t = make_tenant(client, service.store)
    h = t.h("underwriter")
    page = ok(client.get("/practices", headers=h, params={"limit": 1, "sort": "name"}))
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["name"].startswith("Brokered")
    page2 = ok(client.get("/practices", headers=h, params={"limit": 1, "offset": 1, "sort": "name"}))
    assert page2["items"][0]["name"].startswith("Direct")
    only = ok(client.get("/assessments", headers=h, params={"practice_id": t.direct.practice}))
    assert {a["practice_id"] for a in only["items"]} == {t.direct.practice} and only["total"] == 2
    r = client.get("/practices", headers=h, params={"sort": "password"})
    assert r.status_code == 422
    assert r.json() == {"error": {"code": "invalid_input", "message": r.json()["error"]["message"], "field": "sort"}}


def test_errors_have_one_shape(client: TestClient, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    cases = [
        (client.get("/practices"), 401, "unauthenticated"),
        (client.get(f"/claims/{'0' * 32}", headers=t.h("claims_adjuster")), 404, "not_found"),
        (client.post("/practices", headers=t.h("broker"), json={"profile": {"name": "x"}}), 422, "invalid_input"),
        (client.post("/policies", headers=t.h("broker"),
                     json={"practice_id": t.brokered.practice, "terms": {}}), 422, "invalid_input"),
        (client.post(f"/claims/{t.brokered.claim}/payments", headers={**t.h("broker"), "Idempotency-Key": "k"},
                     json={"amount": "1.00"}), 403, "forbidden"),
        (client.get("/no-such-route", headers=t.h("broker")), 404, "not_found"),
    ]
    for r, status, code in cases:
        assert r.status_code == status, (r.status_code, r.text)
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
        assert body["error"]["code"] == code and body["error"]["message"]
    bad = client.post("/practices", headers=t.h("broker"), json={"profile": {"name": "x"}}).json()
    assert bad["error"]["field"].startswith("profile.")


def test_a_locked_email_is_answered_429_with_retry_after(client: TestClient, service: Any) -> None:
    """Five failures in a row lock logins for that e-mail for 15 minutes (the settings' defaults), even with the
    right password; an unknown e-mail gets exactly the same answers, so a lockout reveals no account. (The rules,
    on a moving clock, are tested on the use case: tests/app/test_app_accounts.py.)"""
    from tests.service.world import fast_ports

    from cyberrx.app import accounts

    carrier = accounts.create_carrier(service.store, "Lockout Mutual", ports=fast_ports())
    email = f"locked-{uuid.uuid4().hex[:8]}@example.org"
    accounts.create_user_unchecked(service.store, carrier["id"], email, "u", "underwriter", PASSWORD,
                                   ports=fast_ports())
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    settings = service.settings
    assert (settings.login_max_failures, settings.login_lockout_minutes) == (5, 15.0)

    def attempt(address: str, password: str) -> Any:
        return client.post("/auth/login", json={"email": address, "password": password})

    for address in (email, unknown):
        statuses = [attempt(address, "wrong password!!").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        locked = attempt(address, PASSWORD)
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"
        assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
        assert "try again in 15 minutes" in locked.json()["error"]["message"]


def test_failures_spread_over_time_do_not_lock_and_stale_rows_are_purged(client: TestClient, service: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Failures count in a row only while each comes within the lockout window (15 minutes) of the one before;
    rows of e-mails that stopped failing a day ago are deleted by the next failure of any e-mail."""
    from datetime import timedelta

    from sqlalchemy import select

    from cyberrx.adapters.store.tables import LoginFailure
    from cyberrx.app.accounts import hash_token

    start = service.ports.clock.now()
    clock = {"now": start}
    monkeypatch.setattr(service.ports.clock, "now", lambda: clock["now"])
    email = f"slow-{uuid.uuid4().hex[:8]}@example.org"

    def fail() -> int:
        return client.post("/auth/login", json={"email": email, "password": "wrong password!!"}).status_code

    assert [fail() for _ in range(4)] == [401] * 4
    clock["now"] = start + timedelta(minutes=16)        # the fifth comes after the window: counting restarts
    assert fail() == 401
    assert [fail() for _ in range(3)] == [401] * 3      # 4 in a row now
    assert fail() == 429                                 # the fifth within the window locks
    # a day and a half later another e-mail fails: this e-mail's row (lock long expired) is purged
    clock["now"] = start + timedelta(days=1, hours=12)
    other = f"other-{uuid.uuid4().hex[:8]}@example.org"
    assert client.post("/auth/login", json={"email": other, "password": "wrong password!!"}).status_code == 401
    with service.store.read() as s:
        keys = set(s.execute(select(LoginFailure.email_hash)).scalars())
    assert hash_token(email) not in keys and hash_token(other) in keys
