"""Incidents at a practice with their HIPAA breach notification obligations and deadlines (:mod:`cyberrx.breach`),
worked out when the incident is recorded and stored with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from cyberrx.breach import assess_obligations
from cyberrx.domain.incident import Incident as IncidentDoc
from cyberrx.domain.parsing import parse_model
from cyberrx.errors import InvalidInput
from cyberrx.services import audit
from cyberrx.services.authz import Principal, not_found, require, scope
from cyberrx.services.common import Page, PageRequest, iso, json_safe, new_id, paginate, utcnow
from cyberrx.services.practices import visible_practice
from cyberrx.store import Store
from cyberrx.store.models import Incident


def incident_dict(i: Incident) -> dict[str, Any]:
    return {"id": i.id, "practice_id": i.practice_id, "incident": i.incident, "obligations": i.obligations,
            "created_at": iso(i.created_at), "created_by": i.created_by}


def record(store: Store, principal: Principal, practice_id: str, incident: Any,
           today: date | None = None) -> dict[str, Any]:
    """Record an incident and its obligations as of ``today`` (default: the date now)."""
    try:
        doc = parse_model(IncidentDoc, incident)
        doc.check_dates(today)
        report = assess_obligations(doc, today=today)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"incident.{exc.field}" if exc.field else "incident",
                           allowed=exc.allowed) from None
    with store.write() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "incident.create")
        row = Incident(id=new_id(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id, practice_id=org.id,
                       incident=incident, obligations=json_safe(report.as_dict()), created_at=utcnow(),
                       created_by=principal.user_id)
        s.add(row)
        s.flush()
        # the record of when the practice knew: every notification deadline runs from ``discovered``
        audit.record(s, principal, "incident.record", "incident", row.id, None,
                     {"practice_id": org.id, "discovered": doc.discovered.isoformat(),
                      "obligations": len(report.obligations), "reportable": report.reportable})
        return incident_dict(row)


def get(store: Store, principal: Principal, incident_id: str) -> dict[str, Any]:
    with store.read() as s:
        i = s.execute(select(Incident).where(Incident.id == incident_id, scope(principal, Incident))
                      ).scalar_one_or_none()
        if i is None:
            raise not_found("incident", incident_id)
        require(principal, "incident.read")
        return incident_dict(i)


def list_incidents(store: Store, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "incident.read")
    stmt = select(Incident).where(scope(principal, Incident))
    if practice_id:
        stmt = stmt.where(Incident.practice_id == practice_id)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Incident.created_at}, Incident.id)
        return Page([incident_dict(i) for i in rows], total, page.limit, page.offset)


__all__ = ["get", "list_incidents", "record"]
