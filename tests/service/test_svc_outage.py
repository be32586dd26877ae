"""Issue 17, finding 3: while the database is down the API answers 503 with Retry-After (not 500), ``/health``
(liveness) stays 200 and ``/ready`` answers 503 naming the database; when the database returns the same process
serves again, without a restart.

PostgreSQL is taken away by a TCP relay in front of it that the test closes (the port then refuses connections,
and open connections are cut) and opens again on the same port. SQLite by moving the database file away."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import drop_database, new_database, require_pg
from tests.service.world import PASSWORD, auth, fast_ports, ok

from cyberrx.api import create_app
from cyberrx.app import accounts
from cyberrx.bootstrap import build
from cyberrx.config import Settings


class Relay:
    """A TCP relay on 127.0.0.1:``port`` to ``target``; :meth:`close` refuses and cuts, :meth:`open` serves."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(64)
        self._server = srv
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            # wakes the thread blocked in accept(): close() alone leaves the port listening
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        with self._lock:
            for c in self._conns:
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)
                c.close()
            self._conns.clear()

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                client, _ = srv.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def _world(client: TestClient, service) -> dict[str, str]:  # type: ignore[no-untyped-def]
    accounts.create_carrier_with_user(service.store, "Outage Mutual", "admin@outage.example", "A", "admin", PASSWORD,
                                      ports=fast_ports())
    token = ok(client.post("/auth/login", json={"email": "admin@outage.example", "password": PASSWORD}))["token"]
    return auth(token)


def _down_then_back(client: TestClient, h: dict[str, str], take_away, bring_back) -> None:  # type: ignore[no-untyped-def]
    ok(client.get("/organisations", headers=h))
    assert client.get("/ready").status_code == 200, client.get("/ready").text
    take_away()
    r = client.get("/organisations", headers=h)
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"].isdigit() and r.json()["error"]["code"] == "unavailable"
    r = client.post("/auth/login", json={"email": "admin@outage.example", "password": PASSWORD})
    assert r.status_code == 503, r.text
    ready = client.get("/ready")
    assert ready.status_code == 503 and "Retry-After" in ready.headers, ready.text
    assert ready.json()["checks"]["database"].startswith("not answering"), ready.json()
    assert client.get("/health").status_code == 200
    bring_back()
    deadline = time.monotonic() + 20
    while client.get("/organisations", headers=h).status_code != 200:
        assert time.monotonic() < deadline, "the service did not recover without a restart"
        time.sleep(0.2)
    assert client.get("/ready").status_code == 200
    ok(client.post("/organisations", headers=h, json={"kind": "brokerage", "name": "After the outage"}), 201)


def test_postgresql_down_answers_503_and_the_service_recovers_without_a_restart() -> None:
    url = require_pg()
    relay = Relay(("127.0.0.1", 5432))
    relay.open()
    direct, schema = new_database("postgresql", Path("."))
    relayed = direct.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")
    assert relayed != direct, url
    from cyberrx.adapters.store import Store

    store = Store(relayed, schema=schema)
    store.upgrade()
    service = build(Settings(database_url=relayed, job_workers=1), store=store, migrate=False, ports=fast_ports())
    try:
        with TestClient(create_app(service, manage=True)) as client:
            _down_then_back(client, _world(client, service), relay.close, relay.open)
    finally:
        relay.close()
        store.dispose()
        drop_database(direct, schema)


@pytest.fixture()
def sqlite_service(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    url, _ = new_database("sqlite", tmp_path)
    service = build(Settings(database_url=url, job_workers=1), ports=fast_ports())
    yield service, Path(url.removeprefix("sqlite:///"))
    service.close()


def test_sqlite_file_gone_answers_503_and_the_service_recovers(sqlite_service, tmp_path: Path) -> None:
    """The database file is moved away (and a directory stands in its place, so SQLite cannot make a new one);
    the pooled connections are dropped as a crashed disk would drop them."""
    service, path = sqlite_service
    away = tmp_path / "away"
    away.mkdir()

    def take_away() -> None:
        for p in path.parent.glob(path.name + "*"):
            shutil.move(str(p), away / p.name)
        os.mkdir(path)
        service.store.dispose()

    def bring_back() -> None:
        os.rmdir(path)
        for p in away.iterdir():
            shutil.move(str(p), path.parent / p.name)

    with TestClient(create_app(service, manage=False)) as client:
        _down_then_back(client, _world(client, service), take_away, bring_back)
