"""The rate manual: the premium a broker is quoted, from tables in ``rate_manual.yaml`` (each with its basis).

::

    manual = base(revenue band) x class(specialty) x ILF(limit) x retention factor(retention)
             x (1 + schedule modification) x product(1 + rule surcharge)
    premium = max(minimum premium, manual rounded up to the dollar)

- base: usd per year at the base limit ($1M) and base retention ($2,500), by annual-revenue band;
- ILF and retention factors: linear between the table's points (ILF rises with the limit, the retention factor
  falls with the retention); a limit or retention outside the table is refused;
- schedule modification: per control a credit (negative) when in place or a debit when missing, summed, the sum
  capped to ``[-cap_credit, +cap_debit]``. Each control's ``present`` figure is <= its ``missing`` figure and the
  cap is a monotone clip, so adding a control never raises the premium;
- rule surcharges (``underwriting_rules.yaml``) multiply after the cap: they answer gaps the schedule cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import InvalidInput, RuleFileError
from cyberrx.reference import check_sources, read_data_file
from cyberrx.vocab import Control, RemoteAccess, Specialty


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
    schedule: dict[str, float]           # control -> credit (<0) or debit (>0) before the cap
    schedule_modification: float         # the capped sum
    surcharges: dict[str, float]         # rule id -> rate
    before_minimum: float
    minimum: float
    premium: float

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "revenue_band": self.revenue_band, "class_factor": self.class_factor,
                "increased_limit_factor": self.ilf, "retention_factor": self.retention_factor,
                "schedule": self.schedule, "schedule_modification": self.schedule_modification,
                "surcharges": self.surcharges, "before_minimum": self.before_minimum,
                "minimum_premium": self.minimum, "premium": self.premium}


@dataclass(frozen=True)
class RateManual:
    version: str
    bands: tuple[tuple[float, float], ...]             # (max revenue usd, base usd)
    class_factors: Mapping[str, float]
    ilf_points: tuple[tuple[float, float], ...]        # (limit usd, factor)
    retention_points: tuple[tuple[float, float], ...]  # (retention usd, factor)
    schedule: Mapping[str, Mapping[str, Any]]
    cap_credit: float
    cap_debit: float
    minimum: float
    tables: Mapping[str, Any]                          # the whole file (technical basis, policy form)

    # ---- factors --------------------------------------------------------------------------------------
    def base_premium(self, revenue: float) -> tuple[float, str]:
        """usd at the base limit and retention, and the band (``"1,000,001-2,500,000"``)."""
        low = 0.0
        for top, base in self.bands:
            if revenue <= top:
                return base, f"{low:,.0f}-{top:,.0f}"
            low = top + 1
        return self.bands[-1][1], f"above {self.bands[-1][0]:,.0f} (top band)"

    def class_factor(self, specialty: Specialty) -> float:
        return self.class_factors[specialty.value]

    def ilf(self, limit: float) -> float:
        """Increased-limit factor for an aggregate ``limit`` (usd), linear between the table's points."""
        return _interpolate(self.ilf_points, limit, "limits", "limit")

    def retention_factor(self, retention: float) -> float:
        """Factor for a per-claim ``retention`` (usd), linear between the table's points."""
        return _interpolate(self.retention_points, retention, "retentions", "retention")

    def schedule_items(self, profile: PracticeProfile) -> dict[str, float]:
        """Each control's credit (< 0) or debit (> 0) for this practice; MFA on remote access counts only where
        there is remote access."""
        out: dict[str, float] = {}
        for name, row in self.schedule.items():
            control = Control(name)
            if row.get("only_if_remote_access") and profile.remote_access is RemoteAccess.NONE:
                continue
            value = float(row["present"] if profile.controls.has(control) else row["missing"])
            if value:
                out[name] = value
        return out

    def schedule_modification(self, items: Mapping[str, float]) -> float:
        """The sum of the credits and debits, capped to ``[-cap_credit, +cap_debit]``."""
        return float(min(max(sum(items.values()), -self.cap_credit), self.cap_debit))

    # ---- the premium -----------------------------------------------------------------------------------
    def premium(self, profile: PracticeProfile, limit: float, retention: float,
                surcharges: Mapping[str, float] | None = None) -> ManualPremium:
        """The manual premium (usd per year) of ``limit`` and ``retention`` (usd) for ``profile``."""
        base, band = self.base_premium(float(profile.annual_revenue))
        cls = self.class_factor(profile.specialty)
        ilf = self.ilf(limit)
        rf = self.retention_factor(retention)
        items = self.schedule_items(profile)
        mod = self.schedule_modification(items)
        sur = dict(surcharges or {})
        raw = base * cls * ilf * rf * (1.0 + mod)
        for rate in sur.values():
            raw *= 1.0 + rate
        # rounding up to the dollar, after removing float noise of the products (e.g. 2300.0000000000005)
        rounded = float(math.ceil(round(raw, 6)))
        return ManualPremium(base, band, cls, ilf, rf, items, mod, sur, rounded, self.minimum,
                             max(rounded, self.minimum))


