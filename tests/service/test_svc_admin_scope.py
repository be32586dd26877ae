"""Issue 17, finding 5: administration stays inside one's own organisation unless the policy table says
otherwise (a carrier's admins manage its book: ``authz.ADMINISTERS_BOOK``). The attacks the review made, and
their neighbours, are refused; nothing is written."""

from __future__ import annotations

from tests.service.world import PASSWORD, ok, profile


def _user_body(org: str, email: str, role: str = "admin") -> dict[str, str]:
    return {"organisation_id": org, "email": email, "name": "X", "role": role, "password": PASSWORD}


def test_a_brokerage_admin_cannot_create_an_admin_inside_a_client_practice(client, world):
    t = world[0]
    r = client.post("/users", headers=t.h("brokerage_admin"),
                    json=_user_body(t.brokered.practice, "evil-admin@broker.example"))
    assert r.status_code == 403, r.text
    assert client.post("/auth/login", json={"email": "evil-admin@broker.example",
                                            "password": PASSWORD}).status_code == 401   # never made
    r = client.post("/users", headers=t.h("brokerage_admin"),
                    json=_user_body(t.brokered.practice, "evil-pm@broker.example", "practice_manager"))
    assert r.status_code == 403, r.text


def test_a_brokerage_admin_cannot_deactivate_the_practices_staff(client, world):
    t = world[0]
    r = client.patch(f"/users/{t.users['practice_manager']}", headers=t.h("brokerage_admin"), json={"active": False})
    assert r.status_code == 403, r.text
    assert ok(client.get("/auth/me", headers=t.h("practice_manager")))["active"] is True


def test_a_practice_admin_cannot_create_a_practice_in_the_carriers_book(client, world):
    t = world[0]
    r = client.post("/practices", headers=t.h("practice_admin"), json={"profile": profile("Shadow Clinic")})
    assert r.status_code == 403, r.text
    names = [p["name"] for p in ok(client.get("/practices", headers=t.h("carrier_admin"),
                                              params={"name": "Shadow Clinic"}))["items"]]
    assert names == []


def test_a_practice_admin_cannot_administer_the_brokerage_or_the_carrier(client, world):
    t = world[0]
    for org in (t.brokerage, t.carrier):
        r = client.post("/users", headers=t.h("practice_admin"), json=_user_body(org, f"x-{org[:6]}@p.example"))
        assert r.status_code in (403, 404), r.text
    for user in (t.users["broker"], t.users["underwriter"]):
        r = client.patch(f"/users/{user}", headers=t.h("practice_admin"), json={"active": False})
        assert r.status_code in (403, 404), r.text


def test_admins_still_manage_their_own_organisation_and_a_carrier_its_book(client, world):
    t = world[0]
    own = ok(client.post("/users", headers=t.h("brokerage_admin"),
                         json=_user_body(t.brokerage, f"second-broker-{t.brokerage[:8]}@b.example", "broker")), 201)
    ok(client.patch(f"/users/{own['id']}", headers=t.h("brokerage_admin"), json={"active": False}))
    mine = ok(client.post("/users", headers=t.h("practice_admin"),
                          json=_user_body(t.brokered.practice, f"pm2-{t.brokerage[:8]}@p.example",
                                          "practice_manager")), 201)
    ok(client.patch(f"/users/{mine['id']}", headers=t.h("practice_admin"), json={"active": False}))
    book = ok(client.post("/users", headers=t.h("carrier_admin"),
                          json=_user_body(t.brokered.practice, f"pm3-{t.brokerage[:8]}@p.example",
                                          "practice_manager")), 201)
    ok(client.patch(f"/users/{book['id']}", headers=t.h("carrier_admin"), json={"active": False}))
