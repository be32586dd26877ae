"""Claims on bound policies: adjudication (:mod:`cyberrx.claims`), then reserves and payments in a stored ledger.

Money is ``Decimal`` usd to the cent. The rules of the ledger are :class:`cyberrx.claims.ClaimLedger`'s (payments
never above what adjudication allows, the reserve never above what remains, nothing on a closed claim, and the
idempotency of each change's key): a change restores the claim's ledger from its stored entries
(:meth:`ClaimLedger.restore`), applies one change to it and stores the new entry and the claim's money, in one
unit of work with the audit event.

Concurrency: the claim's ``version`` is its ETag. The claim's money is written only if its version is still the
one read (the repository raises ``ConcurrentChange`` otherwise) and the ledger's ``(claim, key)`` and
``(claim, seq)`` are unique; when another change got there first the whole use case is run again on fresh state
(or, when the client sent ``If-Match`` with an older version, refused with :class:`PreconditionFailed`). A key
repeated with the same request is answered with the entry it made the first time; with another request it is a
Conflict.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from cyberrx.adapters.store import ConcurrentChange, Duplicate
from cyberrx.adapters.store.tables import Claim, LedgerEntry
from cyberrx.app import audit, incidents
from cyberrx.app.authz import Forbidden, OrgKind, Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, json_safe, money, order_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.claims import ClaimLedger, EntryKind, adjudicate
from cyberrx.claims.ledger import LedgerEntry as Entry
from cyberrx.domain.claim import parse_claim, parse_claim_incident
from cyberrx.domain.policy import parse_policy
from cyberrx.errors import Conflict, InvalidInput

MAX_RETRIES = 20
ZERO = Decimal(0)
_ACTIONS = {EntryKind.PAYMENT: "claim.pay", EntryKind.RESERVE: "claim.reserve", EntryKind.CLOSED: "claim.close"}


class PreconditionFailed(Conflict):
    """``If-Match`` named a version of the claim that is no longer current (HTTP 412)."""


def etag(version: int) -> str:
    return f'"{version}"'


def _matches(if_match: str | None, version: int) -> bool:
    if if_match is None or if_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    return etag(version) in tags


def claim_dict(c: Claim, *, with_details: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
           "id": c.id, "claim_number": c.claim_number, "policy_id": c.policy_id, "practice_id": c.practice_id,
           "status": c.status, "allowed": money(c.allowed), "reserve": money(c.reserve), "paid": money(c.paid),
           "version": c.version, "created_at": iso(c.created_at), "incident_id": c.incident_id,
           "description": c.description}
    if with_details:
        out["claim"] = c.claim
        out["adjudication"] = c.adjudication
    return out


def entry_dict(e: LedgerEntry) -> dict[str, Any]:
    return {"seq": e.seq, "kind": e.kind, "amount": money(e.amount), "idempotency_key": e.idempotency_key,
            "note": e.note, "reserve_after": money(e.reserve_after), "paid_after": money(e.paid_after),
            "created_at": iso(e.created_at), "created_by": e.created_by}


def _state(c: Claim) -> dict[str, Any]:
    return {"status": c.status, "allowed": money(c.allowed), "reserve": money(c.reserve), "paid": money(c.paid),
            "version": c.version}


def _visible_claim(tx: Any, claim_id: str) -> Claim:
    c = tx.claims.get(claim_id)
    if c is None:
        raise not_found("claim", claim_id)
    return c  # type: ignore[no-any-return]


def audited_state(c: Claim) -> dict[str, Any]:
    """The money state of a claim as the audit records it (money as strings of cents)."""
    return _state(c)


def ledger_state(c: Claim, rows: list[LedgerEntry]) -> dict[str, Any] | None:
    """The paid, reserve and status the claim's ledger adds up to (None when it has no entries)."""
    if not rows:
        return None
    ledger = ClaimLedger.restore(c.id, [_stored(r) for r in sorted(rows, key=lambda r: r.seq)])
    return {"paid": money(ledger.paid), "reserve": money(ledger.reserve), "status": ledger.status}


def _stored(row: LedgerEntry) -> Entry:
    """A stored ledger row as the domain ledger's entry."""
    return Entry(row.seq, EntryKind(row.kind), Decimal(row.amount), row.idempotency_key, row.note,
                 Decimal(row.reserve_after), Decimal(row.paid_after), row.request_hash)


