"""Policies (bound terms), claims with their ledger, incidents with breach obligations, and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from cyberrx.api.deps import PageDep, PrincipalDep, ServiceDep
from cyberrx.api.errors import ErrorBody
from cyberrx.api.schemas import (
    ID_PATTERN,
    AmountIn,
    AuditEventOut,
    ClaimIn,
    ClaimOut,
    CloseIn,
    IncidentIn,
    IncidentOut,
    LedgerEntryOut,
    MoneyChangeOut,
    Paged,
    PolicyIn,
    PolicyOut,
)
from cyberrx.app import audit, claims, incidents, policies
from cyberrx.claims import EntryKind

router = APIRouter()
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                       description="a key unique to this change; a repeat is applied once")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200,
                                       description="the claim's ETag; refused with 412 if it changed since")]
PRECONDITION = {412: {"model": ErrorBody, "description": "If-Match names an old version of the claim"}}


@router.post("/policies", response_model=PolicyOut, status_code=201, tags=["policies"])
def bind_policy(body: PolicyIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Bind a policy for a practice (underwriters); the terms are frozen as bound."""
    return policies.bind(service.uow, principal, body.practice_id, body.terms, ports=service.ports)


@router.get("/policies", response_model=Paged[PolicyOut], tags=["policies"])
def list_policies(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                  practice_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None) -> dict[str, Any]:
    return policies.list_policies(service.uow, principal, page, practice_id).as_dict()


@router.get("/policies/{policy_id}", response_model=PolicyOut, tags=["policies"])
def get_policy(policy_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return policies.get(service.uow, principal, policy_id)


def _with_etag(response: Response, claim: dict[str, Any]) -> None:
    response.headers["ETag"] = claims.etag(int(claim["version"]))


@router.post("/claims", response_model=ClaimOut, status_code=201, tags=["claims"])
def open_claim(body: ClaimIn, response: Response, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Adjudicate a claim on a bound policy (after its earlier claims) and open its ledger."""
    out = claims.open_claim(service.uow, principal, body.policy_id, body.claim, ports=service.ports)
    _with_etag(response, out)
    return out


@router.get("/claims", response_model=Paged[ClaimOut], tags=["claims"])
def list_claims(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                policy_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None) -> dict[str, Any]:
    return claims.list_claims(service.uow, principal, page, policy_id, status).as_dict()


@router.get("/claims/{claim_id}", response_model=ClaimOut, tags=["claims"])
def get_claim(claim_id: IdPath, response: Response, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    out = claims.get(service.uow, principal, claim_id)
    _with_etag(response, out)
    return out


@router.get("/claims/{claim_id}/ledger", response_model=list[LedgerEntryOut], tags=["claims"])
def get_ledger(claim_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return claims.ledger(service.uow, principal, claim_id)


def _change(service: Any, principal: Any, response: Response, claim_id: str, kind: EntryKind,
            amount: Decimal | None, note: str, key: str, if_match: str | None) -> dict[str, Any]:
    claim, entry, created = claims.change(service.uow, principal, claim_id, kind, amount, key, note, if_match,
                                          ports=service.ports)
    response.status_code = 201 if created else 200
    _with_etag(response, claim)
    return {"claim": claim, "entry": entry, "replayed": not created}


_MONEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PRECONDITION, 200: {"model": MoneyChangeOut, "description": "a repeat of an earlier request (same key)"}}


@router.post("/claims/{claim_id}/payments", response_model=MoneyChangeOut, status_code=201, tags=["claims"],
             responses=_MONEY_RESPONSES)
def pay(claim_id: IdPath, body: AmountIn, response: Response, service: ServiceDep, principal: PrincipalDep,
        idempotency_key: IdempotencyKey, if_match: IfMatch = None) -> dict[str, Any]:
    """Pay on the claim (adjusters). Never above what adjudication allows: 409 if it would be."""
    return _change(service, principal, response, claim_id, EntryKind.PAYMENT, body.amount, body.note,
                   idempotency_key, if_match)


@router.post("/claims/{claim_id}/reserve", response_model=MoneyChangeOut, status_code=201, tags=["claims"],
             responses=_MONEY_RESPONSES)
def set_reserve(claim_id: IdPath, body: AmountIn, response: Response, service: ServiceDep,
                principal: PrincipalDep, idempotency_key: IdempotencyKey, if_match: IfMatch = None) -> dict[str, Any]:
    """Set the reserve (usd still expected to be paid) of the claim (adjusters)."""
    return _change(service, principal, response, claim_id, EntryKind.RESERVE, body.amount, body.note,
                   idempotency_key, if_match)


@router.post("/claims/{claim_id}/close", response_model=MoneyChangeOut, status_code=201, tags=["claims"],
             responses=_MONEY_RESPONSES)
def close_claim(claim_id: IdPath, body: CloseIn, response: Response, service: ServiceDep, principal: PrincipalDep,
                idempotency_key: IdempotencyKey, if_match: IfMatch = None) -> dict[str, Any]:
    """Close the claim; the reserve left is released."""
    return _change(service, principal, response, claim_id, EntryKind.CLOSED, None, body.note, idempotency_key,
                   if_match)


@router.post("/incidents", response_model=IncidentOut, status_code=201, tags=["incidents"])
def record_incident(body: IncidentIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Record an incident; its breach notification obligations and deadlines are worked out and stored."""
    return incidents.record(service.uow, principal, body.practice_id, body.incident, ports=service.ports)


@router.get("/incidents", response_model=Paged[IncidentOut], tags=["incidents"])
def list_incidents(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                   practice_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None) -> dict[str, Any]:
    return incidents.list_incidents(service.uow, principal, page, practice_id).as_dict()


@router.get("/incidents/{incident_id}", response_model=IncidentOut, tags=["incidents"])
def get_incident(incident_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return incidents.get(service.uow, principal, incident_id)


@router.get("/audit/events", response_model=Paged[AuditEventOut], tags=["audit"])
def list_audit(service: ServiceDep, principal: PrincipalDep, page: PageDep,
               subject_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
               action: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    return audit.list_events(service.uow, principal, page, subject_id, action).as_dict()
