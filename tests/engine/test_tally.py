"""The two-pass summary of long runs: the same figures as keeping every year, in bounded memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import cyberrx
import cyberrx.app.assess as assess_module
from cyberrx.engine.metrics import exceedance_curve, quantiles, summarize
from cyberrx.engine.tally import Tally

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _tallied(blocks: list[np.ndarray], n: int) -> Tally:
    t = Tally(n)
    for b in blocks:
        t.add(b)
    t.plan()
    for b in blocks:
        t.collect(b)
    t.finish()
    return t


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.just(0.0), st.floats(0.01, 5e7), st.sampled_from([100.0, 2500.0])),
                         min_size=0, max_size=300), min_size=1, max_size=5),
       st.integers(0, 400))
def test_a_tally_reads_the_same_order_statistics_as_the_sorted_array(blocks, extra_zeros):
    arrays = [np.array(b, dtype=float) for b in blocks]
    x = np.concatenate(arrays)
    n = x.shape[0] + extra_zeros
    if n == 0:
        return
    t = _tallied(arrays, n)
    want = summarize(x, n_total=n)
    got = t.summary()
    for key in ("p50", "p90", "p95", "p99", "p995"):
        assert got[key] == want[key]                       # the same order statistics, the same interpolation
    assert np.isclose(got["mean"], want["mean"], rtol=1e-12, atol=1e-9)
    assert np.isclose(got["tvar99"], want["tvar99"], rtol=1e-12, atol=1e-9)
    levels, prob = exceedance_curve(x, n_total=n)
    t_levels, t_prob = t.exceedance()
    assert np.array_equal(levels, t_levels) and np.array_equal(prob, t_prob)
    hit = x[x > 0]
    if hit.shape[0]:
        assert t.median_when_hit() == float(quantiles(hit, [0.5])[0])


def test_a_long_run_in_two_passes_gives_the_one_pass_assessment_to_the_cent(monkeypatch):
    profile = cyberrx.load_profile(EXAMPLES / "lakeside-family-medicine.yaml")
    policy = cyberrx.load_policy(EXAMPLES / "policies" / "lakeside-primary.yaml")
    one = assess_module.assess(profile, 600_000, 7, policy=policy).to_dict()   # 3 blocks, every year kept
    monkeypatch.setattr(assess_module, "STREAM_ABOVE_TRIALS", 0)
    two = assess_module.assess(profile, 600_000, 7, policy=policy).to_dict()   # counted, then collected
    assert one == two


def test_the_bin_of_a_value_is_the_count_of_edges_at_or_below_it():
    from cyberrx.engine.tally import EDGES, _bin_of

    rng = np.random.default_rng(3)
    for x in (rng.lognormal(8, 3, 200_000), EDGES, np.nextafter(EDGES, 0), np.nextafter(EDGES, np.inf),
              np.array([1e-9, 0.01, 1e12, 1e15])):
        assert np.array_equal(_bin_of(x), np.searchsorted(EDGES, x, side="right"))
