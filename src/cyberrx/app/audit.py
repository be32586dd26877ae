"""The audit trail: every underwriting decision, bind, claim decision, reserve change and payment, and every change
of a practice's profile and incident recorded, append-only and hash-chained.

Event ``n`` stores ``prev_hash`` (the hash of event ``n - 1``; 64 zeros for the first) and
``hash = sha256(prev_hash + body)`` where ``body`` is the canonical JSON (sorted keys, no spaces) of
``seq, at, carrier_id, actor_id, action, subject_type, subject_id, before, after``. Changing, inserting or deleting
any event breaks the chain from that event on; :func:`verify` names the first broken ``seq``. Appends are
serialised by the audit repository (``last_for_append``: a transaction-scoped advisory lock on PostgreSQL,
``BEGIN IMMEDIATE`` already on SQLite) and are made in the same unit of work as the change they record, so a
change is never without its event.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cyberrx.adapters.store import Order
from cyberrx.adapters.store.tables import AuditEvent
from cyberrx.app.authz import Forbidden, OrgKind, Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, json_safe, order_of
from cyberrx.app.ports import Clock, UnitOfWork

GENESIS = "0" * 64


def body_of(seq: int, at: str | None, carrier_id: str, actor_id: str, action: str, subject_type: str,
          subject_id: str, before: Any, after: Any) -> str:
    return json.dumps({"seq": seq, "at": at, "carrier_id": carrier_id, "actor_id": actor_id, "action": action,
                       "subject_type": subject_type, "subject_id": subject_id, "before": before, "after": after},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record(tx: Any, clock: Clock, principal: Principal, action: str, subject_type: str, subject_id: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEvent:
    """Append one event in the caller's unit of work ``tx`` (call it last in a use case: it serialises
    appends until the commit)."""
    return record_as(tx, clock, principal.carrier_id, principal.user_id, action, subject_type, subject_id, before,
                     after)


#: the actor of events with no signed-in caller: a sign-in for an unknown e-mail, and the operator's commands
ANONYMOUS, OPERATOR = "anonymous", "operator"


def record_as(tx: Any, clock: Clock, carrier_id: str, actor_id: str, action: str, subject_type: str,
              subject_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEvent:
    """:func:`record` for an actor that is not a signed-in caller (a sign-in, the operator): account events."""
    last = tx.audit.last_for_append()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = clock.now()
    before_j, after_j = json_safe(before), json_safe(after)
    body = body_of(seq, iso(at), carrier_id, actor_id, action, subject_type, subject_id, before_j, after_j)
    event = AuditEvent(seq=seq, carrier_id=carrier_id, at=at, actor_id=actor_id, action=action,
                       subject_type=subject_type, subject_id=subject_id, before=before_j, after=after_j,
                       prev_hash=prev, hash=chain_hash(prev, body))
    return tx.audit.add(event)


@dataclass(frozen=True)
class ChainReport:
    """``ok`` or the first bad event: its ``seq`` and why."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str | None = None
    head: str = GENESIS

    @property
    def anchor(self) -> str:
        """``SEQ:HASH`` of the head, to keep outside the database and pass to a later verify."""
        return f"{self.events}:{self.head}"

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "first_bad_seq": self.first_bad_seq, "reason": self.reason,
                "head": self.head, "anchor": self.anchor if self.ok else None}


