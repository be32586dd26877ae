"""Issue 17, finding 7: password change and reset (a one-time token through the outbox), a password policy that
refuses common and guessable passwords (zxcvbn), TOTP two-factor sign-in for staff (pyotp), API tokens that
cannot mint tokens, and a reactivated user's old tokens that stay revoked."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from tests.service.world import PASSWORD, Tenant, auth, ok

NEW_PASSWORD = "purple otter sings quietly at dawn"


def _login(client: TestClient, email: str, password: str, **extra: Any) -> Any:
    return client.post("/auth/login", json={"email": email, "password": password, **extra})


def _new_user(client: TestClient, t: Tenant, role: str = "underwriter") -> tuple[str, str]:
    email = f"cred-{role}-{t.carrier[:6]}-{pyotp.random_base32()[:8]}@carrier.example".lower()
    user = ok(client.post("/users", headers=t.h("carrier_admin"), json={
        "organisation_id": t.carrier, "email": email, "name": "Cred", "role": role, "password": PASSWORD}), 201)
    return email, user["id"]


@pytest.mark.parametrize("weak", ["password123456", "qwertyuiopasdf", "aaaaaaaaaaaaaaaa", "Password1234!",
                                  "iloveyou123456", "cred-carrier-example-2026"])
def test_common_and_guessable_passwords_are_refused(client, world, weak):
    t = world[0]
    r = client.post("/users", headers=t.h("carrier_admin"), json={
        "organisation_id": t.carrier, "email": "cred-carrier-example@x.example", "name": "W",
        "role": "underwriter", "password": weak})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "password" and "guess" in err["message"], err


def test_a_password_change_needs_the_current_password_and_revokes_other_tokens(client, world):
    t = world[0]
    email, _ = _new_user(client, t)
    first = ok(_login(client, email, PASSWORD))["token"]
    second = ok(_login(client, email, PASSWORD))["token"]
    r = client.post("/auth/password", headers=auth(second), json={"current_password": "not it at all really",
                                                                  "new_password": NEW_PASSWORD})
    assert r.status_code == 422 and r.json()["error"]["field"] == "current_password"
    r = client.post("/auth/password", headers=auth(second), json={"current_password": PASSWORD,
                                                                  "new_password": "password123456"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "new_password"
    ok(client.post("/auth/password", headers=auth(second), json={"current_password": PASSWORD,
                                                                  "new_password": NEW_PASSWORD}))
    assert client.get("/auth/me", headers=auth(first)).status_code == 401
    assert _login(client, email, PASSWORD).status_code == 401
    ok(_login(client, email, NEW_PASSWORD))


def test_a_password_reset_goes_through_the_outbox_and_works_once(client, world, service):
    t = world[0]
    email, _ = _new_user(client, t)
    old = ok(_login(client, email, PASSWORD))["token"]
    unknown = client.post("/auth/password-reset", json={"email": "nobody-here@carrier.example"})
    known = client.post("/auth/password-reset", json={"email": email})
    assert unknown.status_code == known.status_code == 202 and unknown.json() == known.json()
    with service.uow.reading() as tx:
        mails = tx.outbox.for_address(email)
        assert tx.outbox.for_address("nobody-here@carrier.example") == []
    assert len(mails) == 1 and "Reset your cyberrx password" in mails[0].subject
    token = re.search(r"token=(crx_r_\S+)", mails[0].body).group(1)  # type: ignore[union-attr]
    # the one outbox (shared with the threat alerts) is drained by the one sender: the reset mail goes out once
    from cyberrx.app.threats import drain_outbox

    sent: list[Any] = []
    drain_outbox(service.uow, sent.append)
    assert [m.subject for m in sent if m.to == email] == ["Reset your cyberrx password"]
    drain_outbox(service.uow, sent.append)
    assert [m.to for m in sent].count(email) == 1
    r = client.post("/auth/password-reset/confirm", json={"token": token, "new_password": "password123456"})
    assert r.status_code == 422                                # the policy applies; the token is not used up
    ok(client.post("/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}))
    again = client.post("/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD + "!"})
    assert again.status_code == 401
    assert client.get("/auth/me", headers=auth(old)).status_code == 401
    ok(_login(client, email, NEW_PASSWORD))


def test_staff_two_factor_sign_in(client, world):
    t = world[0]
    email, _ = _new_user(client, t, "claims_adjuster")
    h = auth(ok(_login(client, email, PASSWORD))["token"])
    started = ok(client.post("/auth/totp", headers=h))
    assert started["uri"].startswith("otpauth://totp/")
    assert client.post("/auth/totp/confirm", headers=h, json={"code": "000000"}).status_code == 422
    app = pyotp.TOTP(started["secret"])
    ok(client.post("/auth/totp/confirm", headers=h, json={"code": app.now()}))
    r = _login(client, email, PASSWORD)
    assert r.status_code == 401 and "one-time code" in r.json()["error"]["message"]
    assert _login(client, email, PASSWORD, one_time_code="123456").status_code == 401
    # the code used to turn it on was used up: the next step's code (or this step's after it) signs in
    code = app.at(__import__("time").time() + 30)
    ok(_login(client, email, PASSWORD, one_time_code=code))
    assert _login(client, email, PASSWORD, one_time_code=code).status_code == 401     # a code works once
    practice = client.post("/auth/totp", headers=t.h("practice_manager"))
    assert practice.status_code == 403


def test_an_api_token_cannot_mint_tokens_or_change_credentials(client, world):
    t = world[0]
    api = ok(client.post("/auth/tokens", headers=t.h("underwriter"), json={"name": "ci", "expires_in_days": 5}), 201)
    r = client.post("/auth/tokens", headers=auth(api["token"]), json={"name": "child", "expires_in_days": 5})
    assert r.status_code == 403, r.text
    r = client.post("/auth/password", headers=auth(api["token"]), json={"current_password": PASSWORD,
                                                                        "new_password": NEW_PASSWORD})
    assert r.status_code == 403, r.text
    ok(client.get("/practices", headers=auth(api["token"])))       # it still does its job


def test_a_reactivated_users_old_tokens_stay_revoked(client, world):
    t = world[0]
    email, user_id = _new_user(client, t)
    session = ok(_login(client, email, PASSWORD))["token"]
    api = ok(client.post("/auth/tokens", headers=auth(session), json={"name": "ci", "expires_in_days": 5}), 201)
    ok(client.patch(f"/users/{user_id}", headers=t.h("carrier_admin"), json={"active": False}))
    ok(client.patch(f"/users/{user_id}", headers=t.h("carrier_admin"), json={"active": True}))
    for token in (session, api["token"]):
        r = client.get("/auth/me", headers=auth(token))
        assert r.status_code == 401 and "revoked" in r.json()["error"]["message"], r.text
    ok(_login(client, email, PASSWORD))          # the person signs in again
