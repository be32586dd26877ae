"""Must show (issue 16): one shared vendor makes the book's 1-in-200 loss far larger than the sum of
independent practices', by the amount the catalogue's rate and severity give; fewer dependents, less of it.

The book: N identical practices (Lakeside's profile at $12M revenue, Lakeside's $1M policy: contingent BI limit
$100,000, waiting period 12 h, period of restoration 60 days = 1,440 h, retention $10,000), whose one shared
dependency is a hosted EHR vendor; the catalogue holds the shipped vendor-outage kind only (rate lambda = 0.02 a
year, hours lognormal with median 48 and log-sd 1.5, capped at 2,160 h).

Analytically, an outage of h hours costs each practice, under its policy,

    g(h) = min(100,000, r (min(h, 1,440) - 12) + 0.2 r h - 10,000),   r = 12,000,000 / 8,760 x 0.35 = $479.45/h

(income lost per hour x hours past the waiting period, plus 20% extra expense, less the retention), and the
book's systemic loss in a year is N g(H) for its worst outage. Outages of at least h come at the rate
lambda P(H >= h), so the 1-in-200 systemic loss is N g(h200) with lambda P(H >= h200) = -ln(1 - 1/200):
P(H >= h200) = 0.2506, z = 0.673, h200 = 48 exp(1.5 z) = 131.7 h, g(h200) = $59,978 a practice: for N = 60,
$3.60M ($3,598,655). The simulated figure is the ``k = n/200``-th largest of n years; the number of outages
above h in n years is Poisson, so at 3 standard deviations of that count (k +/- 3 sqrt(k)) h200 lies between
the hours whose exceedance is (k -/+ 3 sqrt(k)) / (n lambda): the band the test checks.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from tests.portfolio.conftest import one_vendor_profile

from cyberrx.portfolio import metrics
from cyberrx.portfolio.book import build_book
from cyberrx.portfolio.run import simulate_book

N = 60
YEARS = 40_000
RATE_PER_HOUR = 12_000_000 / 8760 * 0.35


def g(hours: float) -> float:
    """What one practice's policy pays on an outage of ``hours`` (usd), by hand from its terms."""
    covered = RATE_PER_HOUR * (min(hours, 1440.0) - 12.0) + 0.2 * RATE_PER_HOUR * hours
    return min(100_000.0, max(0.0, covered - 10_000.0))


def hours_at(exceedance: float, median: float = 48.0, sigma: float = 1.5) -> float:
    """The outage hours exceeded with probability ``exceedance``."""
    return median * math.exp(sigma * NormalDist().inv_cdf(1.0 - exceedance))


@pytest.fixture(scope="module")
def runs(lakeside_policy, outage_only, tables):
    full = build_book([(one_vendor_profile(), lakeside_policy)] * N).compile(outage_only, tables)
    # half the practices no longer name the vendor (an unknown EHR vendor is no shared dependency); nothing
    # else of their profile changes, so neither do their parameters nor their attritional streams
    half_pairs = [(one_vendor_profile(vendor="unknown" if i % 2 else "SharedHost"), lakeside_policy)
                  for i in range(N)]
    half = build_book(half_pairs).compile(outage_only, tables)
    return simulate_book(full, outage_only, YEARS, 2027), simulate_book(half, outage_only, YEARS, 2027)


def test_the_analytic_figure_by_hand():
    lam = 0.02
    p = -math.log(1 - 1 / 200) / lam
    assert p == pytest.approx(0.2506, abs=1e-4)
    assert hours_at(p) == pytest.approx(131.7, abs=0.1)
    assert g(hours_at(p)) == pytest.approx(59_978, abs=1)
    assert N * g(hours_at(p)) == pytest.approx(3_598_655, abs=60)


def test_one_shared_vendor_makes_the_1_in_200_far_above_independent_practices(runs):
    full, _ = runs
    lam = 0.02
    k = YEARS // 200
    expected = N * g(hours_at(-math.log(1 - 1 / 200) / lam))
    low = N * g(hours_at((k + 3 * math.sqrt(k)) / (YEARS * lam)))
    high = N * g(hours_at((k - 3 * math.sqrt(k)) / (YEARS * lam)))
    systemic = metrics.pml(full.systemic, 200)
    assert low <= systemic <= high, (low, systemic, expected, high)
    gross = metrics.pml(full.gross, 200)
    independent = metrics.pml(full.independent, 200)
    # every year's gross loss holds its systemic payments, so the book's 1-in-200 is at least the systemic one
    assert np.all(full.gross >= full.systemic - 1e-6)
    assert gross >= systemic
    # the same practices with no shared event: their 1-in-200 is a fraction of the shared vendor's alone
    assert independent < low / 2, (independent, low)
    assert gross > 2.5 * independent, (gross, independent)
    # attritional years are the same numbers in both views (common random numbers): gross >= independent on AAL
    assert metrics.aal(full.gross) > metrics.aal(full.independent)


def test_removing_the_shared_vendor_from_half_the_book_lowers_it(runs):
    full, half = runs
    # the practices keep their own streams: the book without shared events is the same, year for year
    np.testing.assert_array_equal(full.independent, half.independent)
    ratio = metrics.pml(half.systemic, 200) / metrics.pml(full.systemic, 200)
    assert 0.4 <= ratio <= 0.6, ratio       # analytically 1/2: half the insureds, the same outages
    assert metrics.pml(half.gross, 200) < 0.75 * metrics.pml(full.gross, 200)
    assert metrics.aal(half.systemic) == pytest.approx(metrics.aal(full.systemic) / 2, rel=0.05)
