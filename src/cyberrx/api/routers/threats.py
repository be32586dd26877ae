"""Threat intelligence (issue 15): feeds, a practice's findings, alerts and their acknowledgement, reminders."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from cyberrx.api.deps import PageDep, PrincipalDep, ServiceDep
from cyberrx.api.schemas import ID_PATTERN, Id, Paged
from cyberrx.app import threats

router = APIRouter()
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    feed: dict[str, Any] = Field(description="a CISA KEV catalog (its JSON) or a STIX 2.1 bundle")
    source: str = Field("upload", max_length=500, description="where the feed came from (a file name, an address)")


class FeedOut(_Out):
    id: str
    kind: Literal["kev", "stix"]
    version: str
    released: str | None
    digest: str
    entries: int
    imported_at: str | None
    imported_by: str
    new: bool | None = None


class FindingOut(_Out):
    cve: str
    vendor: str
    product: str
    matched_by: Literal["id", "alias", "cpe"]
    version_affected: bool | None
    internet_facing: bool
    known_ransomware: bool
    urgent: bool
    due_date: date | None
    required_action: str


class HicpOut(_Out):
    practice: int
    name: str
    volume: str
    sub_practice: str


class PracticeFindingOut(FindingOut):
    hicp: list[HicpOut]


class UnknownOut(_Out):
    item: int | None
    field: str
    vendor: str
    product: str
    reason: str


class FeedRef(_Out):
    id: str | None
    kind: str
    version: str


class PracticeFindingsOut(_Out):
    practice_id: str
    feed: FeedRef
    findings: list[PracticeFindingOut]
    unknown: list[UnknownOut]


class AlertOut(_Out):
    id: str
    practice_id: str
    brokerage_id: str | None
    feed_id: str | None
    cve: str
    product: str
    urgent: bool
    finding: FindingOut
    created_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    reminded_at: str | None
    reminders: int


class AlertRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    practice_ids: list[Id] | None = Field(None, max_length=1000, description="only these practices (default: all "
                                          "the caller sees)")


class AlertRunOut(_Out):
    feed: FeedRef
    practices: int
    alerts: int
    mails: int


class ReminderRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int | None = Field(None, ge=0, le=365, description="remind urgent alerts not acknowledged after this many "
                             "days (default threats_risk.yaml)")


class ReminderRunOut(_Out):
    reminders: int
    after_days: int


@router.post("/threats/feeds", response_model=FeedOut, status_code=201, tags=["threats"],
             responses={200: {"model": FeedOut, "description": "the same feed was already imported"}})
def import_feed(body: FeedIn, service: ServiceDep, principal: PrincipalDep, response: Response) -> dict[str, Any]:
    """Import a CISA KEV catalog (checked against its published schema) or a STIX 2.1 bundle: versioned,
    idempotent (the same content again answers 200 with ``new`` false) and recorded."""
    out = threats.import_feed(service.uow, principal, body.feed, source=body.source, ports=service.ports)
    if not out["new"]:
        response.status_code = 200
    return out


@router.get("/threats/feeds", response_model=Paged[FeedOut], tags=["threats"])
def list_feeds(service: ServiceDep, principal: PrincipalDep, page: PageDep) -> dict[str, Any]:
    return threats.list_feeds(service.uow, principal, page).as_dict()


@router.get("/practices/{practice_id}/threats", response_model=PracticeFindingsOut, tags=["threats"])
def practice_findings(practice_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The practice's findings against the newest feed (else the shipped KEV snapshot), each with the 405(d) HICP
    practice that answers it, sized for the practice; and the inventory items not recognised."""
    return threats.practice_findings(service.uow, principal, practice_id)


@router.post("/threats/alerts/run", response_model=AlertRunOut, tags=["threats"])
def run_alerts(service: ServiceDep, principal: PrincipalDep,
               body: Annotated[AlertRunIn | None, Body()] = None) -> dict[str, Any]:
    """Match the practices the caller sees against the newest feed; each new finding becomes an alert, mailed
    (through the outbox) to the practice, its broker and the carrier's underwriters."""
    ids = body.practice_ids if body is not None else None
    return threats.run_alerts(service.uow, principal, practice_ids=ids, ports=service.ports)


@router.get("/threats/alerts", response_model=Paged[AlertOut], tags=["threats"])
def list_alerts(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                practice_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                urgent: bool | None = None) -> dict[str, Any]:
    """The alerts the caller sees: a practice its own, a broker its clients', the carrier its book."""
    return threats.list_alerts(service.uow, principal, page, practice_id=practice_id, urgent=urgent).as_dict()


@router.post("/threats/alerts/{alert_id}/acknowledge", response_model=AlertOut, tags=["threats"])
def acknowledge(alert_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The practice acknowledges the alert (handled); a second call keeps the first acknowledgement."""
    return threats.acknowledge(service.uow, principal, alert_id, ports=service.ports)


@router.post("/threats/reminders/run", response_model=ReminderRunOut, tags=["threats"])
def run_reminders(service: ServiceDep, principal: PrincipalDep,
                  body: Annotated[ReminderRunIn | None, Body()] = None) -> dict[str, Any]:
    """Queue reminders for the urgent alerts of the caller's book not acknowledged within the set days."""
    from cyberrx.app.authz import require

    require(principal, "threat.alert")
    return threats.remind(service.uow, days=body.days if body else None, ports=service.ports,
                          scope=principal.scope)
