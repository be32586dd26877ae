"""``/practices/{id}/risk`` ("Our risk": run the assessment, then its figures and charts, the recommended program
against the current cover, what an insurer would refuse today), ``/practices/{id}/risk/{assessment}`` (one
assessment; while it is queued, a progress bar htmx polls), ``.../report.pdf`` (the practice risk report) and
``/practices/{id}/fixes`` ("What to fix first": the control ranking and the best set for a budget; htmx asks
for the best set only).

The page and the PDF are built from one :class:`~cyberrx.reports.documents.risk_report.RiskReportView`, so the
PDF shows the page's figures at the same rounding, and its charts from the same Vega-Lite specs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import assessments, practices, underwrite
from cyberrx.app.common import PageRequest
from cyberrx.app.practices import check_profile
from cyberrx.domain.results import Assessment, Improvement
from cyberrx.errors import InvalidInput, NotFound
from cyberrx.reports.documents.risk_report import RiskReportView, render_pdf, risk_report_view
from cyberrx.reports.formatting import months
from cyberrx.reports.labels import CONTROL_LABELS
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)

#: the run sizes a manager chooses from: (simulated years, words)
RUNS = ((5_000, "Quick (5,000 simulated years)"), (20_000, "Standard (20,000 simulated years)"),
        (100_000, "Thorough (100,000 simulated years)"))
#: simulated years of "what to fix first" when the practice has no assessment yet
FIX_TRIALS = 5_000

OUTCOMES = {
    "decline": "An insurer would refuse cover",
    "refer": "An underwriter would have to review it first",
    "sublimit": "Cover would be limited",
    "coinsurance": "You would pay a share of claims",
    "surcharge": "The premium would be higher",
    "subjectivity": "Cover would depend on a condition",
    "exclusion": "Something would not be covered",
}
OUTCOME_ORDER = list(OUTCOMES)


@lru_cache(maxsize=16)
def _improvement(profile_json: str, trials: int, seed: int, budget: float | None) -> Improvement:
    return underwrite.improve(check_profile(json.loads(profile_json)), budget=budget, trials=trials, seed=seed)


@lru_cache(maxsize=16)
def _findings(profile_json: str) -> tuple[tuple[str, str, str], ...]:
    """What the quote rules say of the profile today: (outcome, plain heading, the rule's sentence), the worst
    first; no rule ids."""
    result = underwrite.quote(check_profile(json.loads(profile_json)), trials=1_000)
    rows = sorted(result.findings, key=lambda f: OUTCOME_ORDER.index(f.rule.outcome)
                  if f.rule.outcome in OUTCOMES else len(OUTCOMES))
    return tuple((f.rule.outcome, OUTCOMES.get(f.rule.outcome, "An insurer would note"),
                  re.sub(r"\s*\[[^\]]*\]\s*$", "", f.rule.message)) for f in rows)


def _key(profile: dict[str, Any]) -> str:
    return json.dumps(profile, sort_keys=True)


def _assessment(service: Any, principal: Any, practice_id: str, assessment_id: str) -> dict[str, Any]:
    a = assessments.get(service.uow, principal, assessment_id)      # another tenant's: NotFound
    if a["practice_id"] != practice_id:
        raise NotFound(f"assessment {assessment_id} not found")
    return a


def _profile_of(service: Any, principal: Any, practice_id: str, a: dict[str, Any]) -> dict[str, Any]:
    version = a.get("profile_version")
    if version is None:
        return dict(practices.get(service.uow, principal, practice_id)["profile"])
    return dict(practices.get_version(service.uow, principal, practice_id, version)["profile"])


def report_view(service: Any, principal: Any, practice_id: str, a: dict[str, Any]) -> RiskReportView:
    """The risk report of a finished assessment (its own profile version, trials and seed)."""
    profile = _profile_of(service, principal, practice_id, a)
    improvement = _improvement(_key(profile), max(a["trials"], 1_000), a["seed"], None)
    return risk_report_view(Assessment.from_dict(a["result"]), improvement, check_profile(profile))


def _latest(service: Any, principal: Any, practice_id: str) -> dict[str, Any] | None:
    page = assessments.list_assessments(service.uow, principal, PageRequest(limit=1, sort="-created_at"),
                                        practice_id=practice_id)
    return page.items[0] if page.items else None


@router.get("/practices/{practice_id}/risk")
def risk(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
         saved: str = "") -> Response:
    practice = practices.get(service.uow, principal, practice_id)       # another tenant's: 404
    latest = _latest(service, principal, practice_id)
    if latest is not None and not saved:
        return RedirectResponse(f"/practices/{practice_id}/risk/{latest['id']}", status_code=303)
    return render(request, "manager/risk.html", {"page_title": "Our risk", "practice": practice, "runs": RUNS,
                                                 "assessment": None, "view": None, "saved": saved[:10],
                                                 "latest": latest, "errors": {}})


@router.post("/practices/{practice_id}/risk")
def run_assessment(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                   trials: Annotated[str, Form()] = "5000") -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    try:
        n = int(trials)
        if n not in {t for t, _ in RUNS}:
            raise InvalidInput(f"{trials} is not one of the choices", field="trials")
        a, _queued = assessments.request(service.uow, service.limits, principal, practice_id, n,
                                         ports=service.ports, wake=service.jobs.notify)
    except (ValueError, InvalidInput) as exc:
        msg = exc.args[0] if isinstance(exc, InvalidInput) else "choose one of the choices"
        return render(request, "manager/risk.html", {"page_title": "Our risk", "practice": practice, "runs": RUNS,
                                                     "assessment": None, "view": None, "saved": "",
                                                     "latest": None, "errors": {"trials": msg}}, status_code=422)
    return RedirectResponse(f"/practices/{practice_id}/risk/{a['id']}", status_code=303)


@router.get("/practices/{practice_id}/risk/{assessment_id}")
def risk_of(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
            assessment_id: str) -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    a = _assessment(service, principal, practice_id, assessment_id)
    view = report_view(service, principal, practice_id, a) if a["status"] == "succeeded" else None
    findings = _findings(_key(_profile_of(service, principal, practice_id, a))) if view else ()
    return render(request, "manager/risk.html", {
        "page_title": "Our risk", "practice": practice, "runs": RUNS, "assessment": a, "view": view,
        "findings": findings, "saved": "", "latest": a, "errors": {},
        "specs": {k: json.dumps(v) for k, v in view.specs.items()} if view else {}})


@router.get("/practices/{practice_id}/risk/{assessment_id}/progress")
def risk_progress(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                  assessment_id: str) -> Response:
    """The progress fragment htmx polls every second; once the run is over it sends the browser to the page."""
    practice = practices.get(service.uow, principal, practice_id)
    a = _assessment(service, principal, practice_id, assessment_id)
    if a["status"] in ("succeeded", "failed") and request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": f"/practices/{practice_id}/risk/{assessment_id}"})
    return render(request, "manager/_progress.html", {"practice": practice, "assessment": a})


@router.get("/practices/{practice_id}/risk/{assessment_id}/report.pdf")
def risk_report(service: ServiceDep, principal: PrincipalDep, practice_id: str, assessment_id: str) -> Response:
    practices.get(service.uow, principal, practice_id)
    a = _assessment(service, principal, practice_id, assessment_id)
    if a["status"] != "succeeded":
        raise NotFound(f"assessment {assessment_id} has no result yet")
    pdf = render_pdf(report_view(service, principal, practice_id, a))
    name = re.sub(r"[^A-Za-z0-9]+", "-", a["created_at"][:10] + "-risk-report").strip("-")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get("/practices/{practice_id}/fixes")
def fixes(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
          budget: Annotated[str, Query(max_length=20)] = "") -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    done = assessments.list_assessments(service.uow, principal, PageRequest(limit=1, sort="-created_at"),
                                        practice_id=practice_id, status="succeeded").items
    trials, seed = (done[0]["trials"], done[0]["seed"]) if done else (FIX_TRIALS, 0)
    errors: dict[str, str] = {}
    amount: float | None = None
    if budget.strip():
        try:
            amount = float(budget.replace(",", "").replace("$", "").strip())
            if amount < 0:
                raise ValueError
        except ValueError:
            errors["budget"] = "enter a yearly amount in dollars, e.g. 5000"
    key = _key(practice["profile"])
    ranking = _improvement(key, max(trials, 1_000), seed, None)
    best = _improvement(key, max(trials, 1_000), seed, amount) if amount is not None else ranking
    context = {"page_title": "What to fix first", "practice": practice, "ranking": ranking, "best": best,
               "budget": budget, "errors": errors, "has_assessment": bool(done), "labels": CONTROL_LABELS,
               "months": months}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "best-set":
        return render(request, "manager/_best_set.html", context)
    return render(request, "manager/fixes.html", context, status_code=422 if errors else 200)


__all__ = ["report_view", "router"]
