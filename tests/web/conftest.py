"""Fixtures of the web tests: one SQLite database per pytest worker seeded with the demo world (plus a second
carrier, the foreign tenant), the app over it, and a browser-like client (``Accept: text/html``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cyberrx.adapters.passwords import Argon2Hasher
from cyberrx.app import accounts, demo, practices
from cyberrx.app.authz import OrgKind, Principal, Role
from cyberrx.app.ports import Ports
from cyberrx.bootstrap import Service, build
from cyberrx.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "web tests passphrase"
SECRET = "s" * 48
#: fewer simulated years than the real demo: the pages show the same kinds of figures
TRIALS = 2_000
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def fast_ports() -> Ports:
    return Ports(hasher=Argon2Hasher.fast())


@dataclass
class Foreign:
    """A second carrier, its admin and a practice: nothing of it is visible to the demo world's users."""

    email: str
    practice_id: str


@dataclass
class WebWorld:
    service: Service
    demo: demo.DemoWorld
    foreign: Foreign

    def email(self, role: str, organisation: str | None = None) -> str:
        return next(u.email for u in self.demo.users
                    if u.role == role and (organisation is None or u.organisation == organisation))


def seed_world(url: str) -> tuple[Service, demo.DemoWorld, Foreign]:
    # every test signs in from one address: the per-address sign-in limits are tested in tests/service
    settings = Settings(database_url=url, secret_key=SECRET, job_workers=0, rate_login="", rate_login_failure="")
    service = build(settings, ports=fast_ports())
    world = demo.seed(service.uow, service.limits, PASSWORD, ports=service.ports, trials=TRIALS)
    ports = service.ports
    user = accounts.create_carrier_with_user(service.uow, "Other Carrier", "admin@other-carrier.example", "Other",
                                             "admin", PASSWORD, ports=ports)
    admin = Principal(user["id"], Role.ADMIN, user["organisation_id"], OrgKind.CARRIER, user["organisation_id"])
    profile = demo._example(demo.examples_dir(), "lakeside-family-medicine.yaml")
    profile["name"] = "Foreign Family Medicine"
    foreign = practices.create(service.uow, admin, profile, ports=ports)
    return service, world, Foreign(user["email"], foreign["id"])


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    service, world, foreign = seed_world(url)
    yield WebWorld(service, world, foreign)
    service.close()


@pytest.fixture(scope="session")
def web_app(web_world: WebWorld) -> Any:
    from cyberrx.api.app import create_app

    return create_app(web_world.service, manage=False)


@pytest.fixture()
def browser_client(web_app: Any) -> Iterator[TestClient]:
    """A client that asks for pages as a browser does, with cookies of its own."""
    with TestClient(web_app, headers=BROWSER) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/sign-in")
    assert page.status_code == 200, page.text
    r = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return r
