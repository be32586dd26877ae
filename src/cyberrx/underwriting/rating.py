"""The rate manual: the premium a broker is quoted, from tables in ``rate_manual.yaml`` derived from the loss model
(``underwriting.derive``, re-run by ``scripts/derive-rate-manual``).

::

    manual = base(revenue) x ILF(revenue, limit) x RF(revenue, retention) x class(specialty)
             x exposure (remote access, EHR hosting, records held, vendors holding PHI)
             x (1 + schedule modification) x product(1 + rule surcharges)
    premium = max(minimum premium, manual rounded up to the dollar)

- base: usd per year at the base limit ($1M) and base retention ($2,500): the technical premium of the
  reference practice, by revenue, log-log interpolated between grid points (the last slope beyond);
- ILF and retention factors: a row per grid revenue, linear in the limit (retention) within a row, geometric in
  revenue between rows; a limit or retention outside the table is refused;
- exposure: remote-access and hosting factors, ``(records / reference records) ** records_exponent`` and
  ``per_phi_vendor ** (vendors holding PHI - the reference's)``;
- schedule modification: the product of the control factors (each control's modelled effect, ``present`` <=
  ``missing``; training by level, patching by band) less 1, capped to ``[-cap_credit, +cap_debit]``. A monotone
  product and clip, so adding a control never raises the premium;
- rule surcharges (``underwriting_rules.yaml``) multiply after the cap: they answer gaps the schedule cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import InvalidInput, RuleFileError
from cyberrx.reference import check_sources, read_data_file
from cyberrx.vocab import Control, Hosting, RemoteAccess, Specialty, Training


def _fig(node: Any) -> float:
    return float(node["value"] if isinstance(node, Mapping) else node)


@dataclass(frozen=True)
class ManualPremium:
    """A manual premium and every factor behind it (usd per policy year; factors dimensionless)."""

    base: float
    revenue_band: str
    class_factor: float
    ilf: float
    retention_factor: float
    schedule: dict[str, float]           # control -> credit (<0) or debit (>0): its factor less 1
    schedule_modification: float         # the product of the factors less 1, capped
    surcharges: dict[str, float]         # rule id -> rate
    before_minimum: float
    minimum: float
    premium: float
    exposure: dict[str, float] = field(default_factory=dict)   # remote_access, ehr_hosting, records, vendors

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "revenue_band": self.revenue_band, "class_factor": self.class_factor,
                "increased_limit_factor": self.ilf, "retention_factor": self.retention_factor,
                "schedule": self.schedule, "schedule_modification": self.schedule_modification,
                "surcharges": self.surcharges, "before_minimum": self.before_minimum,
                "minimum_premium": self.minimum, "premium": self.premium, "exposure": self.exposure}


@dataclass(frozen=True)
class RateManual:
    version: str
    base_points: tuple[tuple[float, float], ...]       # (revenue usd, base usd)
    limits: tuple[float, ...]                          # ILF columns (usd)
    ilf_rows: tuple[tuple[float, ...], ...]            # one row per base point
    retentions: tuple[float, ...]                      # retention-factor columns (usd)
    retention_rows: tuple[tuple[float, ...], ...]
    factor_revenues: tuple[float, ...]                 # where the class, exposure and control figures are measured
    class_factors: Mapping[str, Sequence[float]]
    exposure: Mapping[str, Any]
    schedule: Mapping[str, Mapping[str, Any]]
    cap_credit: float
    cap_debit: float
    minimum: float
    max_revenue: float
    reference: Mapping[str, Any]                       # the derivation's reference practice
    tables: Mapping[str, Any]                          # the whole file (technical basis, policy form)

    # ---- factors --------------------------------------------------------------------------------------
    def _where(self, revenue: float) -> tuple[int, int, float]:
        """Grid rows around ``revenue`` and the weight of the upper one (in log revenue; clamped at the ends)."""
        xs = [p[0] for p in self.base_points]
        if revenue <= xs[0]:
            return 0, 0, 0.0
        if revenue >= xs[-1]:
            return len(xs) - 1, len(xs) - 1, 0.0
        hi = next(i for i, x in enumerate(xs) if x >= revenue)
        lo = hi - 1
        return lo, hi, (math.log(revenue) - math.log(xs[lo])) / (math.log(xs[hi]) - math.log(xs[lo]))

    def base_premium(self, revenue: float) -> tuple[float, str]:
        """usd at the base limit and retention, and where on the curve (``"curve 1,200,000-2,400,000"``)."""
        if revenue > self.max_revenue:
            raise InvalidInput(f"annual revenue {revenue:,.0f} is outside the rate manual", field="annual_revenue",
                               allowed=f"up to {self.max_revenue:,.0f} usd")
        pts = self.base_points
        if revenue <= pts[0][0]:
            return pts[0][1], f"curve at or below {pts[0][0]:,.0f} (first point)"
        if revenue >= pts[-1][0]:
            (x0, y0), (x1, y1) = pts[-2], pts[-1]
            slope = math.log(y1 / y0) / math.log(x1 / x0)
            return y1 * (revenue / x1) ** slope, f"curve above {x1:,.0f} (last slope {slope:.2f})"
        lo, hi, w = self._where(revenue)
        value = math.exp((1 - w) * math.log(pts[lo][1]) + w * math.log(pts[hi][1]))
        return value, f"curve {pts[lo][0]:,.0f}-{pts[hi][0]:,.0f}"

    def at(self, values: Any, revenue: float) -> float:
        """A factor given per ``factor_revenues`` point, at ``revenue`` usd (geometric between points, clamped);
        a plain number is the same at every revenue."""
        if not isinstance(values, Sequence):
            return float(values)
        xs = self.factor_revenues
        if revenue <= xs[0]:
            return float(values[0])
        if revenue >= xs[-1]:
            return float(values[-1])
        hi = next(i for i, x in enumerate(xs) if x >= revenue)
        w = (math.log(revenue) - math.log(xs[hi - 1])) / (math.log(xs[hi]) - math.log(xs[hi - 1]))
        lo_v, hi_v = float(values[hi - 1]), float(values[hi])
        if lo_v > 0 and hi_v > 0:
            return math.exp((1 - w) * math.log(lo_v) + w * math.log(hi_v))
        return (1 - w) * lo_v + w * hi_v

    def class_factor(self, specialty: Specialty, revenue: float | None = None) -> float:
        rev = _num(self.reference["annual_revenue"]) if revenue is None else revenue
        return self.at(self.class_factors[specialty.value], rev)

    def _row_factor(self, rows: Sequence[Sequence[float]], cols: Sequence[float], x: float, revenue: float,
                    field_: str, what: str) -> float:
        if not cols[0] <= x <= cols[-1]:
            raise InvalidInput(f"{what} {x:,.0f} is outside the rate manual", field=field_,
                               allowed=f"{cols[0]:,.0f} to {cols[-1]:,.0f} usd")
        lo, hi, w = self._where(revenue)
        f_lo = float(np.interp(x, cols, rows[lo]))
        f_hi = float(np.interp(x, cols, rows[hi]))
        return math.exp((1 - w) * math.log(f_lo) + w * math.log(f_hi))

    def ilf(self, limit: float, revenue: float | None = None) -> float:
        """Increased-limit factor for an aggregate ``limit`` (usd) at ``revenue`` (usd; the reference's if None)."""
        rev = _num(self.reference["annual_revenue"]) if revenue is None else revenue
        return self._row_factor(self.ilf_rows, self.limits, limit, rev, "limits", "limit")

    def retention_factor(self, retention: float, revenue: float | None = None) -> float:
        """Factor for a per-claim ``retention`` (usd) at ``revenue`` (usd; the reference's if None)."""
        rev = _num(self.reference["annual_revenue"]) if revenue is None else revenue
        return self._row_factor(self.retention_rows, self.retentions, retention, rev, "retentions", "retention")

    def exposure_factors(self, profile: PracticeProfile) -> dict[str, float]:
        """Remote access, EHR hosting, records held and vendors holding PHI, against the reference practice."""
        e = self.exposure
        revenue = float(profile.annual_revenue)
        ref = self.reference
        ref_records = max(50.0, _num(ref["records"]) * revenue / _num(ref["annual_revenue"]))
        scale = revenue / _num(ref["annual_revenue"])
        staff = math.sqrt(profile.employees * profile.endpoints
                          / (max(1.0, _num(ref["employees"]) * scale) * max(1.0, _num(ref["endpoints"]) * scale)))
        vendors = sum(1 for ba in profile.business_associates if ba.holds_phi)
        at = self.at
        return {"remote_access": at(e["remote_access"][profile.remote_access.value], revenue),
                "ehr_hosting": at(e["ehr_hosting"][profile.ehr.hosting.value], revenue),
                "records": float((max(profile.records, 1) / ref_records) ** at(e["records_exponent"], revenue)),
                "staff": float(staff ** at(e["staff_exponent"], revenue)),
                "vendors_holding_phi": float(at(e["per_phi_vendor"], revenue)
                                             ** (vendors - _num(ref["business_associates"])))}

    def control_factor(self, control: Control, profile: PracticeProfile) -> float | None:
        """The control's schedule factor for this practice (None: not rated, MFA on remote access where there
        is no remote access)."""
        row = self.schedule[control.value]
        c = profile.controls
        revenue = float(profile.annual_revenue)
        if control is Control.SECURITY_TRAINING:
            return self.at(row["levels"][c.security_training.value], revenue)
        if control is Control.PATCH_CRITICAL_DAYS:
            for band in row["bands"]:
                if c.patch_critical_days <= band["max_days"]:
                    return self.at(band["factor"], revenue)
            return self.at(row["bands"][-1]["factor"], revenue)
        if control is Control.MFA_REMOTE_ACCESS and profile.remote_access is RemoteAccess.NONE:
            return None
        return self.at(row["present"] if c.has(control) else row["missing"], revenue)

    def schedule_items(self, profile: PracticeProfile) -> dict[str, float]:
        """Each control's credit (< 0) or debit (> 0) for this practice: its factor less 1 (0 left out)."""
        out: dict[str, float] = {}
        for control in Control:
            f = self.control_factor(control, profile)
            if f is not None and round(f - 1.0, 6):
                out[control.value] = round(f - 1.0, 6)
        return out

    def schedule_modification(self, items: Mapping[str, float], revenue: float | None = None) -> float:
        """(product of the debits) ** debit_exponent x (product of the credits) ** credit_exponent, less 1, capped
        to ``[-cap_credit, +cap_debit]``. The exponents (derived) make many controls together move the premium as
        the loss model's joint effect does; both products move one way as a control is added, so the
        modification never rises with a control."""
        rev = _num(self.reference["annual_revenue"]) if revenue is None else revenue
        debits = math.prod(1.0 + v for v in items.values() if v > 0)
        credits = math.prod(1.0 + v for v in items.values() if v < 0)
        product = (debits ** self.at(self.tables["schedule_factors"]["debit_exponent"], rev)
                   * credits ** self.at(self.tables["schedule_factors"]["credit_exponent"], rev))
        return float(min(max(product - 1.0, -self.cap_credit), self.cap_debit))

    # ---- the premium -----------------------------------------------------------------------------------
    def premium(self, profile: PracticeProfile, limit: float, retention: float,
                surcharges: Mapping[str, float] | None = None) -> ManualPremium:
        """The manual premium (usd per year) of ``limit`` and ``retention`` (usd) for ``profile``."""
        revenue = float(profile.annual_revenue)
        base, band = self.base_premium(revenue)
        cls = self.class_factor(profile.specialty, revenue)
        ilf = self.ilf(limit, revenue)
        rf = self.retention_factor(retention, revenue)
        exposure = self.exposure_factors(profile)
        items = self.schedule_items(profile)
        mod = self.schedule_modification(items, revenue)
        sur = dict(surcharges or {})
        # vendors holding PHI beyond the reference's load the premium before the schedule: the practice's own
        # controls do not stop a vendor's breach, so the schedule neither credits nor debits that loading
        vendors = exposure["vendors_holding_phi"]
        rest = math.prod(v for k, v in exposure.items() if k != "vendors_holding_phi")
        schedule = (1.0 + mod) + (vendors - 1.0) if vendors > 1.0 else (1.0 + mod) * vendors
        raw = base * cls * ilf * rf * rest * schedule
        for rate in sur.values():
            raw *= 1.0 + rate
        # rounding up to the dollar, after removing float noise of the products (e.g. 2300.0000000000005)
        rounded = float(math.ceil(round(raw, 6)))
        return ManualPremium(round(base, 2), band, cls, ilf, rf, items, mod, sur, rounded, self.minimum,
                             max(rounded, self.minimum), {k: round(v, 6) for k, v in exposure.items()})


def _num(node: Any) -> float:
    return float(node["value"] if isinstance(node, Mapping) else node)


def _rows(block: Mapping[str, Any], cols_key: str, revenues: Sequence[float], file: str, where: str,
          increasing: bool) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...]]:
    cols = tuple(float(x) for x in block[cols_key])
    if list(cols) != sorted(set(cols)):
        raise RuleFileError(f"{file}: {where}: {cols_key} must increase")
    rows = []
    for i, row in enumerate(block["rows"]):
        if float(row["revenue"]) != revenues[i]:
            raise RuleFileError(f"{file}: {where}: row {i} is not at base_curve revenue {revenues[i]:,.0f}")
        ys = [float(y) for y in row["factors"]]
        if len(ys) != len(cols) or min(ys) <= 0:
            raise RuleFileError(f"{file}: {where}: row {i} needs {len(cols)} positive factors")
        if ys != sorted(ys, reverse=not increasing):
            raise RuleFileError(f"{file}: {where}: factors must {'rise' if increasing else 'fall'} with the "
                                f"{cols_key[:-1]}")
        rows.append(tuple(ys))
    if len(rows) != len(revenues):
        raise RuleFileError(f"{file}: {where}: one row per base_curve point")
    return cols, tuple(rows)


