"""Quotes for a practice and binding a policy from a quote option."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from cyberrx.api.deps import ClientDep, PageDep, PrincipalDep, ServiceDep
from cyberrx.api.schemas import ID_PATTERN, BindIn, Paged, PolicyOut, QuoteIn, QuoteOut
from cyberrx.app import quotes

router = APIRouter()
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post("/practices/{practice_id}/quotes", response_model=QuoteOut, status_code=201, tags=["quotes"])
def create_quote(practice_id: IdPath, body: QuoteIn, service: ServiceDep, principal: PrincipalDep,
                 client: ClientDep) -> dict[str, Any]:
    """Quote options (limit x retention) with premium, technical price and decision; audited."""
    return quotes.create(service.uow, principal, practice_id, body.trials, body.seed, body.effective,
                         max_trials=service.settings.sync_trials_max, ports=service.ports,
                         memory_max_bytes=service.limits.sync_memory_bytes, client=client)


@router.get("/quotes", response_model=Paged[QuoteOut], tags=["quotes"])
def list_quotes(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                practice_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None) -> dict[str, Any]:
    return quotes.list_quotes(service.uow, principal, page, practice_id).as_dict()


@router.get("/quotes/{quote_id}", response_model=QuoteOut, tags=["quotes"])
def get_quote(quote_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return quotes.get(service.uow, principal, quote_id)


@router.post("/quotes/{quote_id}/bind", response_model=PolicyOut, status_code=201, tags=["quotes"])
def bind_quote(quote_id: IdPath, body: BindIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Bind a policy from one option of the quote (underwriters); its terms are frozen as quoted."""
    return quotes.bind(service.uow, principal, quote_id, body.option, ports=service.ports)
