"""Scenario models: from a practice profile and the loss-model tables to per-scenario parameters.

Each scenario declares the profile fields and the reference tables it reads (``REQUIRES``), in the manner of
OpenQuake's ``REQUIRES_*``. ``build_parameters`` turns a profile into a :class:`ScenarioParameters` of arrays
indexed by scenario (order of ``cyberrx.vocab.SCENARIOS``), which the simulator gathers per event.

All control effects are multipliers <= 1 applied when the control is in place, so adding a control can never
raise a frequency or a severity driver (tested as a property).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from cyberrx.domain.profile import PracticeProfile
from cyberrx.vocab import SCENARIOS, Control, Hosting, RemoteAccess, Scenario, Training

S = Scenario

#: which profile fields and reference tables (top-level keys of loss_model.yaml) each scenario uses
_BREACH_FIELDS = ("states", "annual_revenue", "specialty", "controls.incident_response_plan",
                  "controls.risk_analysis_current")
_IT_FIELDS = ("endpoints", "remote_access", "controls")

REQUIRES: dict[Scenario, dict[str, tuple[str, ...]]] = {
    S.RANSOMWARE: {
        "profile": (*_BREACH_FIELDS, *_IT_FIELDS, "ehr.hosting"),
        "tables": ("reference_practice", "frequency", "size_scaling", "exposure", "controls", "severity", "income",
                   "notification", "regulatory", "litigation", "specialty"),
    },
    S.RANSOMWARE_EXFILTRATION: {
        "profile": (*_BREACH_FIELDS, *_IT_FIELDS, "ehr.hosting"),
        "tables": ("reference_practice", "frequency", "size_scaling", "exposure", "controls", "severity", "income",
                   "notification", "regulatory", "litigation", "specialty"),
    },
    S.NETWORK_INTRUSION: {
        "profile": (*_BREACH_FIELDS, *_IT_FIELDS),
        "tables": ("reference_practice", "frequency", "size_scaling", "exposure", "controls", "severity",
                   "notification", "regulatory", "litigation", "specialty"),
    },
    S.BUSINESS_EMAIL_COMPROMISE: {
        "profile": (*_BREACH_FIELDS, "employees", "controls"),
        "tables": ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty"),
    },
    S.SOCIAL_ENGINEERING: {
        "profile": ("employees", "annual_revenue", "controls"),
        "tables": ("reference_practice", "frequency", "size_scaling", "controls", "severity"),
    },
    S.LOST_DEVICE: {
        "profile": (*_BREACH_FIELDS, "endpoints", "controls.encryption_at_rest"),
        "tables": ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty"),
    },
    S.INSIDER_MISUSE: {
        "profile": (*_BREACH_FIELDS, "employees", "controls.security_training"),
        "tables": ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty"),
    },
    S.VENDOR_BREACH: {
        "profile": (*_BREACH_FIELDS, "business_associates"),
        "tables": ("reference_practice", "frequency", "size_scaling", "controls", "severity", "notification",
                   "regulatory", "litigation", "specialty"),
    },
    S.VENDOR_OUTAGE: {
        "profile": ("annual_revenue", "business_associates"),
        "tables": ("frequency", "size_scaling", "severity", "income"),
    },
}

_IT_SCENARIOS = (S.RANSOMWARE, S.RANSOMWARE_EXFILTRATION, S.NETWORK_INTRUSION)
_RANSOM_SCENARIOS = (S.RANSOMWARE, S.RANSOMWARE_EXFILTRATION)
BI_NONE, BI_OWN, BI_CONTINGENT = -1, 0, 1


@dataclass
class ScenarioParameters:
    """Per-scenario model parameters, each an array of shape ``(n_scenarios,)`` (order of SCENARIOS).

    Money in usd, time in hours, probabilities in [0, 1]. Lognormal drivers are given by median and log-sd.
    """

    frequency: np.ndarray                 # per_year
    records_median: np.ndarray            # records exposed per event (median, before the cap)
    records_cap: np.ndarray               # records held that the scenario can reach
    records_sigma: np.ndarray             # log-sd
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

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), np.ndarray)}

    def scalars(self, i: int) -> dict[str, float]:
        """Scenario ``i``'s parameters as plain floats (computed once, then cached: treat params as frozen)."""
        cache = self.meta.setdefault("_scalars", {})
        if i not in cache:
            cache[i] = {k: float(v[i]) for k, v in self.arrays().items()}
        return cache[i]


