"""The claims adjuster's pages (the carrier's claims adjuster; its admin reads them):

- ``/claims/new``: first notice of loss: choose the policy, then cause, dates, description and the incident
  (one the practice recorded, or a new one); the claim opens at once on its adjudication page with the breach
  deadlines that run from discovery.
- ``/claims/{id}/adjudication``: the notice, the incident's deadlines, the loss lines to enter or edit, and the
  adjudication as a table of steps that adds up (each step with its reason and its policy clause).
- ``/deadlines`` (and ``/deadlines.ics``): every open claim's breach deadlines, overdue first.
- ``/claims/{id}/audit`` and ``/policies/{id}/audit``: the audit trail as a timeline, with the chain verified.

Reserves and payments are in :mod:`cyberrx.web.routes.adjuster_money`. These routes are included by
:mod:`cyberrx.web.routes.claims` before ``/claims/{claim_id}`` (so ``/claims/new`` is not taken for a claim id).
A broker or a practice's people get the 403 page (their role may not) or the 404 page (not theirs).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import audit, claim_file, claims, incidents, policies, practices
from cyberrx.app.claims import PreconditionFailed
from cyberrx.app.common import PageRequest
from cyberrx.breach.calendar import calendar_ics
from cyberrx.domain.policy import CAUSES
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.reports.labels import PART_LABELS, SCENARIO_LABELS, exclusion_label
from cyberrx.vocab import BI_PARTS, PARTS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.routes.manager.incidents import incident_from_form
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
#: blank loss-line rows offered under the lines already entered
BLANK_LINES = 2
#: rows offered when no line is entered yet
FIRST_LINES = 4
INCIDENT_ROWS = 3
RECIPIENTS = {"individuals": "Affected patients", "substitute_notice": "Substitute notice", "media": "Local media",
              "hhs": "HHS Office for Civil Rights", "covered_entity": "The covered entity",
              "state_regulator": "State attorney general or regulator",
              "consumer_reporting_agencies": "Credit bureaus"}
LINE_FIELDS = ("coverage", "amount", "downtime_hours", "income_loss_per_hour", "extra_expense", "incurred",
               "description")


def cause_label(cause: str) -> str:
    return SCENARIO_LABELS.get(cause) or exclusion_label(cause)


def form_key() -> str:
    """A fresh idempotency key for a form: a resend of the same form is applied once."""
    return secrets.token_urlsafe(18)


def _form(raw: Any) -> dict[str, str]:
    return {k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}


# ---- first notice of loss ---------------------------------------------------------------------------------
def _notice_values(policy_id: str) -> dict[str, str]:
    today = date.today().isoformat()
    return {"policy_id": policy_id, "cause": "ransomware", "occurred": "", "discovered": today, "reported": today,
            "description": "", "incident": "new", "type": "ransomware", "phi_secured": "no",
            **{f"state-{i}": "" for i in range(INCIDENT_ROWS)}, **{f"count-{i}": "" for i in range(INCIDENT_ROWS)}}


def _notice_page(request: Request, service: Any, principal: Any, values: dict[str, str], errors: dict[str, str],
                 status: int = 200) -> Response:
    claims.require_carrier(principal, "claim.create")
    choices = policies.list_policies(service.uow, principal, PageRequest(limit=200, sort="-bound_at")).items
    policy = practice = None
    linked: list[dict[str, Any]] = []
    if values.get("policy_id"):
        policy = policies.get(service.uow, principal, values["policy_id"])   # another tenant's: NotFound
        practice = practices.get(service.uow, principal, policy["practice_id"])
        linked = incidents.list_incidents(service.uow, principal, PageRequest(limit=50, sort="-created_at"),
                                          practice_id=policy["practice_id"]).items
    return render(request, "adjuster/notice.html", {
        "page_title": "First notice of loss", "choices": choices, "policy": policy, "practice": practice,
        "incidents": linked, "values": values, "errors": errors, "causes": {c: cause_label(c) for c in CAUSES},
        "scenarios": SCENARIO_LABELS, "rows": INCIDENT_ROWS}, status_code=status)


@router.get("/claims/new")
def notice_form(request: Request, service: ServiceDep, principal: PrincipalDep,
                policy_id: Annotated[str, Query(max_length=64)] = "") -> Response:
    return _notice_page(request, service, principal, _notice_values(policy_id), {})


def _new_incident(form: dict[str, str], practice: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return incident_from_form(form, practice, INCIDENT_ROWS, errors)


def _error_name(exc: InvalidInput) -> str:
    field = exc.field or ""
    if field.startswith("notice."):
        return field.removeprefix("notice.").split(".")[0]
    if field.startswith("incident."):
        inner = field.removeprefix("incident.")
        return "state-0" if inner.startswith("affected_by_state") else \
            {"discovered": "discovered", "occurred": "occurred", "type": "type"}.get(inner.split(".")[0], "_form")
    return field if field in ("incident_id",) else "_form"


@router.post("/claims/new")
async def notice_open(request: Request, service: ServiceDep, principal: PrincipalDep) -> Response:
    claims.require_carrier(principal, "claim.create")
    form = _form(await request.form())
    values = {**_notice_values(form.get("policy_id", "")), **form}
    if not values["policy_id"]:
        return _notice_page(request, service, principal, values, {"policy_id": "choose the policy"}, status=422)
    policy = policies.get(service.uow, principal, values["policy_id"])      # another tenant's: NotFound
    if form.get("step") == "policy":       # the first step (no JavaScript): the policy chosen, show the rest
        return RedirectResponse(f"/claims/new?policy_id={policy['id']}", status_code=303)
    errors: dict[str, str] = {}
    notice = {k: values.get(k, "").strip() for k in ("cause", "occurred", "discovered", "reported", "description")}
    incident_id, new = None, None
    if values.get("incident") == "new":
        practice = practices.get(service.uow, principal, policy["practice_id"])
        new = _new_incident(values, practice, errors)
    else:
        incident_id = values.get("incident") or None
        if incident_id is None:
            errors["incident_id"] = "choose the practice's incident, or record a new one"
    if not errors:
        try:
            row = claims.open_notice(service.uow, principal, policy["id"], notice, incident_id=incident_id,
                                     new_incident=new, ports=service.ports)
        except InvalidInput as exc:
            errors[_error_name(exc)] = str(exc.args[0]) + (f" ({exc.allowed})" if exc.allowed else "")
        else:
            return RedirectResponse(f"/claims/{row['id']}/adjudication?opened=1", status_code=303)
    return _notice_page(request, service, principal, values, errors, status=422)


# ---- adjudication -----------------------------------------------------------------------------------------
def _line_values(lines: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = [{f: "" if line.get(f) is None else str(line.get(f)) for f in LINE_FIELDS} for line in lines]
    return rows + [{f: "" for f in LINE_FIELDS} for _ in range(BLANK_LINES if lines else FIRST_LINES)]


def _adjudication_page(request: Request, service: Any, principal: Any, claim_id: str, *,
                       rows: list[dict[str, str]] | None = None, errors: dict[str, str] | None = None,
                       message: str = "", status: int = 200) -> Response:
    f = claim_file.claim_file(service.uow, principal, claim_id)
    return render(request, "adjuster/adjudication.html", {
        "page_title": f"Claim {f.claim['claim_number']}: adjudication", "f": f, "claim": f.claim,
        "rows": rows if rows is not None else _line_values(f.lines), "errors": errors or {}, "message": message,
        "parts": {p.value: PART_LABELS.get(p, p.value) for p in PARTS}, "bi_parts": {p.value for p in BI_PARTS},
        "part_labels": {p.value: PART_LABELS.get(p, p.value) for p in PARTS}, "recipients": RECIPIENTS,
        "cause": cause_label(f.claim["claim"]["incident"]["cause"]), "key": form_key(),
        "opened": request.query_params.get("opened") == "1", "saved": request.query_params.get("saved"),
        "tab": "adjudication"}, status_code=status)


@router.get("/claims/{claim_id}/adjudication")
def adjudication(request: Request, service: ServiceDep, principal: PrincipalDep, claim_id: str) -> Response:
    return _adjudication_page(request, service, principal, claim_id)


def _losses(form: dict[str, str], errors: dict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The lines of the form (rows with a coverage part) and the form row of each."""
    losses: list[dict[str, Any]] = []
    where: list[int] = []
    i = 0
    while f"coverage-{i}" in form and i < claims.MAX_LINES + FIRST_LINES:
        part = form[f"coverage-{i}"].strip()
        if part:
            line: dict[str, Any] = {"coverage": part}
            for name in LINE_FIELDS[1:]:
                value = form.get(f"{name}-{i}", "").strip()
                if value:
                    line[name] = value.replace(",", "").removeprefix("$") if name not in (
                        "incurred", "description") else value
            losses.append(line)
            where.append(i)
        i += 1
    if not losses:
        errors["coverage-0"] = "enter at least one loss line"
    return losses, where


