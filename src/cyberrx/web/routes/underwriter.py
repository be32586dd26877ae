"""The underwriter's desk (the carrier's underwriters; a carrier admin reads it):

- ``/underwriter/referrals``: the queue of referred quote options, oldest first, and the open subjectivities of the
  book, past due first (each with a form to mark it met);
- ``/underwriter/referrals/{id}``: one referral (rule reasons, the rating factor by factor, technical price, rate
  adequacy, the practice's controls) with the decisions: ``POST .../approve`` (with conditions), ``.../decline``
  (with a reason), ``.../ask`` (a question to the broker), and ``.../bind`` once approved;
- ``POST /underwriter/subjectivities/{id}/met``;
- ``/underwriter/book``: policies in force, filtered and totalled, and the largest shared vendors;
- ``/underwriter/rules``: the active rule file and rate manual, read-only, with their versions.

Everyone else gets 403 (a role the table does not allow, or a brokerage's or practice's admin) or 404 (an object of
another tenant), and never data: the use cases decide (:func:`cyberrx.app.referrals.require_carrier`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import book, quotes, referrals, subjectivities
from cyberrx.app.common import PageRequest
from cyberrx.errors import InvalidInput
from cyberrx.reports.labels import CONTROL_LABELS, DECISION_LABELS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render, usd

router = APIRouter(route_class=PageRoute)
QUEUE_ROWS = 100
#: condition rows offered on the approval form
CONDITION_ROWS = 3
SEGMENT_LABELS = {"small_practice": "Small practice", "large_group": "Large group", "": "–"}
EXPOSURE_LABELS = {"remote_access": "Remote access", "ehr_hosting": "EHR hosting", "records": "Records held",
                   "staff": "Staff and devices", "vendors_holding_phi": "Vendors holding PHI"}
BACK = {"queue": "/underwriter/referrals"}


@dataclass(frozen=True)
class Factor:
    """One line of the rating: what it is, its value as shown, and what it is measured on."""

    label: str
    value: str
    basis: str
    kind: str = "factor"          # factor | money | credit | debit | total


def _times(x: float) -> str:
    return f"× {x:.4f}"


def _signed_pct(x: float) -> str:
    return f"{'+' if x > 0 else '−'}{abs(x) * 100:.1f}%"


def rating_lines(option: dict[str, Any], profile: dict[str, Any]) -> list[Factor]:
    """The manual premium of ``option`` factor by factor (``option["manual"]``, as the rate manual computed it)."""
    m = option["manual"]
    lines = [Factor("Base premium", usd(m["base"]), f"at the base option ($1,000,000 / $2,500); {m['revenue_band']}, "
                    f"revenue {usd(profile.get('annual_revenue'))}", "money"),
             Factor("Specialty (class)", _times(m["class_factor"]), str(profile.get("specialty", "other"))),
             Factor("Increased limit factor", _times(m["increased_limit_factor"]), f"limit {usd(option['limit'])}"),
             Factor("Retention factor", _times(m["retention_factor"]), f"retention {usd(option['retention'])}")]
    for key, value in (m.get("exposure") or {}).items():
        lines.append(Factor(f"Exposure: {EXPOSURE_LABELS.get(key, key)}", _times(value), key))
    for control, value in (m.get("schedule") or {}).items():
        lines.append(Factor(f"Schedule: {CONTROL_LABELS.get(control, control)}", _signed_pct(value), control,
                            "credit" if value < 0 else "debit"))
    lines.append(Factor("Schedule modification (capped)", _signed_pct(m["schedule_modification"]) if
                        m["schedule_modification"] else "0.0%", "the credits and debits together, within the caps"))
    for rule, rate in (m.get("surcharges") or {}).items():
        lines.append(Factor(f"Rule surcharge {rule}", _signed_pct(rate), "after the schedule cap", "debit"))
    lines += [Factor("Manual premium before the minimum", usd(m["before_minimum"]), "rounded up to the dollar",
                     "money"),
              Factor("Minimum premium", usd(m["minimum_premium"]), "rate manual", "money"),
              Factor("Premium", usd(m["premium"]), "per policy year", "total")]
    return lines


def control_rows(profile: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """The practice's controls: (id, label, state in words, whether it counts as in place)."""
    rows = []
    for key, value in (profile.get("controls") or {}).items():
        label = CONTROL_LABELS.get(key, key.replace("_", " "))
        if key == "patch_critical_days":
            rows.append((key, label, f"{value} days", int(value) <= 14))
        elif key == "security_training":
            rows.append((key, label, str(value).replace("_", " "), value != "none"))
        else:
            rows.append((key, label, "in place" if value else "missing", bool(value)))
    return rows


