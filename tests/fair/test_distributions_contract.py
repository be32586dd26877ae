"""One contract suite over every distribution family (and the clipping wrapper).

Statistical tolerances: sample means within 5 standard errors (sd / sqrt(n)); the empirical CDF at
``ppf(q)`` within the Dvoretzky-Kiefer-Wolfowitz bound ``sqrt(log(2 / 1e-6) / (2 n))`` (fails by chance
with probability below one in a million).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberrx.engine.distributions import (
    FAMILIES,
    Clipped,
    Constant,
    Distribution,
    Lognormal,
    Normal,
    Pert,
    Uniform,
    make,
)
from cyberrx.engine.rng import stream

N = 200_000
DKW = math.sqrt(math.log(2 / 1e-6) / (2 * N))

EXAMPLES: dict[str, list[Distribution]] = {
    "constant": [make("constant", value=7.5)],
    "uniform": [make("uniform", low=-2.0, high=10.0)],
    "normal": [make("normal", mean=100.0, stdev=30.0)],
    "pert": [
        make("pert", low=1_000.0, mode=5_000.0, high=50_000.0),
        make("pert", low=0.0, mode=0.0, high=1.0, gamma=2.0),
        make("pert", low=10.0, mode=40.0, high=50.0, convention="pyfair"),
    ],
    "lognormal": [make("lognormal", mean=50_000.0, stdev=120_000.0)],
}
CASES = [d for ds in EXAMPLES.values() for d in ds] + [Normal(1.0, 2.0).clipped(0.0), Clipped(Normal(0.5, 0.4), 0, 1)]
IDS = [f"{d.family}-{i}" for i, d in enumerate(CASES)]


def test_every_registered_family_has_an_example() -> None:
    assert set(EXAMPLES) == set(FAMILIES)
    for name, ds in EXAMPLES.items():
        assert all(type(d) is FAMILIES[name] and d.family == name for d in ds)


@pytest.mark.parametrize("dist", CASES, ids=IDS)
class TestContract:
    def test_sample_shape_dtype_and_empty(self, dist: Distribution) -> None:
        x = dist.sample(stream(1, "shape"), 1000)
        assert x.shape == (1000,) and x.dtype == np.float64 and np.isfinite(x).all()
        assert dist.sample(stream(1, "shape"), 0).shape == (0,)
        with pytest.raises(ValueError):
            dist.sample(stream(1), -1)

    def test_same_stream_same_numbers_other_key_other_numbers(self, dist: Distribution) -> None:
        a = dist.sample(stream(3, "k", 0), 500)
        assert np.array_equal(a, dist.sample(stream(3, "k", 0), 500))
        if dist.variance > 0:
            assert not np.array_equal(a, dist.sample(stream(3, "k", 1), 500))

    def test_sample_mean_and_variance_match_closed_forms(self, dist: Distribution) -> None:
        x = dist.sample(stream(11, "moments"), N)
        se = math.sqrt(dist.variance / N)
        assert abs(x.mean() - dist.mean) <= 5 * se + 1e-12 * abs(dist.mean)
        if dist.variance > 0:
            # the sample variance's relative standard error is about sqrt((kurtosis - 1) / n); allow 10%
            assert x.var() == pytest.approx(dist.variance, rel=0.1)

    def test_ppf_is_the_inverse_of_the_sampled_cdf(self, dist: Distribution) -> None:
        x = np.sort(dist.sample(stream(5, "cdf"), N))
        q = np.linspace(0.01, 0.99, 25)
        v = dist.ppf(q)
        assert v.shape == q.shape and np.all(np.diff(v) >= 0)
        below = np.searchsorted(x, v, side="left") / N
        upto = np.searchsorted(x, v, side="right") / N
        # for atoms (constant, clipping) F(v-) <= q <= F(v): check both sides within the DKW band
        assert np.all(below <= q + DKW) and np.all(upto >= q - DKW)

    def test_derived_moments_from_ppf_agree_with_closed_forms(self, dist: Distribution) -> None:
        numeric_mean = Distribution.mean.fget(dist)  # the base class's integral of ppf
        assert numeric_mean == pytest.approx(dist.mean, rel=1e-4, abs=1e-9)
        if not isinstance(dist, Lognormal):  # heavy right tail: quadrature of the squared ppf is poor
            assert Distribution.variance.fget(dist) == pytest.approx(dist.variance, rel=1e-3, abs=1e-9)

    def test_tail_mean_is_at_least_the_mean_and_the_quantile(self, dist: Distribution) -> None:
        for p in (0.5, 0.9):
            tm = dist.tail_mean(p)
            assert tm >= dist.mean - 1e-9 * abs(dist.mean) - 1e-12
            assert tm >= float(dist.ppf(np.array([p]))[0]) - 1e-9 * abs(tm) - 1e-12


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    mode_share=st.floats(0.0, 1.0),
    gamma=st.floats(0.5, 20.0),
    convention=st.sampled_from(["classic", "pyfair"]),
    seed=st.integers(0, 2**32),
)
def test_pert_samples_and_quantiles_stay_in_range_and_ordered(
    low: float, width: float, mode_share: float, gamma: float, convention: str, seed: int
) -> None:
    high = low + width
    mode = min(max(low + mode_share * width, low), high)
    d = Pert(low, mode, high, gamma, convention)  # type: ignore[arg-type]
    assert d.alpha > 0 and d.beta > 0
    x = d.sample(stream(seed, "pert"), 2_000)
    assert np.all(x >= low) and np.all(x <= high)
    q = d.ppf(np.linspace(0, 1, 21))
    assert np.all(np.diff(q) >= -1e-9 * width) and q[0] >= low - 1e-9 * width and q[-1] <= high + 1e-9 * width
    assert low <= d.mean <= high


def test_pert_mean_and_the_two_spreads() -> None:
    a, m, b, g = 2.0, 3.0, 12.0, 4.0
    classic, pyf = Pert(a, m, b, g), Pert(a, m, b, g, "pyfair")
    assert classic.mean == pyf.mean == (a + g * m + b) / (g + 2)
    # classic: the beta's mode is the PERT mode; pyfair: stdev is (b - a) / (g + 2) by construction
    assert a + (b - a) * (classic.alpha - 1) / (classic.alpha + classic.beta - 2) == pytest.approx(m)
    assert pyf.stdev == pytest.approx((b - a) / (g + 2))
    assert classic.variance == pytest.approx((classic.mean - a) * (b - classic.mean) / (g + 3))


def test_pyfair_convention_matches_pyfair_beta_pert() -> None:
    pyfair = pytest.importorskip("pyfair")
    for low, mode, high, gamma in [(0, 0.3, 1, 4), (20, 100, 900, 4), (1e3, 1e3, 5e4, 2.5), (5, 9, 9, 6)]:
        ref = pyfair.FairBetaPert(low, mode, high, gamma)
        mine = Pert(low, mode, high, gamma, "pyfair")
        assert mine.alpha == pytest.approx(ref._alpha, rel=1e-12)
        assert mine.beta == pytest.approx(ref._beta, rel=1e-12)


def test_lognormal_parameters_round_trip() -> None:
    d = Lognormal.from_log(10.0, 0.8)
    assert d.mu == pytest.approx(10.0) and d.sigma == pytest.approx(0.8)
    assert float(d.ppf(np.array([0.5]))[0]) == pytest.approx(math.exp(10.0))


def test_clipped_normal_mean_closed_form_against_integral() -> None:
    for mu, sd, lo, hi in [(1.0, 2.0, 0.0, math.inf), (0.5, 0.4, 0.0, 1.0), (-3.0, 1.0, 0.0, math.inf)]:
        c = Clipped(Normal(mu, sd), lo, hi)
        assert c.mean == pytest.approx(Distribution.mean.fget(c), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    ("family", "params"),
    [
        ("uniform", {"low": 2.0, "high": 1.0}),
        ("normal", {"mean": 0.0, "stdev": -1.0}),
        ("pert", {"low": 1.0, "mode": 0.5, "high": 2.0}),
        ("pert", {"low": 1.0, "mode": 1.0, "high": 1.0}),
        ("pert", {"low": 0.0, "mode": 0.5, "high": 1.0, "gamma": 0.0}),
        ("lognormal", {"mean": 0.0, "stdev": 1.0}),
        ("constant", {"value": math.nan}),
        ("gamma", {"shape": 1.0}),
    ],
)
def test_bad_parameters_are_refused(family: str, params: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        make(family, **params)


def test_constant_and_uniform_are_what_they_say() -> None:
    assert np.all(Constant(4.0).sample(stream(0), 10) == 4.0)
    x = Uniform(3.0, 3.0).sample(stream(0), 10)
    assert np.all(x == 3.0)
