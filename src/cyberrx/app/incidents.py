"""Incidents at a practice with their HIPAA breach notification obligations and deadlines (:mod:`cyberrx.breach`),
worked out when the incident is recorded and stored with it.

:func:`cyberrx.app.obligations.obligations_of` is the breach pipeline every interface shares, exactly what
``cyberrx breach obligations`` does with a file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cyberrx.adapters.store.tables import Incident
from cyberrx.app import audit
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, json_safe, order_of
from cyberrx.app.obligations import obligations_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.practices import visible_practice
from cyberrx.domain.incident import incident_from_dict
from cyberrx.errors import InvalidInput


def incident_dict(i: Incident) -> dict[str, Any]:
    return {"id": i.id, "practice_id": i.practice_id, "incident": i.incident, "obligations": i.obligations,
            "created_at": iso(i.created_at), "created_by": i.created_by}


def record(uow: UnitOfWork, principal: Principal, practice_id: str, incident: Any, today: date | None = None, *,
           ports: Ports | None = None) -> dict[str, Any]:
    """Record an incident and its obligations as of ``today`` (default: the date now)."""
    ports = ports or default_ports()
    try:
        doc = incident_from_dict(incident, today=today)
        report = obligations_of(doc, today)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"incident.{exc.field}" if exc.field else "incident",
                           allowed=exc.allowed) from None
    with uow.writing(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "incident.create")
        row = tx.incidents.add(Incident(id=ports.ids.new(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id,
                                        practice_id=org.id, incident=incident, obligations=json_safe(report.as_dict()),
                                        created_at=ports.clock.now(), created_by=principal.user_id))
        # the record of when the practice knew: every notification deadline runs from ``discovered``
        audit.record(tx, ports.clock, principal, "incident.record", "incident", row.id, None,
                     {"practice_id": org.id, "discovered": doc.discovered.isoformat(),
                      "obligations": len(report.obligations), "reportable": report.reportable})
        tx.commit()
        return incident_dict(row)


def get(uow: UnitOfWork, principal: Principal, incident_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        i = tx.incidents.get(incident_id)
        if i is None:
            raise not_found("incident", incident_id)
        require(principal, "incident.read")
        return incident_dict(i)


def list_incidents(uow: UnitOfWork, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "incident.read")
    order = order_of(page, {"created_at": "created_at"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.incidents.list({"practice_id": practice_id} if practice_id else {}, order, page.limit,
                                        page.offset)
        return Page([incident_dict(i) for i in rows], total, page.limit, page.offset)


__all__ = ["get", "incident_dict", "list_incidents", "obligations_of", "record"]