def verify(uow: UnitOfWork, batch: int = 1000, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the whole chain in ``seq`` order and recompute every hash.

    A chain checks itself only against itself: someone who can write the database could rewrite every event
    after a change, or cut the tail. ``anchor`` ``(seq, hash)`` is a head recorded earlier outside the database
    (printed by ``cyberrx audit verify``); the chain must still hold that event with that hash.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    with uow.reading() as tx:
        last_seq = 0
        while True:
            rows = tx.audit.after(last_seq, batch)
            if not rows:
                if anchor is not None and anchor[0] > count:
                    return ChainReport(False, count, count + 1, f"the chain ends at event {count}, before the "
                                       f"anchored event {anchor[0]}: events were removed")
                return ChainReport(True, count, head=prev)
            for e in rows:
                if e.seq != expected_seq:
                    return ChainReport(False, count, expected_seq, f"event {expected_seq} is missing")
                if e.prev_hash != prev:
                    return ChainReport(False, count, e.seq, "prev_hash does not match the event before it")
                body = body_of(e.seq, iso(e.at), e.carrier_id, e.actor_id, e.action, e.subject_type, e.subject_id,
                             e.before, e.after)
                if chain_hash(prev, body) != e.hash:
                    return ChainReport(False, count, e.seq, "the event's content does not match its hash")
                if anchor is not None and e.seq == anchor[0] and e.hash != anchor[1]:
                    return ChainReport(False, count, e.seq, "the event differs from the anchored hash recorded "
                                       "earlier: the chain was rewritten up to here")
                prev, expected_seq, count, last_seq = e.hash, e.seq + 1, count + 1, e.seq


def event_dict(e: AuditEvent) -> dict[str, Any]:
    return {"seq": e.seq, "at": iso(e.at), "actor_id": e.actor_id, "action": e.action,
            "subject_type": e.subject_type, "subject_id": e.subject_id, "before": e.before, "after": e.after,
            "prev_hash": e.prev_hash, "hash": e.hash}


def list_events(uow: UnitOfWork, principal: Principal, page: PageRequest, subject_id: str | None = None,
                action: str | None = None) -> Page:
    """The events of the caller's carrier (admins of a carrier only: the chain is the carrier's book)."""
    require(principal, "audit.read")
    where: dict[str, Any] = {"carrier_id": principal.carrier_id}
    if principal.organisation_kind != "carrier":
        where["actor_id"] = principal.user_id
    if subject_id:
        where["subject_id"] = subject_id
    if action:
        where["action"] = action
    order = order_of(page, {"seq": "seq", "at": "at", "created_at": "seq"}, "seq")
    with uow.reading() as tx:
        rows, total = tx.audit.list(where, order, page.limit, page.offset)
        return Page([event_dict(e) for e in rows], total, page.limit, page.offset)




# ---- a claim's or a policy's trail, for people -------------------------------------------------------------
#: at most this many events on one trail (the oldest are shown; the page says when there are more)
MAX_TRAIL = 500
_ROLE_WORDS = {"admin": "administrator", "underwriter": "underwriter", "broker": "broker",
               "practice_manager": "practice manager", "claims_adjuster": "claims adjuster"}


@dataclass(frozen=True)
class TrailEvent:
    """One event as a person reads it: when, who (name and role), what (a sentence) and its chain position."""

    seq: int
    at: str | None
    actor: str
    action: str
    subject_type: str
    subject_id: str
    summary: str
    before: Any
    after: Any
    hash: str
    #: what the event is about, when the trail covers more than one subject ("claim CLM-001", "the quote")
    subject_label: str = ""


@dataclass(frozen=True)
class Trail:
    subject_type: str
    subject_id: str
    events: list[TrailEvent]
    truncated: bool


def _usd(value: Any) -> str:
    try:
        return f"${Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def describe(action: str, before: Any, after: Any) -> str:
    """A sentence for an event (the figures as the event recorded them)."""
    a, b = after or {}, before or {}
    if action == "claim.notice":
        return (f"First notice of loss: claim {a.get('claim_number')} opened on policy {a.get('policy_number')} "
                f"({a.get('cause', '').replace('_', ' ')}, discovered {a.get('discovered')})")
    if action == "claim.decision":
        return f"Claim {a.get('claim_number')} opened and adjudicated: {_usd(a.get('total_payable'))} payable"
    if action == "claim.adjudicate":
        return (f"Loss lines entered: {a.get('lines')} line(s), {_usd(a.get('total_claimed'))} claimed, "
                f"{_usd(a.get('total_payable'))} allowed (was {_usd(b.get('allowed'))})")
    if action == "claim.reserve":
        return f"Reserve set to {_usd(a.get('amount'))} (was {_usd(b.get('reserve'))})"
    if action == "claim.pay":
        return f"Payment of {_usd(a.get('amount'))}: paid to date {_usd(a.get('paid'))}"
    if action == "claim.close":
        return f"Claim closed: {_usd(a.get('amount'))} of reserve released, {_usd(a.get('paid'))} paid in all"
    if action == "policy.bind":
        premium = f" at a premium of {_usd(a['premium'])}" if a.get("premium") is not None else ""
        return f"Policy {a.get('policy_number', '')} bound ({a.get('decision', 'quote')} option){premium}"
    if action == "quote.decision":
        opts = a.get("options") or []
        counts = {d: sum(1 for o in opts if o.get("decision") == d) for d in ("quote", "refer", "decline")}
        return (f"Quoted: {len(opts)} option(s), " + ", ".join(f"{n} {d}" for d, n in counts.items() if n)
                if opts else "Quoted")
    if action == "incident.record":
        return (f"Incident recorded: discovered {a.get('discovered')}, {a.get('obligations')} notice(s) to give"
                + ("" if a.get("reportable", True) else ", not reportable"))
    if action == "incident.playbook_progress":
        return f"Breach playbook: {len(a.get('done', []))} step(s) done (was {len(b.get('done', []))})"
    return action.replace(".", ": ").replace("_", " ")


def trail(uow: UnitOfWork, principal: Principal, subject_type: str, subject_id: str) -> Trail:
    """The events of a claim (with its incident's) or of a policy (with its quote's and its claims'), oldest
    first, for the carrier's claims adjuster or admin (``claim.audit.read``). The subject must be visible to the
    caller (else NotFound)."""
    if subject_type not in ("claim", "policy"):
        raise ValueError(subject_type)
    with uow.reading(principal.scope) as tx:
        subject = (tx.claims if subject_type == "claim" else tx.policies).get(subject_id)
        if subject is None:
            raise not_found(subject_type, subject_id)
        require(principal, "claim.audit.read")
        if principal.organisation_kind != OrgKind.CARRIER:
            raise Forbidden("only the carrier's people may read the audit trail")
        labels: dict[str, str] = {subject.id: ""}
        if subject_type == "claim":
            if subject.incident_id:
                labels[subject.incident_id] = "its incident"
        else:
            claims, _ = tx.claims.list({"policy_id": subject.id}, Order("created_at", False, "id"), 200, 0)
            if subject.quote_id:
                labels[subject.quote_id] = "the quote"
            labels.update({c.id: f"claim {c.claim_number}" for c in claims})
        ids = list(labels)
    with uow.reading() as tx:
        events: list[AuditEvent] = []
        more = False
        for ident in ids:
            rows, total = tx.audit.list({"carrier_id": principal.carrier_id, "subject_id": ident},
                                        Order("seq", False, "seq"), MAX_TRAIL, 0)
            events += rows
            more = more or total > len(rows)
        events.sort(key=lambda e: e.seq)
        names: dict[str, str] = {}
        for e in events:
            if e.actor_id not in names:
                user = tx.users.get(e.actor_id)
                names[e.actor_id] = "someone no longer known" if user is None else \
                    f"{user.name or user.email} ({_ROLE_WORDS.get(user.role, user.role)})"
        out = [TrailEvent(e.seq, iso(e.at), names[e.actor_id], e.action, e.subject_type, e.subject_id,
                          describe(e.action, e.before, e.after), e.before, e.after, e.hash, labels[e.subject_id])
               for e in events[:MAX_TRAIL]]
        return Trail(subject_type, subject_id, out, more or len(events) > MAX_TRAIL)


@dataclass(frozen=True)
class MoneyMismatch:
    """A claim whose stored money differs from what its ledger and its last audited event say."""

    claim_id: str
    column: str
    stored: str
    expected: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"claim_id": self.claim_id, "column": self.column, "stored": self.stored, "expected": self.expected,
                "source": self.source}


