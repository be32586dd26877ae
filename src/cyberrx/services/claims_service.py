"""Claims on bound policies: adjudication (:mod:`cyberrx.claims`), then reserves and payments in a stored ledger.

Money is ``Decimal`` usd to the cent. The rules of the ledger are :class:`cyberrx.claims.ClaimLedger`'s (payments
never above what adjudication allows, the reserve never above what remains, nothing on a closed claim); this
module loads the claim's state into it, applies one change and stores the result, in one transaction with the
ledger entry and the audit event.

Concurrency: the claim's ``version`` is its ETag. Every change is a conditional update
(``... WHERE version = <the version read>``); if another change got there first the whole use case is retried
on fresh state (or, when the client sent ``If-Match`` with an older version, refused with
:class:`PreconditionFailed`). Idempotency: ``(claim, Idempotency-Key)`` is unique, so a repeated request is
answered with the entry it made the first time, and the same key with another request is a Conflict.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberrx.claims import ClaimLedger, EntryKind, adjudicate
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import parse_policy
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.services import audit
from cyberrx.services.authz import Principal, not_found, require, scope
from cyberrx.services.common import Page, PageRequest, iso, json_safe, money, new_id, paginate, utcnow
from cyberrx.store import Store
from cyberrx.store.models import Claim, LedgerEntry, Policy

MAX_RETRIES = 20


class PreconditionFailed(Conflict):
    """``If-Match`` named a version of the claim that is no longer current (HTTP 412)."""


class _Stale(Exception):
    """The claim changed between read and write: retry."""


def etag(version: int) -> str:
    return f'"{version}"'


def _matches(if_match: str | None, version: int) -> bool:
    if if_match is None or if_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    return etag(version) in tags


def claim_dict(c: Claim, *, with_details: bool = True) -> dict[str, Any]:
    out = {"id": c.id, "claim_number": c.claim_number, "policy_id": c.policy_id, "practice_id": c.practice_id,
           "status": c.status, "allowed": money(c.allowed), "reserve": money(c.reserve), "paid": money(c.paid),
           "version": c.version, "created_at": iso(c.created_at)}
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


def _visible_claim(s: Session, principal: Principal, claim_id: str) -> Claim:
    c = s.execute(select(Claim).where(Claim.id == claim_id, scope(principal, Claim))).scalar_one_or_none()
    if c is None:
        raise not_found("claim", claim_id)
    return c


# ---- opening a claim: adjudication ------------------------------------------------------------------------
def open_claim(store: Store, principal: Principal, policy_id: str, claim_doc: Any) -> dict[str, Any]:
    """Adjudicate a claim on a bound policy after the policy's earlier claims, and open its ledger with the
    allowed amount reserved. Audited as ``claim.decision``."""
    try:
        claim = parse_claim(claim_doc)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"claim.{exc.field}" if exc.field else "claim",
                           allowed=exc.allowed) from None
    try:
        with store.write() as s:
            # the policy row is locked so claims on one policy are adjudicated one after the other
            policy = s.execute(select(Policy).where(Policy.id == policy_id, scope(principal, Policy))
                               .with_for_update()).scalar_one_or_none()
            if policy is None:
                raise not_found("policy", policy_id)
            require(principal, "claim.create")
            terms = parse_policy(policy.terms)
            if claim.policy_number != policy.policy_number:
                raise InvalidInput(f"the claim is on policy {claim.policy_number!r}, not {policy.policy_number!r}",
                                   field="claim.policy_number", allowed=policy.policy_number)
            earlier = s.execute(select(Claim.claim).where(Claim.policy_id == policy.id)
                                .order_by(Claim.created_at, Claim.id)).scalars().all()
            history = [parse_claim(doc) for doc in earlier]
            if any(h.claim_id == claim.claim_id for h in history):
                raise Conflict(f"claim {claim.claim_id} is already open on policy {policy.policy_number}")
            result = adjudicate(terms, claim, history)
            key = f"open:{claim.claim_id}"
            ledger = ClaimLedger.from_adjudication(result, key)
            now = utcnow()
            row = Claim(id=new_id(), carrier_id=policy.carrier_id, brokerage_id=policy.brokerage_id,
                        practice_id=policy.practice_id, policy_id=policy.id, claim_number=claim.claim_id,
                        claim=claim_doc, adjudication=json_safe(result.to_dict()), status=ledger.status,
                        allowed=ledger.allowed, reserve=ledger.reserve, paid=ledger.paid, version=1, created_at=now,
                        created_by=principal.user_id)
            s.add(row)
            s.flush()
            s.add(LedgerEntry(claim_id=row.id, seq=0, kind=EntryKind.OPENED.value, amount=ledger.allowed,
                              idempotency_key=key, request_hash=_request_hash("opened", ledger.allowed, ""),
                              note="opened", reserve_after=ledger.reserve, paid_after=ledger.paid, created_at=now,
                              created_by=principal.user_id))
            audit.record(s, principal, "claim.decision", "claim", row.id, None,
                         {"claim_number": claim.claim_id, "status": result.status,
                          "denial_reasons": list(result.denial_reasons),
                          "total_payable": money(result.total_payable), **_state(row)})
            return claim_dict(row)
    except IntegrityError:
        raise Conflict(f"claim {claim.claim_id} is already open on this policy") from None


# ---- money changes ----------------------------------------------------------------------------------------
def _request_hash(kind: str, amount: Decimal | None, note: str) -> str:
    doc = json.dumps([kind, money(amount), note], separators=(",", ":"))
    return hashlib.sha256(doc.encode()).hexdigest()


def _ledger_of(c: Claim) -> ClaimLedger:
    """The stored claim's state as the domain ledger (its rules apply the next change)."""
    ledger = ClaimLedger(c.id, Decimal(c.allowed), "_load", reserve=Decimal(0))
    ledger.paid, ledger.reserve, ledger.closed = Decimal(c.paid), Decimal(c.reserve), c.status == "closed"
    return ledger


