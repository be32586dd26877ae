"""Fixtures of the use-case tests: the fake unit of work, fake ports, and two tenants made through the use cases."""

from __future__ import annotations

import pytest
from tests.app.fakes import FakeUnitOfWork, fake_ports
from tests.app.world import Tenant, make_tenant

from cyberrx.app.ports import Ports


@pytest.fixture()
def ports() -> Ports:
    return fake_ports()


@pytest.fixture()
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture()
def world(uow: FakeUnitOfWork, ports: Ports) -> tuple[Tenant, Tenant]:
    """Two tenants, A and B, each with every role and one object of every kind (a fresh pair per test)."""
    return make_tenant(uow, ports, "a"), make_tenant(uow, ports, "b")
