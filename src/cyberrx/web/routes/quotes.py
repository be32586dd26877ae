"""``/quotes`` (the quotes the person can see), ``/quotes/{id}`` (one quote: its options side by side beside the
expiring program, a declined or referred option's reasons first, the premium chart, the bind forms for those
the authorisation table lets bind), ``/quotes/{id}/proposal.pdf`` (the broker's proposal) and
``POST /quotes/{id}/bind`` (bind an option: to the policy page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import accounts, assessments, policies, practices, quotes, referrals
from cyberrx.app.authz import POLICY, OrgKind, Principal
from cyberrx.app.common import PageRequest
from cyberrx.app.practices import check_profile
from cyberrx.domain.results import Assessment, Quote, QuoteOption
from cyberrx.errors import NotFound
from cyberrx.reports.charts import option_label, premium_spec
from cyberrx.reports.documents import proposal
from cyberrx.reports.formatting import money
from cyberrx.reports.labels import DECISION_LABELS, PART_LABELS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.routes.clients import latest_assessment, latest_policy
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)
PAGE_ROWS = 25
#: simulated years of the assessment a proposal runs when the practice has none stored
PROPOSAL_TRIALS = 10_000
ROLE_NAMES = {"underwriter": "an underwriter", "admin": "an administrator", "broker": "a broker"}


@dataclass(frozen=True)
class Column:
    """One option of the comparison, every figure formatted as the proposal formats it."""

    index: int
    label: str
    decision: str
    decision_label: str
    why: list[proposal.Reason]        # what declined or referred it: shown first
    limit: str
    retention: str
    sublimits: dict[str, str]         # coverage part's label -> its limit
    premium: str
    reasons: list[proposal.Reason]
    subjectivities: list[str]
    policy_number: str


@dataclass(frozen=True)
class Expiring:
    """The program in force or expiring: the bound policy's terms, or the profile's existing cover."""

    source: str
    limit: str
    retention: str
    sublimits: dict[str, str]
    policy_id: str | None


def column(index: int, option: QuoteOption, decisive: set[str]) -> Column:
    reasons = [proposal.parse_reason(r, decisive) for r in option.reasons]
    why = [r for r in reasons if r.decisive] if option.decision != "quote" else []
    if option.decision != "quote" and not why:
        why = reasons[:1]
    return Column(index, option_label(option), option.decision, DECISION_LABELS[option.decision], why,
                  money(option.limit), money(option.retention),
                  {PART_LABELS[p]: money(v) for p, v in option.sublimits.items()}, money(option.premium),
                  [r for r in reasons if r not in why], [str(s.get("message", "")) for s in option.subjectivities],
                  option.policy_number)


def expiring_of(practice: dict[str, Any], policy: dict[str, Any] | None) -> Expiring | None:
    if policy is not None:
        t = policy["terms"]
        parts = {PART_LABELS[p]: money(c["limit"]) for p, c in t.get("coverages", {}).items()
                 if float(c["limit"]) < float(t["aggregate_limit"])}
        return Expiring(f"Policy {policy['policy_number']}", money(t["aggregate_limit"]), money(t.get("retention", 0)),
                        parts, policy["id"])
    existing = practice["profile"].get("existing_coverage") or {}
    if float(existing.get("aggregate_limit") or 0) > 0:
        return Expiring("Current cover (elsewhere)", money(existing["aggregate_limit"]),
                        money(existing.get("retention") or 0), {}, None)
    return None


def may_bind(principal: Principal) -> bool:
    return principal.role in POLICY["policy.bind"]


def who_binds() -> str:
    return " or ".join(ROLE_NAMES.get(r.value, r.value) for r in sorted(POLICY["policy.bind"]))


@router.get("/quotes")
def quote_list(request: Request, service: ServiceDep, principal: PrincipalDep,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = quotes.list_quotes(service.uow, principal, PageRequest(limit=PAGE_ROWS, offset=offset))
    names = {p: practices.get(service.uow, principal, p)["name"] for p in {q["practice_id"] for q in page.items}}
    return render(request, "quotes/list.html", {"page_title": "Quotes", "page": page, "names": names,
                                                "rows": PAGE_ROWS})


@router.get("/quotes/{quote_id}")
def quote_detail(request: Request, service: ServiceDep, principal: PrincipalDep, quote_id: str) -> Response:
    uow = service.uow
    quote = quotes.get(uow, principal, quote_id)         # another tenant's: NotFound, a 404 page
    practice = practices.get(uow, principal, quote["practice_id"])
    result = Quote.from_dict(quote["result"])
    decisive = {f.rule for f in result.findings if f.outcome in ("decline", "refer", "max_limit")}
    columns = [column(i, o, decisive) for i, o in enumerate(result.options)]
    bound = [p for p in policies.list_policies(uow, principal, PageRequest(limit=50, sort="-bound_at"),
                                               practice_id=practice["id"]).items if p["quote_id"] == quote_id]
    current = latest_policy(service, principal, practice["id"])
    expiring = expiring_of(practice, current if current is not None and current["quote_id"] != quote_id else None)
    parts = list(dict.fromkeys(p for c in columns for p in c.sublimits))
    client_url = (f"/clients/{practice['id']}" if principal.organisation_kind == OrgKind.BROKERAGE
                  else f"/practices/{practice['id']}")
    # the underwriter's referrals of the referred options: their status, questions to answer, what may be bound
    refs = {r["option"]: r for r in referrals.for_quote(uow, principal, quote_id)}
    bound_options = {p["quote_option"] for p in bound}
    bindable = {c.index for c in columns if c.index not in bound_options and (
        c.decision == "quote" or (c.decision == "refer" and refs.get(c.index, {}).get("status") == "approved"))}
    return render(request, "quotes/detail.html", {
        "refs": refs, "bindable": bindable, "may_review": (principal.organisation_kind == OrgKind.CARRIER
                       and principal.role in POLICY["referral.read"]),
        "may_answer": principal.organisation_kind != OrgKind.CARRIER and principal.role in POLICY["referral.answer"],
        "page_title": f"Quote for {practice['name']}", "quote": quote, "result": result, "practice": practice,
        "columns": columns, "expiring": expiring, "parts": parts, "bound": bound, "may_bind": may_bind(principal),
        "who_binds": who_binds(), "premium_spec": premium_spec(result.options, height=180),
        "client_url": client_url})


def _assessment(service: Any, principal: Principal, practice_id: str) -> Assessment:
    stored = latest_assessment(service, principal, practice_id)
    if stored is None:
        stored, _ = assessments.request(service.uow, service.limits, principal, practice_id,
                                        min(PROPOSAL_TRIALS, service.limits.sync_trials_max), ports=service.ports)
    return Assessment.from_dict(stored["result"])


def producer_name(service: Any, principal: Principal, practice: dict[str, Any]) -> str:
    """The brokerage placing the practice (the producer), or the carrier's direct business."""
    if practice.get("brokerage_id") is None:
        return f"{accounts.carrier_name(service.uow, principal)} (direct)"
    try:
        return str(accounts.get_organisation(service.uow, principal, practice["brokerage_id"])["name"])
    except NotFound:       # a practice's own people do not see the brokerage's row
        return "The practice's broker"


