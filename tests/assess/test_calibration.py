"""The 4-provider example against insurers' published claims experience and market premiums.

Targets live in loss_model.yaml ``calibration_targets`` with their sources; the bounds below are derived from
them here, so a change to the loss model that moves the example out of the published range fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import simulate
from cyberrx.vocab import SCENARIOS, Scenario

N = 400_000
RANSOMWARE_FAMILY = [SCENARIOS.index(s) for s in (Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION,
                                                  Scenario.NETWORK_INTRUSION)]


@pytest.fixture(scope="module")
def lakeside_events(lakeside, reference):
    return simulate(build_parameters(lakeside, reference.tables), N, seed=8)


def test_ransomware_family_claims_are_near_coalition_frequency_times_the_healthcare_factor(lakeside_events,
                                                                                          reference):
    """Coalition 2025: US claims 1.54% a year, ransomware 20% of them (about 0.31%). With the healthcare and
    small-practice factor (3, assumption) a practice with the common controls should see about 0.9% a year;
    we accept half to twice that."""
    t = "calibration_targets."
    coalition = reference.figure(t + "coalition_us_claims_frequency") * reference.figure(
        t + "coalition_ransomware_share_of_claims")
    target = coalition * reference.figure(t + "healthcare_small_practice_factor")
    rate = np.isin(lakeside_events.scenario, RANSOMWARE_FAMILY).sum() / N
    assert target / 2 <= rate <= target * 2, (rate, target)
    # and the model's ransomware-family events cost what Coalition's ransomware claims cost, within a factor 2
    amounts = lakeside_events.amount[np.isin(lakeside_events.scenario, RANSOMWARE_FAMILY)].sum(axis=1)
    severity = reference.figure(t + "coalition_ransomware_severity")
    assert severity / 2 <= amounts.mean() <= severity * 2


def test_expected_loss_above_a_retention_is_what_market_premiums_imply(lakeside_events, reference):
    """Market premium for a medical practice, $1M limit: $1,500-$7,000 (1-800-Insurance 2025, W). At a 60-70%
    loss ratio the expected loss paid above a $10K retention up to $1M per incident is $900-$4,900."""
    t = "calibration_targets."
    premium = reference.figure(t + "market_premium_medical_practice_1m")
    loss_ratio = reference.figure(t + "market_loss_ratio")
    low, high = premium["min"] * loss_ratio["min"], premium["max"] * loss_ratio["max"]
    assert (low, high) == (900, 4_900)
    per_event = lakeside_events.amount.sum(axis=1)
    paid = np.minimum(np.maximum(per_event - 10_000, 0.0), 1_000_000).sum() / N
    assert low <= paid <= high, paid


def test_most_years_cost_nothing_above_a_retention(lakeside_events):
    """A practice with the common controls files a claim above a $10K retention in well under one year in ten
    (Coalition: 1.54% of policies a year across all industries; healthcare several times that)."""
    years = np.unique(lakeside_events.trial[lakeside_events.amount.sum(axis=1) > 10_000]).size
    assert 0.0154 <= years / N <= 0.10
