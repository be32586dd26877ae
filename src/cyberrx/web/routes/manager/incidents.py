"""``/practices/{id}/incidents`` ("We've been hit": record an incident) and ``/practices/{id}/incidents/{incident}``
(whom to notify by which date with the days left, the playbook as a checklist whose ticks are kept, the
deadlines as a calendar file, the draft notice letter to edit and download)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import escape
from starlette.responses import RedirectResponse, Response

from cyberrx.app import incidents, practices
from cyberrx.app.common import PageRequest
from cyberrx.breach import deadlines_ics, render_letter_html, render_letter_markdown
from cyberrx.errors import InvalidInput, NotFound
from cyberrx.reports.labels import SCENARIO_LABELS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
ROWS = 4
RECIPIENTS = {"individuals": "The affected patients", "substitute_notice": "Substitute notice (patients you cannot "
              "reach)", "media": "Local media", "hhs": "HHS Office for Civil Rights",
              "covered_entity": "The practice you work for", "state_regulator": "The state attorney general or "
              "regulator", "consumer_reporting_agencies": "The credit bureaus"}
FORMATS = {"txt": "text/plain", "md": "text/markdown", "html": "text/html"}


def _incident(service: Any, principal: Any, practice_id: str, incident_id: str) -> incidents.ResponsePlan:
    plan = incidents.response_plan(service.uow, principal, incident_id)     # another tenant's: NotFound
    if plan.incident["practice_id"] != practice_id:
        raise NotFound(f"incident {incident_id} not found")
    return plan


def _form_values() -> dict[str, str]:
    return {"type": "ransomware", "discovered": date.today().isoformat(), "occurred": "", "phi_secured": "no",
            **{f"state-{i}": "" for i in range(ROWS)}, **{f"count-{i}": "" for i in range(ROWS)}}


def _list(request: Request, practice: dict[str, Any], rows: list[dict[str, Any]], values: dict[str, str],
          errors: dict[str, str], status: int = 200) -> Response:
    return render(request, "manager/incidents.html", {
        "page_title": "We've been hit", "practice": practice, "incidents": rows, "values": values,
        "errors": errors, "scenarios": SCENARIO_LABELS, "rows": ROWS}, status_code=status)


@router.get("/practices/{practice_id}/incidents")
def incident_list(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str) -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    rows = incidents.list_incidents(service.uow, principal, PageRequest(limit=20, sort="-created_at"),
                                    practice_id=practice_id).items
    return _list(request, practice, rows, _form_values(), {})


def incident_from_form(form: dict[str, str], practice: dict[str, Any], rows: int,
                       errors: dict[str, str]) -> dict[str, Any]:
    """An incident document from the incident form (the practice manager's, and the adjuster's first notice):
    ``rows`` state/count pairs summed by state; a bad count or no state at all goes into ``errors`` by field."""
    by_state: dict[str, int] = {}
    for i in range(rows):
        code, count = form.get(f"state-{i}", "").strip().upper(), form.get(f"count-{i}", "").strip()
        if not code and not count:
            continue
        try:
            by_state[code] = by_state.get(code, 0) + int(count.replace(",", ""))
        except ValueError:
            errors[f"count-{i}"] = "enter a whole number of patients"
    if not by_state and not errors:
        errors["state-0"] = "enter at least one state and how many of its patients were affected"
    doc: dict[str, Any] = {"incident_id": f"INC-{date.today():%Y%m%d}-{secrets.token_hex(3).upper()}",
                           "entity": practice["name"], "type": form.get("type", ""),
                           "discovered": form.get("discovered", ""), "affected_by_state": by_state,
                           "phi_secured": form.get("phi_secured") == "yes"}
    if form.get("occurred", "").strip():
        doc["occurred"] = form["occurred"].strip()
    return doc


@router.post("/practices/{practice_id}/incidents")
async def incident_record(request: Request, service: ServiceDep, principal: PrincipalDep,
                          practice_id: str) -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    doc = incident_from_form(form, practice, ROWS, errors)
    if not errors:
        try:
            row = incidents.record(service.uow, principal, practice_id, doc, ports=service.ports)
        except InvalidInput as exc:
            field = (exc.field or "").removeprefix("incident.")
            name = "state-0" if field.startswith("affected_by_state") else (field.split(".")[0] or "_form")
            errors[name] = str(exc.args[0]) + (f" ({exc.allowed})" if exc.allowed else "")
        else:
            return RedirectResponse(f"/practices/{practice_id}/incidents/{row['id']}", status_code=303)
    rows = incidents.list_incidents(service.uow, principal, PageRequest(limit=20, sort="-created_at"),
                                    practice_id=practice_id).items
    values = {**_form_values(), **{k: v for k, v in form.items() if k != "csrf_token"}}
    return _list(request, practice, rows, values, errors, status=422)


@router.get("/practices/{practice_id}/incidents/{incident_id}")
def incident_page(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                  incident_id: str) -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    plan = _incident(service, principal, practice_id, incident_id)
    today = plan.report.as_of
    notices = [{"who": RECIPIENTS.get(o.recipient.value, o.recipient.value.replace("_", " ")),
                "states": ", ".join(o.states), "deadline": o.deadline, "method": o.method,
                "days_left": (o.deadline - today).days if o.deadline else None, "applies_if": o.applies_if}
               for o in plan.report.obligations]
    phases = [(phase.title, [(incidents.step_id(s.text), s) for s in phase.steps]) for phase in plan.playbook.phases]
    context = {"page_title": "We've been hit", "practice": practice, "plan": plan, "notices": notices,
               "phases": phases, "done": plan.done, "today": today,
               "scenario": SCENARIO_LABELS.get(plan.doc.type.value, plan.doc.type.value),
               "letter": render_letter_markdown(plan.letter)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "playbook":
        return render(request, "manager/_playbook.html", context)
    return render(request, "manager/incident.html", context)


@router.post("/practices/{practice_id}/incidents/{incident_id}/playbook")
async def playbook_ticks(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                         incident_id: str) -> Response:
    practices.get(service.uow, principal, practice_id)
    _incident(service, principal, practice_id, incident_id)
    done = [v for v in (await request.form()).getlist("done") if isinstance(v, str)]
    incidents.set_playbook_progress(service.uow, principal, incident_id, done, ports=service.ports)
    return RedirectResponse(f"/practices/{practice_id}/incidents/{incident_id}#playbook", status_code=303)


@router.get("/practices/{practice_id}/incidents/{incident_id}/deadlines.ics")
def deadlines(service: ServiceDep, principal: PrincipalDep, practice_id: str, incident_id: str) -> Response:
    practices.get(service.uow, principal, practice_id)
    plan = _incident(service, principal, practice_id, incident_id)
    ics = deadlines_ics(plan.doc.incident_id, plan.doc.entity, plan.playbook.deadlines, stamp=datetime.now(UTC))
    return Response(ics, media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{plan.doc.incident_id}-deadlines.ics"'})


@router.post("/practices/{practice_id}/incidents/{incident_id}/letter")
async def letter(service: ServiceDep, principal: PrincipalDep, practice_id: str, incident_id: str,
                 request: Request) -> Response:
    """The letter as edited in the page (or the draft when the text is empty), as a download."""
    practices.get(service.uow, principal, practice_id)
    plan = _incident(service, principal, practice_id, incident_id)
    form = await request.form()
    fmt = str(form.get("format", "txt"))
    if fmt not in FORMATS:
        raise InvalidInput(f"{fmt} is not a letter format", field="format", allowed=", ".join(FORMATS))
    text = str(form.get("text", "")).replace("\r\n", "\n").strip() or render_letter_markdown(plan.letter)
    if fmt == "html":
        body = render_letter_html(plan.letter) if not str(form.get("text", "")).strip() else _as_html(text)
    else:
        body = text + "\n"
    name = re.sub(r"[^A-Za-z0-9-]+", "-", plan.doc.incident_id)
    return Response(body, media_type=f"{FORMATS[fmt]}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}-notice-letter.{fmt}"'})


def _as_html(text: str) -> str:
    paras = "\n".join("<p>" + str(escape(p)).replace("\n", "<br>") + "</p>" for p in text.split("\n\n") if p.strip())
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Notice letter</title></head>'
            f"<body>\n{paras}\n</body></html>\n")


__all__ = ["router"]
