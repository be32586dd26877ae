"""One contract over every executor, and the same-seed-same-answer property of the loss model through each.

An assessment's annual losses are identical, array for array, through SerialExecutor, ThreadPoolExecutor(2) and
ProcessPoolExecutor(2) and in 1, 3 or 64 groups of blocks; streams are keyed by (seed, subject, block): the
default subject keeps the engine's streams (``rng.stream(seed, block)``), other subjects get others.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cyberrx.app.assess import run_simulation
from cyberrx.domain import load_model
from cyberrx.domain.policy import PolicyTerms
from cyberrx.engine.annual import AnnualLosses, run_blocks, simulate_annual
from cyberrx.engine.executors import (
    Executor,
    ProcessPoolExecutor,
    SerialExecutor,
    ThreadPoolExecutor,
    executor_for,
)
from cyberrx.engine.rng import DEFAULT_SUBJECT, stream, subject_stream
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import LOSS_BLOCK_TRIALS, block_stream, loss_blocks, simulate
from cyberrx.engine.terms import compile_terms
from cyberrx.vocab import Control

from ..conftest import ROOT

EXECUTORS = {
    "serial": SerialExecutor,
    "threads-2": lambda: ThreadPoolExecutor(2),
    "processes-2": lambda: ProcessPoolExecutor(2),
}


def _square_plus(x: int, y: int = 0) -> int:
    return x * x + y


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


@pytest.mark.parametrize("make", EXECUTORS.values(), ids=EXECUTORS.keys())
class TestExecutorContract:
    def test_is_an_executor_with_workers(self, make):
        ex = make()
        assert isinstance(ex, Executor) and ex.workers >= 1 and isinstance(ex.shares_memory, bool)

    def test_map_yields_results_in_argument_order(self, make):
        with make() as ex:
            assert list(ex.map(_square_plus, [(x, x % 3) for x in range(40)])) == [x * x + x % 3 for x in range(40)]
            assert list(ex.map(_square_plus, [])) == []
            # usable again in the same block, and after a partial read
            it = ex.map(_square_plus, [(x,) for x in range(10)])
            assert next(it) == 0
            it.close()
            assert list(ex.map(_square_plus, [(2,)])) == [4]

    def test_a_failing_task_raises_in_the_caller(self, make):
        with make() as ex, pytest.raises(ValueError, match="three"):
            list(ex.map(_fail_on_three, [(x,) for x in range(6)]))

    def test_closes_and_can_be_used_again(self, make):
        ex = make()
        with ex:
            assert list(ex.map(_square_plus, [(3,)])) == [9]
        assert list(ex.map(_square_plus, [(4,)])) == [16]
        ex.close()


def test_executor_for_builds_from_a_worker_count():
    assert isinstance(executor_for(1), SerialExecutor)
    assert isinstance(executor_for(3), ProcessPoolExecutor) and executor_for(3).workers == 3
    assert isinstance(executor_for(2, "thread"), ThreadPoolExecutor)
    with pytest.raises(ValueError):
        executor_for(2, "cluster")
    with pytest.raises(ValueError):
        ProcessPoolExecutor(0)


# -- streams keyed by (seed, subject, block) -------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 7, 20261123, 2**32 - 1, 2**32, 2**40 + 3, 2**63 - 1, 2**64 - 1])
def test_default_subject_is_the_engines_stream(seed):
    """For subject 0 the key is the one the engine always used, so seeded results do not move."""
    for block in (0, 1, 5, 999):
        assert (subject_stream(seed, DEFAULT_SUBJECT, block).bit_generator.state
                == stream(seed, block).bit_generator.state)
        assert block_stream(seed, block).bit_generator.state == stream(seed, block).bit_generator.state


def test_subjects_give_different_streams_and_keys_are_unambiguous():
    draws = {}
    for seed in (0, 1, 2**32):
        for subject in (0, 1, 2, "practice-17", "practice-18"):
            for block in (0, 1):
                draws[seed, subject, block] = tuple(block_stream(seed, block, subject).random(4))
    assert len(set(draws.values())) == len(draws)
    # the seed is two fixed-width words: (seed = a + b * 2**32, subject) cannot pose as another (seed, subject)
    assert (subject_stream(5 + 7 * 2**32, 0, 1).random(2) != subject_stream(5, 7, 1).random(2)).all()
    assert (block_stream(3, 0, "x").random(3) == block_stream(3, 0, "x").random(3)).all()
    for bad in (-1, 2**64):
        with pytest.raises(ValueError):
            subject_stream(bad, 0, 1)
    with pytest.raises(ValueError):
        subject_stream(1, 2**32, 1)
    with pytest.raises(ValueError):
        subject_stream(1, 0)


# -- the same answer whatever the executor and the grouping ----------------------------------------------------
def assert_same_losses(a: AnnualLosses, b: AnnualLosses) -> None:
    for f in dataclasses.fields(AnnualLosses):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, list):
            assert len(x) == len(y) and all(np.array_equal(p, q) for p, q in zip(x, y, strict=True)), f.name
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        else:
            assert x == y, f.name


@pytest.fixture(scope="module")
def valley_params(valley, reference):
    return build_parameters(valley, reference.tables)


@pytest.fixture(scope="module")
def lakeside_terms(lakeside):
    policy = load_model(PolicyTerms, ROOT / "examples" / "policies" / "lakeside-primary.yaml")
    return compile_terms(policy, {c.value: lakeside.controls.has(c) for c in Control})


SMALL_BLOCKS = 500   # 64 groups need 64 blocks: small blocks keep the test quick (other numbers, same law)


@pytest.mark.parametrize("with_terms", [False, True], ids=["ground-up", "with-terms"])
def test_same_answer_through_every_executor_and_grouping(valley_params, lakeside_terms, with_terms):
    n = 64 * SMALL_BLOCKS + 137   # 65 blocks, the last short
    terms = lakeside_terms if with_terms else None

    def run(executor=None, groups=None):
        return simulate_annual(valley_params, n, 11, terms=terms, executor=executor, groups=groups,
                               block_trials=SMALL_BLOCKS)

    base = run()
    assert base.years_with_event > 0 and (base.insured is not None) == with_terms
    for groups in (1, 3, 64):
        assert_same_losses(base, run(groups=groups))
    with ProcessPoolExecutor(2) as pool:
        for groups in (None, 3, 64):
            assert_same_losses(base, run(pool, groups))
    with ThreadPoolExecutor(2) as threads:
        assert_same_losses(base, run(threads, 3))


def test_same_answer_at_the_stored_block_size(valley_params):
    """Two real blocks of the loss model: serial, one group, and two processes agree; so does run_simulation."""
    n = 2 * LOSS_BLOCK_TRIALS + 1000
    assert len(loss_blocks(n)) == 3
    base = run_simulation(valley_params, n, 5)
    with ProcessPoolExecutor(2) as pool:
        assert_same_losses(base, run_simulation(valley_params, n, 5, executor=pool))
    assert_same_losses(base, simulate_annual(valley_params, n, 5, groups=1))
    whole = simulate(valley_params, n, seed=5).annual_total()
    np.testing.assert_allclose(base.total(), whole, rtol=1e-12)


def test_each_subject_has_its_own_years_through_any_executor(valley_params):
    n = 4 * SMALL_BLOCKS
    a = simulate_annual(valley_params, n, 3, block_trials=SMALL_BLOCKS)
    again = simulate_annual(valley_params, n, 3, block_trials=SMALL_BLOCKS, subject=DEFAULT_SUBJECT)
    b = simulate_annual(valley_params, n, 3, block_trials=SMALL_BLOCKS, subject="practice-2")
    assert_same_losses(a, again)
    assert not np.array_equal(a.total(), b.total())
    with ProcessPoolExecutor(2) as pool:
        assert_same_losses(b, simulate_annual(valley_params, n, 3, block_trials=SMALL_BLOCKS, subject="practice-2",
                                              executor=pool, groups=4))
    ev = simulate(valley_params, n, 3, subject="practice-2")
    (r,) = run_blocks(valley_params, 3, loss_blocks(n)[:1], None, "practice-2")
    assert np.array_equal(np.flatnonzero(np.bincount(ev.trial, minlength=n)), r.occupied)


def test_progress_is_reported_in_order_to_the_end(valley_params):
    seen = []
    with ProcessPoolExecutor(2) as pool:
        simulate_annual(valley_params, 10 * SMALL_BLOCKS + 3, 1, executor=pool, groups=4, block_trials=SMALL_BLOCKS,
                        progress=lambda done, total: seen.append((done, total)))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (10 * SMALL_BLOCKS + 3,) * 2
    assert len(seen) == 4
