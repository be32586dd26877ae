"""The broker's book: ``/clients`` (the brokerage's practices with their latest assessment, quote status and
renewal date; searched by name with htmx, sorted with ``?sort=``), ``/clients/{id}`` (one client: what was
assessed, its quotes and policy, and the form that quotes the limits and retentions chosen) and
``POST /clients/{id}/quotes`` (quote them, then show the quote)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import assessments, policies, practices, quotes
from cyberrx.app.common import PageRequest
from cyberrx.errors import InvalidInput
from cyberrx.reports.formatting import long_date, money
from cyberrx.reports.labels import DECISION_LABELS
from cyberrx.underwriting import DEFAULT_LIMITS, DEFAULT_RETENTIONS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 25
#: the most practices one brokerage's list sorts in memory (sorting by renewal or premium needs them all)
BOOK_MAX = 500
#: simulated years a quote is priced on unless the broker types another number (the rate manual's default)
QUOTE_TRIALS = 100_000
Sort = Literal["name", "renewal", "premium"]
SORTS: dict[str, str] = {"name": "Name", "renewal": "Renewal date", "premium": "Premium"}


@dataclass(frozen=True)
class Client:
    """One row of the broker's book."""

    id: str
    name: str
    assessed: str                 # the latest assessment's date, or ""
    expected_loss: str            # its expected annual loss (mean), usd
    loss_1_in_100: str            # its 1-in-100 year (p99), usd
    quote_id: str | None
    quote_status: str             # the latest quote's decisions, counted
    premium_usd: float | None     # the lowest premium offered or referred on the latest quote
    premium: str
    policy_id: str | None
    policy_number: str
    renewal_date: date | None     # the bound policy's expiry
    renewal: str


def latest_assessment(service: Any, principal: Any, practice_id: str) -> dict[str, Any] | None:
    done = assessments.list_assessments(service.uow, principal, PageRequest(limit=1, sort="-created_at"),
                                        practice_id=practice_id, status="succeeded")
    return assessments.get(service.uow, principal, done.items[0]["id"]) if done.items else None


def latest_policy(service: Any, principal: Any, practice_id: str) -> dict[str, Any] | None:
    found = policies.list_policies(service.uow, principal, PageRequest(limit=1, sort="-bound_at"),
                                   practice_id=practice_id).items
    return found[0] if found else None


def quote_status(decisions: list[str]) -> str:
    """``"3 offered, 12 referred to an underwriter"``."""
    counts = [(d, decisions.count(d)) for d in DECISION_LABELS if d in decisions]
    return ", ".join(f"{n} {DECISION_LABELS[d].lower()}" for d, n in counts) or "no options"


def client_of(service: Any, principal: Any, practice: dict[str, Any]) -> Client:
    uow = service.uow
    a = latest_assessment(service, principal, practice["id"])
    result = a["result"] if a else None
    latest = quotes.list_quotes(uow, principal, PageRequest(limit=1, sort="-created_at"),
                                practice_id=practice["id"]).items
    quote = quotes.get(uow, principal, latest[0]["id"]) if latest else None
    premiums = [o["premium"] for o in quote["result"]["options"] if o["decision"] != "decline"] if quote else []
    policy = latest_policy(service, principal, practice["id"])
    renewal = date.fromisoformat(policy["terms"]["period"]["end"]) if policy else None
    return Client(
        id=practice["id"], name=practice["name"], assessed=long_date(date.fromisoformat(a["created_at"][:10])) if a
        else "", expected_loss=money(result["annual_loss"]["mean"]) if result else "",
        loss_1_in_100=money(result["annual_loss"]["p99"]) if result else "",
        quote_id=quote["id"] if quote else None, quote_status=quote_status(quote["decisions"]) if quote else "",
        premium_usd=min(premiums) if premiums else None, premium=f"from {money(min(premiums))}" if premiums else "",
        policy_id=policy["id"] if policy else None, policy_number=policy["policy_number"] if policy else "",
        renewal_date=renewal, renewal=long_date(renewal) if renewal else "no policy")


def sort_clients(clients: list[Client], sort: str) -> list[Client]:
    """By name; by renewal date (soonest first) or premium (lowest first), those without one last."""
    if sort == "renewal":
        return sorted(clients, key=lambda c: (c.renewal_date is None, c.renewal_date or date.max, c.name))
    if sort == "premium":
        return sorted(clients, key=lambda c: (c.premium_usd is None, c.premium_usd or 0.0, c.name))
    return sorted(clients, key=lambda c: c.name.lower())


