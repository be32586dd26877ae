"""Scenario models declare the profile fields they read (`REQUIRES`): changing any other field leaves the
scenario's parameters untouched, and each declared field can change them."""

from __future__ import annotations

import numpy as np
import pytest

from cyberrx.domain.profile import BusinessAssociate
from cyberrx.engine.scenarios import REQUIRES, build_parameters
from cyberrx.vocab import SCENARIOS, Control, Hosting, RemoteAccess, Specialty, Training

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
