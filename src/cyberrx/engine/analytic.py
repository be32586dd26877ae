"""Expected costs computed without simulation, from the same parameters the simulator uses.

The mean cost of one event of each scenario, by coverage part, by deterministic integration over the normal
drivers (a fine grid over z, weights of the standard normal density): exact for the lognormal parts, accurate to
about 1e-4 where a threshold (500 records) cuts the records distribution. Used to check the simulator (the
simulated mean per scenario must match frequency x mean severity within sampling error) and for quick
what-if answers (control ROI) that need no sampling noise.
"""

from __future__ import annotations

import numpy as np

from cyberrx.engine.scenarios import BI_CONTINGENT, BI_OWN, ScenarioParameters
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart

C = CoveragePart
P = PART_INDEX

_Z = np.linspace(-10.0, 10.0, 40_001)
_W = np.exp(-0.5 * _Z**2) / np.sqrt(2.0 * np.pi) * (_Z[1] - _Z[0])


def _lognormal_mean(median: float, sigma: float) -> float:
    return float(median * np.exp(0.5 * sigma**2))


def _capped_lognormal_mean(median: float, sigma: float, cap: float) -> float:
    """E[min(cap, median * exp(sigma Z))] by integration over Z."""
    return float(np.sum(np.minimum(cap, median * np.exp(sigma * _Z)) * _W))


def expected_event_cost(params: ScenarioParameters) -> np.ndarray:
    """Mean ground-up cost of one event, ``(n_scenarios, n_parts)`` usd."""
    out = np.zeros((len(SCENARIOS), len(PARTS)))
    for i in range(len(SCENARIOS)):
        g = {k: float(v[i]) for k, v in params.arrays().items()}
        size = _lognormal_mean(1.0, g["fixed_sigma"])
        row = out[i]
        row[P[C.FORENSICS]] = g["forensics"] * size
        row[P[C.LEGAL]] = g["legal"] * size
        row[P[C.DATA_RESTORATION]] = g["data_restoration"] * size
        row[P[C.BETTERMENT]] = g["betterment"] * size
        row[P[C.SOCIAL_ENGINEERING]] = g["funds_transfer"] * size
        hours = _lognormal_mean(g["downtime_median"], g["downtime_sigma"])
        bi = g["income_per_hour"] * hours * (1.0 + g["extra_expense_share"])
        if g["bi_column"] == BI_OWN:
            row[P[C.BUSINESS_INTERRUPTION]] = bi
        elif g["bi_column"] == BI_CONTINGENT:
            row[P[C.CONTINGENT_BI]] = bi
        row[P[C.EXTORTION]] = g["ransom_probability"] * _lognormal_mean(g["ransom_median"], g["ransom_sigma"])
        # the records-driven parts, averaged over the two components of the records distribution
        p_large = g["records_large_probability"]
        for weight, median, sigma in ((1.0 - p_large, g["records_median"], g["records_sigma"]),
                                      (p_large, g["records_large_median"], g["records_large_sigma"])):
            if weight > 0:
                row += weight * _records_parts(params, g, size, median, sigma)
    return out


def _records_parts(params: ScenarioParameters, g: dict[str, float], size: float, median: float,
                   sigma: float) -> np.ndarray:
    """Mean notification, PR, regulatory and privacy-liability cost of one event whose records exposed are
    lognormal(``median``, ``sigma``), ``(n_parts,)`` usd."""
    row = np.zeros(len(PARTS))
    notified = np.minimum(g["records_cap"], median * np.exp(sigma * _Z)) * g["notify"]
    row[P[C.NOTIFICATION]] = g["notification_unit"] * np.sum(notified * _W)
    row[P[C.PUBLIC_RELATIONS]] = g["public_relations"] * size * np.sum((notified > params.media_threshold) * _W)
    large = notified >= params.large_breach_threshold
    investigated = np.where(large, 1.0, g["investigation_small"])
    investigated = investigated * (notified > 0)
    e_inv = float(np.sum(investigated * _W))
    penalty = _capped_lognormal_mean(g["penalty_median"], g["penalty_sigma"], g["penalty_cap"])
    ag = g["ag_probability"] * _lognormal_mean(g["ag_median"], g["ag_sigma"]) * float(np.sum(large * _W))
    row[P[C.REGULATORY]] = e_inv * (g["regulatory_defence"] * size + g["penalty_probability"] * penalty) + ag
    p_suit = params.suit_p10k * (notified / 10_000.0) ** params.suit_exponent
    p_suit = np.where(notified >= params.suit_min_records, np.minimum(params.suit_max, p_suit), 0.0)
    per_record = _lognormal_mean(g["settlement_per_record"], g["settlement_sigma"])
    row[P[C.PRIVACY_LIABILITY]] = float(np.sum(p_suit * (g["suit_defence"] * size + notified * per_record) * _W))
    return row


def expected_annual_loss(params: ScenarioParameters) -> float:
    """Expected ground-up annual loss (usd): sum over scenarios of frequency x mean event cost."""
    return float(params.frequency @ expected_event_cost(params).sum(axis=1))


__all__ = ["expected_annual_loss", "expected_event_cost"]
