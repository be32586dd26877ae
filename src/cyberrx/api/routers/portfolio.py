"""The carrier's book for its underwriters: what it shares (GET) and a run of it (POST), under /portfolio."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from cyberrx.api.deps import PrincipalDep, ServiceDep
from cyberrx.app import portfolio

router = APIRouter()


class PortfolioRunIn(BaseModel):
    """A run of the book in force on ``as_of`` (default today)."""

    model_config = ConfigDict(extra="forbid")

    as_of: date | None = None
    years: int = Field(10_000, ge=1_000, le=100_000, description="simulated years")
    seed: int = Field(1, ge=0, lt=2**63)
    reinsurance: dict[str, Any] | None = Field(None, description="quota_share, per_event_xol, stop_loss (as the "
                                                                  "CLI's --reinsurance file)")


@router.get("/portfolio", tags=["portfolio"])
def book_summary(service: ServiceDep, principal: PrincipalDep,
                 as_of: Annotated[date | None, Query()] = None) -> dict[str, Any]:
    """The book in force: policies, aggregate limits, and the vendors and products they share (carriers'
    admins and underwriters)."""
    return portfolio.summary(service.uow, principal, as_of or date.today())


@router.post("/portfolio/run", tags=["portfolio"])
def run_book(body: PortfolioRunIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Simulate the book in force: AAL, PML 1-in-100/200/250, TVaR, OEP/AEP gross and net, contributions to the
    1-in-200 loss by vendor and policy, largest accumulations (PortfolioResult)."""
    result = portfolio.run(service.uow, principal, as_of=body.as_of or date.today(), years=body.years,
                           seed=body.seed, reinsurance=body.reinsurance)
    return result.to_dict()
