"""What a run may take: its memory is estimated before it starts (:mod:`cyberrx.engine.footprint`) and a run that
would not fit is refused before anything is allocated, saying how many trials would fit.

Two budgets: ``sync_bytes``, the most a run computed inside a request may take (a larger one is queued as a
background job instead, so one request never holds a web worker's memory), and ``run_bytes``, the most any run
may take (a larger one is refused: HTTP 422 naming ``trials`` and the most that would fit).
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.footprint import describe_bytes, most_trials, run_bytes
from cyberrx.engine.scenarios import build_parameters
from cyberrx.errors import InvalidInput
from cyberrx.reference import load_loss_model

#: defaults of the settings ``sync_memory_max_mb`` and ``run_memory_max_mb``
DEFAULT_SYNC_BYTES = 512 * 10**6
DEFAULT_RUN_BYTES = 2 * 10**9


@dataclass(frozen=True)
class MemoryBudget:
    """Bytes a run may take inside a request (``sync_bytes``) and at all (``run_bytes``)."""

    sync_bytes: int = DEFAULT_SYNC_BYTES
    run_bytes: int = DEFAULT_RUN_BYTES


@dataclass(frozen=True)
class Footprint:
    """A run's estimated peak bytes, and the most trials the budget allows for the same practice."""

    bytes: int
    most_trials: int


def assessment_footprint(profile: PracticeProfile, trials: int, *, terms: bool, budget_bytes: int) -> Footprint:
    """The estimate of an assessment of ``profile`` over ``trials`` years (with policy terms or not)."""
    frequency = build_parameters(profile, load_loss_model().tables).frequency
    return Footprint(run_bytes(frequency, trials, terms=terms),
                     most_trials(frequency, budget_bytes, terms=terms))


def quote_footprint(profile: PracticeProfile, trials: int, *, budget_bytes: int) -> Footprint:
    """The estimate of a quote of ``profile`` over ``trials`` years (every event of the run is held at once, drawn
    at the no-controls ceiling rates)."""
    from cyberrx.underwriting.pricing import candidate_ceiling

    frequency = candidate_ceiling(profile, load_loss_model().tables)
    return Footprint(run_bytes(frequency, trials, whole_run=True),
                     most_trials(frequency, budget_bytes, whole_run=True))


def refuse_if_too_big(footprint: Footprint, budget_bytes: int, trials: int) -> None:
    """InvalidInput (field ``trials``) when the run would take more than ``budget_bytes``: raised before any
    simulation memory is allocated."""
    if footprint.bytes <= budget_bytes:
        return
    fit = footprint.most_trials
    allowed = (f"at most {fit:,} trials for this practice" if fit >= 1_000
               else "none: this practice's profile makes every run too large (lower endpoints or employees)")
    raise InvalidInput(f"{trials:,} trials of this practice would need about {describe_bytes(footprint.bytes)} of "
                       f"memory, more than the {describe_bytes(budget_bytes)} one run may take", field="trials",
                       allowed=allowed)


__all__ = ["DEFAULT_RUN_BYTES", "DEFAULT_SYNC_BYTES", "Footprint", "MemoryBudget", "assessment_footprint",
           "quote_footprint", "refuse_if_too_big"]