def _row(claim_id: str, e: Entry, ports: Ports, principal: Principal) -> LedgerEntry:
    return LedgerEntry(claim_id=claim_id, seq=e.seq, kind=e.kind.value, amount=e.amount, idempotency_key=e.key,
                       request_hash=e.request, note=e.note, reserve_after=e.reserve_after, paid_after=e.paid_after,
                       created_at=ports.clock.now(), created_by=principal.user_id)


# ---- opening a claim: adjudication ------------------------------------------------------------------------
def open_claim(uow: UnitOfWork, principal: Principal, policy_id: str, claim_doc: Any, *,
               incident_id: str | None = None, ports: Ports | None = None) -> dict[str, Any]:
    """Adjudicate a claim on a bound policy after the policy's earlier claims, and open its ledger with the
    allowed amount reserved; ``incident_id``: the insured practice's incident it arises from, if linked.
    Audited as ``claim.decision``."""
    ports = ports or default_ports()
    try:
        claim = parse_claim(claim_doc)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"claim.{exc.field}" if exc.field else "claim",
                           allowed=exc.allowed) from None
    try:
        with uow.writing(principal.scope) as tx:
            # the policy row is locked so claims on one policy are adjudicated one after the other
            policy = tx.policies.get(policy_id, lock=True)
            if policy is None:
                raise not_found("policy", policy_id)
            require(principal, "claim.create")
            if incident_id is not None:
                _insured_practices_incident(tx, incident_id, policy)
            terms = parse_policy(policy.terms)
            if claim.policy_number != policy.policy_number:
                raise InvalidInput(f"the claim is on policy {claim.policy_number!r}, not {policy.policy_number!r}",
                                   field="claim.policy_number", allowed=policy.policy_number)
            docs = tx.claims.docs_on_policy(policy.id)
            if any(d.get("claim_id") == claim.claim_id for d in docs):
                raise Conflict(f"claim {claim.claim_id} is already open on policy {policy.policy_number}")
            history = [parse_claim(doc) for doc in docs if doc.get("losses")]   # a first notice pays nothing yet
            if any(h.claim_id == claim.claim_id for h in history):
                raise Conflict(f"claim {claim.claim_id} is already open on policy {policy.policy_number}")
            result = adjudicate(terms, claim, history)
            ledger = ClaimLedger.from_adjudication(result, f"open:{claim.claim_id}")
            row = tx.claims.add(Claim(id=ports.ids.new(), carrier_id=policy.carrier_id,
                                      brokerage_id=policy.brokerage_id, practice_id=policy.practice_id,
                                      policy_id=policy.id, claim_number=claim.claim_id, claim=claim_doc,
                                      adjudication=json_safe(result.to_dict()), status=ledger.status,
                                      allowed=ledger.allowed, reserve=ledger.reserve, paid=ledger.paid, version=1,
                                      created_at=ports.clock.now(), created_by=principal.user_id,
                                      incident_id=incident_id))
            tx.ledger.add(_row(row.id, ledger.entries[0], ports, principal))
            audit.record(tx, ports.clock, principal, "claim.decision", "claim", row.id, None,
                         {"claim_number": claim.claim_id, "status": result.status,
                          "denial_reasons": list(result.denial_reasons),
                          "total_payable": money(result.total_payable), **_state(row)})
            tx.commit()
            return claim_dict(row)
    except Duplicate:
        raise Conflict(f"claim {claim.claim_id} is already open on this policy") from None


# ---- first notice of loss and loss lines -------------------------------------------------------------------
MAX_DESCRIPTION = 4000
MAX_LINES = 50


def require_carrier(principal: Principal, action: str) -> None:
    """The adjuster's work is the carrier's: ``action`` by role, and the caller's organisation the carrier."""
    require(principal, action)
    if principal.organisation_kind != OrgKind.CARRIER:
        raise Forbidden(f"only the carrier's people may do {action}")


