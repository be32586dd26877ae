"""Must show (issue 16): the same seed gives the same year loss table on the serial, process and Dask executors,
and however the years are grouped into tasks (array for array, not approximately)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from tests.portfolio.conftest import one_vendor_profile

from cyberrx.engine.executors import ProcessPoolExecutor, SerialExecutor
from cyberrx.portfolio.book import build_book
from cyberrx.portfolio.catalogue import load_catalogue
from cyberrx.portfolio.reinsurance import parse_reinsurance
from cyberrx.portfolio.run import BookRun, contributions, simulate_book

COLUMNS = ("gross", "independent", "systemic", "occurrence", "xol", "net")
YEARS, BLOCK, BATCH = 6_000, 1_024, 5
REINSURANCE = parse_reinsurance({"quota_share": {"ceded_share": 0.2},
                                 "per_event_xol": {"retention": 200_000, "limit": 500_000},
                                 "stop_loss": {"attachment": 400_000, "limit": 300_000}})


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) if the block takes longer than ``seconds`` (a Dask cluster that never starts)."""
    def _raise(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def model(lakeside_policy, tables):
    from tests.portfolio.conftest import ROOT

    from cyberrx import load_profile

    lakeside = load_profile(ROOT / "examples" / "lakeside-family-medicine.yaml")
    pairs = [(one_vendor_profile(revenue=2_000_000 + 100_000 * i, vendor=f"Host {i % 3}"), lakeside_policy)
             for i in range(10)] + [(lakeside, lakeside_policy)] * 3
    cat = load_catalogue()
    return build_book(pairs).compile(cat, tables), cat


def run_with(model_cat, executor=None, **kw) -> BookRun:
    model, cat = model_cat
    return simulate_book(model, cat, YEARS, 99, executor=executor, reinsurance=REINSURANCE, block_years=BLOCK,
                         practices_per_task=BATCH, **kw)


def assert_same(a: BookRun, b: BookRun) -> None:
    for name in COLUMNS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in ("events", "total", "largest"):
        np.testing.assert_array_equal(getattr(a.vendors, name), getattr(b.vendors, name), err_msg=name)


@pytest.fixture(scope="module")
def serial(model) -> BookRun:
    return run_with(model)


def test_the_run_is_not_trivial(serial):
    assert serial.events > 50 and serial.systemic.sum() > 0 and serial.xol.sum() > 0
    assert np.all(serial.net <= serial.gross + 1e-9)
    assert np.all(serial.occurrence <= serial.gross + 1e-6)


def test_any_grouping_of_blocks_gives_the_same_table(model, serial):
    assert_same(serial, run_with(model, blocks_per_task=3))
    assert_same(serial, run_with(model, blocks_per_task=len(range(0, YEARS, BLOCK))))


def test_process_pool_gives_the_same_table(model, serial):
    with deadline(240), ProcessPoolExecutor(2) as ex:
        assert_same(serial, run_with(model, ex, blocks_per_task=2))


def test_dask_local_cluster_of_two_workers_gives_the_same_table(model, serial):
    from cyberrx.adapters.dask_executor import DaskExecutor

    with deadline(300), DaskExecutor(workers=2) as ex:
        run = run_with(model, ex)
        assert ex.workers == 2
        assert_same(serial, run)
        m, cat = model
        # the second pass (contributions) too
        on_dask = contributions(m, cat, run, executor=ex)
    here = contributions(m, cat, serial, executor=SerialExecutor())
    np.testing.assert_array_equal(on_dask.policies, here.policies)
    np.testing.assert_array_equal(on_dask.vendors, here.vendors)
    # policies add up to the window's book loss; vendors plus attritional too
    assert here.policies.sum() == pytest.approx(here.book, rel=1e-9)
    assert here.vendors.sum() + here.attritional == pytest.approx(here.book, rel=1e-9)
