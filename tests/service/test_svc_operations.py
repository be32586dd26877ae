"""Issue 17, finding 8: security headers on every answer (HSTS only over TLS), a request id on every answer and
one access-log line per request that never holds a secret."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient
from tests.service.world import PASSWORD

from cyberrx.api.middleware import CSP


def test_every_answer_has_the_security_headers(client: TestClient, world) -> None:
    for path in ("/health", "/openapi.json", "/organisations", "/no-such-thing"):
        r = client.get(path, headers=world[0].h("underwriter"))
        assert r.headers["Content-Security-Policy"] and "frame-ancestors 'none'" in r.headers[
            "Content-Security-Policy"], path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in r.headers          # plain http: no HSTS
    assert client.get("/health").headers["Content-Security-Policy"] == CSP
    docs = client.get("/docs").headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in docs                         # Swagger UI: its inline start-up script only
    with TestClient(client.app, base_url="https://cyberrx.example") as tls:
        assert "max-age=" in tls.get("/health").headers["Strict-Transport-Security"]


def test_requests_are_logged_with_an_id_and_no_secret(client: TestClient, world, caplog) -> None:
    caplog.set_level(logging.INFO, logger="cyberrx.access")
    t = world[0]
    token = t.tokens["underwriter"]
    r = client.get("/organisations?secret_in_query=hunter2", headers={**t.h("underwriter"),
                                                                       "X-Request-ID": "trace-42"})
    assert r.headers["X-Request-ID"] == "trace-42"
    mine = client.post("/auth/login", json={"email": "nobody@x.example", "password": PASSWORD})
    assert len(mine.headers["X-Request-ID"]) == 16
    bad = client.get("/health", headers={"X-Request-ID": "evil\nline"})
    assert bad.headers["X-Request-ID"] != "evil\nline"
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "cyberrx.access"]
    assert any(line.startswith("trace-42 GET /organisations 200") for line in lines), lines
    assert any(" POST /auth/login 401 " in line for line in lines), lines
    text = "\n".join(lines)
    assert token not in text and PASSWORD not in text and "hunter2" not in text
