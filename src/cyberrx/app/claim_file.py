"""The claims adjuster's reading of a claim (its file) and of the open claims' breach deadlines.

- :func:`claim_file`: one claim with its policy, practice, linked incident and that incident's breach notices as
  of today (days left: the deadlines run from discovery and do not move), the adjudication as a step table
  (:mod:`cyberrx.claims.steps`, the same arithmetic worked again after the policy's earlier claims), and the
  ledger with its running totals.
- :func:`deadlines`: every open claim's notices on one list, overdue first, and the incidents' notices for a
  calendar file.

Both are the carrier's (``claim.file.read``: the claims adjuster and the carrier's admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cyberrx.adapters.store import Order
from cyberrx.app.authz import Principal, not_found
from cyberrx.app.claims import claim_dict, entry_dict, history_before, require_carrier
from cyberrx.app.obligations import obligations_of
from cyberrx.app.ports import UnitOfWork
from cyberrx.breach import ObligationsReport
from cyberrx.breach.obligations import Obligation
from cyberrx.claims import adjudicate
from cyberrx.claims.steps import StepTable, step_table
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.incident import Incident as IncidentDoc
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.policy import PolicyTerms, parse_policy

#: at most this many open claims on the deadlines list (the oldest first beyond it are not shown: said so)
MAX_OPEN_CLAIMS = 500


@dataclass(frozen=True)
class Notice:
    """One breach notice of a claim's incident as of ``as_of``: ``days_left`` below zero is overdue."""

    claim_id: str
    claim_number: str
    practice: str
    incident_id: str
    obligation: Obligation
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class ClaimFile:
    """What the adjuster works from. ``steps`` is None for a first notice without loss lines; ``stale``: the
    stored allowed amount differs from the adjudication worked again now (an earlier claim on the policy
    changed since: enter the lines again to re-adjudicate)."""

    claim: dict[str, Any]
    policy: dict[str, Any]
    terms: PolicyTerms
    practice: str
    incident: dict[str, Any] | None
    report: ObligationsReport | None
    notices: list[Notice]
    steps: StepTable | None
    stale: bool
    ledger: list[dict[str, Any]]
    #: user id -> name, for the ledger's entries
    people: dict[str, str]

    @property
    def lines(self) -> list[dict[str, Any]]:
        return list(self.claim["claim"].get("losses", []))


def _notices(c: Any, practice: str, incident: Any, as_of: date) -> tuple[ObligationsReport, list[Notice]]:
    # stored incidents were checked when recorded: read back, not checked again against today's date
    report = obligations_of(parse_model(IncidentDoc, incident.incident), as_of)
    notices = [Notice(c.id, c.claim_number, practice, incident.id, o,
                      None if o.deadline is None else (o.deadline - as_of).days) for o in report.obligations]
    return report, notices


def by_urgency(notices: list[Notice]) -> list[Notice]:
    """Overdue first (the most overdue first), then by days left; notices with no fixed date last."""
    return sorted(notices, key=lambda n: (n.days_left is None, n.days_left if n.days_left is not None else 0,
                                          n.claim_number))


def claim_file(uow: UnitOfWork, principal: Principal, claim_id: str, today: date | None = None) -> ClaimFile:
    as_of = today or date.today()
    with uow.reading(principal.scope) as tx:
        c = tx.claims.get(claim_id)
        if c is None:
            raise not_found("claim", claim_id)
        require_carrier(principal, "claim.file.read")
        policy = tx.policies.get(c.policy_id)
        terms = parse_policy(policy.terms)
        org = tx.organisations.get(c.practice_id)
        practice = org.name if org is not None else c.practice_id
        incident = tx.incidents.get(c.incident_id) if c.incident_id else None
        report, notices = _notices(c, practice, incident, as_of) if incident is not None else (None, [])
        steps, stale = None, False
        if c.claim.get("losses"):
            claim = parse_claim(c.claim)
            result = adjudicate(terms, claim, history_before(tx, c))
            steps = step_table(terms, claim, result)
            stale = result.total_payable != Decimal(c.allowed)
        ledger = [entry_dict(e) for e in tx.ledger.entries(c.id)]
        policy_out = {"id": policy.id, "policy_number": policy.policy_number, "practice_id": policy.practice_id}
        incident_out = None if incident is None else {"id": incident.id, "incident": incident.incident}
        claim_out = claim_dict(c)
    with uow.reading() as tx:     # the names of who made the entries (they may be of another organisation)
        people = {}
        for uid in {e["created_by"] for e in ledger}:
            user = tx.users.get(uid)
            people[uid] = "" if user is None else (user.name or user.email)
    return ClaimFile(claim_out, policy_out, terms, practice, incident_out, report, by_urgency(notices),
                     steps, stale, ledger, people)


@dataclass(frozen=True)
class Deadlines:
    """The open claims' notices (``notices``, overdue first), the open claims with no incident linked, the
    incidents' reports for a calendar (incident id -> (entity, report)), and whether the list was cut."""

    as_of: date
    notices: list[Notice]
    unlinked: list[dict[str, Any]]
    reports: dict[str, tuple[str, ObligationsReport]]
    truncated: bool


def deadlines(uow: UnitOfWork, principal: Principal, today: date | None = None) -> Deadlines:
    """Every open claim's breach notices as of ``today``, overdue first (at most :data:`MAX_OPEN_CLAIMS`
    claims, the newest)."""
    as_of = today or date.today()
    require_carrier(principal, "claim.file.read")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.claims.list({"status": "open"}, Order("created_at", True, "id"), MAX_OPEN_CLAIMS, 0)
        notices: list[Notice] = []
        unlinked: list[dict[str, Any]] = []
        reports: dict[str, tuple[str, ObligationsReport]] = {}
        names: dict[str, str] = {}
        for c in rows:
            if c.practice_id not in names:
                org = tx.organisations.get(c.practice_id)
                names[c.practice_id] = org.name if org is not None else c.practice_id
            incident = tx.incidents.get(c.incident_id) if c.incident_id else None
            if incident is None:
                unlinked.append({**claim_dict(c, with_details=False), "practice": names[c.practice_id]})
                continue
            report, found = _notices(c, names[c.practice_id], incident, as_of)
            notices += found
            reports[incident.id] = (names[c.practice_id], report)
        return Deadlines(as_of, by_urgency(notices), unlinked, reports, total > len(rows))


__all__ = ["MAX_OPEN_CLAIMS", "ClaimFile", "Deadlines", "Notice", "by_urgency", "claim_file", "deadlines"]
