"""Keyed streams and block plans: the same numbers for the same seed, however the run is split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberrx.engine.rng import BLOCK_TRIALS, Block, group_blocks, key_part, plan_blocks, stream


def test_stream_is_the_seed_sequence_with_that_spawn_key() -> None:
    ref = np.random.Generator(np.random.PCG64(np.random.SeedSequence(42, spawn_key=(3, 1))))
    assert np.array_equal(stream(42, 3, 1).random(8), ref.random(8))


def test_streams_differ_by_seed_and_by_key() -> None:
    draws = {
        (seed, key): stream(seed, *key).random(4).tobytes()
        for seed in (0, 1)
        for key in [(), (0,), (1,), ("a",), ("b",), ("a", 0)]
    }
    assert len(set(draws.values())) == len(draws)


def test_string_key_parts_are_stable_across_processes() -> None:
    # a fixed value: BLAKE2b, not hash(), so workers and later runs agree
    assert key_part("Primary Loss") == int.from_bytes(
        __import__("hashlib").blake2b(b"Primary Loss", digest_size=4).digest(), "little"
    )


@pytest.mark.parametrize("bad", [-1, True, 1.5, None])
def test_bad_key_parts_and_seeds_are_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        key_part(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        stream(bad)  # type: ignore[arg-type]


@given(n=st.integers(0, 10_000), size=st.integers(1, 3_000), groups=st.integers(1, 9))
def test_blocks_cover_the_trials_once_in_order_and_groups_keep_them(n: int, size: int, groups: int) -> None:
    blocks = plan_blocks(n, block_trials=size)
    assert [b.index for b in blocks] == list(range(len(blocks)))
    assert sum(b.size for b in blocks) == n
    assert all(b.size == size for b in blocks[:-1]) and all(b.size > 0 for b in blocks)
    assert all(a.stop == b.start for a, b in zip(blocks, blocks[1:], strict=False))
    grouped = group_blocks(blocks, groups)
    assert [b for g in grouped for b in g] == list(blocks)
    assert len(grouped) == min(groups, len(blocks)) and all(grouped)
    if grouped:
        lengths = [len(g) for g in grouped]
        assert max(lengths) - min(lengths) <= 1


def test_default_block_size_and_block_fields() -> None:
    assert BLOCK_TRIALS == 65_536
    assert plan_blocks(BLOCK_TRIALS + 1)[-1] == Block(1, BLOCK_TRIALS, 1)
    with pytest.raises(ValueError):
        plan_blocks(-1)
    with pytest.raises(ValueError):
        group_blocks(plan_blocks(3), 0)


def test_blockwise_draws_do_not_depend_on_grouping() -> None:
    n, size = 10_000, 1_000

    def run(groups: int) -> np.ndarray:
        out = np.empty(n)
        for group in group_blocks(plan_blocks(n, size), groups):
            for b in group:
                out[b.start:b.stop] = stream(9, "x", b.index).standard_normal(b.size)
        return out

    assert np.array_equal(run(1), run(3)) and np.array_equal(run(1), run(10))


# -- a whole FAIR run: identical whatever the workers, executor and work-unit size -------------------------
def _examples() -> list:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples" / "fair"
    return sorted(root.glob("*.json"))


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem)
def test_fair_run_is_identical_whatever_the_chunking(path) -> None:
    from cyberrx.app.fair import run_fair
    from cyberrx.domain.fair_model import load_fair_model

    doc = load_fair_model(path)
    n = 3 * 4096 + 17  # blocks of 4,096: four blocks, the last one short

    def go(**kw):
        return run_fair(doc, simulations=n, seed=123, block_trials=4096, keep_risk=True, **kw)

    base = go(workers=1, unit_blocks=4)
    for kw in ({"workers": 2, "unit_blocks": 1}, {"workers": 3, "unit_blocks": 2},
               {"workers": 2, "unit_blocks": 1, "executor": "process"}):
        other = go(**kw)
        assert other.summary == base.summary, kw
        assert np.array_equal(other.risk, base.risk), kw
    assert run_fair(doc, simulations=n, seed=124, block_trials=4096).summary != base.summary


def test_fair_risk_of_a_prefix_run_is_a_prefix() -> None:
    # block b's numbers depend on (seed, b) only: a shorter run repeats the first trials of a longer one
    from cyberrx.app.fair import run_fair
    from cyberrx.domain.fair_model import load_fair_model

    doc = load_fair_model(_examples()[0])
    long = run_fair(doc, simulations=5 * 1024, seed=9, block_trials=1024, keep_risk=True, workers=1)
    short = run_fair(doc, simulations=2 * 1024, seed=9, block_trials=1024, keep_risk=True, workers=1)
    if long.summary.vulnerability_share is None:
        assert np.array_equal(long.risk[: 2 * 1024], short.risk)
    else:  # the run-wide Vulnerability share differs; Risk / share does not
        a = long.risk[: 2 * 1024] / long.summary.vulnerability_share
        b = short.risk / short.summary.vulnerability_share
        assert np.allclose(a, b, rtol=1e-12)