def _interpolate(points: Sequence[tuple[float, float]], x: float, field: str, what: str) -> float:
    xs = [p[0] for p in points]
    if not xs[0] <= x <= xs[-1]:
        raise InvalidInput(f"{what} {x:,.0f} is outside the rate manual", field=field,
                           allowed=f"{xs[0]:,.0f} to {xs[-1]:,.0f} usd")
    return float(np.interp(x, xs, [p[1] for p in points]))


def _points(rows: Any, key: str, file: str, where: str, increasing: bool) -> tuple[tuple[float, float], ...]:
    pts = tuple((float(r[key]), _fig(r)) for r in rows)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if xs != sorted(xs) or len(set(xs)) != len(xs):
        raise RuleFileError(f"{file}: {where}: {key} values must increase")
    if ys != sorted(ys, reverse=not increasing):
        raise RuleFileError(f"{file}: {where}: factors must {'rise' if increasing else 'fall'} with the {key}")
    return pts


def parse_manual(data: Mapping[str, Any], file: str = "rate_manual.yaml") -> RateManual:
    """The rate manual, checked (sources, orderings, schedule present <= missing)."""
    check_sources(data, "", file)
    if not data.get("version"):
        raise RuleFileError(f"{file}: missing version")
    try:
        bp = data["base_premium"]
        bands = tuple((float(r["max_revenue"]), _fig(r)) for r in bp["revenue_bands"])
        classes = {s.value: _fig(data["specialty_class"][s.value]) for s in Specialty}
        ilf = _points(data["increased_limit_factors"]["points"], "limit", file, "increased_limit_factors", True)
        ret = _points(data["retention_factors"]["points"], "retention", file, "retention_factors", False)
        sched = data["schedule_rating"]
        controls = sched["controls"]
        cap_credit, cap_debit = _fig(sched["cap_credit"]), _fig(sched["cap_debit"])
        minimum = _fig(data["minimum_premium"])
    except KeyError as exc:
        raise RuleFileError(f"{file}: missing table or entry {exc}") from None
    if [b[0] for b in bands] != sorted(b[0] for b in bands):
        raise RuleFileError(f"{file}: base_premium.revenue_bands must be in increasing revenue order")
    for name, row in controls.items():
        try:
            Control(name)
        except ValueError:
            raise RuleFileError(f"{file}: schedule_rating.controls.{name}: unknown control") from None
        if float(row["present"]) > float(row["missing"]):
            raise RuleFileError(f"{file}: schedule_rating.controls.{name}: a control in place cannot cost more "
                                "than the control missing (present <= missing)")
    return RateManual(str(data["version"]), bands, classes, ilf, ret, controls, cap_credit, cap_debit, minimum, data)


@lru_cache(maxsize=2)
def load_manual(name: str = "rate_manual.yaml") -> RateManual:
    return parse_manual(read_data_file(name), name)


__all__ = ["ManualPremium", "RateManual", "load_manual", "parse_manual"]
