"""Subjectivities: what a policy was bound subject to, tracked until the underwriter marks each met.

A policy bound from a quote option (:func:`cyberrx.app.quotes.bind`) gets one subjectivity per rule subjectivity
of the option (``"Cover is bound subject to MFA on email within 30 days"``) and one per condition of the
underwriter's approval of its referral. Each is due ``days`` after inception, or after the bind when the policy is
bound after its period started (:func:`due_date`); it is *past due* from the day after its due date while still
open (:func:`is_past_due`). Marking one met is audited (``subjectivity.met``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from cyberrx.adapters.store.tables import Policy, Subjectivity
from cyberrx.app import audit
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import iso
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.referrals import MAX_TEXT, require_carrier
from cyberrx.errors import Conflict, InvalidInput

OPEN, MET = "open", "met"
#: most open subjectivities the underwriter's queue lists
MAX_LISTED = 200


def due_date(period_start: date, bound_on: date, days: int) -> date:
    """``days`` after inception, or after the bind if the policy was bound after its period started.

    >>> due_date(date(2026, 3, 1), date(2026, 2, 20), 30)      # bound before inception: from inception
    datetime.date(2026, 3, 31)
    >>> due_date(date(2026, 3, 1), date(2026, 3, 10), 30)      # bound late: from the bind
    datetime.date(2026, 4, 9)
    """
    return max(period_start, bound_on) + timedelta(days=days)


def is_past_due(due: date, today: date, status: str = OPEN) -> bool:
    """Open and its due date has passed (due today is not yet past due)."""
    return status == OPEN and today > due


def subjectivity_dict(s: Subjectivity, today: date) -> dict[str, Any]:
    due = date.fromisoformat(s.due)
    return {"id": s.id, "policy_id": s.policy_id, "practice_id": s.practice_id, "source": s.source, "text": s.text,
            "control": s.control, "due": s.due, "status": s.status, "note": s.note, "met_at": iso(s.met_at),
            "met_by": s.met_by, "past_due": is_past_due(due, today, s.status),
            "days_left": (due - today).days if s.status == OPEN else None}


def attach(tx: Any, policy: Policy, rule_items: Sequence[dict[str, Any]], conditions: Sequence[dict[str, Any]],
           period_start: date, bound_on: date, ports: Ports) -> list[Subjectivity]:
    """The subjectivities of a newly bound ``policy`` (in the bind's unit of work): the option's rule
    subjectivities (``{"rule", "control", "days", "message"}``) and the approval's conditions (``{"text", "days"}``)."""
    made = []
    items = [(f"rule:{i['rule']}", str(i["message"]), i.get("control"), int(i["days"])) for i in rule_items]
    items += [("underwriter", str(c["text"]), None, int(c["days"])) for c in conditions]
    for source, text, control, days in items:
        made.append(tx.subjectivities.add(Subjectivity(
            id=ports.ids.new(), carrier_id=policy.carrier_id, brokerage_id=policy.brokerage_id,
            practice_id=policy.practice_id, policy_id=policy.id, source=source, text=text, control=control,
            due=due_date(period_start, bound_on, days).isoformat(), status=OPEN, note=None,
            created_at=ports.clock.now(), met_at=None, met_by=None)))
    return made


def for_policy(uow: UnitOfWork, principal: Principal, policy_id: str, *,
               ports: Ports | None = None) -> list[dict[str, Any]]:
    """A policy's subjectivities, earliest due first (whoever sees the policy sees them)."""
    ports = ports or default_ports()
    today = ports.clock.now().date()
    with uow.reading(principal.scope) as tx:
        if tx.policies.get(policy_id) is None:
            raise not_found("policy", policy_id)
        require(principal, "policy.read")
        return [subjectivity_dict(s, today) for s in tx.subjectivities.for_policy(policy_id)]


def open_items(uow: UnitOfWork, principal: Principal, *, ports: Ports | None = None) -> dict[str, Any]:
    """The open subjectivities of the book, earliest due first (past due ones first of all), with each policy's
    number and insured; ``total`` open and ``past_due`` among those listed."""
    ports = ports or default_ports()
    require_carrier(principal, "referral.read")
    today = ports.clock.now().date()
    with uow.reading(principal.scope) as tx:
        rows, total = tx.subjectivities.open_by_due(MAX_LISTED)
        items = []
        for s in rows:
            p = tx.policies.get(s.policy_id)
            items.append({**subjectivity_dict(s, today), "policy_number": p.policy_number,
                          "insured": str(p.terms.get("insured", ""))})
        return {"items": items, "total": total, "past_due": sum(1 for i in items if i["past_due"])}


def mark_met(uow: UnitOfWork, principal: Principal, subjectivity_id: str, note: str = "", *,
             ports: Ports | None = None) -> dict[str, Any]:
    """Mark an open subjectivity met (with an optional note: what was seen)."""
    ports = ports or default_ports()
    text = note.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{len(text)} characters is too long", field="note", allowed=f"up to {MAX_TEXT} characters")
    with uow.writing(principal.scope) as tx:
        s = tx.subjectivities.get(subjectivity_id, lock=True)
        if s is None:
            raise not_found("subjectivity", subjectivity_id)
        require_carrier(principal, "subjectivity.update")
        if s.status != OPEN:
            raise Conflict("the subjectivity is already marked met")
        now = ports.clock.now()
        s.status, s.note, s.met_at, s.met_by = MET, text or None, now, principal.user_id
        audit.record(tx, ports.clock, principal, "subjectivity.met", "subjectivity", s.id, {"status": OPEN},
                     {"status": MET, "policy_id": s.policy_id, "text": s.text, "due": s.due, "note": s.note})
        tx.commit()
        return subjectivity_dict(s, now.date())


__all__ = ["MET", "OPEN", "attach", "due_date", "for_policy", "is_past_due", "mark_met", "open_items",
           "subjectivity_dict"]
