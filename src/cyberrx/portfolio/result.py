"""The typed result of a book run: :class:`PortfolioResult` (money in usd rounded to cents; to_dict/from_dict).

>>> r = PortfolioResult.from_dict(example_dict())
>>> r.gross.pml["200"], PortfolioResult.from_dict(r.to_dict()) == r
(1500000.0, True)
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from cyberrx.domain.results import Result, Usd


class EpPoint(Result):
    """One return period of the exceedance curves: aggregate (AEP) and occurrence (OEP), gross and net."""

    return_period: int
    aep_gross: Usd
    oep_gross: Usd
    aep_net: Usd
    oep_net: Usd


class LossFigures(Result):
    """The book's annual loss under one view: AAL, PML (AEP) and TVaR at 1-in-100/200/250 (keys ``"100"``...),
    and the occurrence PML (OEP; empty for the independent view, whose events are not kept apart)."""

    aal: Usd
    pml: dict[str, Usd]
    tvar: dict[str, Usd]
    oep: dict[str, Usd]


class Contribution(Result):
    """What one vendor (``dependency``) or one policy adds to the 1-in-200 gross loss, usd; shares of it."""

    id: str
    label: str
    contribution: Usd
    share: float


class Accumulation(Result):
    """A shared dependency of the book: the insureds that depend on it, the aggregate limits they hold, and
    what its systemic events cost in the run (gross): events that cost something, AAL, the largest event."""

    dependency: str
    kind: str
    insureds: int
    limits_exposed: Usd
    events: int
    aal: Usd
    largest_event: Usd


class PortfolioResult(Result):
    """A book run: the inputs that identify it, the year loss table's figures, contributions, accumulations."""

    book: str
    policies: int
    years: int
    seed: int
    model_version: str
    loss_model_version: str
    catalogue_version: str | None
    reinsurance: dict[str, Any] | None = None
    gross: LossFigures
    net: LossFigures
    independent: LossFigures
    systemic_aal: Usd
    ep_curve: list[EpPoint]
    vendor_contributions: list[Contribution]
    attritional_contribution: Usd
    policy_contributions: list[Contribution]
    accumulations: list[Accumulation]
    notes: list[str] = Field(default_factory=list)


def example_dict() -> dict[str, Any]:
    """A small, valid result as a dict (for the doctest and the API's schema example)."""
    figures = {"aal": 1000.0, "pml": {"100": 1e6, "200": 1.5e6, "250": 1.6e6},
               "tvar": {"100": 1.2e6, "200": 1.7e6, "250": 1.8e6}, "oep": {"100": 9e5, "200": 1.4e6, "250": 1.5e6}}
    return {"book": "example", "policies": 2, "years": 1000, "seed": 1, "model_version": "x",
            "loss_model_version": "y", "catalogue_version": "z", "gross": figures, "net": figures,
            "independent": figures, "systemic_aal": 500.0, "ep_curve": [], "vendor_contributions": [],
            "attritional_contribution": 0.0, "policy_contributions": [], "accumulations": []}


__all__ = ["Accumulation", "Contribution", "EpPoint", "LossFigures", "PortfolioResult", "example_dict"]