def _vec(x: Any) -> list[float]:
    return [float(v) for v in x] if isinstance(x, Sequence) and not isinstance(x, str) else [float(x)]


def _check_schedule(controls: Mapping[str, Any], file: str) -> None:
    for c in Control:
        if c.value not in controls:
            raise RuleFileError(f"{file}: schedule_factors.{c.value} is missing")
    for name, row in controls.items():
        if name in ("source", "debit_exponent", "credit_exponent"):
            continue
        try:
            control = Control(name)
        except ValueError:
            raise RuleFileError(f"{file}: schedule_factors.{name}: unknown control") from None
        if control is Control.SECURITY_TRAINING:
            levels = np.array([_vec(row["levels"][t.value]) for t in Training])
            if np.any(np.diff(levels, axis=0) > 0):
                raise RuleFileError(f"{file}: schedule_factors.{name}: better training cannot cost more")
        elif control is Control.PATCH_CRITICAL_DAYS:
            factors = np.array([_vec(b["factor"]) for b in row["bands"]])
            if np.any(np.diff(factors, axis=0) < 0):
                raise RuleFileError(f"{file}: schedule_factors.{name}: faster patching cannot cost more")
        elif np.any(np.array(_vec(row["present"])) > np.array(_vec(row["missing"]))):
            raise RuleFileError(f"{file}: schedule_factors.{name}: a control in place cannot cost more "
                                "than the control missing (present <= missing)")


