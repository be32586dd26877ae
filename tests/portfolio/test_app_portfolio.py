"""The book from the service's policies in force (use cases on the fake unit of work), who may read and run it,
and the API's /portfolio endpoints."""

from __future__ import annotations

from datetime import date

import pytest
from tests.app.fakes import FakeUnitOfWork, fake_ports
from tests.app.world import make_tenant

from cyberrx.app import portfolio
from cyberrx.app.authz import Forbidden
from cyberrx.errors import InvalidInput

IN_FORCE = date(2027, 6, 1)   # the example policy's period is 2027-01-01 to 2028-01-01


@pytest.fixture(scope="module")
def world():
    uow, ports = FakeUnitOfWork(), fake_ports()
    return uow, make_tenant(uow, ports, "a"), make_tenant(uow, ports, "b")


def test_the_book_in_force_is_the_carriers_own(world):
    uow, a, b = world
    book = portfolio.book_in_force(uow, a.who["underwriter"].scope, IN_FORCE)
    assert len(book) == 2                                   # tenant a's brokered and direct practices
    everyone = portfolio.book_in_force(uow, None, IN_FORCE)  # the operator's --from-db
    assert len(everyone) == 4
    with pytest.raises(InvalidInput) as e:
        portfolio.book_in_force(uow, None, date(2030, 1, 1))
    assert e.value.field == "as_of"


def test_underwriters_and_admins_of_a_carrier_only(world):
    uow, a, _ = world
    summary = portfolio.summary(uow, a.who["underwriter"], IN_FORCE)
    assert summary["policies"] == 2 and summary["dependencies"][0]["insureds"] >= 1
    for key in ("broker", "brokerage_admin", "claims_adjuster", "practice_manager"):
        with pytest.raises(Forbidden):
            portfolio.summary(uow, a.who[key], IN_FORCE)
    result = portfolio.run(uow, a.who["carrier_admin"], as_of=IN_FORCE, years=1_000, seed=5,
                           reinsurance={"quota_share": {"ceded_share": 0.5}})
    assert result.policies == 2 and result.net.aal == pytest.approx(result.gross.aal / 2, abs=0.01)
    with pytest.raises(InvalidInput) as e:
        portfolio.run(uow, a.who["underwriter"], as_of=IN_FORCE, years=1_000, seed=5,
                      reinsurance={"quota_share": {"ceded_share": 2}})
    assert e.value.field == "reinsurance.quota_share.ceded_share"


def test_a_carrier_with_nothing_in_force_has_an_empty_book_not_an_error(world):
    """GET /portfolio is a list: on a day nothing is in force it answers an empty book (the tenancy sweep reads it
    for every role); only a run needs policies."""
    uow, a, _ = world
    assert portfolio.summary(uow, a.who["underwriter"], date(2030, 1, 1)) == {
        "as_of": "2030-01-01", "policies": 0, "aggregate_limits": 0.0, "dependencies": []}
    with pytest.raises(InvalidInput) as e:
        portfolio.run(uow, a.who["underwriter"], as_of=date(2030, 1, 1), years=1_000, seed=5, reinsurance=None)
    assert e.value.field == "as_of"
