"""What a scenario model is: its declarations (profile fields, reference tables, drivers, parts) and one
function from a profile and the tables to its parameters.

Each family module of this package builds one :class:`ScenarioModel` from its module-level declarations
(``SCENARIOS``, ``REQUIRES_PROFILE``, ``REQUIRES_TABLES``, ``DRIVERS``, ``PARTS``) in the manner of OpenQuake's
``REQUIRES_*``. :meth:`ScenarioModel.parameters` hands the model a view of the tables that raises
:class:`UndeclaredTable` on any table the model did not declare, so a declaration cannot silently go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.vocab import CoveragePart, Scenario

#: ``compute(scenario, profile, tables) -> {field: value}`` for the fields the scenario's drivers read
Compute = Callable[[Scenario, PracticeProfile, Mapping[str, Any]], dict[str, float]]


class UndeclaredTable(LookupError):
    """A scenario model read a reference table it does not list in ``REQUIRES_TABLES`` (a programming error)."""


class DeclaredTables(Mapping[str, Any]):
    """The loss-model tables as seen by one model: only its declared top-level tables can be read."""

    def __init__(self, tables: Mapping[str, Any], declared: tuple[str, ...], owner: str) -> None:
        self._tables = tables
        self._declared = frozenset(declared)
        self._owner = owner

    def __getitem__(self, name: str) -> Any:
        if name not in self._declared:
            raise UndeclaredTable(f"{self._owner} reads table {name!r} but declares only {sorted(self._declared)}")
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._tables if name in self._declared)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class ScenarioModel:
    """One scenario family.

    ``scenarios``: the scenarios it computes; ``requires_profile``: the profile fields it reads (dotted for a
    sub-field, ``controls`` for any control); ``requires_tables``: the top-level keys of loss_model.yaml it
    reads; ``drivers[s]``: the random drivers scenario ``s`` draws per event, in draw order;
    ``parts[s]``: the coverage parts scenario ``s`` can put money in.
    """

    name: str
    scenarios: tuple[Scenario, ...]
    requires_profile: tuple[str, ...]
    requires_tables: tuple[str, ...]
    drivers: Mapping[Scenario, tuple[str, ...]]
    parts: Mapping[Scenario, frozenset[CoveragePart]]
    compute: Compute

    def parameters(self, scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
        """The parameters of ``scenario`` for ``profile``, reading only the declared tables."""
        if scenario not in self.scenarios:
            raise ValueError(f"model {self.name} does not compute {scenario.value}")
        return self.compute(scenario, profile, DeclaredTables(tables, self.requires_tables, self.name))


def model_of(module: Any) -> ScenarioModel:
    """The :class:`ScenarioModel` a family module declares at module level."""
    scenarios = tuple(module.SCENARIOS)
    drivers = module.DRIVERS
    parts = module.PARTS
    return ScenarioModel(
        name=module.__name__.rsplit(".", 1)[-1],
        scenarios=scenarios,
        requires_profile=tuple(module.REQUIRES_PROFILE),
        requires_tables=tuple(module.REQUIRES_TABLES),
        drivers={s: tuple(drivers[s] if isinstance(drivers, Mapping) else drivers) for s in scenarios},
        parts={s: frozenset(parts[s] if isinstance(parts, Mapping) else parts) for s in scenarios},
        compute=module.parameters,
    )


__all__ = ["Compute", "DeclaredTables", "ScenarioModel", "UndeclaredTable", "model_of"]
