"""The per-scenario parameters the simulator gathers per event, and which driver reads which of them.

A scenario model (one module per family in this package) computes, for each scenario it covers, the values of
the fields its random drivers read (:data:`DRIVER_FIELDS`) plus its ``frequency``; every other field of that
scenario stays at its neutral value (0, or ``BI_NONE`` for ``bi_column``), so a parameter nobody draws from
never depends on a table the scenario did not declare.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from cyberrx.vocab import CoveragePart

C = CoveragePart

#: which business-interruption column a scenario's downtime falls in (``bi_column``)
BI_NONE, BI_OWN, BI_CONTINGENT = -1, 0, 1

#: the random drivers an event may draw, in the order a scenario draws the ones it uses
DRIVER_ORDER: tuple[str, ...] = ("size", "records", "downtime", "ransom", "regulatory", "suit")

#: the parameter fields each driver reads (``frequency`` is read by every scenario)
DRIVER_FIELDS: dict[str, tuple[str, ...]] = {
    "size": ("fixed_sigma", "forensics", "legal", "public_relations", "data_restoration", "betterment",
             "funds_transfer"),
    "records": ("records_median", "records_cap", "records_sigma", "records_large_probability",
                "records_large_median", "records_large_sigma", "notify", "notification_unit"),
    "downtime": ("bi_column", "downtime_median", "downtime_sigma", "income_per_hour", "extra_expense_share"),
    "ransom": ("ransom_probability", "ransom_median", "ransom_sigma"),
    "regulatory": ("investigation_small", "penalty_probability", "penalty_median", "penalty_sigma", "penalty_cap",
                   "regulatory_defence", "ag_probability", "ag_median", "ag_sigma"),
    "suit": ("suit_defence", "settlement_per_record", "settlement_sigma"),
}

#: the coverage parts each driver can put money in
DRIVER_PARTS: dict[str, frozenset[CoveragePart]] = {
    "size": frozenset({C.FORENSICS, C.LEGAL, C.PUBLIC_RELATIONS, C.DATA_RESTORATION, C.BETTERMENT,
                       C.SOCIAL_ENGINEERING}),
    "records": frozenset({C.NOTIFICATION}),
    "downtime": frozenset({C.BUSINESS_INTERRUPTION, C.CONTINGENT_BI}),
    "ransom": frozenset({C.EXTORTION}),
    "regulatory": frozenset({C.REGULATORY}),
    "suit": frozenset({C.PRIVACY_LIABILITY}),
}

#: the per-event fixed costs scaled by the shared size factor (usd medians), as named in the severity table
FIXED_COST_PARTS: tuple[str, ...] = ("forensics", "legal", "public_relations", "data_restoration", "betterment")


@dataclass
class ScenarioParameters:
    """Per-scenario model parameters, each an array of shape ``(n_scenarios,)`` (order of SCENARIOS).

    Money in usd, time in hours, probabilities in [0, 1]. Lognormal drivers are given by median and log-sd.
    A field no driver of a scenario reads is 0 for that scenario (``bi_column``: ``BI_NONE``).
    """

    frequency: np.ndarray                 # per_year
    records_median: np.ndarray            # records exposed per event (median, before the cap)
    records_cap: np.ndarray               # records held that the scenario can reach
    records_sigma: np.ndarray             # log-sd
    records_large_probability: np.ndarray  # share of events that are large disclosures (second component)
    records_large_median: np.ndarray      # records exposed by a large disclosure (median, before the cap)
    records_large_sigma: np.ndarray       # its log-sd
    notify: np.ndarray                    # 1 if exposed records must be notified, 0 under safe harbor
    notification_unit: np.ndarray         # usd per notified record (letters, call centre, monitoring)
    fixed_sigma: np.ndarray               # log-sd of the shared per-event size factor
    forensics: np.ndarray                 # usd medians of fixed costs ...
    legal: np.ndarray
    public_relations: np.ndarray
    data_restoration: np.ndarray
    betterment: np.ndarray
    funds_transfer: np.ndarray            # usd median of the net funds lost
    bi_column: np.ndarray                 # BI_NONE, BI_OWN or BI_CONTINGENT
    downtime_median: np.ndarray           # hours
    downtime_sigma: np.ndarray
    income_per_hour: np.ndarray           # usd per hour of downtime
    extra_expense_share: np.ndarray       # of income loss
    ransom_probability: np.ndarray
    ransom_median: np.ndarray
    ransom_sigma: np.ndarray
    investigation_small: np.ndarray       # probability OCR investigates a breach under the large threshold
    penalty_probability: np.ndarray       # given an investigation
    penalty_median: np.ndarray
    penalty_sigma: np.ndarray
    penalty_cap: np.ndarray
    regulatory_defence: np.ndarray        # usd median (scaled by the size factor)
    ag_probability: np.ndarray            # probability a state attorney general penalises a large breach
    ag_median: np.ndarray                 # usd median of that penalty
    ag_sigma: np.ndarray                  # its log-sd
    suit_defence: np.ndarray              # usd median (scaled by the size factor)
    settlement_per_record: np.ndarray     # usd median per notified record
    settlement_sigma: np.ndarray
    # scalars shared by every scenario
    media_threshold: float = 500.0
    large_breach_threshold: float = 500.0
    suit_p10k: float = 0.05
    suit_exponent: float = 0.5
    suit_max: float = 0.6
    suit_min_records: float = 500.0
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def neutral(cls, n_scenarios: int) -> ScenarioParameters:
        """Every array field at its neutral value: 0, and ``BI_NONE`` for ``bi_column``."""
        zeros: dict[str, Any] = {name: np.zeros(n_scenarios) for name in ARRAY_FIELDS}
        p = cls(**zeros)
        p.bi_column = np.full(n_scenarios, BI_NONE, dtype=np.int64)
        return p

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), np.ndarray)}

    def scalars(self, i: int) -> dict[str, float]:
        """Scenario ``i``'s parameters as plain floats (computed once, then cached: treat params as frozen)."""
        cache: dict[int, dict[str, float]] = self.meta.setdefault("_scalars", {})
        if i not in cache:
            cache[i] = {k: float(v[i]) for k, v in self.arrays().items()}
        return cache[i]


#: the per-scenario array fields of :class:`ScenarioParameters`
ARRAY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ScenarioParameters) if f.type == "np.ndarray")
#: the scalars shared by every scenario (set by :mod:`cyberrx.engine.scenarios.shared`)
SHARED_FIELDS: tuple[str, ...] = ("media_threshold", "large_breach_threshold", "suit_p10k", "suit_exponent",
                                  "suit_max", "suit_min_records")

__all__ = ["ARRAY_FIELDS", "BI_CONTINGENT", "BI_NONE", "BI_OWN", "DRIVER_FIELDS", "DRIVER_ORDER", "DRIVER_PARTS",
           "FIXED_COST_PARTS", "SHARED_FIELDS", "ScenarioParameters"]
