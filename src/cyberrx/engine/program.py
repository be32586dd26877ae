"""The recommended insurance program read off the annual-loss distribution, and the gap of existing cover.

Rules (stated in every assessment, figures in loss_model.yaml ``program``):
- aggregate limit: the smallest market limit option at or above the average of the worst 1% of years (TVaR99).
  Not the p99 itself: for a small practice the incident the cover is bought for (ransomware, $150K-$300K)
  happens less than once in 100 years, so the p99 year can sit below one typical ransomware event while the
  worst 1% of years are made of them;
- sublimit per coverage part: the smallest option at or above the larger of that part's own TVaR99 (its average
  over its worst 1% of years) and its median cost in the years it is hit (so a typical claim is paid in full even
  for a part hit less than once in 100 years), never above the aggregate; a part never hit gets none;
- retention: the largest market retention option at or below a share of annual revenue the practice can absorb.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def smallest_option_at_least(value: float, options: Sequence[float]) -> float:
    """The smallest option >= ``value``; the largest option if none is (then a tower is needed)."""
    for option in sorted(options):
        if option >= value:
            return float(option)
    return float(max(options))


def largest_option_at_most(value: float, options: Sequence[float]) -> float:
    """The largest option <= ``value``; the smallest option if none is."""
    below = [o for o in options if o <= value]
    return float(max(below) if below else min(options))


@dataclass(frozen=True)
class Program:
    aggregate_limit: float
    retention: float
    sublimits: dict[str, float]
    rule: str


def recommend_program(tvar99_total: float, tvar99_by_part: Mapping[str, float], annual_revenue: float,
                      limit_options: Sequence[float], retention_options: Sequence[float],
                      retention_revenue_share: float,
                      median_when_hit_by_part: Mapping[str, float] | None = None) -> Program:
    aggregate = smallest_option_at_least(tvar99_total, limit_options)
    sublimits: dict[str, float] = {}
    for part, tail in tvar99_by_part.items():
        basis = max(tail, (median_when_hit_by_part or {}).get(part, 0.0))
        if basis > 0:
            sublimits[part] = min(aggregate, smallest_option_at_least(basis, limit_options))
    retention = largest_option_at_most(annual_revenue * retention_revenue_share, retention_options)
    rule = (f"aggregate limit = smallest market limit >= the average of the worst 1% of years (TVaR99); "
            f"each sublimit = smallest market limit >= the larger of that part's TVaR99 and its median cost when "
            f"hit, capped at the aggregate; retention = largest market retention <= "
            f"{retention_revenue_share:.1%} of annual revenue")
    if tvar99_total > max(limit_options):
        rule += "; the worst 1% of years exceed the largest single limit: consider excess layers (a tower)"
    return Program(aggregate, retention, sublimits, rule)


def uncovered_share(loss: float, limit: float, retention: float) -> float:
    """Share of a year's ``loss`` the cover leaves with the practice: retention plus anything above the limit."""
    if loss <= 0:
        return 0.0
    covered = min(max(loss - retention, 0.0), limit)
    return float(np.clip(1.0 - covered / loss, 0.0, 1.0))


__all__ = ["Program", "largest_option_at_most", "recommend_program", "smallest_option_at_least",
           "uncovered_share"]
