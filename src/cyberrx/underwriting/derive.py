"""Derive the rate manual's tables from the loss model: one price story (issue 11).

The manual premium is a product of factors a broker can read (``rating``); each factor is measured here as a
ratio of technical premiums (``pricing``: the loss engine with the option's terms applied) on reference
practices, so that manual / technical ("rate adequacy") sits near 1 wherever the reference practices are a fair
picture of the business. Re-run after any change to ``loss_model.yaml`` (``scripts/derive-rate-manual``)::

    base(revenue)             technical premium of the reference practice at the base option ($1M / $2,500),
                              on a grid of revenues, log-log interpolated (continuous; no flat top band)
    ILF(revenue, limit)       technical(limit, base retention) / technical(base option), per grid revenue
    RF(revenue, retention)    technical(base limit, retention) / technical(base option), per grid revenue
    class(specialty)          technical(specialty) / technical(reference specialty), geometric mean over sizes
    exposure                  remote access (vs the reference's VPN), EHR hosting (vs cloud), records held
                              (an exponent on records / the reference's records for the revenue), business
                              associates holding PHI (a factor per associate above or below the reference's one)
    schedule(control)         technical(control changed) / technical(reference controls): a debit (> 1) for a
                              reference control missing, a credit (< 1) for a control beyond the reference;
                              training and patching by level. Multiplied, so controls move the premium in
                              proportion to their modelled effect (an additive capped schedule could not)

Orderings the manual promises are enforced on the measured figures (and their adjustments counted): factors
rise with the limit, fall with the retention; base x ILF x RF never falls with revenue at any grid option; a
control in place never costs more than the control missing.

Pure: takes the tables and returns figures and the YAML text of the derived block; the script writes the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from cyberrx.domain.profile import BusinessAssociate, Controls, Ehr, PracticeProfile
from cyberrx.engine.terms import compile_terms
from cyberrx.underwriting.forms import pricing_form, to_terms
from cyberrx.underwriting.pricing import TechnicalBasis, YearBook, insured_annual, simulate_years, technical_price
from cyberrx.underwriting.segments import SegmentThresholds
from cyberrx.vocab import Control, Hosting, RemoteAccess, Specialty, Training

BEGIN = "# ---- BEGIN DERIVED"
END = "# ---- END DERIVED"
_PERIOD_START = date(2027, 1, 1)


def _num(node: Any) -> float:
    return float(node["value"] if isinstance(node, Mapping) else node)


@dataclass(frozen=True)
class Derivation:
    """How to derive: the reference practice, the grids and the run size (``rate_manual.yaml`` ``derivation``)."""

    reference: Mapping[str, Any]
    revenues: tuple[float, ...]
    limits: tuple[float, ...]
    retentions: tuple[float, ...]
    factor_revenues: tuple[float, ...]
    base_limit: float
    base_retention: float
    trials: int
    seed: int

    @classmethod
    def from_manual(cls, manual: Mapping[str, Any]) -> Derivation:
        d = manual["derivation"]
        base = manual["base_premium"]
        return cls(d["reference_practice"], tuple(float(x) for x in d["revenues"]["value"]),
                   tuple(float(x) for x in d["limits"]["value"]), tuple(float(x) for x in d["retentions"]["value"]),
                   tuple(float(x) for x in d["factor_revenues"]["value"]), _num(base["base_limit"]),
                   _num(base["base_retention"]), int(_num(d["trials"])), int(_num(d["seed"])))


def reference_practice(ref: Mapping[str, Any], revenue: float, **changes: Any) -> PracticeProfile:
    """The reference practice scaled to ``revenue`` (usd): employees, endpoints, providers and records in
    proportion to the reference's; ``changes`` replace profile fields (``controls`` a Controls)."""
    scale = revenue / _num(ref["annual_revenue"])
    records = max(50, round(_num(ref["records"]) * scale))
    fields: dict[str, Any] = {
        "name": f"reference practice at {revenue:,.0f} usd", "specialty": Specialty(ref["specialty"]),
        "states": {str(ref["state"]): records}, "annual_revenue": revenue,
        "providers": max(1, round(_num(ref["providers"]) * scale)),
        "employees": max(1, round(_num(ref["employees"]) * scale)),
        "endpoints": max(1, round(_num(ref["endpoints"]) * scale)),
        "ehr": Ehr(hosting=Hosting(ref["ehr_hosting"])), "remote_access": RemoteAccess(ref["remote_access"]),
        "business_associates": [BusinessAssociate(name=f"vendor {i + 1}", service="billing", holds_phi=True,
                                                  baa=True, critical=True)
                                for i in range(int(_num(ref["business_associates"])))],
        "controls": Controls(**ref["controls"]),
    }
    fields.update(changes)
    return PracticeProfile(**fields)


