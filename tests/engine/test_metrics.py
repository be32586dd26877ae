"""Summary statistics: the fast quantiles equal numpy's, TVaR is the tail mean, statistics are ordered."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cyberrx.engine.metrics import exceedance_curve, quantiles, summarize, tvar

losses = arrays(np.float64, st.integers(1, 400),
                elements=st.one_of(st.just(0.0), st.floats(0.01, 1e8, allow_nan=False)))


@given(losses, st.lists(st.floats(0, 1), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_quantiles_equal_numpy(x, qs):
    np.testing.assert_allclose(quantiles(x, qs), np.quantile(x, qs), rtol=1e-12, atol=1e-9)


@given(losses, st.integers(0, 50))
@settings(max_examples=100, deadline=None)
def test_implicit_zeros_equal_explicit_zeros(x, extra_zeros):
    padded = np.concatenate([x, np.zeros(extra_zeros)])
    np.testing.assert_allclose(quantiles(x, [0.5, 0.99], n_total=padded.shape[0]),
                               np.quantile(padded, [0.5, 0.99]), atol=1e-9)


@given(losses)
@settings(max_examples=200, deadline=None)
def test_summary_statistics_are_ordered(x):
    s = summarize(x)
    assert s["p50"] <= s["p90"] <= s["p95"] <= s["p99"] <= s["p995"] <= x.max() + 1e-9
    assert s["p99"] - 1e-6 <= s["tvar99"] <= x.max() + 1e-6
    assert s["mean"] <= s["tvar99"] + 1e-6


def test_tvar_hand_worked():
    # 200 years: 198 zeros, then 1,000 and 3,000. The worst 1% is ceil(200 * 0.01) = 2 years: mean 2,000.
    x = np.zeros(200)
    x[5], x[9] = 1000.0, 3000.0
    assert tvar(x, 0.99) == 2000.0
    # 1,000 years with the top ten 1..10 (thousand): the worst 1% = 10 years, mean 5.5 thousand
    y = np.zeros(1000)
    y[:10] = np.arange(1, 11) * 1000.0
    assert tvar(y, 0.99) == 5500.0


def test_exceedance_curve_is_decreasing():
    x = np.random.default_rng(3).lognormal(10, 1, 5000) * (np.random.default_rng(4).random(5000) < 0.2)
    levels, prob = exceedance_curve(x)
    assert np.all(np.diff(levels) >= 0) and np.all(np.diff(prob) <= 0)
    # the share of years with a loss at least as big as the smallest non-zero loss = share of non-zero years
    assert abs(prob[0] - (x > 0).mean()) < 1e-12


@given(st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=300),
       st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=9))
def test_linear_quantiles_are_numpys_bit_for_bit(values, qs):
    from cyberrx.engine.executors import ThreadPoolExecutor
    from cyberrx.engine.metrics import linear_quantiles

    x = np.array(values)
    expected = np.quantile(x, qs)
    assert np.array_equal(linear_quantiles(x.copy(), qs), expected)
    with ThreadPoolExecutor(2) as pool:
        assert np.array_equal(linear_quantiles(x.copy(), qs, executor=pool), expected)


def test_linear_quantiles_on_a_large_run_equal_numpys():
    from cyberrx.engine.executors import ThreadPoolExecutor
    from cyberrx.engine.metrics import linear_quantiles

    x = np.random.default_rng(3).lognormal(11.0, 1.2, 1_000_003)
    qs = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99)
    with ThreadPoolExecutor(2) as pool:
        assert np.array_equal(linear_quantiles(x.copy(), qs, executor=pool), np.quantile(x, qs))
