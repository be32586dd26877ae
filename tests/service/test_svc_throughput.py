"""Issue 17, finding 9: a quote is a deterministic function of the profile, grid, trials, seed, effective date and
the model, rule and manual versions, so a repeat is answered from the cache (bit for bit the same, without a
simulation), while each request still stores its quote and audit event; anything that changes the answer misses.
The rule file is parsed once per process."""

from __future__ import annotations

from tests.service.world import ok, profile

from cyberrx.app.quotes import quote_cache
from cyberrx.underwriting import load_rules


def test_a_repeated_quote_comes_from_the_cache_and_is_still_stored(client, world):
    t = world[0]
    h, p = t.h("underwriter"), t.brokered.practice
    body = {"trials": 3000, "seed": 11, "effective": "2026-12-01"}
    quote_cache.clear()
    first = ok(client.post(f"/practices/{p}/quotes", headers=h, json=body), 201)
    second = ok(client.post(f"/practices/{p}/quotes", headers=h, json=body), 201)
    assert (quote_cache.misses, quote_cache.hits) == (1, 1)
    assert first["id"] != second["id"] and first["result"] == second["result"]
    ok(client.post(f"/practices/{p}/quotes", headers=h, json={**body, "seed": 12}), 201)
    ok(client.post(f"/practices/{p}/quotes", headers=h, json={**body, "effective": "2026-12-02"}), 201)
    assert quote_cache.misses == 3
    ok(client.put(f"/practices/{p}/profile", headers=h, json={"profile": {**profile(), "endpoints": 26}}))
    ok(client.post(f"/practices/{p}/quotes", headers=h, json=body), 201)
    assert quote_cache.misses == 4
    ok(client.put(f"/practices/{p}/profile", headers=h, json={"profile": profile()}))
    listed = ok(client.get("/audit/events", headers=t.h("carrier_admin"), params={"subject_id": second["id"]}))
    assert [e["action"] for e in listed["items"]] == ["quote.decision"]


def test_the_rule_file_is_read_once_per_process():
    assert load_rules() is load_rules()