def _fig(node: Any) -> Any:
    return node["value"] if isinstance(node, Mapping) and "value" in node else node


def _size_factor(driver_value: float, reference: float, exponent: float) -> float:
    return float((max(driver_value, 0.0) / reference) ** exponent)


def _patch_multiplier(days: int, bands: list[Mapping[str, Any]]) -> float:
    for band in bands:
        if days <= band["max_days"]:
            return float(band["value"])
    return 1.0


def frequency_multipliers(profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[Scenario, float]:
    """Product of exposure and control multipliers on each scenario's frequency."""
    c = profile.controls
    ctl = tables["controls"]
    mult = {s: 1.0 for s in SCENARIOS}

    def apply(block: Mapping[str, Any]) -> None:
        for name, value in (block.get("freq") or {}).items():
            mult[Scenario(name)] *= float(value)

    for control in (Control.MFA_EMAIL, Control.MFA_PRIVILEGED, Control.EDR, Control.MDR_SOC,
                    Control.EMAIL_FILTERING, Control.FUNDS_TRANSFER_VERIFICATION):
        if getattr(c, control.value):
            apply(ctl[control.value])
    if c.mfa_remote_access and profile.remote_access is not RemoteAccess.NONE:
        apply(ctl["mfa_remote_access"])
    if c.security_training is not Training.NONE:
        apply(ctl["security_training"][c.security_training.value])
    patch = _patch_multiplier(c.patch_critical_days, ctl["patch_critical_days"]["bands"])
    remote = float(_fig(tables["exposure"]["remote_access"][profile.remote_access.value]))
    for s in _IT_SCENARIOS:
        mult[s] *= patch * remote
    return mult


def base_frequency(profile: PracticeProfile, tables: Mapping[str, Any]) -> dict[Scenario, float]:
    """Annual frequency before controls: base rate x size factor."""
    ref = tables["reference_practice"]
    scaling = tables["size_scaling"]
    exponent = float(_fig(scaling["exponent"]))
    min_vendors = float(_fig(scaling["vendor_minimum_count"]))
    phi_bas = sum(1 for ba in profile.business_associates if ba.holds_phi)
    critical_bas = sum(1 for ba in profile.business_associates if ba.critical)
    out: dict[Scenario, float] = {}
    for s in SCENARIOS:
        rate = float(_fig(tables["frequency"][s.value]))
        driver = scaling["driver"][s.value]
        if driver == "endpoints":
            exp = float(_fig(scaling["lost_device_exponent"])) if s is S.LOST_DEVICE else exponent
            rate *= _size_factor(profile.endpoints, float(_fig(ref["endpoints"])), exp)
        elif driver == "employees":
            rate *= _size_factor(profile.employees, float(_fig(ref["employees"])), exponent)
        elif driver == "business_associates_holding_phi":
            rate *= max(float(phi_bas), min_vendors)
        elif driver == "critical_business_associates":
            rate *= max(float(critical_bas), min_vendors)
        out[s] = rate
    return out


def build_parameters(profile: PracticeProfile, tables: Mapping[str, Any]) -> ScenarioParameters:
    """All per-scenario parameters for ``profile`` from the loss-model ``tables`` (loss_model.yaml)."""
    n = len(SCENARIOS)
    idx = {s: i for i, s in enumerate(SCENARIOS)}
    c = profile.controls
    ctl = tables["controls"]
    sev = tables["severity"]
    ref = tables["reference_practice"]
    inc = tables["income"]
    notif = tables["notification"]
    reg = tables["regulatory"]
    lit = tables["litigation"]

    def zeros() -> np.ndarray:
        return np.zeros(n)

    p = ScenarioParameters(**{f.name: zeros() for f in fields(ScenarioParameters)
                              if f.type in ("np.ndarray",)})
    p.bi_column = np.full(n, BI_NONE, dtype=np.int64)

    freq = base_frequency(profile, tables)
    fmult = frequency_multipliers(profile, tables)
    for s in SCENARIOS:
        p.frequency[idx[s]] = freq[s] * fmult[s]

    records = float(profile.records)
    revenue = float(profile.annual_revenue)
    revenue_factor = _size_factor(max(revenue, 1.0), float(_fig(ref["annual_revenue"])),
                                  float(_fig(sev["revenue_scaling_exponent"])))
    it_scale = _size_factor(profile.endpoints, float(_fig(ref["endpoints"])),
                            float(_fig(sev["cost_size_exponent"])))
    sensitivity = float(_fig(tables["specialty"]["sensitivity"][profile.specialty.value]))
    hosting_share = float(_fig(tables["exposure"][
        "on_premises_ehr_records_share" if profile.ehr.hosting is Hosting.ON_PREMISES else "cloud_ehr_records_share"]))

    # control severity multipliers (<= 1 each)
    def sev_mult(key: str, scenario: Scenario) -> float:
        """Severity multiplier on ``key`` for ``scenario``: a tested response plan helps every incident; EDR,
        MDR/SOC and backups act on the practice's own systems, so only on the IT scenarios."""
        m = 1.0
        for control in (Control.EDR, Control.MDR_SOC, Control.OFFLINE_BACKUPS, Control.BACKUPS_TESTED,
                        Control.INCIDENT_RESPONSE_PLAN):
            applies = control is Control.INCIDENT_RESPONSE_PLAN or scenario in _IT_SCENARIOS
            if applies and getattr(c, control.value) and key in ctl[control.value]:
                m *= float(ctl[control.value][key])
        return m

    unit = (float(_fig(notif["letter"])) + float(_fig(notif["call_centre"]))
            + float(_fig(notif["monitoring_take_up"])) * float(_fig(notif["monitoring_price"]))
            * float(_fig(notif["monitoring_years"])))
    penalty_prob = float(_fig(reg["penalty_probability_given_investigation"]))
    if c.risk_analysis_current:
        penalty_prob *= float(ctl["risk_analysis_current"]["penalty_probability"])

    p.records_sigma[:] = float(_fig(sev["records_sigma"]))
    p.fixed_sigma[:] = float(_fig(sev["fixed_cost_sigma"]))
    p.records_cap[:] = records
    p.notification_unit[:] = unit
    p.investigation_small[:] = float(_fig(reg["small_breach_investigation_probability"]))
    p.penalty_probability[:] = penalty_prob
    p.penalty_median[:] = float(_fig(reg["penalty_median"])) * revenue_factor * sensitivity
    p.penalty_sigma[:] = float(_fig(reg["penalty_sigma"]))
    p.penalty_cap[:] = float(_fig(reg["annual_cap"])) * float(_fig(reg["provisions_cited"]))
    p.regulatory_defence[:] = float(_fig(reg["defence_cost"])) * revenue_factor
    p.suit_defence[:] = float(_fig(lit["defence_cost"])) * sensitivity
    p.settlement_per_record[:] = float(_fig(lit["settlement_per_member"])) * sensitivity
    p.settlement_sigma[:] = float(_fig(lit["settlement_sigma"]))
    p.income_per_hour[:] = revenue / float(_fig(inc["hours_per_year"]))
    p.extra_expense_share[:] = float(_fig(inc["extra_expense_share"]))
    p.downtime_sigma[:] = 1.0
    p.ransom_sigma[:] = 1.0
    p.notify[:] = 1.0

    for s in SCENARIOS:
        i = idx[s]
        table = sev["scenarios"][s.value]
        scale = it_scale if s in _IT_SCENARIOS else 1.0
        for part in ("forensics", "legal", "public_relations", "data_restoration", "betterment"):
            if part in table:
                p.__dict__[part][i] = float(_fig(table[part])) * scale * sev_mult(part, s)
        if "records_share" in table:
            share = float(_fig(table["records_share"]))
            if s in _RANSOM_SCENARIOS:
                share *= hosting_share
            p.records_median[i] = records * share * sev_mult("records", s)
        if "records_median" in table:
            p.records_median[i] = min(records, float(_fig(table["records_median"])))
        if "downtime_hours_median" in table:
            p.downtime_median[i] = float(_fig(table["downtime_hours_median"]))
            p.downtime_sigma[i] = float(_fig(table["downtime_sigma"]))
        if "ransom_median" in table:
            p.ransom_probability[i] = (float(_fig(table["ransom_payment_probability"]))
                                       * sev_mult("ransom_payment_probability", s))
            p.ransom_median[i] = float(_fig(table["ransom_median"])) * revenue_factor
            p.ransom_sigma[i] = float(_fig(table["ransom_sigma"]))

    # scenarios that expose no patient records carry no records, regulatory or litigation parameters
    for s in SCENARIOS:
        table = sev["scenarios"][s.value]
        if "records_share" not in table and "records_median" not in table:
            for name in ("records_cap", "notification_unit", "investigation_small", "penalty_probability",
                         "penalty_median", "penalty_cap", "regulatory_defence", "suit_defence",
                         "settlement_per_record"):
                p.__dict__[name][idx[s]] = 0.0

    # own-systems downtime: ransomware; contingent: vendor outage
    on_prem = float(_fig(tables["exposure"]["on_premises_ehr_downtime"])) \
        if profile.ehr.hosting is Hosting.ON_PREMISES else 1.0
    for s in _RANSOM_SCENARIOS:
        i = idx[s]
        p.bi_column[i] = BI_OWN
        p.downtime_median[i] *= sev_mult("downtime", s) * on_prem
        p.income_per_hour[i] *= float(_fig(inc["lost_share_own_outage"]))
    i = idx[S.VENDOR_OUTAGE]
    p.bi_column[i] = BI_CONTINGENT
    p.income_per_hour[i] *= float(_fig(inc["lost_share_vendor_outage"]))

    # social engineering: net funds lost after recovery, scaled with revenue
    se = sev["scenarios"][S.SOCIAL_ENGINEERING.value]
    p.funds_transfer[idx[S.SOCIAL_ENGINEERING]] = (float(_fig(se["funds_transfer_median"])) * revenue_factor
                                                   * (1.0 - float(_fig(se["funds_recovered_share"]))))

    # lost devices: encrypted devices are secured PHI (safe harbor), nothing to notify
    if c.encryption_at_rest:
        i = idx[S.LOST_DEVICE]
        p.notify[i] = 0.0
        for part in ("forensics", "legal", "public_relations", "data_restoration", "betterment"):
            p.__dict__[part][i] *= float(ctl["encryption_at_rest"]["lost_device_fixed_costs"])

    # vendor breach: the practice bears part of the notification cost under the BAA
    vb = sev["scenarios"][S.VENDOR_BREACH.value]
    p.notification_unit[idx[S.VENDOR_BREACH]] *= float(_fig(vb["practice_cost_share"]))

    p.media_threshold = float(_fig(notif["media_threshold"]))
    p.large_breach_threshold = float(_fig(reg["large_breach_threshold"]))
    p.suit_p10k = float(_fig(lit["suit_probability_at_10000"]))
    p.suit_exponent = float(_fig(lit["suit_probability_exponent"]))
    p.suit_max = float(_fig(lit["suit_probability_max"]))
    p.suit_min_records = float(_fig(lit["suit_minimum_records"]))
    return p


__all__ = ["BI_CONTINGENT", "BI_NONE", "BI_OWN", "REQUIRES", "ScenarioParameters", "base_frequency",
           "build_parameters", "frequency_multipliers"]
