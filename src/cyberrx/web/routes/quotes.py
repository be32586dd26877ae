"""``/quotes`` (the quotes the person can see) and ``/quotes/{id}`` (one quote: its options side by side)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cyberrx.app import practices, quotes
from cyberrx.app.common import PageRequest
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 25


@router.get("/quotes")
def quote_list(request: Request, service: ServiceDep, principal: PrincipalDep,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = quotes.list_quotes(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset))
    names = {p: practices.get(service.uow, principal, p)["name"] for p in {q["practice_id"] for q in page.items}}
    return render(request, "quotes/list.html", {"page_title": "Quotes", "page": page, "names": names,
                                                "rows": PAGE_ROWS})


@router.get("/quotes/{quote_id}")
def quote_detail(request: Request, service: ServiceDep, principal: PrincipalDep, quote_id: str) -> Response:
    quote = quotes.get(service.uow, principal, quote_id)         # another tenant's: NotFound, a 404 page
    practice = practices.get(service.uow, principal, quote["practice_id"])
    return render(request, "quotes/detail.html", {"page_title": f"Quote for {practice['name']}", "quote": quote,
                                                  "result": quote["result"], "practice": practice})


__all__ = ["router"]
