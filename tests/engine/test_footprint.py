"""The memory estimate of a run (engine.footprint) against tracemalloc's measured peak: never below it, and
within 3x (+16 MB) of it, for small and large practices, with and without policy terms, and for a quote."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from cyberrx.app.assess import assess
from cyberrx.app.resources import assessment_footprint, quote_footprint
from cyberrx.app.underwrite import quote
from cyberrx.domain.policy import parse_policy
from cyberrx.domain.profile import PracticeProfile

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SLACK = 16 * 10**6


def _profile(endpoints: int, employees: int) -> PracticeProfile:
    doc = yaml.safe_load((EXAMPLES / "lakeside-family-medicine.yaml").read_text())
    return PracticeProfile.model_validate({**doc, "endpoints": endpoints, "employees": employees})


def _peak(run) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("endpoints", "employees", "trials", "with_terms"), [
    (25, 18, 20_000, False), (2_000, 1_000, 20_000, False), (25, 18, 20_000, True), (2_000, 1_000, 10_000, True),
])
def test_the_estimate_of_an_assessment_covers_its_measured_peak(endpoints: int, employees: int, trials: int,
                                                                 with_terms: bool) -> None:
    profile = _profile(endpoints, employees)
    terms = parse_policy(yaml.safe_load((EXAMPLES / "policies/lakeside-primary.yaml").read_text())) \
        if with_terms else None
    estimate = assessment_footprint(profile, trials, terms=with_terms, budget_bytes=10**9).bytes
    peak = _peak(lambda: assess(profile, trials, 1, policy=terms))
    assert peak <= estimate <= 3 * peak + SLACK, (peak, estimate)


@pytest.mark.parametrize(("endpoints", "employees", "trials"), [(25, 18, 10_000), (2_000, 2_000, 10_000)])
def test_the_estimate_of_a_quote_covers_its_measured_peak(endpoints: int, employees: int, trials: int) -> None:
    profile = _profile(endpoints, employees)
    estimate = quote_footprint(profile, trials, budget_bytes=10**9).bytes
    peak = _peak(lambda: quote(profile, trials=trials, seed=1))
    assert peak <= estimate <= 3 * peak + SLACK, (peak, estimate)


def test_the_most_trials_said_in_a_refusal_fit_the_budget() -> None:
    profile = _profile(100_000, 100_000)
    fp = assessment_footprint(profile, 65_536, terms=True, budget_bytes=2 * 10**9)
    assert fp.bytes > 2 * 10**9
    assert assessment_footprint(profile, fp.most_trials, terms=True, budget_bytes=2 * 10**9).bytes <= 2 * 10**9
    assert assessment_footprint(profile, fp.most_trials + 1, terms=True, budget_bytes=2 * 10**9).bytes > 2 * 10**9
