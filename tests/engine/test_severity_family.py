"""The loss model's severity family, LognormalMedian: the distribution contract (sample and ppf hooks, derived
mean and variance) and the exact draws the engine has always made.

Statistical tolerances as in tests/fair/test_distributions_contract.py: sample means within 5 standard errors;
the empirical CDF at ``ppf(q)`` within the Dvoretzky-Kiefer-Wolfowitz bound at one in a million.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cyberrx.engine.distributions import Distribution, LognormalMedian
from cyberrx.engine.rng import stream

N = 200_000
DKW = math.sqrt(math.log(2 / 1e-6) / (2 * N))
CASES = [LognormalMedian(1.0, 1.0), LognormalMedian(45_000.0, 0.6), LognormalMedian(3.0, 0.0),
         LognormalMedian(0.0, 1.2)]


@pytest.mark.parametrize("dist", CASES, ids=[f"{d.median}-{d.sigma}" for d in CASES])
class TestLognormalMedianContract:
    def test_is_a_family_with_shape_and_dtype(self, dist):
        assert isinstance(dist, Distribution) and dist.family == "lognormal_median"
        x = dist.sample(stream(1, "shape"), 1000)
        assert x.shape == (1000,) and x.dtype == np.float64 and np.isfinite(x).all() and (x >= 0).all()
        assert dist.sample(stream(1, "shape"), 0).shape == (0,)

    def test_sample_is_exactly_the_scaled_numpy_lognormal(self, dist):
        """The engine's stream is unchanged by drawing through the family."""
        a, b = stream(3, 9), stream(3, 9)
        x = dist.sample(a, 5000)
        y = dist.median * b.lognormal(0.0, dist.sigma, 5000)
        assert np.array_equal(x, y) and a.bit_generator.state == b.bit_generator.state

    def test_median_and_closed_forms_agree_with_the_hooks(self, dist):
        assert float(dist.ppf(np.array([0.5]))[0]) == pytest.approx(dist.median)
        mean = Distribution.mean.fget(dist)            # the base class's integral of ppf
        assert dist.mean == pytest.approx(mean, rel=1e-6, abs=1e-9)
        variance = Distribution.variance.fget(dist)
        assert dist.variance == pytest.approx(variance, rel=1e-4, abs=1e-9)

    def test_sample_mean_and_cdf(self, dist):
        x = dist.sample(stream(5, "stat"), N)
        assert abs(x.mean() - dist.mean) <= 5 * dist.stdev / math.sqrt(N) + 1e-12
        if dist.sigma > 0 and dist.median > 0:
            q = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
            empirical = np.searchsorted(np.sort(x), dist.ppf(q), side="right") / N
            assert np.all(np.abs(empirical - q) <= DKW)


@pytest.mark.parametrize("bad", [(-1.0, 1.0), (1.0, -0.1), (math.nan, 1.0), (1.0, math.inf)])
def test_rejects_invalid_parameters(bad):
    with pytest.raises(ValueError):
        LognormalMedian(*bad)
