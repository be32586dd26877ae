"""The equation terms scenario families share, each a small function of the profile and the tables it names.

Every function reads only the tables named in its docstring; a family declaring it calls a function must
declare those tables (checked by the scenario contract suite, which builds each family over a mapping that
raises on any other table). All control effects are multipliers <= 1 applied when the control is in place,
so adding a control can never raise a frequency or a severity driver (tested as a property).

Figures are read in the order, and multiplied in the association, the engine has always used, so the
parameters (and every seeded result) are bit-for-bit those of the single ``build_parameters`` they replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios.parameters import FIXED_COST_PARTS
from cyberrx.vocab import Control, Hosting, RemoteAccess, Scenario, Training

Tables = Mapping[str, Any]

#: controls whose frequency effect is a plain on/off multiplier, in the order they are applied
_ON_OFF_FREQUENCY_CONTROLS = (Control.MFA_EMAIL, Control.MFA_PRIVILEGED, Control.EDR, Control.MDR_SOC,
                              Control.EMAIL_FILTERING, Control.FUNDS_TRANSFER_VERIFICATION)
#: controls that can lower a severity driver, in the order they are applied; all but the response plan act
#: on the practice's own systems only
_SEVERITY_CONTROLS = (Control.EDR, Control.MDR_SOC, Control.OFFLINE_BACKUPS, Control.BACKUPS_TESTED,
                      Control.INCIDENT_RESPONSE_PLAN)


def fig(node: Any) -> Any:
    """The ``value`` of a sourced figure (``{value, unit, source}``), or the node itself."""
    return node["value"] if isinstance(node, Mapping) and "value" in node else node


def num(node: Any) -> float:
    """A sourced figure as a float."""
    return float(fig(node))


def size_factor(driver_value: float, reference: float, exponent: float) -> float:
    """``(driver / reference) ** exponent``, the driver floored at 0."""
    return float((max(driver_value, 0.0) / reference) ** exponent)


def severity_table(scenario: Scenario, tables: Tables) -> Mapping[str, Any]:
    """The scenario's block of ``severity.scenarios``. Tables: severity."""
    block: Mapping[str, Any] = tables["severity"]["scenarios"][scenario.value]
    return block


# -- frequency ------------------------------------------------------------------------------------------------
def base_rate(scenario: Scenario, tables: Tables) -> float:
    """The reference practice's annual frequency of ``scenario``, per_year. Tables: frequency."""
    return num(tables["frequency"][scenario.value])


def rate_by_headcount(scenario: Scenario, headcount: float, key: str, tables: Tables,
                      exponent_key: str = "exponent") -> float:
    """Base rate x ``(headcount / reference headcount) ** exponent`` (``key``: ``endpoints`` or ``employees``).

    Tables: frequency, size_scaling, reference_practice.
    """
    scaling = tables["size_scaling"]
    exponent = num(scaling[exponent_key])
    rate = base_rate(scenario, tables)
    rate *= size_factor(headcount, num(tables["reference_practice"][key]), exponent)
    return rate


def rate_by_vendors(scenario: Scenario, vendors: int, tables: Tables) -> float:
    """Base rate x the number of vendors concerned (at least the minimum count). Tables: frequency,
    size_scaling."""
    minimum = num(tables["size_scaling"]["vendor_minimum_count"])
    rate = base_rate(scenario, tables)
    rate *= max(float(vendors), minimum)
    return rate


def check_driver(scenario: Scenario, expected: str, tables: Tables) -> None:
    """Fail loudly if loss_model.yaml scales ``scenario`` by another driver than its model does.
    Tables: size_scaling."""
    driver = tables["size_scaling"]["driver"][scenario.value]
    if driver != expected:
        raise ValueError(f"size_scaling.driver.{scenario.value} is {driver!r}; the model scales by {expected!r}")


def _patch_multiplier(days: int, bands: list[Mapping[str, Any]]) -> float:
    for band in bands:
        if days <= band["max_days"]:
            return float(band["value"])
    return 1.0