def _change_once(store: Store, principal: Principal, claim_id: str, kind: EntryKind, amount: Decimal | None,
                 key: str, note: str, if_match: str | None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    action = {EntryKind.PAYMENT: "claim.pay", EntryKind.RESERVE: "claim.reserve", EntryKind.CLOSED: "claim.close"}[kind]
    req_hash = _request_hash(kind.value, amount, note)
    with store.write() as s:
        c = _visible_claim(s, principal, claim_id)
        require(principal, action)
        done = s.execute(select(LedgerEntry).where(LedgerEntry.claim_id == c.id,
                                                   LedgerEntry.idempotency_key == key)).scalar_one_or_none()
        if done is not None:
            if done.request_hash != req_hash:
                raise Conflict(f"Idempotency-Key {key!r} was already used on this claim for another request "
                               f"({done.kind} {money(done.amount)})")
            return claim_dict(c), entry_dict(done), False
        if not _matches(if_match, c.version):
            raise PreconditionFailed(f"claim {claim_id} is at version {etag(c.version)}, not {if_match}: "
                                     "read it again and retry")
        before = _state(c)
        ledger = _ledger_of(c)
        if kind == EntryKind.PAYMENT:
            assert amount is not None
            ledger.pay(amount, key, note)
        elif kind == EntryKind.RESERVE:
            assert amount is not None
            ledger.set_reserve(amount, key, note)
        else:
            ledger.close(key, note)
        entry = ledger.entries[-1]
        changed = s.execute(update(Claim).where(Claim.id == c.id, Claim.version == c.version).values(
            paid=ledger.paid, reserve=ledger.reserve, status=ledger.status, version=c.version + 1))
        if changed.rowcount != 1:
            raise _Stale()
        seq = s.execute(select(LedgerEntry.seq).where(LedgerEntry.claim_id == c.id)
                        .order_by(LedgerEntry.seq.desc()).limit(1)).scalar_one() + 1
        row = LedgerEntry(claim_id=c.id, seq=seq, kind=kind.value, amount=entry.amount, idempotency_key=key,
                          request_hash=req_hash, note=note, reserve_after=ledger.reserve, paid_after=ledger.paid,
                          created_at=utcnow(), created_by=principal.user_id)
        s.add(row)
        s.flush()
        s.refresh(c)
        audit.record(s, principal, action, "claim", c.id, before,
                     {**_state(c), "amount": money(entry.amount), "idempotency_key": key})
        return claim_dict(c), entry_dict(row), True


def change(store: Store, principal: Principal, claim_id: str, kind: EntryKind, amount: Decimal | None, key: str,
           note: str = "", if_match: str | None = None) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Apply one money change; ``(claim, ledger entry, created)`` (``created`` False for a replayed key)."""
    if not key or len(key) > 200:
        raise InvalidInput("an Idempotency-Key header is required", field="Idempotency-Key",
                           allowed="1 to 200 characters")
    for _ in range(MAX_RETRIES):
        try:
            return _change_once(store, principal, claim_id, kind, amount, key, note, if_match)
        except (_Stale, IntegrityError):
            # another change won the race: run again on fresh state (a repeat of the winner's key is replayed;
            # an If-Match on the old version is then refused as stale)
            continue
    raise Conflict(f"claim {claim_id} is changing too often to apply this change: try again")


# ---- queries ----------------------------------------------------------------------------------------------
def get(store: Store, principal: Principal, claim_id: str) -> dict[str, Any]:
    with store.read() as s:
        c = _visible_claim(s, principal, claim_id)
        require(principal, "claim.read")
        return claim_dict(c)


def ledger(store: Store, principal: Principal, claim_id: str) -> list[dict[str, Any]]:
    with store.read() as s:
        c = _visible_claim(s, principal, claim_id)
        require(principal, "claim.read")
        rows = s.execute(select(LedgerEntry).where(LedgerEntry.claim_id == c.id).order_by(LedgerEntry.seq)
                         ).scalars().all()
        return [entry_dict(e) for e in rows]


def list_claims(store: Store, principal: Principal, page: PageRequest, policy_id: str | None = None,
                status: str | None = None) -> Page:
    require(principal, "claim.read")
    stmt = select(Claim).where(scope(principal, Claim))
    if policy_id:
        stmt = stmt.where(Claim.policy_id == policy_id)
    if status:
        stmt = stmt.where(Claim.status == status)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Claim.created_at, "paid": Claim.paid,
                                               "claim_number": Claim.claim_number}, Claim.id)
        return Page([claim_dict(c, with_details=False) for c in rows], total, page.limit, page.offset)


__all__ = ["PreconditionFailed", "change", "claim_dict", "etag", "get", "ledger", "list_claims", "open_claim"]