def check_money(uow: UnitOfWork, batch: int = 500) -> list[MoneyMismatch]:
    """Recompute every claim's paid, reserve and status from its ledger (:meth:`ClaimLedger.restore`) and compare
    them with the stored columns and with the claim's last event in the chain: a direct edit of a money column
    (``UPDATE claims SET paid = ...``) shows here even though no audit event was touched."""
    from cyberrx.app.claims import audited_state, ledger_state

    out: list[MoneyMismatch] = []
    with uow.reading() as tx:
        last_event: dict[str, dict[str, Any]] = {}
        after_seq = 0
        while rows := tx.audit.after(after_seq, batch):
            for e in rows:
                if e.subject_type == "claim" and e.after is not None and "paid" in e.after:
                    last_event[e.subject_id] = e.after
            after_seq = rows[-1].seq
        offset = 0
        while True:
            claims_page, _ = tx.claims.list({}, Order("created_at", False, "id"), batch, offset)
            if not claims_page:
                break
            for c in claims_page:
                stored = audited_state(c)
                for source, expected in (("ledger", ledger_state(c, tx.ledger.entries(c.id))),
                                         ("audit", last_event.get(c.id))):
                    if expected is None:
                        continue
                    for column in ("paid", "reserve", "status"):
                        if str(expected.get(column)) != str(stored[column]):
                            out.append(MoneyMismatch(c.id, column, str(stored[column]), str(expected.get(column)),
                                                     source))
            offset += batch
    return out


__all__ = ["ANONYMOUS", "GENESIS", "MAX_TRAIL", "OPERATOR", "ChainReport", "MoneyMismatch", "Trail", "TrailEvent",
           "body_of", "chain_hash", "check_money", "describe", "event_dict", "list_events", "record", "record_as",
           "trail", "verify"]