def control_frequency_multiplier(scenario: Scenario, profile: PracticeProfile, tables: Tables) -> float:
    """Product of the frequency multipliers of the practice's controls on ``scenario``. Tables: controls."""
    c = profile.controls
    ctl = tables["controls"]
    m = 1.0

    def apply(block: Mapping[str, Any]) -> None:
        nonlocal m
        value = (block.get("freq") or {}).get(scenario.value)
        if value is not None:
            m *= float(value)

    for control in _ON_OFF_FREQUENCY_CONTROLS:
        if getattr(c, control.value):
            apply(ctl[control.value])
    if c.mfa_remote_access and profile.remote_access is not RemoteAccess.NONE:
        apply(ctl["mfa_remote_access"])
    if c.security_training is not Training.NONE:
        apply(ctl["security_training"][c.security_training.value])
    return m


def own_systems_exposure(profile: PracticeProfile, tables: Tables) -> float:
    """Patch-cadence multiplier x remote-access exposure, on attacks on the practice's own systems.
    Tables: controls, exposure."""
    patch = _patch_multiplier(profile.controls.patch_critical_days, tables["controls"]["patch_critical_days"]["bands"])
    remote = num(tables["exposure"]["remote_access"][profile.remote_access.value])
    return patch * remote


# -- severity -------------------------------------------------------------------------------------------------
def severity_multiplier(key: str, profile: PracticeProfile, tables: Tables, *, own_systems: bool) -> float:
    """Severity multiplier on ``key`` (a cost, ``records``, ``downtime`` ...): a tested response plan helps
    every incident; EDR, MDR/SOC and backups act on the practice's own systems (``own_systems``).
    Tables: controls."""
    c = profile.controls
    ctl = tables["controls"]
    m = 1.0
    for control in _SEVERITY_CONTROLS:
        applies = control is Control.INCIDENT_RESPONSE_PLAN or own_systems
        if applies and getattr(c, control.value) and key in ctl[control.value]:
            m *= float(ctl[control.value][key])
    return m


def revenue_factor(profile: PracticeProfile, tables: Tables) -> float:
    """``(revenue / reference revenue) ** exponent``: how ransoms, penalties and funds lost scale.
    Tables: reference_practice, severity."""
    revenue = float(profile.annual_revenue)
    return size_factor(max(revenue, 1.0), num(tables["reference_practice"]["annual_revenue"]),
                       num(tables["severity"]["revenue_scaling_exponent"]))


def it_cost_scale(profile: PracticeProfile, tables: Tables) -> float:
    """How fixed costs of an attack on the practice's systems scale with its endpoints.
    Tables: reference_practice, severity."""
    return size_factor(profile.endpoints, num(tables["reference_practice"]["endpoints"]),
                       num(tables["severity"]["cost_size_exponent"]))


def fixed_costs(scenario: Scenario, profile: PracticeProfile, tables: Tables, *, scale: float = 1.0,
                own_systems: bool = False) -> dict[str, float]:
    """Median fixed costs (usd) the severity table lists for ``scenario``, scaled and control-adjusted,
    with the log-sd of their shared size factor. Tables: severity, controls."""
    table = severity_table(scenario, tables)
    out = {"fixed_sigma": num(tables["severity"]["fixed_cost_sigma"])}
    for part in FIXED_COST_PARTS:
        if part in table:
            out[part] = num(table[part]) * scale * severity_multiplier(part, profile, tables, own_systems=own_systems)
    return out


def notification_unit(tables: Tables) -> float:
    """Cost per notified record (letter, call centre, the share taking up monitoring), usd.
    Tables: notification."""
    notif = tables["notification"]
    return (num(notif["letter"]) + num(notif["call_centre"])
            + num(notif["monitoring_take_up"]) * num(notif["monitoring_price"]) * num(notif["monitoring_years"]))