@router.get("/quotes/{quote_id}/proposal.pdf")
def quote_proposal(service: ServiceDep, principal: PrincipalDep, quote_id: str) -> Response:
    quote = quotes.get(service.uow, principal, quote_id)          # another tenant's: NotFound, a 404 page
    practice = practices.get(service.uow, principal, quote["practice_id"])
    view = proposal.proposal_view(Quote.from_dict(quote["result"]), check_profile(practice["profile"]),
                                  accounts.carrier_name(service.uow, principal),
                                  producer_name(service, principal, practice),
                                  assessment=_assessment(service, principal, practice["id"]))
    name = f"proposal-{quote['effective']}-{quote_id[:8]}.pdf"
    return Response(proposal.render_pdf(view), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/quotes/{quote_id}/bind")
def quote_bind(service: ServiceDep, principal: PrincipalDep, quote_id: str,
               option: Annotated[int, Form(ge=0, le=1000)]) -> Response:
    """Bind option ``option`` (0-based); the authorisation table decides who may (others: 403)."""
    policy = quotes.bind(service.uow, principal, quote_id, option, ports=service.ports)
    return RedirectResponse(f"/policies/{policy['id']}", status_code=303)


@router.post("/quotes/{quote_id}/referrals/{referral_id}/answer")
def referral_answer(service: ServiceDep, principal: PrincipalDep, quote_id: str, referral_id: str,
                    answer: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """The broker's answer to the underwriter's question on a referred option: back to the quote."""
    quotes.get(service.uow, principal, quote_id)            # another tenant's: NotFound, a 404 page
    referrals.answer(service.uow, principal, referral_id, answer, ports=service.ports)
    return RedirectResponse(f"/quotes/{quote_id}", status_code=303)


__all__ = ["Column", "Expiring", "column", "expiring_of", "producer_name", "router", "who_binds"]
