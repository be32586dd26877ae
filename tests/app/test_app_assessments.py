"""The assessment use case maps its simulation through the executor its ports give, on the fake unit of work,
and stores exactly the typed result's ``to_dict()``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tests.app.fakes import FakeUnitOfWork
from tests.app.world import Tenant
from tests.service.world import profile

import cyberrx
from cyberrx.app import assessments
from cyberrx.app.ports import Ports
from cyberrx.domain.results import Assessment
from cyberrx.engine.executors import SerialExecutor


class CountingExecutor(SerialExecutor):
    """A serial executor that counts the tasks it is given and whether it was closed (a fake port)."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks = 0
        self.closed = False

    def map(self, fn: Callable[..., Any], args: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        for a in args:
            self.tasks += 1
            yield fn(*a)

    def close(self) -> None:
        self.closed = True
        super().close()


def test_the_stored_result_is_the_typed_result_through_the_ports_executor(
        uow: FakeUnitOfWork, ports: Ports, world: tuple[Tenant, Tenant]) -> None:
    a, _ = world
    made: list[CountingExecutor] = []

    def executor() -> CountingExecutor:
        made.append(CountingExecutor())
        return made[-1]

    counted = dataclasses.replace(ports, executor=executor)
    # three blocks of the loss model (262,144 years each), computed in the request
    n = 2 * 262_144 + 1
    limits = assessments.Limits(sync_trials_max=n, max_trials=n)
    out, queued = assessments.request(uow, limits, a.who["underwriter"], a.direct.practice, n, 5, ports=counted)
    assert not queued and out["status"] == "succeeded"
    assert len(made) == 1 and made[0].tasks == 3 and made[0].closed
    stored = Assessment.from_dict(out["result"])
    assert stored.trials == n and stored.seed == 5 and stored.engine_version == cyberrx.MODEL_VERSION
    # the same figures as the library's run of that profile (world.py creates it from the Lakeside example)
    expected = cyberrx.assess(cyberrx.load_profile(profile("the same profile")), trials=n, seed=5)
    assert stored.to_dict() == expected.to_dict() | {"practice": stored.practice}
