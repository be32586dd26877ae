"""Tenant isolation: every route that names an object, tried by every role of one tenant on the other tenant's
objects, answers 404 (never the data and never a hint it exists); list routes never include them. Inside a
carrier, a broker sees only its own clients and a practice only itself. Then the role matrix within a tenant."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.service.world import ROLE_KEYS, Objects, Tenant, claim_doc, incident_doc, ok, policy_terms, profile

# (method, path template, body factory) for every route that names an object in its path or body
OBJECT_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/organisations/{practice}", None),
    ("GET", "/users/{user}", None),
    ("PATCH", "/users/{user}", lambda o: {"active": False}),
    ("DELETE", "/auth/tokens/{token}", None),
    ("GET", "/practices/{practice}", None),
    ("PUT", "/practices/{practice}/profile", lambda o: {"profile": profile("Hijacked")}),
    ("GET", "/practices/{practice}/versions", None),
    ("GET", "/practices/{practice}/versions/{version}", None),
    ("POST", "/practices/{practice}/assessments", lambda o: {"trials": 1000, "seed": 1}),
    ("GET", "/assessments/{assessment}", None),
    ("GET", "/jobs/{job}", None),
    ("GET", "/policies/{policy}", None),
    ("GET", "/claims/{claim}", None),
    ("GET", "/claims/{claim}/ledger", None),
    ("POST", "/claims/{claim}/payments", lambda o: {"amount": "1.00"}),
    ("POST", "/claims/{claim}/reserve", lambda o: {"amount": "1.00"}),
    ("POST", "/claims/{claim}/close", lambda o: {}),
    ("GET", "/incidents/{incident}", None),
    ("POST", "/practices/{practice}/quotes", lambda o: {"trials": 1000}),
    ("GET", "/quotes/{quote}", None),
    ("POST", "/quotes/{quote}/bind", lambda o: {"option": 0}),
    ("POST", "/claims", lambda o: {"policy_id": o.policy, "claim": claim_doc(o.policy_number, "CLM-X")}),
    ("POST", "/policies", lambda o: {"practice_id": o.practice, "terms": policy_terms("CRX-HIJACK")}),
    ("POST", "/incidents", lambda o: {"practice_id": o.practice, "incident": incident_doc()}),
    ("POST", "/users", lambda o: {"organisation_id": o.practice, "email": "x@example.org", "name": "x",
                                  "role": "practice_manager", "password": "a very long password"}),
    ("POST", "/practices", lambda o: {"profile": profile("x"), "brokerage_id": o.brokerage}),
    # threat intelligence (issue 15); its own alerts are tested in tests/threats/test_alerts_api.py
    ("GET", "/practices/{practice}/threats", None),
    ("POST", "/threats/alerts/{alert}/acknowledge", None),
    ("POST", "/threats/alerts/run", lambda o: {"practice_ids": [o.practice]}),
]
LIST_ROUTES = ["/organisations", "/users", "/practices", "/assessments", "/policies", "/claims", "/incidents",
               "/audit/events", "/auth/tokens", "/quotes", "/threats/alerts", "/threats/feeds", "/portfolio"]


def _targets(owner: Tenant, o: Objects, victim_role: str) -> dict[str, Any]:
    target = copy.copy(o)
    target.brokerage = owner.brokerage if o is owner.brokered else owner.brokerage  # type: ignore[attr-defined]
    return {"practice": o.practice, "user": owner.users[victim_role], "token": owner.token_ids[victim_role],
            "version": 1, "assessment": o.assessment, "job": o.job, "policy": o.policy, "claim": o.claim,
            "incident": o.incident, "quote": o.quote, "alert": "0" * 32, "obj": target}


def _ids(t: Tenant, o: Objects) -> set[str]:
    return {o.practice, o.assessment, o.job, o.policy, o.claim, o.incident, o.quote}


def _call(client: TestClient, method: str, path: str, headers: dict[str, str], body: Any) -> Any:
    headers = {**headers, "Idempotency-Key": "tenancy-probe"}
    return client.request(method, path, headers=headers, json=body)


def _expect_hidden(client: TestClient, caller: Tenant, role: str, owner: Tenant, objects: Objects,
                   victim_role: str, skip: frozenset[str] = frozenset()) -> None:
    ids = _targets(owner, objects, victim_role)
    secret_ids = _ids(owner, objects) | {owner.users[victim_role]}
    for method, template, body in OBJECT_ROUTES:
        if f"{method} {template}" in skip:
            continue
        path = template.format(**ids)
        payload = body(ids["obj"]) if body else None
        r = _call(client, method, path, caller.h(role), payload)
        where = f"{role} {method} {template}"
        assert r.status_code == 404, (where, r.status_code, r.text)
        assert r.json()["error"]["code"] == "not_found", where
        leaked = [i for i in secret_ids if i in r.text and i not in path and i not in str(payload)]
        assert not leaked, (where, r.text)


def test_the_route_table_covers_every_route_that_names_an_object(client: TestClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    app_routes = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    named = {(m, p) for m, p in app_routes if "{" in p}
    tested = {(m, t.replace("{practice}", "{practice_id}").replace("{user}", "{user_id}")
               .replace("{token}", "{token_id}").replace("{assessment}", "{assessment_id}")
               .replace("{job}", "{job_id}").replace("{policy}", "{policy_id}").replace("{claim}", "{claim_id}")
               .replace("{incident}", "{incident_id}").replace("{quote}", "{quote_id}")
               .replace("{alert}", "{alert_id}")
               .replace("/organisations/{practice_id}", "/organisations/{organisation_id}"))
              for m, t, _ in OBJECT_ROUTES}
    assert named <= tested, named - tested
    bodies_naming_objects = {("POST", "/claims"), ("POST", "/policies"), ("POST", "/incidents"), ("POST", "/users"),
                             ("POST", "/practices")}
    assert bodies_naming_objects <= tested
    lists = {p for m, p in app_routes if m == "GET" and "{" not in p} - {"/health", "/ready", "/auth/me"}
    assert lists == set(LIST_ROUTES)


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_no_role_sees_another_tenants_objects(client: TestClient, world: tuple[Tenant, Tenant], role: str) -> None:
    a, b = world
    for objects in (b.brokered, b.direct):
        _expect_hidden(client, a, role, b, objects, "practice_manager")
    for path in LIST_ROUTES:
        r = client.get(path, headers=a.h(role))
        assert r.status_code in (200, 403), (role, path, r.text)
        for objects in (b.brokered, b.direct):
            assert not (_ids(b, objects) & set(_all_ids(r.json()))), (role, path)
    # nothing of B changed
    claim = ok(client.get(f"/claims/{b.brokered.claim}", headers=b.h("claims_adjuster")))
    assert (claim["paid"], claim["status"], claim["version"]) == (0.0, "open", 1)
    assert ok(client.get(f"/practices/{b.brokered.practice}", headers=b.h("underwriter")))["version"] == 1


@pytest.mark.parametrize("role", ["broker", "brokerage_admin", "practice_manager", "practice_admin"])
def test_brokers_and_practices_see_only_their_own_inside_the_carrier(client: TestClient,
                                                                    world: tuple[Tenant, Tenant], role: str) -> None:
    a, _ = world
    # the direct practice is the carrier's, not the brokerage's client, and not the brokered practice
    # (a brokerage may add practices under itself: the one body that names the caller's own organisation)
    _expect_hidden(client, a, role, a, a.direct, "underwriter", skip=frozenset({"POST /practices"}))
    listed = ok(client.get("/practices", headers=a.h(role)))
    assert [p["id"] for p in listed["items"]] == [a.brokered.practice]


def _all_ids(doc: Any) -> list[str]:
    out: list[str] = []
    if isinstance(doc, dict):
        for v in doc.values():
            out += _all_ids(v)
    elif isinstance(doc, list):
        for v in doc:
            out += _all_ids(v)
    elif isinstance(doc, str):
        out.append(doc)
    return out


# role -> expected status of each action on the tenant's own brokered practice's objects
MATRIX = {
    "bind": {"underwriter": 201, "carrier_admin": 403, "claims_adjuster": 403, "broker": 403,
             "brokerage_admin": 403, "practice_manager": 403, "practice_admin": 403},
    "pay": {"claims_adjuster": 201, "underwriter": 403, "carrier_admin": 403, "broker": 403,
            "brokerage_admin": 403, "practice_manager": 403, "practice_admin": 403},
    "list_users": {"carrier_admin": 200, "brokerage_admin": 200, "practice_admin": 200, "underwriter": 403,
                   "claims_adjuster": 403, "broker": 403, "practice_manager": 403},
    "read_claim": dict.fromkeys(ROLE_KEYS, 200),
}


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_role_matrix_on_own_objects(client: TestClient, world: tuple[Tenant, Tenant], role: str) -> None:
    a, _ = world
    o = a.brokered
    h = a.h(role)
    r = client.post("/policies", headers=h, json={"practice_id": o.practice,
                                                  "terms": policy_terms(f"CRX-M-{role}-{a.carrier[:6]}")})
    assert r.status_code == MATRIX["bind"][role], (role, r.text)
    r = client.post(f"/claims/{o.claim}/payments", headers={**h, "Idempotency-Key": f"matrix-{role}"},
                    json={"amount": "0.01"})
    assert r.status_code == MATRIX["pay"][role], (role, r.text)
    assert client.get("/users", headers=h).status_code == MATRIX["list_users"][role]
    assert client.get(f"/claims/{o.claim}", headers=h).status_code == MATRIX["read_claim"][role]
