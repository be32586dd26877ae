"""Policies: bound by an underwriter for a practice, with the terms frozen as bound (never edited afterwards).

Binding is audited (``policy.bind``). The underwriter binds terms directly (:func:`bind`) or an option of a quote
(:func:`cyberrx.app.quotes.bind`); ``quote_id`` records the quote option a policy was bound from.
"""

from __future__ import annotations

from typing import Any

from cyberrx.adapters.store import Duplicate
from cyberrx.adapters.store.tables import Policy
from cyberrx.app import audit
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, money, order_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.practices import visible_practice
from cyberrx.domain.policy import parse_policy
from cyberrx.errors import Conflict, InvalidInput


def policy_dict(p: Policy) -> dict[str, Any]:
    return {"id": p.id, "policy_number": p.policy_number, "practice_id": p.practice_id, "terms": p.terms,
            "quote_id": p.quote_id, "bound_at": iso(p.bound_at), "bound_by": p.bound_by,
            "quote_option": p.quote_option, "premium": money(p.premium),
            "technical_premium": money(p.technical_premium), "segment": p.segment}


def bind(uow: UnitOfWork, principal: Principal, practice_id: str, terms: Any, *,
         ports: Ports | None = None) -> dict[str, Any]:
    """Bind a policy on ``terms`` for the practice; the terms are checked and then frozen."""
    ports = ports or default_ports()
    try:
        checked = parse_policy(terms)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"terms.{exc.field}" if exc.field else "terms",
                           allowed=exc.allowed) from None
    try:
        with uow.writing(principal.scope) as tx:
            org = visible_practice(tx, practice_id)
            require(principal, "policy.bind")
            p = tx.policies.add(Policy(id=ports.ids.new(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id,
                                       practice_id=org.id, policy_number=checked.policy_number, terms=terms,
                                       quote_id=None, bound_at=ports.clock.now(), bound_by=principal.user_id,
                                       quote_option=None, premium=None, technical_premium=None, segment=None,
                                       profile_version_id=None))
            audit.record(tx, ports.clock, principal, "policy.bind", "policy", p.id, None,
                         {"policy_number": p.policy_number, "practice_id": org.id, "terms": terms})
            tx.commit()
            return policy_dict(p)
    except Duplicate:
        raise Conflict(f"policy number {checked.policy_number} is already bound") from None


def get(uow: UnitOfWork, principal: Principal, policy_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        p = tx.policies.get(policy_id)
        if p is None:
            raise not_found("policy", policy_id)
        require(principal, "policy.read")
        return policy_dict(p)


def list_policies(uow: UnitOfWork, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "policy.read")
    order = order_of(page, {"created_at": "bound_at", "bound_at": "bound_at", "policy_number": "policy_number"},
                     "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.policies.list({"practice_id": practice_id} if practice_id else {}, order, page.limit,
                                       page.offset)
        return Page([policy_dict(p) for p in rows], total, page.limit, page.offset)


__all__ = ["bind", "get", "list_policies", "policy_dict"]