def records_terms(profile: PracticeProfile, tables: Tables, records_median: float, *,
                  large: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> dict[str, float]:
    """The ``records`` driver: records exposed (median, capped at what the practice holds) and notified;
    ``large``: ``(probability, median, log-sd)`` of a second, large-disclosure component (none by default).
    Tables: severity, notification."""
    return {
        "records_median": records_median,
        "records_cap": float(profile.records),
        "records_sigma": num(tables["severity"]["records_sigma"]),
        "records_large_probability": large[0],
        "records_large_median": large[1],
        "records_large_sigma": large[2],
        "notify": 1.0,
        "notification_unit": notification_unit(tables),
    }


def records_by_share(scenario: Scenario, profile: PracticeProfile, tables: Tables, *, share_factor: float = 1.0,
                     own_systems: bool = False) -> float:
    """Median records exposed: the records held x the scenario's ``records_share`` (x ``share_factor``),
    control-adjusted. Tables: severity, controls."""
    share = num(severity_table(scenario, tables)["records_share"])
    share *= share_factor
    return float(profile.records) * share * severity_multiplier("records", profile, tables, own_systems=own_systems)


def sensitivity(profile: PracticeProfile, tables: Tables) -> float:
    """How much more a specialty's records cost when exposed (penalties, suits). Tables: specialty."""
    return num(tables["specialty"]["sensitivity"][profile.specialty.value])


def regulatory_terms(profile: PracticeProfile, tables: Tables) -> dict[str, float]:
    """The ``regulatory`` driver: OCR investigation, penalty and defence. Tables: regulatory, controls,
    reference_practice, severity, specialty."""
    reg = tables["regulatory"]
    penalty_probability = num(reg["penalty_probability_given_investigation"])
    if profile.controls.risk_analysis_current:
        penalty_probability *= float(tables["controls"]["risk_analysis_current"]["penalty_probability"])
    factor = revenue_factor(profile, tables)
    return {
        "investigation_small": num(reg["small_breach_investigation_probability"]),
        "penalty_probability": penalty_probability,
        "penalty_median": num(reg["penalty_median"]) * factor * sensitivity(profile, tables),
        "penalty_sigma": num(reg["penalty_sigma"]),
        "penalty_cap": num(reg["annual_cap"]) * num(reg["provisions_cited"]),
        "regulatory_defence": num(reg["defence_cost"]) * factor,
        **state_ag_terms(profile, tables),
    }


def state_ag_terms(profile: PracticeProfile, tables: Tables) -> dict[str, float]:
    """A state attorney general's penalty on a large breach: probability, median (scaled with revenue like
    OCR's) and log-sd. Tables: regulatory, reference_practice, severity."""
    ag = tables["regulatory"]["state_attorney_general"]
    return {
        "ag_probability": num(ag["probability_given_large_breach"]),
        "ag_median": num(ag["penalty_median"]) * revenue_factor(profile, tables),
        "ag_sigma": num(ag["penalty_sigma"]),
    }


def litigation_terms(profile: PracticeProfile, tables: Tables) -> dict[str, float]:
    """The ``suit`` driver: defence and settlement per notified record. Tables: litigation, specialty."""
    lit = tables["litigation"]
    s = sensitivity(profile, tables)
    return {
        "suit_defence": num(lit["defence_cost"]) * s,
        "settlement_per_record": num(lit["settlement_per_member"]) * s,
        "settlement_sigma": num(lit["settlement_sigma"]),
    }


def breach_terms(profile: PracticeProfile, tables: Tables, records_median: float, *,
                 large: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> dict[str, float]:
    """``records``, ``regulatory`` and ``suit`` terms of a breach of patient records (``large``: see
    :func:`records_terms`)."""
    return {**records_terms(profile, tables, records_median, large=large), **regulatory_terms(profile, tables),
            **litigation_terms(profile, tables)}


def downtime_terms(scenario: Scenario, profile: PracticeProfile, tables: Tables, *, lost_share_key: str,
                   median_factor: float = 1.0) -> dict[str, float]:
    """The ``downtime`` driver: hours down (median x ``median_factor``, log-sd) and the income lost per hour.
    Tables: severity, income."""
    table = severity_table(scenario, tables)
    inc = tables["income"]
    median = num(table["downtime_hours_median"])
    median *= median_factor
    income = float(profile.annual_revenue) / num(inc["hours_per_year"])
    income *= num(inc[lost_share_key])
    return {
        "downtime_median": median,
        "downtime_sigma": num(table["downtime_sigma"]),
        "income_per_hour": income,
        "extra_expense_share": num(inc["extra_expense_share"]),
    }


def on_premises(profile: PracticeProfile) -> bool:
    return profile.ehr.hosting is Hosting.ON_PREMISES


__all__ = ["base_rate", "breach_terms", "check_driver", "control_frequency_multiplier", "downtime_terms", "fig",
           "fixed_costs", "it_cost_scale", "litigation_terms", "notification_unit", "num", "on_premises",
           "own_systems_exposure", "rate_by_headcount", "rate_by_vendors", "records_by_share", "records_terms",
           "regulatory_terms", "revenue_factor", "sensitivity", "severity_multiplier", "severity_table",
           "size_factor", "state_ag_terms"]