def reference_records(ref: Mapping[str, Any], revenue: float) -> float:
    """Records (patients) the reference practice holds at ``revenue`` usd."""
    return max(50.0, _num(ref["records"]) * revenue / _num(ref["annual_revenue"]))


@dataclass
class _Pricer:
    manual: Mapping[str, Any]
    loss_tables: Mapping[str, Any]
    segments: SegmentThresholds
    trials: int
    seed: int
    basis: TechnicalBasis = field(init=False)

    def __post_init__(self) -> None:
        self.basis = TechnicalBasis.from_manual(self.manual["technical"])

    def prices(self, profile: PracticeProfile, options: Sequence[tuple[float, float]]) -> list[float]:
        """Technical premiums (usd/yr) of ``options`` (limit, retention) on one simulation of ``profile``."""
        segment, _ = self.segments.classify(profile)
        book = YearBook(simulate_years(profile, self.loss_tables, self.trials, self.seed))
        controls = {c.value: profile.controls.has(c) for c in Control}
        out = []
        for limit, retention in options:
            form = pricing_form(profile, segment, limit, retention, self.manual["policy_form"], _PERIOD_START)
            terms = compile_terms(to_terms(form), controls)
            out.append(technical_price(insured_annual(book, terms), self.basis).technical_premium)
        return out

    def price(self, profile: PracticeProfile, option: tuple[float, float]) -> float:
        return self.prices(profile, [option])[0]


def _ordered(pick: Any, values: Any, axis: int = 0) -> np.ndarray:
    """``values`` with each entry along ``axis`` replaced by the ``pick`` (max or min) of it and those before
    (the ordering the manual promises: factors rise with the limit, fall with the retention ...)."""
    arr = np.array(values, dtype=float)
    moved = np.moveaxis(arr, axis, 0).copy()
    for i in range(1, moved.shape[0]):
        pairs = zip(moved[i].ravel().tolist(), moved[i - 1].ravel().tolist(), strict=True)
        moved[i] = np.array([pick(a, b) for a, b in pairs]).reshape(moved[i].shape)
    return np.moveaxis(moved, 0, axis)


def _geomean(xs: Sequence[float]) -> float:
    return float(math.exp(sum(math.log(max(x, 1e-12)) for x in xs) / len(xs)))


