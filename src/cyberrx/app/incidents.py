"""Incidents at a practice with their HIPAA breach notification obligations and deadlines (:mod:`cyberrx.breach`),
worked out when the incident is recorded and stored with it.

:func:`cyberrx.app.obligations.obligations_of` is the breach pipeline every interface shares, exactly what
``cyberrx breach obligations`` does with a file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from cyberrx.adapters.store.tables import Incident
from cyberrx.app import audit
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, json_safe, order_of
from cyberrx.app.obligations import obligations_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.practices import check_profile, visible_practice
from cyberrx.breach import Letter, ObligationsReport, Playbook, build_playbook, draft_letter
from cyberrx.domain.incident import Incident as IncidentDoc
from cyberrx.domain.incident import incident_from_dict
from cyberrx.errors import InvalidInput

STEP_ID = re.compile(r"^[0-9a-f]{12}$")
MAX_STEPS = 500


def incident_dict(i: Incident) -> dict[str, Any]:
    return {"id": i.id, "practice_id": i.practice_id, "incident": i.incident, "obligations": i.obligations,
            "created_at": iso(i.created_at), "created_by": i.created_by}


def checked(incident: Any, today: date | None = None) -> tuple[IncidentDoc, ObligationsReport]:
    """``incident`` checked as of ``today`` with its obligations; InvalidInput names ``incident.<field>``."""
    try:
        doc = incident_from_dict(incident, today=today)
        return doc, obligations_of(doc, today)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"incident.{exc.field}" if exc.field else "incident",
                           allowed=exc.allowed) from None


def add(tx: Any, ports: Ports, principal: Principal, org: Any, incident: Any, doc: IncidentDoc,
        report: ObligationsReport) -> Incident:
    """Store a :func:`checked` incident of the practice ``org`` in the caller's unit of work, with its audit event
    (call it last but for the caller's own rows and events)."""
    require(principal, "incident.create")
    row = tx.incidents.add(Incident(id=ports.ids.new(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id,
                                    practice_id=org.id, incident=incident, obligations=json_safe(report.as_dict()),
                                    created_at=ports.clock.now(), created_by=principal.user_id))
    # the record of when the practice knew: every notification deadline runs from ``discovered``
    audit.record(tx, ports.clock, principal, "incident.record", "incident", row.id, None,
                 {"practice_id": org.id, "discovered": doc.discovered.isoformat(),
                  "obligations": len(report.obligations), "reportable": report.reportable})
    return row  # type: ignore[no-any-return]


def record(uow: UnitOfWork, principal: Principal, practice_id: str, incident: Any, today: date | None = None, *,
           ports: Ports | None = None) -> dict[str, Any]:
    """Record an incident and its obligations as of ``today`` (default: the date now)."""
    ports = ports or default_ports()
    doc, report = checked(incident, today)
    with uow.writing(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        row = add(tx, ports, principal, org, incident, doc, report)
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


def step_id(text: str) -> str:
    """A playbook step's id: a digest of its text, so a tick stays on its step whatever steps come before it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ResponsePlan:
    """What a practice does about a recorded incident, as of ``report.as_of``: whom to notify by when
    (``report``), the playbook, the draft notice letter and the ids of the playbook steps already ticked done."""

    incident: dict[str, Any]
    doc: IncidentDoc
    report: ObligationsReport
    playbook: Playbook
    letter: Letter
    done: frozenset[str]


def response_plan(uow: UnitOfWork, principal: Principal, incident_id: str, today: date | None = None
                  ) -> ResponsePlan:
    """The incident's obligations worked out again as of ``today`` (days left change, deadlines do not), its
    playbook for the practice's latest profile, the draft letter and the steps ticked done."""
    with uow.reading(principal.scope) as tx:
        i = tx.incidents.get(incident_id)
        if i is None:
            raise not_found("incident", incident_id)
        require(principal, "incident.read")
        out = incident_dict(i)
        done = frozenset((i.playbook_progress or {}).get("done", []))
        profile = check_profile(tx.profiles.latest(i.practice_id).profile)
    doc = incident_from_dict(out["incident"])
    report = obligations_of(doc, today)
    return ResponsePlan(out, doc, report, build_playbook(doc, profile, report), draft_letter(doc, report), done)


def set_playbook_progress(uow: UnitOfWork, principal: Principal, incident_id: str, done: list[str], *,
                          ports: Ports | None = None) -> list[str]:
    """Store which playbook steps are done (their :func:`step_id`); returns them sorted. Audited: what the
    practice did and when can matter to a regulator and to the insurer."""
    ports = ports or default_ports()
    ids = sorted(set(done))
    bad = [x for x in ids if not STEP_ID.match(x)]
    if bad or len(ids) > MAX_STEPS:
        raise InvalidInput(f"{bad[0] if bad else len(ids)} is not a playbook step", field="done",
                           allowed=f"at most {MAX_STEPS} step ids of 12 hex digits")
    with uow.writing(principal.scope) as tx:
        i = tx.incidents.get(incident_id)
        if i is None:
            raise not_found("incident", incident_id)
        require(principal, "incident.create")
        before = sorted((i.playbook_progress or {}).get("done", []))
        if before == ids:
            return ids
        i.playbook_progress = {"done": ids}
        audit.record(tx, ports.clock, principal, "incident.playbook_progress", "incident", i.id,
                     {"done": before}, {"done": ids})
        tx.commit()
        return ids


__all__ = ["ResponsePlan", "add", "checked", "get", "incident_dict", "list_incidents", "obligations_of", "record",
           "response_plan", "set_playbook_progress", "step_id"]
