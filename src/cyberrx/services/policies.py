"""Policies: bound by an underwriter for a practice, with the terms frozen as bound (never edited afterwards).

Binding is audited (``policy.bind``). Until quotes exist in the service, the underwriter binds the terms
directly; ``quote_id`` records the quote option a policy was bound from once there is one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cyberrx.domain.policy import parse_policy
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.services import audit
from cyberrx.services.authz import Principal, not_found, require, scope
from cyberrx.services.common import Page, PageRequest, iso, new_id, paginate, utcnow
from cyberrx.services.practices import visible_practice
from cyberrx.store import Store
from cyberrx.store.models import Policy


def policy_dict(p: Policy) -> dict[str, Any]:
    return {"id": p.id, "policy_number": p.policy_number, "practice_id": p.practice_id, "terms": p.terms,
            "quote_id": p.quote_id, "bound_at": iso(p.bound_at), "bound_by": p.bound_by}


def bind(store: Store, principal: Principal, practice_id: str, terms: Any) -> dict[str, Any]:
    """Bind a policy on ``terms`` for the practice; the terms are checked and then frozen."""
    try:
        checked = parse_policy(terms)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"terms.{exc.field}" if exc.field else "terms",
                           allowed=exc.allowed) from None
    try:
        with store.write() as s:
            org = visible_practice(s, principal, practice_id)
            require(principal, "policy.bind")
            p = Policy(id=new_id(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id, practice_id=org.id,
                       policy_number=checked.policy_number, terms=terms, quote_id=None, bound_at=utcnow(),
                       bound_by=principal.user_id)
            s.add(p)
            s.flush()
            audit.record(s, principal, "policy.bind", "policy", p.id, None,
                         {"policy_number": p.policy_number, "practice_id": org.id, "terms": terms})
            return policy_dict(p)
    except IntegrityError:
        raise Conflict(f"policy number {checked.policy_number} is already bound") from None


def get(store: Store, principal: Principal, policy_id: str) -> dict[str, Any]:
    with store.read() as s:
        p = s.execute(select(Policy).where(Policy.id == policy_id, scope(principal, Policy))).scalar_one_or_none()
        if p is None:
            raise not_found("policy", policy_id)
        require(principal, "policy.read")
        return policy_dict(p)


def list_policies(store: Store, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "policy.read")
    stmt = select(Policy).where(scope(principal, Policy))
    if practice_id:
        stmt = stmt.where(Policy.practice_id == practice_id)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Policy.bound_at, "bound_at": Policy.bound_at,
                                               "policy_number": Policy.policy_number}, Policy.id)
        return Page([policy_dict(p) for p in rows], total, page.limit, page.offset)


__all__ = ["bind", "get", "list_policies"]