def parse_manual(data: Mapping[str, Any], file: str = "rate_manual.yaml") -> RateManual:
    """The rate manual, checked (sources, orderings, schedule present <= missing)."""
    check_sources(data, "", file)
    if not data.get("version"):
        raise RuleFileError(f"{file}: missing version")
    try:
        pts = tuple((float(r["revenue"]), float(r["premium"])) for r in data["base_curve"]["points"])
        revenues = [p[0] for p in pts]
        if revenues != sorted(set(revenues)) or len(pts) < 2:
            raise RuleFileError(f"{file}: base_curve.points must be at least two, in increasing revenue order")
        if [p[1] for p in pts] != sorted(p[1] for p in pts):
            raise RuleFileError(f"{file}: base_curve: a larger practice cannot have a lower base premium")
        limits, ilf_rows = _rows(data["increased_limit_factors"], "limits", revenues, file,
                                 "increased_limit_factors", True)
        rets, ret_rows = _rows(data["retention_factors"], "retentions", revenues, file, "retention_factors", False)
        factor_revenues = tuple(float(x) for x in data["factor_revenues"]["value"])
        classes = {s.value: data["specialty_class"][s.value] for s in Specialty}
        exposure = data["exposure"]
        for key in ("remote_access", "ehr_hosting"):
            enum = RemoteAccess if key == "remote_access" else Hosting
            for v in enum:
                if v.value not in exposure[key]:
                    raise RuleFileError(f"{file}: exposure.{key}.{v.value} is missing")
        for key in ("records_exponent", "staff_exponent", "per_phi_vendor"):
            exposure[key]
        controls = data["schedule_factors"]
        _check_schedule(controls, file)
        sched = data["schedule_rating"]
        cap_credit, cap_debit = _fig(sched["cap_credit"]), _fig(sched["cap_debit"])
        minimum = _fig(data["minimum_premium"])
        max_revenue = _fig(data["base_premium"]["max_revenue"])
        reference = data["derivation"]["reference_practice"]
    except KeyError as exc:
        raise RuleFileError(f"{file}: missing table or entry {exc}") from None
    skip = ("source", "debit_exponent", "credit_exponent")
    return RateManual(str(data["version"]), pts, limits, ilf_rows, rets, ret_rows, factor_revenues, classes,
                      exposure, {k: v for k, v in controls.items() if k not in skip}, cap_credit, cap_debit, minimum,
                      max_revenue, reference, data)


@lru_cache(maxsize=2)
def load_manual(name: str = "rate_manual.yaml") -> RateManual:
    return parse_manual(read_data_file(name), name)


__all__ = ["ManualPremium", "RateManual", "load_manual", "parse_manual"]
