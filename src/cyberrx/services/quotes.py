"""Quotes stored for a practice (:func:`cyberrx.services.quote.quote`), and binding a policy from one option.

A quote keeps the profile version, trials, seed, effective date and every option as computed (premium, technical
price, decision and reasons, the policy terms it would be issued on). Each quote is an underwriting decision and
is audited (``quote.decision``); binding takes the option's terms unchanged, freezes them in the policy, and is
audited (``policy.bind``). A declined option cannot be bound.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cyberrx.errors import Conflict, InvalidInput
from cyberrx.services import audit
from cyberrx.services.authz import Principal, not_found, require, scope
from cyberrx.services.common import Page, PageRequest, iso, json_safe, new_id, paginate, utcnow
from cyberrx.services.policies import policy_dict
from cyberrx.services.practices import check_profile, latest_version, visible_practice
from cyberrx.services.quote import quote
from cyberrx.store import Store
from cyberrx.store.models import Policy, Quote


def quote_dict(q: Quote, *, with_result: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "practice_id": q.practice_id, "profile_version_id": q.profile_version_id,
                           "trials": q.trials, "seed": int(q.seed), "effective": q.effective,
                           "created_at": iso(q.created_at), "created_by": q.created_by}
    options = q.result.get("options", [])
    out["decisions"] = [o["decision"] for o in options]
    if with_result:
        out["result"] = q.result
    return out


def create(store: Store, principal: Principal, practice_id: str, trials: int | None = None,
           seed: int | None = None, effective: date | None = None, max_trials: int = 10_000_000) -> dict[str, Any]:
    """Quote the practice's latest profile on the default grid of limits and retentions."""
    if trials is not None and trials > max_trials:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {max_trials:,}")
    with store.read() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "quote.create")
        pv = latest_version(s, org.id)
        carrier_id, brokerage_id = org.carrier_id, org.brokerage_id
    result = quote(check_profile(pv.profile), trials=trials, seed=seed, effective=effective)
    doc = json_safe(result.to_dict())
    q = Quote(id=new_id(), carrier_id=carrier_id, brokerage_id=brokerage_id, practice_id=practice_id,
              profile_version_id=pv.id, trials=result.trials, seed=result.seed,
              effective=(effective or date.today()).isoformat(), result=doc, created_at=utcnow(),
              created_by=principal.user_id)
    with store.write() as s:
        s.add(q)
        s.flush()
        audit.record(s, principal, "quote.decision", "quote", q.id, None,
                     {"practice_id": practice_id, "profile_version_id": pv.id, "versions": doc.get("versions"),
                      "options": [{"limit": o["limit"], "retention": o["retention"], "premium": o["premium"],
                                   "decision": o["decision"]} for o in doc["options"]]})
        return quote_dict(q)


def get(store: Store, principal: Principal, quote_id: str) -> dict[str, Any]:
    with store.read() as s:
        q = s.execute(select(Quote).where(Quote.id == quote_id, scope(principal, Quote))).scalar_one_or_none()
        if q is None:
            raise not_found("quote", quote_id)
        require(principal, "quote.read")
        return quote_dict(q)


def list_quotes(store: Store, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "quote.read")
    stmt = select(Quote).where(scope(principal, Quote))
    if practice_id:
        stmt = stmt.where(Quote.practice_id == practice_id)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Quote.created_at}, Quote.id)
        return Page([quote_dict(q, with_result=False) for q in rows], total, page.limit, page.offset)


def bind(store: Store, principal: Principal, quote_id: str, option: int) -> dict[str, Any]:
    """Bind option number ``option`` (0-based, in the quote's order) as a policy; its terms are frozen."""
    try:
        with store.write() as s:
            q = s.execute(select(Quote).where(Quote.id == quote_id, scope(principal, Quote))).scalar_one_or_none()
            if q is None:
                raise not_found("quote", quote_id)
            require(principal, "policy.bind")
            options = q.result["options"]
            if not 0 <= option < len(options):
                raise InvalidInput(f"the quote has no option {option}", field="option",
                                   allowed=f"0 to {len(options) - 1}")
            chosen = options[option]
            if chosen["decision"] == "decline":
                raise Conflict(f"option {option} was declined: {'; '.join(chosen['reasons'])}")
            terms = chosen["policy_terms"]
            p = Policy(id=new_id(), carrier_id=q.carrier_id, brokerage_id=q.brokerage_id, practice_id=q.practice_id,
                       policy_number=terms["policy_number"], terms=terms, quote_id=q.id, bound_at=utcnow(),
                       bound_by=principal.user_id)
            s.add(p)
            s.flush()
            audit.record(s, principal, "policy.bind", "policy", p.id, None,
                         {"policy_number": p.policy_number, "quote_id": q.id, "option": option,
                          "decision": chosen["decision"], "premium": chosen["premium"], "terms": terms})
            return policy_dict(p)
    except IntegrityError:
        raise Conflict("a policy with this number is already bound") from None


__all__ = ["bind", "create", "get", "list_quotes"]
