"""Referrals: the quote options the rules referred to an underwriter (decision ``refer``), and the underwriter's
decisions on them.

A quote opens one referral per referred option (:func:`open_for_quote`, in the quote's own unit of work). The
underwriter works the queue oldest first (:func:`queue`) and on each referral (:func:`get`: the rule reasons, the
factor-by-factor rating, the technical price and rate adequacy, the practice's controls):

- :func:`approve` with conditions (each a sentence and a number of days: subjectivities of the bind);
- :func:`decline` with a reason;
- :func:`ask` the broker a question, which the broker sees on the quote page and answers there (:func:`answer`,
  back to the queue as ``open``).

A referred option can be bound only once approved (:func:`bindable`, called by :func:`cyberrx.app.quotes.bind`);
binding moves the referral to ``bound``. Every decision is an event of the audit trail (``referral.approve``,
``referral.decline``, ``referral.ask``, ``referral.answer``), recorded in the decision's unit of work.

The underwriter's pages are the carrier's: :func:`require_carrier` refuses (403) a role the table allows when it
belongs to a brokerage or a practice (an ``admin`` exists in all three).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cyberrx.adapters.store.tables import Quote, Referral
from cyberrx.app import audit
from cyberrx.app.authz import Forbidden, OrgKind, Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, as_utc, iso
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.errors import Conflict, InvalidInput

OPEN, INFO_REQUESTED, APPROVED, DECLINED, BOUND = "open", "info_requested", "approved", "declined", "bound"
#: what the queue shows: waiting for the underwriter, for the broker, or approved and not bound yet
QUEUE_STATUSES = (OPEN, INFO_REQUESTED, APPROVED)
STATUS_LABELS = {OPEN: "Waiting for the underwriter", INFO_REQUESTED: "Waiting for the broker's answer",
                 APPROVED: "Approved, not bound yet", DECLINED: "Declined", BOUND: "Bound"}
#: bounds of what an underwriter or a broker types
MAX_CONDITIONS = 10
MAX_TEXT = 2000
MAX_CONDITION_DAYS = 365
#: most rows of the queue on one page
MAX_QUEUE_ROWS = 200

_REASON = re.compile(r"^(?P<message>.*?)\s*\[(?P<rule>[A-Z0-9-]+)(?::\s*(?P<facts>.*))?\]\s*$")


def require_carrier(principal: Principal, action: str) -> None:
    """Raise Forbidden unless the caller's role may do ``action`` and the caller is the carrier's."""
    require(principal, action)
    if principal.organisation_kind != OrgKind.CARRIER:
        raise Forbidden(f"{action} is for the carrier's underwriters")


@dataclass(frozen=True)
class Reason:
    """One reason of an option, as the rules write it: ``"message [RULE-ID: facts]"``."""

    message: str
    rule: str
    facts: str

    def as_dict(self) -> dict[str, str]:
        return {"message": self.message, "rule": self.rule, "facts": self.facts}


def parse_reason(text: str) -> Reason:
    found = _REASON.match(text)
    if found is None:
        return Reason(text, "", "")
    return Reason(found["message"], found["rule"], found["facts"] or "")


@dataclass(frozen=True)
class Condition:
    """A condition of an approval: the sentence, and the days after inception (or the bind, if later) it is due."""

    text: str
    days: int

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "days": self.days}


def check_conditions(conditions: list[tuple[str, str]]) -> list[Condition]:
    """The typed conditions ``(text, days)``: rows with neither are skipped; a row's problem names its field
    (``conditions[2].days``)."""
    out = []
    for i, (text, days) in enumerate(conditions):
        text, days = text.strip(), days.strip()
        if not text and not days:
            continue
        if not text:
            raise InvalidInput("say what the practice must do", field=f"conditions[{i}].text",
                               allowed="a sentence")
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"{len(text)} characters is too long", field=f"conditions[{i}].text",
                               allowed=f"up to {MAX_TEXT} characters")
        if not days.isdigit() or not 1 <= int(days) <= MAX_CONDITION_DAYS:
            raise InvalidInput(f"{days or 'nothing'} is not a number of days", field=f"conditions[{i}].days",
                               allowed=f"a whole number of days from 1 to {MAX_CONDITION_DAYS}")
        out.append(Condition(text, int(days)))
    if len(out) > MAX_CONDITIONS:
        raise InvalidInput(f"{len(out)} conditions", field="conditions", allowed=f"up to {MAX_CONDITIONS}")
    return out


def _text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"write the {what}", field=field, allowed="a sentence")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{len(text)} characters is too long", field=field, allowed=f"up to {MAX_TEXT} characters")
    return text


def referral_dict(r: Referral) -> dict[str, Any]:
    conditions = (r.conditions or {}).get("items", [])
    return {"id": r.id, "quote_id": r.quote_id, "option": r.option, "practice_id": r.practice_id,
            "status": r.status, "status_label": STATUS_LABELS[r.status], "conditions": conditions,
            "reason": r.reason, "question": r.question, "answer": r.answer, "policy_id": r.policy_id,
            "created_at": iso(r.created_at), "decided_at": iso(r.decided_at), "decided_by": r.decided_by}


def open_for_quote(tx: Any, q: Quote, ports: Ports) -> list[Referral]:
    """Open a referral for each referred option of ``q`` (in the caller's unit of work, before its commit)."""
    return [tx.referrals.add(Referral(id=ports.ids.new(), carrier_id=q.carrier_id, brokerage_id=q.brokerage_id,
                                      practice_id=q.practice_id, quote_id=q.id, option=i, status=OPEN,
                                      conditions=None, reason=None, question=None, answer=None, policy_id=None,
                                      created_at=q.created_at, decided_at=None, decided_by=None))
            for i, o in enumerate(q.result.get("options", [])) if o.get("decision") == "refer"]


def decisive_rules(result: dict[str, Any], reasons: list[Reason]) -> set[str]:
    """The rules among ``reasons`` that referred or declined the option: the eligibility rules whose outcome is
    ``refer``, ``decline`` or ``max_limit``, and the pricing rules (rate adequacy), which are not findings of the
    profile; the others restrict the cover (sublimits, coinsurance, surcharges)."""
    findings = {f["rule"]: f["outcome"] for f in result.get("findings", [])}
    return {r.rule for r in reasons if r.rule and findings.get(r.rule, "refer") in ("refer", "decline", "max_limit")}


def _reasons(result: dict[str, Any], option: dict[str, Any]) -> list[dict[str, Any]]:
    reasons = [parse_reason(t) for t in option.get("reasons", [])]
    decisive = decisive_rules(result, reasons)
    return [{**r.as_dict(), "decisive": r.rule in decisive} for r in reasons]


def _option_summary(q: Quote, option: int) -> dict[str, Any]:
    o = q.result["options"][option]
    reasons = _reasons(q.result, o)
    return {"limit": o["limit"], "retention": o["retention"], "premium": o["premium"],
            "technical_premium": o["technical_premium"], "rate_adequacy": o.get("rate_adequacy"),
            "rules": [r["rule"] for r in reasons if r["decisive"]], "reasons": reasons}


def _practice_name(tx: Any, practice_id: str, names: dict[str, str]) -> str:
    if practice_id not in names:
        org = tx.organisations.get(practice_id)
        names[practice_id] = org.name if org is not None else "(practice)"
    return names[practice_id]


def queue(uow: UnitOfWork, principal: Principal, page: PageRequest, *, ports: Ports | None = None) -> Page:
    """The referrals waiting (for the underwriter, the broker, or a bind), oldest quote first. Each item: the
    referral, the practice's name, the option's figures and rules, and ``days_waiting`` (whole days since the
    quote, by the clock)."""
    ports = ports or default_ports()
    require_carrier(principal, "referral.read")
    limit = min(page.limit, MAX_QUEUE_ROWS)
    today = ports.clock.now().date()
    with uow.reading(principal.scope) as tx:
        rows, total = tx.referrals.in_status(list(QUEUE_STATUSES), limit, page.offset)
        quotes: dict[str, Quote] = {}
        names: dict[str, str] = {}
        items = []
        for r in rows:
            q = quotes.get(r.quote_id) or tx.quotes.get(r.quote_id)
            quotes[r.quote_id] = q
            created = as_utc(r.created_at)
            items.append({**referral_dict(r), "practice": _practice_name(tx, r.practice_id, names),
                          "option_figures": _option_summary(q, r.option), "effective": q.effective,
                          "days_waiting": (today - created.date()).days if created else 0})
        return Page(items, total, limit, page.offset)


def _decided(tx: Any, principal: Principal, referral_id: str, action: str, allowed: tuple[str, ...]) -> Referral:
    r = tx.referrals.get(referral_id, lock=True)
    if r is None:
        raise not_found("referral", referral_id)
    if action == "referral.decide":
        require_carrier(principal, action)
    else:
        require(principal, action)
    if r.status not in allowed:
        raise Conflict(f"the referral is {STATUS_LABELS[r.status].lower()}: it cannot be changed that way now")
    return r


def get(uow: UnitOfWork, principal: Principal, referral_id: str) -> dict[str, Any]:
    """One referral with all an underwriter decides on: the quote's findings and versions, the option (its
    reasons parsed, the manual rating's factors, the technical price and rate adequacy), the practice and its
    profile (controls)."""
    with uow.reading(principal.scope) as tx:
        r = tx.referrals.get(referral_id)
        if r is None:
            raise not_found("referral", referral_id)
        require_carrier(principal, "referral.read")
        q = tx.quotes.get(r.quote_id)
        org = tx.organisations.get(r.practice_id)
        pv = tx.profiles.by_id(q.profile_version_id)
        option = q.result["options"][r.option]
        return {**referral_dict(r), "practice": {"id": org.id, "name": org.name},
                "profile": pv.profile, "profile_version": pv.version,
                "quote": {"id": q.id, "effective": q.effective, "created_at": iso(q.created_at), "trials": q.trials,
                          "seed": int(q.seed), "segment": q.result.get("segment"),
                          "segment_reasons": q.result.get("segment_reasons", []),
                          "findings": q.result.get("findings", []), "versions": q.result.get("versions", {}),
                          "technical_formula": q.result.get("technical_formula", "")},
                "option_data": option, "reasons": _reasons(q.result, option)}


def for_quote(uow: UnitOfWork, principal: Principal, quote_id: str) -> list[dict[str, Any]]:
    """The referrals of a quote the caller sees (the broker's quote page shows their status and questions)."""
    with uow.reading(principal.scope) as tx:
        if tx.quotes.get(quote_id) is None:
            raise not_found("quote", quote_id)
        require(principal, "quote.read")
        return [referral_dict(r) for r in tx.referrals.for_quote(quote_id)]


def _record(tx: Any, ports: Ports, principal: Principal, action: str, r: Referral, before: str,
            after: dict[str, Any]) -> None:
    audit.record(tx, ports.clock, principal, action, "referral", r.id, {"status": before},
                 {"status": r.status, "quote_id": r.quote_id, "option": r.option, **after})


def approve(uow: UnitOfWork, principal: Principal, referral_id: str, conditions: list[tuple[str, str]], *,
            ports: Ports | None = None) -> dict[str, Any]:
    """Approve the referred option, subject to ``conditions`` (``(text, days)`` rows; blank rows skipped)."""
    ports = ports or default_ports()
    checked = check_conditions(conditions)
    with uow.writing(principal.scope) as tx:
        r = _decided(tx, principal, referral_id, "referral.decide", (OPEN, INFO_REQUESTED))
        before = r.status
        r.status, r.conditions = APPROVED, {"items": [c.as_dict() for c in checked]}
        r.decided_at, r.decided_by = ports.clock.now(), principal.user_id
        _record(tx, ports, principal, "referral.approve", r, before, {"conditions": r.conditions["items"]})
        tx.commit()
        return referral_dict(r)


def decline(uow: UnitOfWork, principal: Principal, referral_id: str, reason: str, *,
            ports: Ports | None = None) -> dict[str, Any]:
    """Decline the referred option, with the reason the broker will read."""
    ports = ports or default_ports()
    text = _text(reason, "reason", "reason for declining")
    with uow.writing(principal.scope) as tx:
        r = _decided(tx, principal, referral_id, "referral.decide", (OPEN, INFO_REQUESTED, APPROVED))
        before = r.status
        r.status, r.reason, r.decided_at, r.decided_by = DECLINED, text, ports.clock.now(), principal.user_id
        _record(tx, ports, principal, "referral.decline", r, before, {"reason": text})
        tx.commit()
        return referral_dict(r)


def ask(uow: UnitOfWork, principal: Principal, referral_id: str, question: str, *,
        ports: Ports | None = None) -> dict[str, Any]:
    """Ask the broker for information; the referral waits for the answer (a new question replaces the last)."""
    ports = ports or default_ports()
    text = _text(question, "question", "question for the broker")
    with uow.writing(principal.scope) as tx:
        r = _decided(tx, principal, referral_id, "referral.decide", (OPEN, INFO_REQUESTED))
        before = r.status
        r.status, r.question, r.answer = INFO_REQUESTED, text, None
        _record(tx, ports, principal, "referral.ask", r, before, {"question": text})
        tx.commit()
        return referral_dict(r)


def answer(uow: UnitOfWork, principal: Principal, referral_id: str, text: str, *,
           ports: Ports | None = None) -> dict[str, Any]:
    """The broker's (or the practice's) answer to the underwriter's question: the referral is back in the queue."""
    ports = ports or default_ports()
    checked = _text(text, "answer", "answer")
    with uow.writing(principal.scope) as tx:
        r = _decided(tx, principal, referral_id, "referral.answer", (INFO_REQUESTED,))
        before = r.status
        r.status, r.answer = OPEN, checked
        _record(tx, ports, principal, "referral.answer", r, before, {"question": r.question, "answer": checked})
        tx.commit()
        return referral_dict(r)


def bindable(tx: Any, quote_id: str, option: int, decision: str) -> Referral | None:
    """The referral of a referred option, when it may be bound (approved); Conflict otherwise. None for an option
    the rules quoted."""
    if decision != "refer":
        return None
    found = [r for r in tx.referrals.for_quote(quote_id) if r.option == option]
    if not found or found[0].status in (OPEN, INFO_REQUESTED):
        raise Conflict(f"option {option} is referred to an underwriter: approve the referral before binding it")
    if found[0].status != APPROVED:
        raise Conflict(f"option {option}'s referral is {STATUS_LABELS[found[0].status].lower()}")
    return found[0]


__all__ = ["APPROVED", "BOUND", "DECLINED", "INFO_REQUESTED", "MAX_CONDITIONS", "MAX_CONDITION_DAYS", "MAX_TEXT",
           "OPEN", "QUEUE_STATUSES", "STATUS_LABELS", "Condition", "Reason", "answer", "approve", "ask", "bindable",
           "check_conditions", "decisive_rules", "decline", "for_quote", "get", "open_for_quote", "parse_reason",
           "queue", "referral_dict", "require_carrier"]