@router.post("/claims/{claim_id}/adjudication")
async def adjudication_save(request: Request, service: ServiceDep, principal: PrincipalDep,
                            claim_id: str) -> Response:
    form = _form(await request.form())
    errors: dict[str, str] = {}
    losses, where = _losses(form, errors)
    rows = [{f: form.get(f"{f}-{i}", "") for f in LINE_FIELDS} for i in range(claims.MAX_LINES + FIRST_LINES)
            if f"coverage-{i}" in form]
    if not errors:
        try:
            version = form.get("version", "")
            claims.revise_losses(service.uow, principal, claim_id, losses, form.get("key", ""),
                                 claims.etag(int(version)) if version.isdigit() else None, ports=service.ports)
        except PreconditionFailed:
            current = claims.get(service.uow, principal, claim_id)
            return _adjudication_page(request, service, principal, claim_id, rows=rows, status=409, message=(
                f"Another change reached this claim first (it is now at version {current['version']}). Nothing "
                "was saved: check the figures below, then save the lines again."))
        except Conflict as exc:
            return _adjudication_page(request, service, principal, claim_id, rows=rows, status=409,
                                      message=str(exc))
        except InvalidInput as exc:
            field = exc.field or ""
            name = "_form"
            if field.startswith("losses[") and "]" in field:
                idx = int(field[len("losses["):field.index("]")])
                sub = field[field.index("]") + 2:] or "coverage"
                row = where[idx] if idx < len(where) else 0
                name = f"{sub if sub in LINE_FIELDS else 'coverage'}-{row}"
            errors[name] = str(exc.args[0]) + (f" ({exc.allowed})" if exc.allowed else "")
        else:
            return RedirectResponse(f"/claims/{claim_id}/adjudication?saved=1#steps", status_code=303)
    return _adjudication_page(request, service, principal, claim_id, rows=rows, errors=errors, status=422)