def derive_tables(manual: Mapping[str, Any], loss_tables: Mapping[str, Any], segments: SegmentThresholds,
                  *, trials: int | None = None) -> dict[str, Any]:
    """The derived tables (plain figures; ``render_block`` writes them with sources)."""
    d = Derivation.from_manual(manual)
    ref = d.reference
    pricer = _Pricer(manual, loss_tables, segments, trials or d.trials, d.seed)
    adjustments: list[str] = []

    # ---- base, ILF, RF by revenue -----------------------------------------------------------------------
    base, ilf, rf = [], [], []
    for r in d.revenues:
        p = reference_practice(ref, r)
        options = [(lim, d.base_retention) for lim in d.limits] + [(d.base_limit, ret) for ret in d.retentions]
        prices = pricer.prices(p, options)
        by_limit = prices[:len(d.limits)]
        by_ret = prices[len(d.limits):]
        b = prices[d.limits.index(d.base_limit)]
        base.append(b)
        ilf.append([x / b for x in by_limit])
        rf.append([x / b for x in by_ret])
    ilf_a = _ordered(max, np.array(ilf), axis=1)          # rises with the limit
    rf_a = _ordered(min, np.array(rf), axis=1)            # falls with the retention
    if not (np.allclose(ilf_a, ilf) and np.allclose(rf_a, rf)):
        adjustments.append("a factor that fell with the limit or rose with the retention was held level")
    base_a = _ordered(max, np.array(base))
    if not np.allclose(base_a, base):
        adjustments.append("a base premium below a smaller practice's was raised to it")
    # base x ILF and base x RF never fall with revenue (a larger practice never pays less at a grid option)
    for j in range(ilf_a.shape[1]):
        col = _ordered(max, base_a * ilf_a[:, j])
        if not np.allclose(col, base_a * ilf_a[:, j]):
            adjustments.append(f"ILF at limit {d.limits[j]:,.0f} raised where a larger practice would pay less")
        ilf_a[:, j] = col / base_a
    for k in range(rf_a.shape[1]):
        col = _ordered(max, base_a * rf_a[:, k])
        if not np.allclose(col, base_a * rf_a[:, k]):
            adjustments.append(f"retention factor at {d.retentions[k]:,.0f} raised where a larger practice "
                               "would pay less")
        rf_a[:, k] = col / base_a
    ilf_a = _ordered(max, ilf_a, axis=1)
    rf_a = _ordered(min, rf_a, axis=1)

    # ---- factors measured at a few sizes (one figure per derivation.factor_revenues) ---------------------
    def ratio(changes_fn: Any) -> list[float]:
        out = []
        for r in d.factor_revenues:
            p0 = reference_practice(ref, r)
            opt = standard_options[segments.classify(p0)[0].value]
            out.append(pricer.price(changes_fn(p0), opt) / pricer.price(p0, opt))
        return out

    # measured at each size's standard option: a control's effect depends on the layer (EDR and MDR cut the
    # ransomware tail a group's $5M limit reaches)
    standard_options = {k: (_num(v["limit"]), _num(v["retention"])) for k, v in manual["standard_option"].items()}
    ones = [1.0] * len(d.factor_revenues)
    classes = {s.value: (ones if s.value == ref["specialty"] else
                         ratio(lambda p, s=s: p.model_copy(update={"specialty": s}))) for s in Specialty}
    remote = {a.value: (ones if a.value == ref["remote_access"] else
                        ratio(lambda p, a=a: p.model_copy(update={"remote_access": a}))) for a in RemoteAccess}
    hosting = {h.value: (ones if h.value == ref["ehr_hosting"] else
                         ratio(lambda p, h=h: p.model_copy(update={"ehr": Ehr(hosting=h)}))) for h in Hosting}

    def doubled_records(p: PracticeProfile) -> PracticeProfile:
        return p.model_copy(update={"states": {k: 2 * v for k, v in p.states.items()}})

    def doubled_staff(p: PracticeProfile) -> PracticeProfile:
        return p.model_copy(update={"employees": 2 * p.employees, "endpoints": 2 * p.endpoints})

    def one_more_vendor(p: PracticeProfile) -> PracticeProfile:
        extra = BusinessAssociate(name="extra vendor", service="other", holds_phi=True, baa=True, critical=False)
        return p.model_copy(update={"business_associates": [*p.business_associates, extra]})

    records_exponent = [max(0.0, math.log2(x)) for x in ratio(doubled_records)]
    staff_exponent = [max(0.0, math.log2(x)) for x in ratio(doubled_staff)]
    per_vendor = [max(1.0, x) for x in ratio(one_more_vendor)]

    ref_controls = Controls(**ref["controls"])
    schedule: dict[str, Any] = {}
    for control in Control:
        if control in (Control.SECURITY_TRAINING, Control.PATCH_CRITICAL_DAYS):
            continue
        has = bool(getattr(ref_controls, control.value))
        flipped = ref_controls.model_copy(update={control.value: not has})
        f = ratio(lambda p, c=flipped: p.with_controls(c))
        schedule[control.value] = ({"present": ones, "missing": [max(x, 1.0) for x in f]} if has else
                                   {"present": [min(x, 1.0) for x in f], "missing": ones})
    train = {}
    for t in Training:
        c = ref_controls.model_copy(update={"security_training": t})
        train[t.value] = ones if t is ref_controls.security_training else ratio(lambda p, c=c: p.with_controls(c))
    levels = _ordered(min, np.array([train[t.value] for t in Training]), axis=0)   # weakest first
    schedule["security_training"] = {"levels": {t.value: levels[i].tolist() for i, t in enumerate(Training)}}
    bands = []
    for band in loss_tables["controls"]["patch_critical_days"]["bands"]:
        days = int(min(int(band["max_days"]), 3650))
        c = ref_controls.model_copy(update={"patch_critical_days": days})
        bands.append((days, ones if days == ref_controls.patch_critical_days else
                      ratio(lambda p, c=c: p.with_controls(c))))
    fastest_first = _ordered(max, np.array([f for _, f in bands]), axis=0)   # faster never costs more
    schedule["patch_critical_days"] = {"bands": [{"max_days": days, "factor": fastest_first[i].tolist()}
                                                 for i, (days, _) in enumerate(bands)]}

    # compounding: the joint effect of every debit (every control missing) and of every credit (every control in
    # place) against the product of the single factors; the manual raises each product to its exponent
    def product(which: str) -> list[float]:
        out = np.ones(len(d.factor_revenues))
        for row in schedule.values():
            if "levels" in row:
                out *= np.array(row["levels"][Training.NONE.value if which == "missing" else
                                              Training.PHISHING_SIMULATION.value])
            elif "bands" in row:
                out *= np.array(row["bands"][-1 if which == "missing" else 0]["factor"])
            else:
                out *= np.array(row[which])
        return out.tolist()

    worst = Controls(patch_critical_days=3650)
    best = Controls(**{c.value: True for c in Control if c not in (Control.SECURITY_TRAINING,
                                                                      Control.PATCH_CRITICAL_DAYS)},
                    security_training=Training.PHISHING_SIMULATION, patch_critical_days=7)
    joint_debit = ratio(lambda p: p.with_controls(worst))
    joint_credit = ratio(lambda p: p.with_controls(best))
    debit_exp = [math.log(j) / math.log(q) if q > 1.0 + 1e-9 and j > 1.0 else 1.0
                 for j, q in zip(joint_debit, product("missing"), strict=True)]
    credit_exp = [math.log(j) / math.log(q) if q < 1.0 - 1e-9 and j < 1.0 else 1.0
                  for j, q in zip(joint_credit, product("present"), strict=True)]

    return {"revenues": list(d.revenues), "base": [float(x) for x in base_a], "limits": list(d.limits),
            "ilf": ilf_a.tolist(), "retentions": list(d.retentions), "rf": rf_a.tolist(), "class": classes,
            "remote_access": remote, "hosting": hosting, "records_exponent": records_exponent,
            "staff_exponent": staff_exponent, "per_phi_vendor": per_vendor,
            "factor_revenues": list(d.factor_revenues),
            "debit_exponent": debit_exp, "credit_exponent": credit_exp, "schedule": schedule,
            "adjustments": sorted(set(adjustments)),
            "trials": pricer.trials, "seed": pricer.seed}