@router.get("/clients")
def client_list(request: Request, service: ServiceDep, principal: PrincipalDep,
                q: Annotated[str, Query(max_length=100)] = "", sort: Sort = "name",
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    """Active search as on /practices: typing asks for the rows only (htmx); the full page works without it."""
    book = practices.list_practices(service.uow, principal, PageRequest(limit=BOOK_MAX, sort="name"),
                                    name=q.strip() or None)
    clients = sort_clients([client_of(service, principal, p) for p in book.items], sort)
    context = {"page_title": "Clients", "clients": clients[offset:offset + PAGE_ROWS], "total": len(clients),
               "offset": offset, "rows": PAGE_ROWS, "q": q, "sort": sort, "sorts": SORTS}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "client-rows":
        return render(request, "clients/_rows.html", context)
    return render(request, "clients/list.html", context)


def _quote_form(errors: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"limit_choices": [(float(v), money(v)) for v in DEFAULT_LIMITS],
            "retention_choices": [(float(v), money(v)) for v in DEFAULT_RETENTIONS],
            "errors": errors or {},
            "values": values or {"limits": [1_000_000.0, 2_000_000.0], "retentions": [10_000.0, 25_000.0],
                                 "other_limit": "", "other_retention": "", "effective": date.today().isoformat(),
                                 "trials": QUOTE_TRIALS}}


def _detail(request: Request, service: Any, principal: Any, practice_id: str, form: dict[str, Any],
            status_code: int = 200) -> Response:
    uow = service.uow
    practice = practices.get(uow, principal, practice_id)      # another tenant's: NotFound, a 404 page
    recent = quotes.list_quotes(uow, principal, PageRequest(limit=10, sort="-created_at"), practice_id=practice_id)
    context = {"page_title": practice["name"], "practice": practice, "client": client_of(service, principal, practice),
               "assessment": latest_assessment(service, principal, practice_id),
               "quotes": [{**q, "status": quote_status(q["decisions"])} for q in recent.items],
               "policy": latest_policy(service, principal, practice_id), **form}
    return render(request, "clients/detail.html", context, status_code=status_code)


@router.get("/clients/{practice_id}")
def client_detail(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str) -> Response:
    return _detail(request, service, principal, practice_id, _quote_form())


def _amount(text: str) -> float | None:
    cleaned = text.replace("$", "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an amount in dollars") from None


@router.post("/clients/{practice_id}/quotes")
def client_quote(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                 limits: Annotated[list[float] | None, Form()] = None,
                 retentions: Annotated[list[float] | None, Form()] = None,
                 other_limit: Annotated[str, Form(max_length=20)] = "",
                 other_retention: Annotated[str, Form(max_length=20)] = "",
                 effective: Annotated[str, Form(max_length=10)] = "",
                 trials: Annotated[str, Form(max_length=12)] = str(QUOTE_TRIALS)) -> Response:
    """Quote the limits x retentions ticked (and typed); wrong entries come back next to their fields."""
    chosen_limits, chosen_retentions = list(limits or []), list(retentions or [])
    errors: dict[str, str] = {}
    values = {"limits": chosen_limits, "retentions": chosen_retentions, "other_limit": other_limit,
              "other_retention": other_retention, "effective": effective, "trials": trials}
    for field, text, into in (("other_limit", other_limit, chosen_limits),
                              ("other_retention", other_retention, chosen_retentions)):
        try:
            extra = _amount(text)
        except InvalidInput as exc:
            errors[field] = str(exc)
            continue
        if extra is not None:
            into.append(extra)
    if not chosen_limits:
        errors.setdefault("other_limit", "Tick or type at least one limit.")
    if not chosen_retentions:
        errors.setdefault("other_retention", "Tick or type at least one retention (0 for none).")
    try:
        start = date.fromisoformat(effective) if effective else date.today()
    except ValueError:
        errors["effective"] = "Give the first day of the policy period as a date (YYYY-MM-DD)."
    try:
        years = int(trials.replace(",", ""))
    except ValueError:
        errors["trials"] = "Give a whole number of simulated years."
    if not errors:
        try:
            made = quotes.create(service.uow, principal, practice_id, years, effective=start,
                                 max_trials=service.settings.sync_trials_max, limits=chosen_limits,
                                 retentions=chosen_retentions, ports=service.ports)
            return RedirectResponse(f"/quotes/{made['id']}", status_code=303)
        except InvalidInput as exc:
            named = exc.field or "trials"
            field = {"limits": "other_limit", "retentions": "other_retention"}.get(named, named)
            errors[field] = str(exc)[0].upper() + str(exc)[1:] + "."
    return _detail(request, service, principal, practice_id, _quote_form(errors, values), status_code=422)


__all__ = ["Client", "client_of", "latest_assessment", "latest_policy", "quote_status", "router", "sort_clients"]