# ---- deadlines --------------------------------------------------------------------------------------------
@router.get("/deadlines")
def deadline_list(request: Request, service: ServiceDep, principal: PrincipalDep) -> Response:
    d = claim_file.deadlines(service.uow, principal)
    return render(request, "adjuster/deadlines.html", {"page_title": "Breach deadlines of open claims", "d": d,
                                                       "recipients": RECIPIENTS})


@router.get("/deadlines.ics")
def deadline_calendar(service: ServiceDep, principal: PrincipalDep) -> Response:
    d = claim_file.deadlines(service.uow, principal)
    numbers: dict[str, list[str]] = {}
    for n in d.notices:
        if n.claim_number not in numbers.setdefault(n.incident_id, []):
            numbers[n.incident_id].append(n.claim_number)
    groups = [(f"{' '.join(numbers.get(iid, []))} {report.incident_id}".strip(), entity, report.obligations)
              for iid, (entity, report) in d.reports.items()]
    ics = calendar_ics("Breach deadlines of open claims", groups, stamp=datetime.now(UTC))
    return Response(ics, media_type="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="open-claims-deadlines.ics"'})


# ---- audit trail ------------------------------------------------------------------------------------------
def _trail_page(request: Request, service: Any, principal: Any, kind: str, ident: str) -> Response:
    t = audit.trail(service.uow, principal, kind, ident)        # another tenant's: NotFound; a broker: Forbidden
    chain = audit.verify(service.uow)
    if kind == "claim":
        subject = claims.get(service.uow, principal, ident)
        title = f"Claim {subject['claim_number']}: audit trail"
    else:
        subject = policies.get(service.uow, principal, ident)
        title = f"Policy {subject['policy_number']}: audit trail"
    return render(request, "adjuster/audit.html", {"page_title": title, "t": t, "chain": chain, "kind": kind,
                                                   "subject": subject, "claim": subject, "tab": "audit"})


@router.get("/claims/{claim_id}/audit")
def claim_audit(request: Request, service: ServiceDep, principal: PrincipalDep, claim_id: str) -> Response:
    return _trail_page(request, service, principal, "claim", claim_id)


@router.get("/policies/{policy_id}/audit")
def policy_audit(request: Request, service: ServiceDep, principal: PrincipalDep, policy_id: str) -> Response:
    return _trail_page(request, service, principal, "policy", policy_id)


__all__ = ["router"]