def _notice_incident(notice: dict[str, Any], today: date) -> dict[str, Any]:
    """The claim's incident from a first notice (cause, occurred, discovered, reported; controls if given),
    checked, with no date after ``today``."""
    doc = {k: notice[k] for k in ("cause", "occurred", "discovered", "reported", "controls")
           if notice.get(k) not in (None, "")}
    try:
        inc = parse_claim_incident(doc)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"notice.{exc.field}" if exc.field else "notice",
                           allowed=exc.allowed) from None
    for name in ("occurred", "discovered", "reported"):
        day = getattr(inc, name)
        if day is not None and day > today:
            raise InvalidInput(f"{name} {day.isoformat()} is after today", field=f"notice.{name}",
                               allowed=f"a date on or before {today.isoformat()}")
    return json_safe(inc.model_dump(exclude_none=True, exclude_defaults=True))  # type: ignore[no-any-return]


def open_notice(uow: UnitOfWork, principal: Principal, policy_id: str, notice: dict[str, Any], *,
                incident_id: str | None = None, new_incident: dict[str, Any] | None = None,
                ports: Ports | None = None) -> dict[str, Any]:
    """Open a claim on a bound policy from a first notice of loss (``notice``: ``cause``, ``occurred``,
    ``discovered``, ``reported``, ``description``), before its losses are known: no adjudication yet, a ledger
    opened at $0.00 allowed. The claim is linked to the practice's incident ``incident_id``, or to
    ``new_incident`` recorded now (its breach deadlines worked out from discovery). Audited as ``claim.notice``
    (and ``incident.record``), all in one unit of work."""
    ports = ports or default_ports()
    today = ports.clock.now().date()
    description = str(notice.get("description") or "").strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise InvalidInput("describe what happened", field="notice.description",
                           allowed=f"1 to {MAX_DESCRIPTION} characters")
    incident_doc = _notice_incident(notice, today)
    if (incident_id is None) == (new_incident is None):
        raise InvalidInput("link the practice's incident, or record a new one", field="incident_id",
                           allowed="an incident of the insured practice, or a new incident")
    checked_new = incidents.checked(new_incident, today) if new_incident is not None else None
    for _ in range(MAX_RETRIES):
        try:
            return _open_notice_once(uow, ports, principal, policy_id, notice, description, incident_doc,
                                     incident_id, new_incident, checked_new, today)
        except Duplicate:       # the claim number drawn is taken on this policy: draw another
            continue
    raise Conflict("no free claim number: try again")


def _insured_practices_incident(tx: Any, incident_id: str, policy: Any) -> Any:
    """The incident ``incident_id`` when it is one of the insured practice's; InvalidInput otherwise."""
    linked = tx.incidents.get(incident_id)
    if linked is None or linked.practice_id != policy.practice_id:
        raise InvalidInput(f"incident {incident_id} is not one of the insured practice's",
                           field="incident_id", allowed="an incident of the insured practice")
    return linked


def _open_notice_once(uow: UnitOfWork, ports: Ports, principal: Principal, policy_id: str, notice: dict[str, Any],
                      description: str, incident_doc: dict[str, Any], incident_id: str | None,
                      new_incident: dict[str, Any] | None, checked_new: Any, today: date) -> dict[str, Any]:
    with uow.writing(principal.scope) as tx:
        policy = tx.policies.get(policy_id, lock=True)
        if policy is None:
            raise not_found("policy", policy_id)
        require_carrier(principal, "claim.create")
        if incident_id is not None:
            linked = _insured_practices_incident(tx, incident_id, policy)
        else:
            assert new_incident is not None and checked_new is not None
            org = tx.organisations.get(policy.practice_id)
            linked = incidents.add(tx, ports, principal, org, new_incident, *checked_new)
        number = f"CLM-{today:%Y}-{ports.ids.new()[-6:].upper()}"
        doc = {"claim_id": number, "policy_number": policy.policy_number, "incident": incident_doc, "losses": []}
        ledger = ClaimLedger(number, ZERO, f"open:{number}")
        row = tx.claims.add(Claim(id=ports.ids.new(), carrier_id=policy.carrier_id,
                                  brokerage_id=policy.brokerage_id, practice_id=policy.practice_id,
                                  policy_id=policy.id, claim_number=number, claim=doc, adjudication=None,
                                  status=ledger.status, allowed=ledger.allowed, reserve=ledger.reserve,
                                  paid=ledger.paid, version=1, created_at=ports.clock.now(),
                                  created_by=principal.user_id, incident_id=linked.id, description=description))
        tx.ledger.add(_row(row.id, ledger.entries[0], ports, principal))
        audit.record(tx, ports.clock, principal, "claim.notice", "claim", row.id, None,
                     {"claim_number": number, "policy_number": policy.policy_number, "incident_id": linked.id,
                      **incident_doc, **_state(row)})
        tx.commit()
        return claim_dict(row)


