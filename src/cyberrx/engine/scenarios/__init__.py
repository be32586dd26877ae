"""Scenario models: from a practice profile and the loss-model tables to per-scenario parameters.

One module per scenario family, each declaring, as OpenQuake's ground-motion models do, the profile fields it
reads (``REQUIRES_PROFILE``), the reference tables it reads (``REQUIRES_TABLES``: top-level keys of
loss_model.yaml), the random drivers each of its scenarios draws (``DRIVERS``), the coverage parts they can
hit (``PARTS``) and one function computing the parameters::

    ransomware          ransomware, ransomware_exfiltration
    intrusion           network_intrusion
    email               business_email_compromise
    social_engineering  social_engineering
    lost_device         lost_device
    insider             insider_misuse
    vendor_breach       vendor_breach
    vendor_outage       vendor_outage
    shared              the scalars every scenario shares (thresholds, the class-action curve)
    factors             the equation terms the families share (one small function each)

:func:`build_parameters` iterates :data:`REGISTRY` in the fixed order of ``cyberrx.vocab.SCENARIOS`` and
returns a :class:`ScenarioParameters` of arrays indexed by scenario, which the simulator gathers per event.
Each model sees the tables through a view that raises :class:`UndeclaredTable` on any it did not declare.
"""

from cyberrx.engine.scenarios.base import DeclaredTables, ScenarioModel, UndeclaredTable
from cyberrx.engine.scenarios.parameters import (
    ARRAY_FIELDS,
    BI_CONTINGENT,
    BI_NONE,
    BI_OWN,
    DRIVER_FIELDS,
    DRIVER_ORDER,
    DRIVER_PARTS,
    SHARED_FIELDS,
    ScenarioParameters,
)
from cyberrx.engine.scenarios.registry import (
    DRIVERS,
    MODELS,
    REGISTRY,
    REQUIRES,
    build_parameters,
    scenario_parameters,
)

__all__ = ["ARRAY_FIELDS", "BI_CONTINGENT", "BI_NONE", "BI_OWN", "DRIVERS", "DRIVER_FIELDS", "DRIVER_ORDER",
           "DRIVER_PARTS", "MODELS", "REGISTRY", "REQUIRES", "SHARED_FIELDS", "DeclaredTables", "ScenarioModel",
           "ScenarioParameters", "UndeclaredTable", "build_parameters", "scenario_parameters"]
