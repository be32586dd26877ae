"""``/policies`` (the policies the person can see), ``/policies/{id}`` (one bound policy's terms) and its
certificate of insurance: ``/policies/{id}/certificate`` (the form: certificate holder, description of
operations) posting to ``/policies/{id}/certificate.pdf`` (the PDF)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from cyberrx.app import accounts, claims, policies, practices, subjectivities
from cyberrx.app.authz import POLICY, OrgKind
from cyberrx.app.common import PageRequest
from cyberrx.domain.policy import parse_policy
from cyberrx.reports.documents import certificate
from cyberrx.reports.documents.common import Party
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.routes.quotes import producer_name
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
    subs = subjectivities.for_policy(service.uow, principal, policy_id, ports=service.ports)
    may_mark = (principal.organisation_kind == OrgKind.CARRIER and principal.role in POLICY["subjectivity.update"])
    return render(request, "policies/detail.html", {"page_title": f"Policy {policy['policy_number']}",
                                                    "policy": policy, "terms": policy["terms"],
                                                    "practice": practice, "claims": claim_rows,
                                                    "subjectivities": subs, "may_mark": may_mark})


def _certificate_form(request: Request, service: Any, principal: Any, policy_id: str, values: dict[str, str],
                      errors: dict[str, str], status_code: int = 200) -> Response:
    policy = policies.get(service.uow, principal, policy_id)     # another tenant's: NotFound, a 404 page
    practice = practices.get(service.uow, principal, policy["practice_id"])
    return render(request, "policies/certificate.html", {
        "page_title": f"Certificate of insurance: policy {policy['policy_number']}", "policy": policy,
        "practice": practice, "values": values, "errors": errors}, status_code=status_code)


@router.get("/policies/{policy_id}/certificate")
def certificate_form(request: Request, service: ServiceDep, principal: PrincipalDep, policy_id: str) -> Response:
    return _certificate_form(request, service, principal, policy_id,
                             {"holder": "", "holder_address": "", "operations": ""}, {})


@router.post("/policies/{policy_id}/certificate.pdf")
def certificate_pdf(request: Request, service: ServiceDep, principal: PrincipalDep, policy_id: str,
                    holder: Annotated[str, Form(max_length=200)] = "",
                    holder_address: Annotated[str, Form(max_length=500)] = "",
                    operations: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The certificate for the holder named (the download); a missing holder comes back next to its field."""
    values = {"holder": holder, "holder_address": holder_address, "operations": operations}
    policy = policies.get(service.uow, principal, policy_id)     # another tenant's: NotFound, a 404 page
    if not holder.strip():
        return _certificate_form(request, service, principal, policy_id, values,
                                 {"holder": "Name the certificate holder (who asked for the certificate)."},
                                 status_code=422)
    practice = practices.get(service.uow, principal, policy["practice_id"])
    view = certificate.certificate_view(
        parse_policy(policy["terms"]), practice["name"], producer_name(service, principal, practice),
        accounts.carrier_name(service.uow, principal), Party(holder.strip(), address=holder_address.strip()),
        operations.strip() or "Medical practice: the insured's professional operations.")
    name = f"certificate-{policy['policy_number']}.pdf"
    return Response(certificate.render_pdf(view), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


__all__ = ["router"]
