"""``/claims`` (the claims the person can see) and ``/claims/{id}`` (one claim: adjudication and its ledger).

The claims adjuster's pages (:mod:`cyberrx.web.routes.adjuster`, :mod:`cyberrx.web.routes.adjuster_money`) are
included here first, so that ``/claims/new`` is theirs and not taken for a claim's id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from cyberrx.app import claims, policies, practices
from cyberrx.app.authz import OrgKind, Role
from cyberrx.app.common import PageRequest
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.routes import adjuster, adjuster_money
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
# the routes themselves (not include_router, which nests a router the page dispatch does not look into)
router.routes.extend([*adjuster.router.routes, *adjuster_money.router.routes])
PAGE_ROWS = 25


@router.get("/claims")
def claim_list(request: Request, service: ServiceDep, principal: PrincipalDep,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = claims.list_claims(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset))
    return render(request, "claims/list.html", {"page_title": "Claims", "page": page, "rows": PAGE_ROWS,
                                                "adjuster": _adjuster(principal),
                                                "fnol": _adjuster(principal)
                                                and principal.role == Role.CLAIMS_ADJUSTER})


def _adjuster(principal: Any) -> bool:
    """The claim pages link the adjuster's pages for the carrier's adjuster and admin."""
    return bool(principal.organisation_kind == OrgKind.CARRIER and principal.role in (Role.CLAIMS_ADJUSTER,
                                                                                       Role.ADMIN))


@router.get("/claims/{claim_id}")
def claim_detail(request: Request, service: ServiceDep, principal: PrincipalDep, claim_id: str) -> Response:
    claim = claims.get(service.uow, principal, claim_id)         # another tenant's: NotFound, a 404 page
    policy = policies.get(service.uow, principal, claim["policy_id"])
    practice = practices.get(service.uow, principal, claim["practice_id"])
    entries = claims.ledger(service.uow, principal, claim_id)
    return render(request, "claims/detail.html", {"page_title": f"Claim {claim['claim_number']}", "claim": claim,
                                                  "adjudication": claim["adjudication"], "policy": policy,
                                                  "practice": practice, "entries": entries,
                                                  "adjuster": _adjuster(principal)})


__all__ = ["router"]
