"""The registry of scenario models, and :func:`build_parameters`, which iterates it in the order of
``cyberrx.vocab.SCENARIOS``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import (
    email,
    insider,
    intrusion,
    lost_device,
    ransomware,
    shared,
    social_engineering,
    vendor_breach,
    vendor_outage,
)
from cyberrx.engine.scenarios.base import DeclaredTables, ScenarioModel, model_of
from cyberrx.engine.scenarios.parameters import ARRAY_FIELDS, ScenarioParameters
from cyberrx.vocab import SCENARIOS, Scenario

#: every scenario family, one module each
MODELS: tuple[ScenarioModel, ...] = tuple(model_of(m) for m in (
    ransomware, intrusion, email, social_engineering, lost_device, insider, vendor_breach, vendor_outage))


def _registry(models: tuple[ScenarioModel, ...]) -> dict[Scenario, ScenarioModel]:
    out: dict[Scenario, ScenarioModel] = {}
    for model in models:
        for s in model.scenarios:
            if s in out:
                raise ValueError(f"{s.value} is computed by both {out[s].name} and {model.name}")
            out[s] = model
    missing = [s.value for s in SCENARIOS if s not in out]
    if missing:
        raise ValueError(f"no scenario model for {missing}")
    return {s: out[s] for s in SCENARIOS}


#: the model of each scenario, in the order of SCENARIOS
REGISTRY: Mapping[Scenario, ScenarioModel] = _registry(MODELS)

#: the declarations of each scenario: ``{"profile": fields, "tables": tables}`` (as the old ``REQUIRES``)
REQUIRES: dict[Scenario, dict[str, tuple[str, ...]]] = {
    s: {"profile": m.requires_profile, "tables": m.requires_tables} for s, m in REGISTRY.items()}

#: the random drivers each scenario draws per event, in draw order
DRIVERS: dict[Scenario, tuple[str, ...]] = {s: m.drivers[s] for s, m in REGISTRY.items()}


def scenario_parameters(scenario: Scenario, profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[str, float]:
    """The parameters of one scenario (the fields its drivers read, and its frequency)."""
    values = REGISTRY[scenario].parameters(scenario, profile, tables)
    unknown = set(values) - set(ARRAY_FIELDS)
    if unknown:
        raise ValueError(f"{scenario.value} sets unknown parameters {sorted(unknown)}")
    return values


def build_parameters(profile: PracticeProfile, tables: Mapping[str, Any]) -> ScenarioParameters:
    """All per-scenario parameters for ``profile`` from the loss-model ``tables`` (loss_model.yaml)."""
    p = ScenarioParameters.neutral(len(SCENARIOS))
    for i, scenario in enumerate(SCENARIOS):
        for name, value in scenario_parameters(scenario, profile, tables).items():
            getattr(p, name)[i] = value
    for name, value in shared.scalars(DeclaredTables(tables, shared.REQUIRES_TABLES, "shared")).items():
        setattr(p, name, value)
    apply_exposures(p, profile)
    return p


def apply_exposures(p: ScenarioParameters, profile: PracticeProfile) -> None:
    """Raise each scenario's frequency by the largest multiplier among the profile's open exposures enabling it.

    The largest, not the product: a second open door to the same scenario does not double the attempts again
    (assumption, threats_catalogue.yaml ``exposure``). No exposure leaves the parameters untouched (bit for bit).
    """
    if not profile.exposures:
        return
    largest: dict[Scenario, float] = {}
    for exposure in profile.exposures:
        for s in exposure.scenarios:
            largest[s] = max(largest.get(s, 1.0), exposure.frequency_multiplier)
    for i, scenario in enumerate(SCENARIOS):
        if scenario in largest:
            p.frequency[i] = p.frequency[i] * largest[scenario]


__all__ = ["DRIVERS", "MODELS", "REGISTRY", "REQUIRES", "apply_exposures", "build_parameters", "scenario_parameters"]
