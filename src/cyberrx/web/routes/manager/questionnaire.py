"""``/practices/{id}/questionnaire/{step}``: "Our practice", the practice manager's questionnaire in steps (the
practice; patients by state; systems; vendors that hold patient data; security controls). Each step is a form
that posts and redirects; saving a step creates a new profile version (:func:`cyberrx.app.practices.
update_profile`). A bad answer re-renders the step with every value entered and the message beside its field.

"I don't know" is saved as the control being absent (the profile's own default: a practice that does not know
most likely lacks it), and the page says so.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from cyberrx.app import practices
from cyberrx.domain.profile import US_JURISDICTIONS, PracticeProfile
from cyberrx.errors import InvalidInput, NotFound
from cyberrx.reports.labels import CONTROL_LABELS
from cyberrx.underwriting import load_control_costs
from cyberrx.vocab import Control
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.templating import render

router = APIRouter(route_class=PageRoute)

IDK = "unknown"
YES, NO = "yes", "no"
STATE_ROWS = 6
VENDOR_ROWS = 4


@dataclass(frozen=True)
class Question:
    """One question: ``name`` is the profile path (``controls.edr``); ``kind``: text, number, select, tri
    (yes / no / I don't know), or yesno."""

    name: str
    label: str
    help: str
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()
    idk: bool = False
    hicp: str = ""

    @property
    def id(self) -> str:
        return "q-" + self.name.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _hicp() -> dict[str, str]:
    costs = load_control_costs()
    out = {}
    for c in Control:
        h = costs.hicp(c)
        where = h["name"] if h["practice"] is None else f"405(d) HICP practice {h['practice']}: {h['name']}"
        out[c.value] = f"{where} ({h['sub_practice']})"
    return out


def _control(name: str, help_text: str) -> Question:
    return Question(f"controls.{name}", CONTROL_LABELS[name], help_text, "tri", idk=True, hicp=_hicp()[name])


SPECIALTIES = (("primary_care", "Primary care"), ("mental_health", "Mental health"), ("pediatrics", "Pediatrics"),
               ("dental", "Dental"), ("multi_specialty", "Several specialties"), ("surgical", "Surgical"),
               ("imaging", "Imaging"), ("other", "Other"))
REMOTE = (("none", "No one works on our systems from outside the office"),
          ("vpn", "Through a VPN"),
          ("vendor_portal", "Through a vendor's web portal"),
          ("rdp_exposed", "Remote desktop (RDP) reachable from the internet"))
HOSTING = (("cloud", "In the cloud (the vendor runs it)"), ("on_premises", "On a server in our office"))
TRAINING = (("none", "None"), ("annual", "Once a year"),
            ("phishing_simulation", "Regular, with practice phishing e-mails"))


def steps() -> tuple[Step, ...]:
    return (
        Step("practice", "The practice", "Who you are and how big the practice is: cost and cover grow with it.", (
            Question("name", "Practice name", "The name the practice trades under, as on your insurance."),
            Question("specialty", "Specialty", "What the practice mainly does: it changes which attacks are "
                     "likely and what records you hold.", "select", SPECIALTIES),
            Question("annual_revenue", "Yearly revenue (usd)", "Your practice's income in a year, in dollars: "
                     "lost income while systems are down is a share of it.", "number"),
            Question("providers", "Providers", "Physicians, nurse practitioners and other clinicians who see "
                     "patients.", "number"),
            Question("employees", "Employees", "Everyone on the payroll, clinicians included: each one has an "
                     "e-mail account an attacker can try.", "number"),
            Question("endpoints", "Computers, laptops and phones", "Devices that reach patient data or e-mail: "
                     "each is a way in and something to protect.", "number"),
            Question("existing_coverage.aggregate_limit", "Your current cyber insurance limit (usd)",
                     "The most your cyber policy pays in a year; 0 if you have none.", "number"),
            Question("existing_coverage.retention", "Your current retention (usd)",
                     "What you pay first on each claim before the policy pays (the deductible); 0 if none.",
                     "number"),
            Question("cdph_licensed_facility", "Licensed by the California Department of Public Health",
                     "Only for clinics licensed by CDPH: California then sets shorter deadlines to report a "
                     "breach.", "tri", idk=True),
        )),
        Step("patients", "Patients by state", "How many patients' records you hold, by the state they live in: "
             "each state's law decides whom you must tell after a breach and how fast."),
        Step("systems", "Systems: records, remote access and e-mail", "How your systems are reached: most attacks "
             "come in through remote access or e-mail.", (
            Question("ehr.vendor", "Electronic health record (EHR) system",
                     "The product or company name of your EHR, e.g. athenahealth."),
            Question("ehr.hosting", "Where the EHR runs", "A server in your office is yours to back up and patch; "
                     "a cloud EHR is the vendor's.", "select", HOSTING),
            Question("remote_access", "How staff and vendors work on your systems from outside", "Remote access "
                     "is the most common way ransomware gets in.", "select", REMOTE),
            _control("mfa_remote_access", "A code from a phone as well as a password for anyone working from "
                     "outside the office."),
            _control("mfa_email", "A code from a phone as well as a password to read e-mail, so a stolen "
                     "password alone is not enough."),
            _control("email_filtering", "A service that screens incoming e-mail for phishing and malicious "
                     "attachments before staff see it."),
        )),
        Step("vendors", "Vendors that hold patient data", "Companies that hold or handle your patients' data for "
             "you (billing, EHR, IT support): their breach is your breach to report."),
        Step("controls", "Security controls", "What is in place today. Answer \"I don't know\" if you are not "
             "sure: it is counted as not in place, as an insurer would.", (
            _control("mfa_privileged", "Administrator accounts need a second factor, so one stolen password "
                     "cannot take over every system."),
            _control("edr", "Security software on every computer that spots and stops attacks, not only known "
                     "viruses."),
            _control("mdr_soc", "A company watches your systems' alerts day and night and acts on them."),
            _control("offline_backups", "Copies of your data that ransomware cannot reach or change (offline or "
                     "immutable)."),
            _control("backups_tested", "Someone restores from the backups regularly to prove they work."),
            _control("encryption_at_rest", "Laptops, phones and drives are encrypted, so a lost device is not a "
                     "breach."),
            Question("controls.security_training", "Phishing training for staff", "How often staff learn to spot "
                     "phishing e-mails; \"I don't know\" counts as none.", "select", TRAINING, idk=True,
                     hicp=_hicp()["security_training"]),
            Question("controls.patch_critical_days", "Days to install critical updates",
                     "How many days it usually takes to install a critical security update; \"I don't know\" "
                     "counts as 90 days.", "number", idk=True, hicp=_hicp()["patch_critical_days"]),
            _control("incident_response_plan", "A written plan of whom to call and what to do in the first hours "
                     "of an attack."),
            _control("funds_transfer_verification", "Any new or changed bank details are confirmed by phoning a "
                     "known number before paying."),
            _control("risk_analysis_current", "The HIPAA security risk analysis was done or updated in the last "
                     "year."),
            # HICP practices 5, 6 and 9 have no control: these answers size the advice cyberrx links to threat
            # alerts and change no figure (issue 15)
            Question("security_practices.asset_inventory", "A kept list of every computer, server and network "
                     "device", "You cannot patch what you do not know you have: alerts about a product reach you "
                     "only if it is on the list.", "tri", idk=True,
                     hicp="405(d) HICP practice 5: IT Asset Management (5.S.A Inventory)"),
            Question("security_practices.network_segmentation", "Separate networks for clinical, office and guest "
                     "devices", "An attacker who gets into one device cannot reach everything.", "tri", idk=True,
                     hicp="405(d) HICP practice 6: Network Management (6.S.A Network segmentation)"),
            Question("security_practices.medical_devices_managed", "Networked medical devices listed, patched by "
                     "their vendor and on their own network", "Imaging, monitors and pumps on the network; answer "
                     "no if you have none listed.", "tri", idk=True,
                     hicp="405(d) HICP practice 9: Network Connected Medical Device Security (9.S.A Medical "
                          "device security)"),
        )),
    )


def _step(slug: str) -> tuple[int, Step]:
    for i, s in enumerate(steps()):
        if s.slug == slug:
            return i, s
    raise NotFound(f"no questionnaire step {slug!r}")


def _get(doc: dict[str, Any], path: str) -> Any:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur = doc
    for part in parts[:-1]:
        if not isinstance(cur.get(part), dict):
            cur[part] = {}
        cur = cur[part]
    cur[parts[-1]] = value


def _defaults(q: Question) -> Any:
    model = PracticeProfile.model_fields
    head, _, rest = q.name.partition(".")
    if rest and head == "controls":
        from cyberrx.domain.profile import Controls
        value = Controls.model_fields[rest].default
        return value.value if hasattr(value, "value") else value
    if rest:
        return 0 if head == "existing_coverage" else None
    default = model[head].default
    return default.value if hasattr(default, "value") else default


def values_of(profile: dict[str, Any], step: Step) -> dict[str, str]:
    """The form's values for ``step`` from a stored profile."""
    out: dict[str, str] = {}
    for q in step.questions:
        v = _get(profile, q.name)
        if v is None:
            v = _defaults(q)
        if q.kind in ("tri", "yesno"):
            out[q.name] = YES if v else NO
        else:
            out[q.name] = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
    if step.slug == "patients":
        rows = list((profile.get("states") or {}).items())
        for i in range(max(STATE_ROWS, len(rows) + 2)):
            code, count = rows[i] if i < len(rows) else ("", "")
            out[f"state-{i}"], out[f"count-{i}"] = code, str(count)
    if step.slug == "vendors":
        bas = profile.get("business_associates") or []
        for i in range(max(VENDOR_ROWS, len(bas) + 1)):
            ba = bas[i] if i < len(bas) else {}
            out[f"ba-{i}-name"] = ba.get("name", "")
            out[f"ba-{i}-service"] = ba.get("service", "")
            out[f"ba-{i}-baa"] = (YES if ba.get("baa", True) else NO) if ba else ""
            out[f"ba-{i}-critical"] = YES if ba.get("critical") else NO
    return out


def _number(raw: str, *, whole: bool) -> float | int:
    text = raw.replace(",", "").replace("$", "").strip()
    if whole:
        return int(text)
    return float(text)


WHOLE = {"providers", "employees", "endpoints", "controls.patch_critical_days"}


def apply_answers(profile: dict[str, Any], step: Step, form: dict[str, str]
                  ) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The profile with ``step``'s answers; the errors by field (those the form itself shows); the questions
    answered "I don't know"."""
    doc = copy.deepcopy(profile)
    errors: dict[str, str] = {}
    unknown: list[str] = []
    for q in step.questions:
        raw = form.get(q.name, "").strip()
        if q.idk and (raw == IDK or form.get(q.name + ".idk") == "on"):
            unknown.append(q.label)
            _set(doc, q.name, _defaults(q) if q.kind != "tri" else False)
            continue
        if q.kind == "tri":
            if raw not in (YES, NO):
                errors[q.name] = "choose yes, no or I don't know"
                continue
            _set(doc, q.name, raw == YES)
        elif q.kind == "number":
            try:
                _set(doc, q.name, _number(raw, whole=q.name in WHOLE))
            except ValueError:
                errors[q.name] = "enter a whole number" if q.name in WHOLE else "enter an amount in dollars"
        elif q.kind == "select":
            allowed = {v for v, _ in q.options}
            if raw not in allowed:
                errors[q.name] = "choose one of the answers listed"
            else:
                _set(doc, q.name, raw)
        else:
            _set(doc, q.name, raw)
    if step.slug == "practice":
        cover = doc.get("existing_coverage") or {}
        if not cover.get("aggregate_limit") and not cover.get("retention"):
            doc.pop("existing_coverage", None)
    if step.slug == "patients":
        states: dict[str, int] = {}
        i = 0
        while f"state-{i}" in form:
            code = form.get(f"state-{i}", "").strip().upper()
            count = form.get(f"count-{i}", "").strip()
            i += 1
            if not code and not count:
                continue
            if code not in US_JURISDICTIONS:
                errors[f"state-{i - 1}"] = "use the state's two-letter code, e.g. TX"
                continue
            try:
                states[code] = states.get(code, 0) + int(count.replace(",", ""))
            except ValueError:
                errors[f"count-{i - 1}"] = "enter a whole number of patients"
        doc["states"] = states
    if step.slug == "vendors":
        bas = []
        i = 0
        while f"ba-{i}-name" in form:
            name = form.get(f"ba-{i}-name", "").strip()
            if name:
                baa = form.get(f"ba-{i}-baa", NO)
                if baa == IDK:
                    unknown.append(f"the business associate agreement with {name}")
                bas.append({"name": name, "service": form.get(f"ba-{i}-service", "").strip() or "other",
                            "holds_phi": True, "baa": baa == YES, "critical": form.get(f"ba-{i}-critical") == YES})
            i += 1
        doc["business_associates"] = bas
    return doc, errors, unknown


def _field_of(loc: tuple[Any, ...], step: Step) -> str:
    """A pydantic error's location as the step's form field name."""
    if not loc:
        return "_step"
    head = str(loc[0])
    if head == "states":
        return "states"
    if head == "business_associates" and len(loc) > 2:
        return f"ba-{loc[1]}-name"
    path = ".".join(str(x) for x in loc if not isinstance(x, int))
    names = {q.name for q in step.questions}
    while path and path not in names:
        path = path.rpartition(".")[0]
    return path or "_step"


def check(doc: dict[str, Any], step: Step) -> dict[str, str]:
    """Every pydantic error of the profile, by the step's field names (what a field of another step gets:
    ``_step``)."""
    try:
        PracticeProfile.model_validate(doc)
    except ValidationError as exc:
        out: dict[str, str] = {}
        for e in exc.errors(include_url=False):
            name = _field_of(tuple(e["loc"]), step)
            msg = str(e["msg"]).removeprefix("Value error, ")
            out.setdefault(name, msg)
        return out
    return {}


def _render(request: Request, practice: dict[str, Any], index: int, step: Step, values: dict[str, str],
            errors: dict[str, str], status: int = 200, saved: str = "") -> Response:
    return render(request, "manager/questionnaire.html", {
        "page_title": f"Our practice: {step.title}", "practice": practice, "steps": steps(), "index": index,
        "step": step, "values": values, "errors": errors, "saved": saved,
        "state_rows": sum(1 for k in values if k.startswith("state-")),
        "vendor_rows": sum(1 for k in values if k.startswith("ba-") and k.endswith("-name"))},
        status_code=status)


@router.get("/practices/{practice_id}/questionnaire")
def questionnaire_start(service: ServiceDep, principal: PrincipalDep, practice_id: str) -> Response:
    practices.get(service.uow, principal, practice_id)
    return RedirectResponse(f"/practices/{practice_id}/questionnaire/practice", status_code=303)


@router.get("/practices/{practice_id}/questionnaire/{slug}")
def questionnaire_step(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                       slug: str, saved: str = "") -> Response:
    practice = practices.get(service.uow, principal, practice_id)      # another tenant's: 404
    index, step = _step(slug)
    return _render(request, practice, index, step, values_of(practice["profile"], step), {}, saved=saved[:10])


@router.post("/practices/{practice_id}/questionnaire/{slug}")
async def questionnaire_save(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str,
                             slug: str) -> Response:
    practice = practices.get(service.uow, principal, practice_id)
    index, step = _step(slug)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    doc, errors, unknown = apply_answers(practice["profile"], step, form)
    if not errors:
        errors = check(doc, step)
    if not errors:
        try:
            saved = practices.update_profile(service.uow, principal, practice_id, doc, ports=service.ports)
        except InvalidInput as exc:
            errors = {_field_of(tuple((exc.field or "").removeprefix("profile.").split(".")), step): str(exc.args[0])}
        else:
            all_steps = steps()
            nxt = (f"/practices/{practice_id}/questionnaire/{all_steps[index + 1].slug}"
                   if index + 1 < len(all_steps) else f"/practices/{practice_id}/risk")
            return RedirectResponse(f"{nxt}?saved={saved['version']}", status_code=303)
    values = {**values_of(practice["profile"], step), **form}
    values.pop("csrf_token", None)
    return _render(request, practice, index, step, values, errors, status=422)


__all__ = ["router"]
