"""``/alerts``: the threat alerts the person can see (a practice its own, a broker its clients', the carrier its
book), urgent first, each with what to do; a practice acknowledges an alert with a form that posts and redirects
(``/alerts/{id}/acknowledge``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import practices, threats
from cyberrx.app.authz import POLICY
from cyberrx.app.common import PageRequest
from cyberrx.threats.catalogue import load_catalogue
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 50


@router.get("/alerts")
def alert_list(request: Request, service: ServiceDep, principal: PrincipalDep,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
               show: Annotated[str, Query(pattern="^(open|all)$")] = "open") -> Response:
    page = threats.list_alerts(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset,
                                                                   sort="-created_at"),
                               acknowledged=False if show == "open" else None)
    names: dict[str, str] = {}
    for p in practices.list_practices(service.uow, principal, PageRequest(limit=200, sort="name")).items:
        names[p["id"]] = p["name"]
    rows: list[dict[str, Any]] = sorted(page.items, key=lambda a: (not a["urgent"], a["acknowledged_at"] is not None,
                                                                   a["finding"]["due_date"] or "", a["cve"]))
    cat = load_catalogue()
    products = {p.id: f"{p.name} ({cat.vendors[p.vendor]})" for p in cat.products.values()}
    return render(request, "threats/alerts.html", {
        "page_title": "Threat alerts", "alerts": rows, "names": names, "products": products, "page": page,
        "rows": PAGE_ROWS,
        "show": show, "can_acknowledge": principal.role in POLICY["threat.acknowledge"]
        and principal.organisation_kind.value == "practice"})


@router.post("/alerts/{alert_id}/acknowledge")
def alert_acknowledge(request: Request, service: ServiceDep, principal: PrincipalDep, alert_id: str) -> Response:
    threats.acknowledge(service.uow, principal, alert_id, ports=service.ports)   # another's: NotFound, a 404 page
    return RedirectResponse("/alerts?show=all", status_code=303)