def history_before(tx: Any, c: Claim) -> list[Any]:
    """The claims opened on ``c``'s policy before it that have loss lines, as adjudicated in turn."""
    docs = tx.claims.docs_on_policy(c.policy_id)
    mine = next((i for i, d in enumerate(docs) if d.get("claim_id") == c.claim_number), len(docs))
    return [parse_claim(d) for d in docs[:mine] if d.get("losses")]


def lines_note(losses: list[dict[str, Any]], claimed: Decimal, payable: Decimal) -> str:
    """The ledger note of a loss-lines change: what it did, and a digest of the lines so that a different set
    of lines is never taken for a repeat of the same request."""
    digest = hashlib.sha256(json.dumps(losses, sort_keys=True, default=str).encode()).hexdigest()[:12]
    n = len(losses)
    return (f"loss lines adjudicated: {n} line{'s' if n != 1 else ''}, {claimed:,.2f} claimed, "
            f"{payable:,.2f} allowed (lines {digest})")


def _revise_once(uow: UnitOfWork, ports: Ports, principal: Principal, claim_id: str, losses: list[dict[str, Any]],
                 key: str, if_match: str | None) -> tuple[dict[str, Any], bool]:
    with uow.writing(principal.scope) as tx:
        c = _visible_claim(tx, claim_id)
        require_carrier(principal, "claim.adjudicate")
        doc = {**c.claim, "losses": losses}
        try:
            claim = parse_claim(doc)
        except InvalidInput as exc:
            raise InvalidInput(exc.args[0], field=exc.field, allowed=exc.allowed) from None
        policy = tx.policies.get(c.policy_id)
        result = adjudicate(parse_policy(policy.terms), claim, history_before(tx, c))
        rows = tx.ledger.entries(c.id)
        ledger = ClaimLedger.restore(c.id, [_stored(r) for r in rows])
        note = lines_note(losses, result.total_claimed, result.total_payable)
        if ledger.replayed(key, EntryKind.ALLOWED, result.total_payable, note) is not None:
            return claim_dict(c), False
        if not _matches(if_match, c.version):
            raise PreconditionFailed(f"claim {c.claim_number} is at version {etag(c.version)}, not {if_match}: "
                                     "read it again and retry")
        if ledger.closed:
            raise Conflict(f"claim {c.claim_number} is closed: its loss lines cannot change")
        before = {**_state(c), "lines": len(c.claim.get("losses", []))}
        entry = ledger.revise_allowed(result.total_payable, key, note)
        tx.claims.set_money(c, c.version, paid=ledger.paid, reserve=ledger.reserve, status=ledger.status)
        c.claim, c.adjudication, c.allowed = doc, json_safe(result.to_dict()), ledger.allowed
        tx.ledger.add(_row(c.id, entry, ports, principal))
        audit.record(tx, ports.clock, principal, "claim.adjudicate", "claim", c.id, before,
                     {**_state(c), "lines": len(losses), "adjudication": result.status,
                      "total_claimed": money(result.total_claimed), "total_payable": money(result.total_payable),
                      "idempotency_key": key})
        tx.commit()
        return claim_dict(c), True


def revise_losses(uow: UnitOfWork, principal: Principal, claim_id: str, losses: list[dict[str, Any]], key: str,
                  if_match: str | None = None, *, ports: Ports | None = None) -> tuple[dict[str, Any], bool]:
    """Enter or replace the claim's loss lines and adjudicate it again after the policy's earlier claims: the
    allowed amount becomes the new total payable (never below what was already paid; the reserve is kept within
    it). Idempotent by ``key`` and version-checked by ``if_match`` as :func:`change`; ``(claim, created)``."""
    ports = ports or default_ports()
    if not key or len(key) > 200:
        raise InvalidInput("an idempotency key is required", field="Idempotency-Key", allowed="1 to 200 characters")
    if not losses or len(losses) > MAX_LINES:
        raise InvalidInput(f"{len(losses)} loss lines", field="losses", allowed=f"1 to {MAX_LINES} lines")
    for _ in range(MAX_RETRIES):
        try:
            return _revise_once(uow, ports, principal, claim_id, losses, key, if_match)
        except (ConcurrentChange, Duplicate):
            continue
    raise Conflict(f"claim {claim_id} is changing too often to apply this change: try again")


