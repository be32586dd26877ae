"""``/policies`` (the policies the person can see) and ``/policies/{id}`` (one bound policy's terms)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cyberrx.app import claims, policies, practices
from cyberrx.app.common import PageRequest
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 25


@router.get("/policies")
def policy_list(request: Request, service: ServiceDep, principal: PrincipalDep,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = policies.list_policies(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset,
                                                                      sort="-bound_at"))
    return render(request, "policies/list.html", {"page_title": "Policies", "page": page, "rows": PAGE_ROWS})


@router.get("/policies/{policy_id}")
def policy_detail(request: Request, service: ServiceDep, principal: PrincipalDep, policy_id: str) -> Response:
    policy = policies.get(service.uow, principal, policy_id)     # another tenant's: NotFound, a 404 page
    practice = practices.get(service.uow, principal, policy["practice_id"])
    claim_rows = claims.list_claims(service.uow, principal, PageRequest(limit=50), policy_id=policy_id).items
    return render(request, "policies/detail.html", {"page_title": f"Policy {policy['policy_number']}",
                                                    "policy": policy, "terms": policy["terms"],
                                                    "practice": practice, "claims": claim_rows})


__all__ = ["router"]
