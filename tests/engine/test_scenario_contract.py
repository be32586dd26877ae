"""One contract over every registered scenario model.

Scenario models declare the profile fields they read (`REQUIRES_PROFILE`): changing any other field leaves the
scenario's parameters untouched, and each declared field can change them. They declare the reference tables
they read (`REQUIRES_TABLES`): built over a mapping that raises on any other table, each reads all and only
those. They set only the parameters their drivers read, non-negative, and can hit only the coverage parts they
declare.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest

from cyberrx.domain.profile import BusinessAssociate, Controls, PracticeProfile
from cyberrx.engine.analytic import expected_event_cost
from cyberrx.engine.scenarios import (
    ARRAY_FIELDS,
    BI_CONTINGENT,
    BI_NONE,
    BI_OWN,
    DRIVER_FIELDS,
    DRIVER_ORDER,
    DRIVER_PARTS,
    DRIVERS,
    MODELS,
    REGISTRY,
    REQUIRES,
    SHARED_FIELDS,
    ScenarioParameters,
    UndeclaredTable,
    build_parameters,
)
from cyberrx.engine.scenarios import shared as shared_scalars
from cyberrx.engine.simulate import simulate
from cyberrx.vocab import PARTS, SCENARIOS, Control, CoveragePart, Hosting, RemoteAccess, Scenario, Specialty, Training

# one change per profile field (a control field counts as "controls" and as "controls.<name>")
CHANGES = {
    "states": lambda p: p.model_copy(update={"states": {k: v * 3 for k, v in p.states.items()}}),
    "annual_revenue": lambda p: p.model_copy(update={"annual_revenue": p.annual_revenue * 3}),
    "providers": lambda p: p.model_copy(update={"providers": p.providers * 3}),
    "employees": lambda p: p.model_copy(update={"employees": p.employees * 3}),
    "endpoints": lambda p: p.model_copy(update={"endpoints": p.endpoints * 3}),
    "specialty": lambda p: p.model_copy(update={"specialty": Specialty.MENTAL_HEALTH}),
    "ehr.hosting": lambda p: p.model_copy(update={"ehr": p.ehr.model_copy(update={"hosting": Hosting.ON_PREMISES})}),
    "remote_access": lambda p: p.model_copy(update={"remote_access": RemoteAccess.RDP_EXPOSED}),
    "business_associates": lambda p: p.model_copy(update={"business_associates": [
        *p.business_associates, BusinessAssociate(name="x", holds_phi=True, critical=True),
        BusinessAssociate(name="y", holds_phi=True, critical=True)]}),
    # (2026.12.2) e-mail compromise is sized from the mailbox when the profile gives it
    "mailbox_records": lambda p: p.model_copy(update={"mailbox_records": 777}),
}
for control in Control:
    def _flip(p, control=control):
        c = p.controls
        if control is Control.SECURITY_TRAINING:
            value = Training.NONE if c.has(control) else Training.PHISHING_SIMULATION
        elif control is Control.PATCH_CRITICAL_DAYS:
            value = 180 if c.patch_critical_days <= 30 else 5
        else:
            value = not getattr(c, control.value)
        return p.with_controls(c.model_copy(update={control.value: value}))
    CHANGES[f"controls.{control.value}"] = _flip


def declared(scenario, field: str) -> bool:
    fields = REQUIRES[scenario]["profile"]
    return field in fields or (field.startswith("controls.") and "controls" in fields)


def scenario_params(profile, reference, i):
    return {k: v[i] for k, v in build_parameters(profile, reference.tables).arrays().items()}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_undeclared_fields_do_not_move_a_scenario(field, lakeside, valley, reference):
    for profile in (lakeside, valley):
        changed = CHANGES[field](profile)
        for i, scenario in enumerate(SCENARIOS):
            if declared(scenario, field):
                continue
            before, after = scenario_params(profile, reference, i), scenario_params(changed, reference, i)
            for key in before:
                assert np.isclose(before[key], after[key]), (scenario.value, field, key)


def test_every_declared_field_is_used_somewhere(lakeside, valley, reference):
    """A declaration that no change can move is dead: each declared field moves some parameter of its
    scenario for at least one of the example practices."""
    for i, scenario in enumerate(SCENARIOS):
        for field in REQUIRES[scenario]["profile"]:
            probes = [f for f in CHANGES if f == field or (field == "controls" and f.startswith("controls."))]
            moved = False
            for profile in (lakeside, valley):
                for f in probes:
                    before = scenario_params(profile, reference, i)
                    after = scenario_params(CHANGES[f](profile), reference, i)
                    moved |= any(not np.isclose(before[k], after[k]) for k in before)
            assert moved, (scenario.value, field)


# -- the registry: one contract over every registered scenario model -------------------------------------------
class Guarded(Mapping[str, Any]):
    """The loss-model tables, raising on (and recording) any top-level table outside ``allowed``."""

    def __init__(self, tables: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        self.tables, self.allowed, self.touched = tables, frozenset(allowed), set()

    def __getitem__(self, name: str) -> Any:
        if name not in self.allowed:
            raise AssertionError(f"read undeclared table {name!r}")
        self.touched.add(name)
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.allowed & set(self.tables))

    def __len__(self) -> int:
        return len(self.allowed & set(self.tables))


def _variants(profile: PracticeProfile) -> list[PracticeProfile]:
    """The profile as it is, with no controls and with every control (so every branch of every model runs)."""
    def controls(on: bool) -> Controls:
        update = {}
        for c in Control:
            if c is Control.SECURITY_TRAINING:
                update[c.value] = Training.PHISHING_SIMULATION if on else Training.NONE
            elif c is Control.PATCH_CRITICAL_DAYS:
                update[c.value] = 3 if on else 365
            else:
                update[c.value] = on
        return profile.controls.model_copy(update=update)

    on_prem = profile.model_copy(update={"ehr": profile.ehr.model_copy(update={"hosting": Hosting.ON_PREMISES}),
                                         "remote_access": RemoteAccess.RDP_EXPOSED})
    return [profile, profile.with_controls(controls(False)), profile.with_controls(controls(True)), on_prem]


@pytest.fixture(scope="module")
def profiles(lakeside, valley, solo, exposed) -> list[PracticeProfile]:
    return [v for p in (lakeside, valley, solo, exposed) for v in _variants(p)]


def _field_exists(path: str) -> bool:
    """``endpoints``, ``ehr.hosting``, ``controls.edr``: a field of PracticeProfile (or of a nested model)."""
    model: Any = PracticeProfile
    *parents, leaf = path.split(".")
    for name in parents:
        field = model.model_fields.get(name)
        if field is None or not hasattr(field.annotation, "model_fields"):
            return False
        model = field.annotation
    return leaf in model.model_fields


MODEL_IDS = [m.name for m in MODELS]


def test_registry_covers_every_scenario_once_in_vocabulary_order():
    assert list(REGISTRY) == list(SCENARIOS)
    assert sorted(s for m in MODELS for s in m.scenarios) == sorted(SCENARIOS)
    assert {s: REQUIRES[s]["profile"] for s in SCENARIOS} == {s: REGISTRY[s].requires_profile for s in SCENARIOS}


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
class TestScenarioModel:
    def test_declared_profile_fields_exist(self, model):
        assert model.requires_profile and len(set(model.requires_profile)) == len(model.requires_profile)
        for path in model.requires_profile:
            assert _field_exists(path), (model.name, path)

    def test_declared_tables_exist_in_the_reference(self, model, reference):
        assert model.requires_tables and len(set(model.requires_tables)) == len(model.requires_tables)
        assert set(model.requires_tables) <= set(reference.tables), model.name

    def test_reads_only_declared_tables_and_each_declared_table(self, model, profiles, reference):
        touched: set[str] = set()
        for profile in profiles:
            for s in model.scenarios:
                guarded = Guarded(reference.tables, model.requires_tables)
                model.compute(s, profile, guarded)
                touched |= guarded.touched
        assert touched == set(model.requires_tables), (model.name, set(model.requires_tables) - touched)

    def test_the_runtime_view_refuses_an_undeclared_table(self, model, lakeside, reference):
        undeclared = sorted(set(reference.tables) - set(model.requires_tables))[0]

        def nosy(scenario, profile, tables):
            return {"frequency": float(len(tables[undeclared]))}

        with pytest.raises(UndeclaredTable, match=undeclared):
            type(model)(**{**model.__dict__, "compute": nosy}).parameters(model.scenarios[0], lakeside,
                                                                          reference.tables)

    def test_drivers_are_known_and_in_draw_order(self, model):
        for s in model.scenarios:
            drivers = model.drivers[s]
            assert drivers and set(drivers) <= set(DRIVER_ORDER)
            assert list(drivers) == [d for d in DRIVER_ORDER if d in drivers], s
            assert DRIVERS[s] == drivers

    def test_sets_only_what_its_drivers_read_non_negative(self, model, profiles, reference):
        for profile in profiles:
            for s in model.scenarios:
                values = model.parameters(s, profile, reference.tables)
                readable = {"frequency"} | {f for d in model.drivers[s] for f in DRIVER_FIELDS[d]}
                assert "frequency" in values and set(values) <= readable, (s, set(values) - readable)
                assert set(values) <= set(ARRAY_FIELDS)
                for name, v in values.items():
                    assert np.isfinite(v), (s, name)
                    if name == "bi_column":
                        assert v in (BI_OWN, BI_CONTINGENT) and "downtime" in model.drivers[s]
                    else:
                        assert v >= 0, (s, name, v)
                assert values["frequency"] >= 0
                if "downtime" in model.drivers[s]:
                    assert values.get("bi_column", BI_NONE) != BI_NONE, s

    def test_parts_are_coverage_parts_its_drivers_can_reach(self, model):
        for s in model.scenarios:
            parts = model.parts[s]
            assert parts and parts <= set(PARTS)
            reachable = set().union(*(DRIVER_PARTS[d] for d in model.drivers[s]))
            assert parts <= reachable, (s, parts - reachable)

    def test_parts_it_hits_are_declared(self, model, profiles, reference):
        """Analytically (expected cost per part) and in a simulation (every non-zero event amount)."""
        for profile in profiles:
            params = build_parameters(profile, reference.tables)
            cost = expected_event_cost(params)
            for s in model.scenarios:
                i = SCENARIOS.index(s)
                hit = {PARTS[j] for j in np.flatnonzero(cost[i] > 0)}
                assert hit <= model.parts[s], (s, hit - model.parts[s])
        params = build_parameters(profiles[1], reference.tables)   # no controls: every event possible
        ev = simulate(params, 20_000, seed=1)
        for s in model.scenarios:
            rows = ev.scenario == SCENARIOS.index(s)
            hit = {PARTS[j] for j in np.flatnonzero(ev.amount[rows].sum(axis=0) > 0)}
            assert hit <= model.parts[s], (s, hit - model.parts[s])


def test_every_control_effect_falls_on_a_scenario_that_declares_it(reference):
    """A control's frequency or severity effect in loss_model.yaml must reach a scenario that lists the
    control among its profile fields and the controls table among its tables; else it would be ignored."""
    ctl = reference.tables["controls"]
    for name, block in ctl.items():
        freq_blocks = [block] + ([v for v in block.values() if isinstance(v, Mapping) and "freq" in v]
                                 if name == "security_training" else [])
        for b in freq_blocks:
            for scenario in (b.get("freq") or {}):
                s = Scenario(scenario)
                assert declared(s, f"controls.{name}"), (name, scenario)
                assert "controls" in REQUIRES[s]["tables"], (name, scenario)


def test_shared_scalars_read_only_their_tables(reference):
    guarded = Guarded(reference.tables, shared_scalars.REQUIRES_TABLES)
    values = shared_scalars.scalars(guarded)
    assert set(values) == set(SHARED_FIELDS) and guarded.touched == set(shared_scalars.REQUIRES_TABLES)
    assert all(v >= 0 for v in values.values())


def test_build_parameters_is_the_registry_in_order(lakeside, reference):
    p = build_parameters(lakeside, reference.tables)
    assert isinstance(p, ScenarioParameters)
    for i, s in enumerate(SCENARIOS):
        values = REGISTRY[s].parameters(s, lakeside, reference.tables)
        for name in ARRAY_FIELDS:
            neutral = BI_NONE if name == "bi_column" else 0.0
            assert getattr(p, name)[i] == values.get(name, neutral), (s, name)


def test_public_import_path_still_works():
    from cyberrx.engine.scenarios import BI_CONTINGENT as bc
    from cyberrx.engine.scenarios import BI_OWN as bo
    from cyberrx.engine.scenarios import ScenarioParameters as sp
    from cyberrx.engine.scenarios import build_parameters as bp

    assert (bc, bo) == (BI_CONTINGENT, BI_OWN) and sp is ScenarioParameters and bp is build_parameters
    assert CoveragePart.CONTINGENT_BI in REGISTRY[Scenario.VENDOR_OUTAGE].parts[Scenario.VENDOR_OUTAGE]