@router.get("/underwriter/referrals")
def referral_queue(request: Request, service: ServiceDep, principal: PrincipalDep,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = referrals.queue(service.uow, principal, PageRequest(limit=QUEUE_ROWS, offset=offset), ports=service.ports)
    open_subjectivities = subjectivities.open_items(service.uow, principal, ports=service.ports)
    groups: list[dict[str, Any]] = []
    for item in page.items:
        if not groups or groups[-1]["quote_id"] != item["quote_id"]:
            groups.append({"quote_id": item["quote_id"], "practice": item["practice"],
                           "practice_id": item["practice_id"], "created_at": item["created_at"],
                           "days_waiting": item["days_waiting"], "effective": item["effective"], "items": []})
        groups[-1]["items"].append(item)
    return render(request, "underwriter/queue.html", {
        "page_title": "Referrals", "page": page, "groups": groups, "rows": QUEUE_ROWS,
        "subjectivities": open_subjectivities})


def _detail(request: Request, service: Any, principal: Any, referral_id: str, *, errors: dict[str, str] | None = None,
            values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    r = referrals.get(service.uow, principal, referral_id)      # another tenant's: NotFound, a 404 page
    option = r["option_data"]
    conditions = (values or {}).get("conditions") or [("", "") for _ in range(CONDITION_ROWS)]
    return render(request, "underwriter/referral.html", {
        "page_title": f"Referral: {r['practice']['name']}", "r": r, "option": option, "quote": r["quote"],
        "profile": r["profile"], "rating": rating_lines(option, r["profile"]),
        "controls": control_rows(r["profile"]), "decision_label": DECISION_LABELS[option["decision"]],
        "segment_label": SEGMENT_LABELS.get(r["quote"]["segment"] or "", r["quote"]["segment"]),
        "may_decide": principal.role.value == "underwriter", "errors": errors or {},
        "values": {"reason": "", "question": "", **(values or {}), "conditions": conditions}},
        status_code=status_code)


@router.get("/underwriter/referrals/{referral_id}")
def referral_detail(request: Request, service: ServiceDep, principal: PrincipalDep, referral_id: str) -> Response:
    return _detail(request, service, principal, referral_id)


def _back_to(referral_id: str) -> Response:
    return RedirectResponse(f"/underwriter/referrals/{referral_id}", status_code=303)


@router.post("/underwriter/referrals/{referral_id}/approve")
def referral_approve(request: Request, service: ServiceDep, principal: PrincipalDep, referral_id: str,
                     condition_text: Annotated[list[str] | None, Form(max_length=referrals.MAX_CONDITIONS)] = None,
                     condition_days: Annotated[list[str] | None, Form(max_length=referrals.MAX_CONDITIONS)] = None,
                     ) -> Response:
    texts, days = condition_text or [], condition_days or []
    rows = [(texts[i] if i < len(texts) else "", days[i] if i < len(days) else "")
            for i in range(max(len(texts), len(days)))]
    try:
        referrals.approve(service.uow, principal, referral_id, rows, ports=service.ports)
    except InvalidInput as exc:
        padded = rows + [("", "")] * max(0, CONDITION_ROWS - len(rows))
        return _detail(request, service, principal, referral_id, errors={exc.field or "conditions": str(exc)},
                       values={"conditions": padded}, status_code=422)
    return _back_to(referral_id)


@router.post("/underwriter/referrals/{referral_id}/decline")
def referral_decline(request: Request, service: ServiceDep, principal: PrincipalDep, referral_id: str,
                     reason: Annotated[str, Form(max_length=4000)] = "") -> Response:
    try:
        referrals.decline(service.uow, principal, referral_id, reason, ports=service.ports)
    except InvalidInput as exc:
        return _detail(request, service, principal, referral_id, errors={exc.field or "reason": str(exc)},
                       values={"reason": reason}, status_code=422)
    return _back_to(referral_id)


@router.post("/underwriter/referrals/{referral_id}/ask")
def referral_ask(request: Request, service: ServiceDep, principal: PrincipalDep, referral_id: str,
                 question: Annotated[str, Form(max_length=4000)] = "") -> Response:
    try:
        referrals.ask(service.uow, principal, referral_id, question, ports=service.ports)
    except InvalidInput as exc:
        return _detail(request, service, principal, referral_id, errors={exc.field or "question": str(exc)},
                       values={"question": question}, status_code=422)
    return _back_to(referral_id)


@router.post("/underwriter/referrals/{referral_id}/bind")
def referral_bind(service: ServiceDep, principal: PrincipalDep, referral_id: str) -> Response:
    """Bind the approved option with its subjectivities: to the policy's page."""
    r = referrals.get(service.uow, principal, referral_id)
    policy = quotes.bind(service.uow, principal, r["quote_id"], r["option"], ports=service.ports)
    return RedirectResponse(f"/policies/{policy['id']}", status_code=303)


@router.post("/underwriter/subjectivities/{subjectivity_id}/met")
def subjectivity_met(service: ServiceDep, principal: PrincipalDep, subjectivity_id: str,
                     note: Annotated[str, Form(max_length=2000)] = "",
                     back: Annotated[str, Form(max_length=40)] = "queue") -> Response:
    """Mark a subjectivity met; back to the queue, or to the policy's page (``back=policy``)."""
    s = subjectivities.mark_met(service.uow, principal, subjectivity_id, note, ports=service.ports)
    url = f"/policies/{s['policy_id']}" if back == "policy" else BACK["queue"]
    return RedirectResponse(url, status_code=303)


@router.get("/underwriter/book")
def book_page(request: Request, service: ServiceDep, principal: PrincipalDep,
              segment: Annotated[str, Query(max_length=40)] = "", specialty: Annotated[str, Query(max_length=40)] = "",
              size: Annotated[str, Query(max_length=40)] = "", adequacy: Annotated[str, Query(max_length=40)] = "",
              sort: Annotated[str, Query(max_length=40)] = "policy") -> Response:
    filters = book.BookFilters(segment, specialty, size, adequacy, sort)
    view = book.book(service.uow, principal, filters, ports=service.ports)
    return render(request, "underwriter/book.html", {"page_title": "The book", "b": view,
                                                     "segment_labels": SEGMENT_LABELS})


@router.get("/underwriter/rules")
def rules_page(request: Request, principal: PrincipalDep) -> Response:
    files = book.rules_in_force(principal)
    return render(request, "underwriter/rules.html", {"page_title": "Rules and rate manual", "files": files})


__all__ = ["Factor", "control_rows", "rating_lines", "router"]
