"""GET /portfolio and POST /portfolio/run through the real API (SQLite and PostgreSQL, as tests/service)."""

from __future__ import annotations

from tests.service.conftest import backend, client, service, store, world  # noqa: F401  (fixtures)

AS_OF = "2027-06-01"


def test_underwriter_reads_and_runs_the_carriers_book(client, world):  # noqa: F811
    a, _ = world
    got = client.get(f"/portfolio?as_of={AS_OF}", headers=a.h("underwriter"))
    assert got.status_code == 200, got.text
    assert got.json()["policies"] >= 1
    run = client.post("/portfolio/run", headers=a.h("underwriter"),
                      json={"as_of": AS_OF, "years": 1000, "seed": 2,
                            "reinsurance": {"stop_loss": {"attachment": 100000, "limit": 50000}}})
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["years"] == 1000 and body["net"]["aal"] <= body["gross"]["aal"]


def test_brokers_have_no_book_and_bad_input_is_422(client, world):  # noqa: F811
    a, _ = world
    assert client.get("/portfolio", headers=a.h("broker")).status_code == 403
    bad = client.post("/portfolio/run", headers=a.h("underwriter"), json={"years": 10})
    assert bad.status_code == 422
