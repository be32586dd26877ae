"""``/practices`` (the practices the person can see, searchable by name; a broker's clients) and
``/practices/{id}`` (a practice's overview: its latest profile, latest assessment, quotes, policies, incidents)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cyberrx.app import assessments, claims, incidents, policies, practices, quotes
from cyberrx.app.authz import OrgKind
from cyberrx.app.common import PageRequest
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 25


@router.get("/practices")
def practice_list(request: Request, service: ServiceDep, principal: PrincipalDep,
                  q: Annotated[str, Query(max_length=100)] = "",
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    """Active search: typing in the box asks for the rows only (htmx), the full page works without JavaScript."""
    page = practices.list_practices(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset, sort="name"),
                                    name=q.strip() or None)
    title = "Clients" if principal.organisation_kind == OrgKind.BROKERAGE else "Practices"
    context = {"page_title": title, "page": page, "q": q, "rows": PAGE_ROWS}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "practice-rows":
        return render(request, "practices/_rows.html", context)
    return render(request, "practices/list.html", context)


def _latest_assessment(service: Any, principal: Any, practice_id: str) -> dict[str, Any] | None:
    done = assessments.list_assessments(service.uow, principal, PageRequest(limit=1, sort="-created_at"),
                                        practice_id=practice_id, status="succeeded")
    if not done.items:
        return None
    return assessments.get(service.uow, principal, done.items[0]["id"])


@router.get("/practices/{practice_id}")
def practice_overview(request: Request, service: ServiceDep, principal: PrincipalDep,
                      practice_id: str) -> Response:
    uow = service.uow
    practice = practices.get(uow, principal, practice_id)       # another tenant's: NotFound, a 404 page
    recent = PageRequest(limit=10, sort="-created_at")
    policy_page = policies.list_policies(uow, principal, PageRequest(limit=10, sort="-bound_at"),
                                         practice_id=practice_id)
    claim_rows = [c for p in policy_page.items
                  for c in claims.list_claims(uow, principal, recent, policy_id=p["id"]).items]
    context = {
        "page_title": practice["name"],
        "practice": practice,
        "profile": practice["profile"],
        "assessment": _latest_assessment(service, principal, practice_id),
        "quotes": quotes.list_quotes(uow, principal, recent, practice_id=practice_id).items,
        "policies": policy_page.items,
        "claims": claim_rows,
        "incidents": incidents.list_incidents(uow, principal, recent, practice_id=practice_id).items,
    }
    return render(request, "practices/overview.html", context)


__all__ = ["router"]
