"""Issue 17, finding 4: the failed-login count is atomic (attempts made in parallel never get more passwords
checked than allowed), sign-ins and expensive runs are rate-limited per client address and overall (the
``limits`` library), and password hashing is bounded (a burst of sign-ins queues, never runs all at once)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import drop_database, new_database
from tests.service.world import PASSWORD, auth, ok, profile

from cyberrx.adapters.passwords import Argon2Hasher
from cyberrx.adapters.store import Store
from cyberrx.api import create_app
from cyberrx.app import accounts
from cyberrx.app.ports import Ports
from cyberrx.bootstrap import Service, build
from cyberrx.config import Settings


class CountingHasher(Argon2Hasher):
    """argon2 at test cost, counting the passwords checked (and slowed a little, so attempts overlap)."""

    def __init__(self, max_concurrent: int) -> None:
        from argon2 import PasswordHasher

        super().__init__(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1), max_concurrent=max_concurrent)
        self.checked = 0
        self._count_lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        def slow() -> bool:
            import time

            time.sleep(0.02)
            return False

        with self._count_lock:
            self.checked += 1
        result = super().verify(stored, password)
        self._bounded(slow)
        return result


@pytest.fixture(params=["sqlite", "postgresql"])
def limited(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Service, TestClient, CountingHasher]]:
    url, schema = new_database(request.param, tmp_path)
    store = Store(url, schema=schema)
    store.upgrade()
    hasher = CountingHasher(max_concurrent=2)
    settings = Settings(database_url=url, job_workers=0, rate_login="1000/minute", rate_login_global="",
                        rate_login_failure="", rate_expensive="3/minute", rate_expensive_global="5/minute")
    service = build(settings, store=store, migrate=False, ports=Ports(hasher=hasher))
    accounts.create_carrier_with_user(store, "Limits Mutual", "uw@limits.example", "U", "underwriter", PASSWORD,
                                      ports=service.ports)
    hasher.checked = 0
    with TestClient(create_app(service, manage=False)) as client:
        yield service, client, hasher
    store.dispose()
    drop_database(url, schema)


def test_parallel_wrong_passwords_never_get_more_checks_than_allowed(limited) -> None:
    """60 wrong passwords for one e-mail at once (20 threads): exactly 5 (the allowed failures) are checked, every
    other answer is 429 with Retry-After, and the right password is then refused too."""
    service, client, hasher = limited

    def attempt(i: int) -> int:
        return client.post("/auth/login", json={"email": "uw@limits.example", "password": f"guess {i}"}).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(attempt, range(60)))
    assert hasher.checked == service.settings.login_max_failures == 5, (hasher.checked, statuses)
    assert statuses.count(401) + statuses.count(429) == 60
    assert statuses.count(429) >= 55
    r = client.post("/auth/login", json={"email": "uw@limits.example", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert hasher.most_running <= 2, hasher.most_running


def test_a_password_sprayed_over_many_emails_from_one_address_is_stopped(tmp_path: Path) -> None:
    """The per-address failure limit (20 per 15 minutes by default): 50 e-mails sprayed, the 21st on is refused
    (429) before any password is checked; another address may still sign in."""
    url, _ = new_database("sqlite", tmp_path)
    hasher = CountingHasher(max_concurrent=4)
    service = build(Settings(database_url=url, job_workers=0), ports=Ports(hasher=hasher))
    accounts.create_carrier_with_user(service.store, "Spray Mutual", "uw@spray.example", "U", "underwriter",
                                      PASSWORD, ports=service.ports)
    hasher.checked = 0
    app = create_app(service, manage=False)
    with TestClient(app, client=("203.0.113.7", 5000)) as attacker:
        statuses = [attacker.post("/auth/login", json={"email": f"user{i}@spray.example",
                                                        "password": "Summer2026!"}).status_code for i in range(50)]
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429] * 30, statuses
    assert hasher.checked == 20
    with TestClient(app, client=("198.51.100.9", 5000)) as office:
        ok(office.post("/auth/login", json={"email": "uw@spray.example", "password": PASSWORD}))
    service.close()


def test_sign_ins_from_one_address_and_from_everyone_are_limited(tmp_path: Path) -> None:
    url, _ = new_database("sqlite", tmp_path)
    service = build(Settings(database_url=url, job_workers=0, rate_login="3/minute", rate_login_global="5/minute"),
                    ports=Ports(hasher=Argon2Hasher.fast()))
    accounts.create_carrier_with_user(service.store, "Rate Mutual", "uw@rate.example", "U", "underwriter",
                                      PASSWORD, ports=service.ports)
    app = create_app(service, manage=False)
    body = {"email": "uw@rate.example", "password": PASSWORD}
    with TestClient(app, client=("203.0.113.1", 1)) as one, TestClient(app, client=("203.0.113.2", 1)) as two:
        assert [one.post("/auth/login", json=body).status_code for _ in range(4)] == [200, 200, 200, 429]
        r = one.post("/auth/login", json=body)
        assert "from your address" in r.json()["error"]["message"] and r.headers["Retry-After"].isdigit()
        answers = [two.post("/auth/login", json=body) for _ in range(3)]
        assert [r.status_code for r in answers] == [200, 200, 429]
        assert "from everyone together" in answers[2].json()["error"]["message"]
    service.close()


def test_assessments_and_quotes_are_limited_per_address_and_overall(limited) -> None:
    service, _, _ = limited
    app = create_app(service, manage=False)
    with TestClient(app, client=("203.0.113.5", 1)) as a, TestClient(app, client=("203.0.113.6", 1)) as b:
        h = auth(ok(a.post("/auth/login", json={"email": "uw@limits.example", "password": PASSWORD}))["token"])
        practice = ok(a.post("/practices", headers=h, json={"profile": profile("Rated")}), 201)["id"]
        run = {"trials": 1000, "seed": 1}
        got = [a.post(f"/practices/{practice}/assessments", headers=h, json=run).status_code for _ in range(4)]
        assert got == [201, 201, 201, 429], got
        got = [b.post(f"/practices/{practice}/quotes", headers=h, json={"trials": 1000}).status_code
               for _ in range(3)]
        assert got == [201, 201, 429], got      # 5 overall: 3 from a, 2 from b
