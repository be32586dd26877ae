"""Issue 17, finding 2: odd input gets a 4xx naming the field, never a 5xx, with the same limits on SQLite and
PostgreSQL; a request body has a size limit."""

from __future__ import annotations

import json

import pytest
from tests.service.world import Tenant, claim_doc, incident_doc, policy_terms, profile


def _profile(**changes: object) -> dict:
    return {"profile": {**profile(), **changes}}


def _cases(t: Tenant) -> list[tuple[str, str, str, object, str]]:
    """(role, method, path, json body, the field the 4xx must name)."""
    p = t.brokered.practice
    claim = claim_doc(t.brokered.policy_number, "CLM-ODD")
    huge_claim = {**claim, "losses": [{**claim["losses"][0], "amount": 1e300}]} if "losses" in claim else claim
    return [
        ("underwriter", "put", f"/practices/{p}/profile", _profile(endpoints=10**40), "profile.endpoints"),
        ("underwriter", "put", f"/practices/{p}/profile", _profile(annual_revenue="Infinity"),
         "profile.annual_revenue"),
        ("underwriter", "put", f"/practices/{p}/profile",
         json.dumps(_profile(annual_revenue=float("nan"))), "profile.annual_revenue"),
        ("underwriter", "put", f"/practices/{p}/profile", _profile(name="Clinic\x00"), "profile.name"),
        ("underwriter", "put", f"/practices/{p}/profile", _profile(name="x" * 201), "profile.name"),
        ("underwriter", "put", f"/practices/{p}/profile", _profile(name="x" * 10_000_000), None),
        ("underwriter", "put", f"/practices/{p}/profile",
         _profile(ehr={"vendor": "v\x00", "hosting": "cloud"}), "profile.ehr.vendor"),
        ("underwriter", "post", "/practices", {"profile": {**profile(), "name": "\x00" * 3}}, "profile.name"),
        ("underwriter", "post", f"/practices/{p}/quotes", {"trials": 2000, "effective": "9999-12-31"}, "effective"),
        ("underwriter", "post", f"/practices/{p}/quotes", {"trials": 2000, "effective": "0001-01-01"}, "effective"),
        ("underwriter", "post", "/policies", {"practice_id": p, "terms": {**policy_terms("CRX-Y9999"),
                                                                         "effective": "9999-12-31",
                                                                         "expiry": "10000-12-31"}}, None),
        ("underwriter", "post", "/policies", {"practice_id": p, "terms": {**policy_terms("CRX-INF"),
                                                                         "aggregate_limit": 1e300}}, None),
        ("claims_adjuster", "post", "/claims", {"policy_id": t.brokered.policy, "claim": huge_claim}, None),
        ("claims_adjuster", "post", "/incidents", {"practice_id": p, "incident": {**incident_doc(),
                                                                                  "records": 10**30}}, None),
        ("claims_adjuster", "post", "/incidents", {"practice_id": p, "incident": {**incident_doc(),
                                                                                  "discovered": "9999-12-31"}}, None),
        ("carrier_admin", "post", "/organisations", {"kind": "brokerage", "name": "B\x00"}, "name"),
        ("carrier_admin", "post", "/users", {"organisation_id": t.carrier, "email": "nul\x00@x.example",
                                             "name": "N", "role": "underwriter",
                                             "password": "a long enough passphrase 1"}, "email"),
    ]


@pytest.mark.parametrize("index", range(17))
def test_odd_input_gets_a_4xx_naming_the_field(client, world, index):
    t = world[0]
    role, method, path, body, field = _cases(t)[index]
    if isinstance(body, str):     # JSON as Python writes it: NaN and Infinity as bare words
        r = getattr(client, method)(path, headers={**t.h(role), "Content-Type": "application/json"}, content=body)
    else:
        r = getattr(client, method)(path, headers=t.h(role), json=body)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:500])
    if field is not None:
        assert r.json()["error"]["field"] == field, r.json()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, world):
    t = world[0]
    big = b'{"profile": {"name": "' + b"x" * (2 * 1024 * 1024) + b'"}}'
    r = client.put(f"/practices/{t.brokered.practice}/profile", headers={**t.h("underwriter"),
                                                                          "Content-Type": "application/json"},
                   content=big)
    assert r.status_code == 413, r.text[:300]
    assert "1 MB" in r.json()["error"]["message"]

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 65536

    r = client.put(f"/practices/{t.brokered.practice}/profile",
                   headers={**t.h("underwriter"), "Content-Type": "application/json"}, content=chunks())
    assert r.status_code == 413, r.text[:300]
