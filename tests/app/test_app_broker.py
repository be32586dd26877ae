"""What the broker's pages ask of the use cases: a quote on the limits and retentions chosen, the carrier's name."""

from __future__ import annotations

from typing import Any

import pytest
from tests.app.world import Tenant

from cyberrx.app import accounts, quotes
from cyberrx.errors import InvalidInput


def test_a_quote_on_the_limits_and_retentions_chosen(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    q = quotes.create(uow, t.who["broker"], t.brokered.practice, 1000, limits=[2e6, 1e6, 1e6], retentions=[10_000],
                      ports=ports)
    assert [(o["limit"], o["retention"]) for o in q["result"]["options"]] == [(1e6, 10_000), (2e6, 10_000)]
    assert len(quotes.create(uow, t.who["broker"], t.brokered.practice, 1000, ports=ports)["decisions"]) == 15
    for limits, retentions in (([], [10_000]), ([1e6], [-1]), ([1e9], [0]), ([float(i + 1) for i in range(9)], [0])):
        with pytest.raises(InvalidInput):
            quotes.create(uow, t.who["broker"], t.brokered.practice, 1000, limits=limits, retentions=retentions,
                          ports=ports)


def test_everyone_of_a_carrier_reads_its_name(uow: Any, world: tuple[Tenant, Tenant]) -> None:
    t, other = world
    for key in ("broker", "practice_manager", "underwriter"):
        assert accounts.carrier_name(uow, t.who[key]) == accounts.carrier_name(uow, t.who["carrier_admin"])
    assert accounts.carrier_name(uow, t.who["broker"]) != accounts.carrier_name(uow, other.who["broker"])