def _r(x: float, digits: int = 4) -> float:
    return float(round(x, digits))


def render_block(t: Mapping[str, Any], loss_model_version: str, script: str, today: date) -> str:
    """The YAML text of the derived tables, between the BEGIN and END markers (sources on every table)."""
    src = f"derived from loss model {loss_model_version} by {script}, {today.isoformat()}"
    lines = [f"{BEGIN} by {script}: do not edit by hand; re-run it after a loss-model change ----",
             f"derived: {{loss_model_version: \"{loss_model_version}\", script: \"{script}\", "
             f"date: \"{today.isoformat()}\", trials: {t['trials']}, seed: {t['seed']}}}",
             "derived_adjustments: " + ("[]" if not t["adjustments"] else ""),
             *[f"  - \"{a}\"" for a in t["adjustments"]],
             "base_curve:",
             "  # technical premium (usd/yr) of the reference practice at the base option, by revenue (usd);",
             "  # log-log interpolation between points, the last slope beyond the last point",
             f"  source: \"{src}\"",
             "  points:"]
    lines += [f"    - {{revenue: {r:.0f}, premium: {b:.2f}}}" for r, b in zip(t["revenues"], t["base"], strict=True)]
    lines += ["increased_limit_factors:",
              "  # technical(limit, base retention) / technical(base option), per revenue; linear in the limit,",
              "  # geometric in revenue between rows",
              f"  source: \"{src}\"",
              f"  limits: [{', '.join(f'{x:.0f}' for x in t['limits'])}]",
              "  rows:"]
    lines += [f"    - {{revenue: {r:.0f}, factors: [{', '.join(f'{_r(x)}' for x in row)}]}}"
              for r, row in zip(t["revenues"], t["ilf"], strict=True)]
    lines += ["retention_factors:",
              "  # technical(base limit, retention) / technical(base option), per revenue",
              f"  source: \"{src}\"",
              f"  retentions: [{', '.join(f'{x:.0f}' for x in t['retentions'])}]",
              "  rows:"]
    lines += [f"    - {{revenue: {r:.0f}, factors: [{', '.join(f'{_r(x)}' for x in row)}]}}"
              for r, row in zip(t["revenues"], t["rf"], strict=True)]
    def vec(xs: Sequence[float]) -> str:
        return "[" + ", ".join(f"{_r(x)}" for x in xs) + "]"

    lines += ["# the factors below: one figure per factor_revenues point, geometric in revenue between them",
              f"factor_revenues: {{value: [{', '.join(f'{x:.0f}' for x in t['factor_revenues'])}], unit: usd, "
              f"source: \"{src}\"}}",
              "specialty_class:",
              "  # technical(specialty) / technical(reference specialty)",
              f"  source: \"{src}\""]
    lines += [f"  {k}: {vec(v)}" for k, v in t["class"].items()]
    lines += ["exposure:",
              f"  source: \"{src}\"",
              "  remote_access: {" + ", ".join(f"{k}: {vec(v)}" for k, v in t["remote_access"].items()) + "}",
              "  ehr_hosting: {" + ", ".join(f"{k}: {vec(v)}" for k, v in t["hosting"].items()) + "}",
              "  # exponents on records / reference records and on staff (employees and endpoints) / reference",
              f"  records_exponent: {vec(t['records_exponent'])}",
              f"  staff_exponent: {vec(t['staff_exponent'])}",
              "  # factor per vendor holding PHI beyond the reference's",
              f"  per_phi_vendor: {vec(t['per_phi_vendor'])}",
              "schedule_factors:",
              "  # multiplier per control: technical with the control changed / technical of the reference controls;",
              "  # the product of the debits is raised to debit_exponent and of the credits to credit_exponent (the",
              "  # joint effect of all controls missing / in place against the product of the single factors)",
              f"  source: \"{src}\"",
              f"  debit_exponent: {vec(t['debit_exponent'])}",
              f"  credit_exponent: {vec(t['credit_exponent'])}"]
    for name, row in t["schedule"].items():
        if "levels" in row:
            lines.append(f"  {name}: {{levels: {{" + ", ".join(f"{k}: {vec(v)}" for k, v in row["levels"].items())
                         + "}}")
        elif "bands" in row:
            lines.append(f"  {name}: {{bands: [" + ", ".join(f"{{max_days: {b['max_days']}, factor: "
                                                             f"{vec(b['factor'])}}}" for b in row["bands"]) + "]}")
        else:
            lines.append(f"  {name}: {{present: {vec(row['present'])}, missing: {vec(row['missing'])}}}")
    lines.append(f"{END} ----")
    return "\n".join(lines) + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` (rate_manual.yaml) with its derived block replaced by ``block`` (appended if there is none)."""
    start = text.find(BEGIN)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + block
    end = text.find("\n", text.find(END, start))
    return text[:start] + block + (text[end + 1:] if end >= 0 else "")


__all__ = ["BEGIN", "END", "Derivation", "derive_tables", "reference_practice", "reference_records",
           "render_block", "replace_block"]
