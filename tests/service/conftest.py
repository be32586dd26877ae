"""Fixtures of the service tests: a migrated store on SQLite (always) and PostgreSQL (when a server answers).

PostgreSQL: ``CYBERRX_TEST_DATABASE_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); every
pytest worker makes its own uniquely named schema and drops it at the end, so ``-n 2`` workers never collide.
When no server answers the PostgreSQL cases are skipped, unless ``CI`` is set: then they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.service.world import fast_ports

from cyberrx.adapters.store import Store

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


def pg_url() -> str:
    return os.environ.get("CYBERRX_TEST_DATABASE_URL", PG_DEFAULT)


def _pg_reachable(url: str) -> str | None:
    """None if a server answers at ``url``, else why not."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def require_pg() -> str:
    url = pg_url()
    why = _pg_reachable(url)
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and PostgreSQL does not answer at {url}: {why}")
        pytest.skip(f"PostgreSQL does not answer at {url}: {why}")
    return url


def _exec_pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def new_database(backend: str, folder: Path) -> tuple[str, str | None]:
    """A fresh empty database: ``(url, schema)``; the caller drops it with :func:`drop_database`."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'cyberrx-{uuid.uuid4().hex[:8]}.db'}", None
    url = require_pg()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"crx_{worker}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _exec_pg(url, f'CREATE SCHEMA "{schema}"')
    return url, schema


def drop_database(url: str, schema: str | None) -> None:
    if schema is not None:
        _exec_pg(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def store(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A migrated store shared by the tests of one worker (tests make their own tenants, so they never meet)."""
    url, schema = new_database(backend, tmp_path_factory.mktemp(backend))
    s = Store(url, schema=schema)
    s.upgrade()
    yield s
    s.dispose()
    drop_database(url, schema)


@pytest.fixture()
def fresh_store(backend: str, tmp_path: Path) -> Iterator[Store]:
    """A migrated store of its own, for tests that look at the whole database (the audit chain)."""
    url, schema = new_database(backend, tmp_path)
    s = Store(url, schema=schema)
    s.upgrade()
    yield s
    s.dispose()
    drop_database(url, schema)


# ---- the API over a store --------------------------------------------------------------------------------
TEST_SETTINGS = {"job_workers": 1, "sync_trials_max": 5_000, "max_trials": 50_000, "job_stale_seconds": 2.0,
                 # the tests make many tenants from one address: rate limits are tested on services of their own
                 "rate_login": "", "rate_login_global": "", "rate_login_failure": "", "rate_expensive": "",
                 "rate_expensive_global": ""}


@pytest.fixture(scope="session")
def service(store: Store):  # type: ignore[no-untyped-def]
    from cyberrx.bootstrap import build
    from cyberrx.config import Settings

    return build(Settings(database_url=store.url, **TEST_SETTINGS), store=store, migrate=False, ports=fast_ports())


@pytest.fixture(scope="session")
def client(service):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from cyberrx.api import create_app

    with TestClient(create_app(service, manage=True)) as c:
        yield c


@pytest.fixture(scope="session")
def world(client, service):  # type: ignore[no-untyped-def]
    """Two tenants, A and B, each with every role and one object of every kind (read-only for tests)."""
    from tests.service.world import make_tenant

    return make_tenant(client, service.store), make_tenant(client, service.store)
