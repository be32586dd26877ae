"""Test worlds: a carrier with a brokerage, a brokered practice and a direct practice, a user per role, and
one object of every kind for each practice, made through the API."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from cyberrx.adapters.passwords import Argon2Hasher
from cyberrx.adapters.store import Store
from cyberrx.app import accounts
from cyberrx.app.ports import Ports

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PASSWORD = "correct horse battery staple"
ROLE_KEYS = ("carrier_admin", "underwriter", "claims_adjuster", "brokerage_admin", "broker", "practice_admin",
             "practice_manager")


def fast_ports() -> Ports:
    """Production's ports with argon2id at its smallest cost: a login checks the same, only faster (argon2 at
    production cost was most of these tests' time)."""
    return Ports(hasher=Argon2Hasher.fast())


def example(path: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / path).read_text())


def jsonable(doc: Any) -> Any:
    """A YAML document as JSON would carry it (dates as strings)."""
    if isinstance(doc, dict):
        return {k: jsonable(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [jsonable(v) for v in doc]
    if hasattr(doc, "isoformat"):
        return doc.isoformat()
    return doc


def profile(name: str = "Lakeside Family Medicine") -> dict[str, Any]:
    doc = jsonable(example("lakeside-family-medicine.yaml"))
    doc["name"] = name
    return doc


def policy_terms(number: str) -> dict[str, Any]:
    doc = jsonable(example("policies/lakeside-primary.yaml"))
    doc["policy_number"] = number
    return doc


def claim_doc(number: str, claim_id: str = "CLM-001") -> dict[str, Any]:
    doc = jsonable(example("claims/lakeside-ransomware.yaml"))
    doc["policy_number"] = number
    doc["claim_id"] = claim_id
    return doc


def incident_doc() -> dict[str, Any]:
    doc = jsonable(example("incidents/lakeside-family-medicine.yaml"))
    doc["discovered"] = "2026-11-02"  # the example is dated 2027; the service refuses a discovery in the future
    return doc


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


@dataclass
class Objects:
    """One object of every kind for one practice."""

    practice: str
    assessment: str = ""
    job: str = ""
    policy: str = ""
    policy_number: str = ""
    claim: str = ""
    incident: str = ""
    quote: str = ""


@dataclass
class Tenant:
    carrier: str
    brokerage: str
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, str] = field(default_factory=dict)
    brokered: Objects = field(default_factory=lambda: Objects(""))
    direct: Objects = field(default_factory=lambda: Objects(""))

    def h(self, role: str) -> dict[str, str]:
        return auth(self.tokens[role])


def _user(client: TestClient, admin: str, org: str, role: str, tag: str) -> tuple[str, str, str]:
    email = f"{role}-{tag}@example.org"
    user = ok(client.post("/users", headers=auth(admin), json={
        "organisation_id": org, "email": email, "name": role, "role": role, "password": PASSWORD}), 201)
    token = ok(client.post("/auth/login", json={"email": email, "password": PASSWORD}))
    return user["id"], token["token"], token["id"]


def _objects(client: TestClient, t: Tenant, practice_id: str, tag: str) -> Objects:
    o = Objects(practice_id)
    uw, adj = t.h("underwriter"), t.h("claims_adjuster")
    o.assessment = ok(client.post(f"/practices/{practice_id}/assessments", headers=uw,
                                  json={"trials": 1000, "seed": 7}), 201)["id"]
    o.job = ok(client.post(f"/practices/{practice_id}/assessments", headers=uw,
                           json={"trials": 6000, "seed": 7}), 202)["job_id"]
    o.policy_number = f"CRX-{tag}"
    o.policy = ok(client.post("/policies", headers=uw, json={"practice_id": practice_id,
                                                             "terms": policy_terms(o.policy_number)}), 201)["id"]
    o.claim = ok(client.post("/claims", headers=adj, json={"policy_id": o.policy,
                                                           "claim": claim_doc(o.policy_number)}), 201)["id"]
    o.quote = ok(client.post(f"/practices/{practice_id}/quotes", headers=uw,
                             json={"trials": 2000, "seed": 3, "effective": "2026-12-01"}), 201)["id"]
    o.incident = ok(client.post("/incidents", headers=adj, json={"practice_id": practice_id,
                                                                 "incident": incident_doc()}), 201)["id"]
    return o


def make_tenant(client: TestClient, store: Store) -> Tenant:
    """A carrier, its brokerage, a brokered and a direct practice, a user per role, objects of every kind."""
    tag = uuid.uuid4().hex[:10]
    carrier = accounts.create_carrier(store, f"Carrier {tag}")
    admin_email = f"admin-{tag}@carrier.example"
    accounts.create_user_unchecked(store, carrier["id"], admin_email, "Admin", "admin", PASSWORD, ports=fast_ports())
    login = ok(client.post("/auth/login", json={"email": admin_email, "password": PASSWORD}))
    admin = login["token"]
    brokerage = ok(client.post("/organisations", headers=auth(admin), json={"kind": "brokerage",
                                                                          "name": f"Brokers {tag}"}), 201)
    t = Tenant(carrier["id"], brokerage["id"])
    t.tokens["carrier_admin"], t.token_ids["carrier_admin"] = admin, login["id"]
    t.users["carrier_admin"] = ok(client.get("/auth/me", headers=auth(admin)))["id"]
    for role in ("underwriter", "claims_adjuster"):
        t.users[role], t.tokens[role], t.token_ids[role] = _user(client, admin, carrier["id"], role, tag)
    t.users["brokerage_admin"], t.tokens["brokerage_admin"], t.token_ids["brokerage_admin"] = _user(
        client, admin, brokerage["id"], "admin", f"b{tag}")
    t.users["broker"], t.tokens["broker"], t.token_ids["broker"] = _user(client, admin, brokerage["id"], "broker",
                                                                         tag)
    brokered = ok(client.post("/practices", headers=t.h("broker"), json={"profile": profile(f"Brokered {tag}")}),
                  201)
    direct = ok(client.post("/practices", headers=t.h("underwriter"), json={"profile": profile(f"Direct {tag}")}),
                201)
    assert brokered["brokerage_id"] == brokerage["id"] and direct["brokerage_id"] is None
    t.users["practice_admin"], t.tokens["practice_admin"], t.token_ids["practice_admin"] = _user(
        client, admin, brokered["id"], "admin", f"p{tag}")
    t.users["practice_manager"], t.tokens["practice_manager"], t.token_ids["practice_manager"] = _user(
        client, admin, brokered["id"], "practice_manager", tag)
    t.brokered = _objects(client, t, brokered["id"], f"{tag}-B")
    t.direct = _objects(client, t, direct["id"], f"{tag}-D")
    return t


def wait_job(client: TestClient, headers: dict[str, str], job_id: str, timeout_s: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = ok(client.get(f"/jobs/{job_id}", headers=headers))
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