# ---- money changes ----------------------------------------------------------------------------------------
def _apply(ledger: ClaimLedger, kind: EntryKind, amount: Decimal | None, key: str, note: str) -> Entry:
    if kind == EntryKind.PAYMENT:
        assert amount is not None
        return ledger.pay(amount, key, note)
    if kind == EntryKind.RESERVE:
        assert amount is not None
        return ledger.set_reserve(amount, key, note)
    return ledger.close(key, note)


def _change_once(uow: UnitOfWork, ports: Ports, principal: Principal, claim_id: str, kind: EntryKind,
                 amount: Decimal | None, key: str, note: str,
                 if_match: str | None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    action = _ACTIONS[kind]
    with uow.writing(principal.scope) as tx:
        c = _visible_claim(tx, claim_id)
        require(principal, action)
        rows = tx.ledger.entries(c.id)
        ledger = ClaimLedger.restore(c.id, [_stored(r) for r in rows])
        done = ledger.replayed(key, kind, amount, note)
        if done is not None:
            return claim_dict(c), entry_dict(next(r for r in rows if r.seq == done.seq)), False
        if not _matches(if_match, c.version):
            raise PreconditionFailed(f"claim {claim_id} is at version {etag(c.version)}, not {if_match}: "
                                     "read it again and retry")
        before = _state(c)
        entry = _apply(ledger, kind, amount, key, note)
        tx.claims.set_money(c, c.version, paid=ledger.paid, reserve=ledger.reserve, status=ledger.status)
        row = tx.ledger.add(_row(c.id, entry, ports, principal))
        audit.record(tx, ports.clock, principal, action, "claim", c.id, before,
                     {**_state(c), "amount": money(entry.amount), "idempotency_key": key})
        tx.commit()
        return claim_dict(c), entry_dict(row), True


def change(uow: UnitOfWork, principal: Principal, claim_id: str, kind: EntryKind, amount: Decimal | None, key: str,
           note: str = "", if_match: str | None = None, *,
           ports: Ports | None = None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Apply one money change; ``(claim, ledger entry, created)`` (``created`` False for a replayed key)."""
    ports = ports or default_ports()
    if not key or len(key) > 200:
        raise InvalidInput("an Idempotency-Key header is required", field="Idempotency-Key",
                           allowed="1 to 200 characters")
    for _ in range(MAX_RETRIES):
        try:
            return _change_once(uow, ports, principal, claim_id, kind, amount, key, note, if_match)
        except (ConcurrentChange, Duplicate):
            # another change won the race: run again on fresh state (a repeat of the winner's key is replayed;
            # an If-Match on the old version is then refused as stale)
            continue
    raise Conflict(f"claim {claim_id} is changing too often to apply this change: try again")


# ---- queries ----------------------------------------------------------------------------------------------
def get(uow: UnitOfWork, principal: Principal, claim_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        c = _visible_claim(tx, claim_id)
        require(principal, "claim.read")
        return claim_dict(c)


def ledger(uow: UnitOfWork, principal: Principal, claim_id: str) -> list[dict[str, Any]]:
    with uow.reading(principal.scope) as tx:
        c = _visible_claim(tx, claim_id)
        require(principal, "claim.read")
        return [entry_dict(e) for e in tx.ledger.entries(c.id)]


def list_claims(uow: UnitOfWork, principal: Principal, page: PageRequest, policy_id: str | None = None,
                status: str | None = None) -> Page:
    require(principal, "claim.read")
    where = {k: v for k, v in (("policy_id", policy_id), ("status", status)) if v}
    order = order_of(page, {"created_at": "created_at", "paid": "paid", "claim_number": "claim_number"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.claims.list(where, order, page.limit, page.offset)
        return Page([claim_dict(c, with_details=False) for c in rows], total, page.limit, page.offset)


__all__ = ["PreconditionFailed", "change", "claim_dict", "etag", "get", "history_before", "ledger", "lines_note",
           "list_claims", "open_claim", "open_notice", "require_carrier", "revise_losses"]
