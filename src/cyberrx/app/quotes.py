"""Quotes stored for a practice (:func:`cyberrx.app.underwrite.quote`), and binding a policy from one option.

A quote keeps the profile version, trials, seed, effective date and every option as computed (premium, technical
price, decision and reasons, the policy terms it would be issued on). Each quote is an underwriting decision and
is audited (``quote.decision``), and each referred option opens a referral (:mod:`cyberrx.app.referrals`).
Binding takes the option's terms unchanged but for the policy's own number (:func:`policy_number`), freezes them in
the policy with the option's premium, attaches the subjectivities (:mod:`cyberrx.app.subjectivities`), and is
audited (``policy.bind``). A declined option cannot be bound, a referred one only once its referral is approved,
and an option only once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cyberrx.adapters.store import Duplicate
from cyberrx.adapters.store.tables import Policy, Quote
from cyberrx.app import audit, referrals, subjectivities, throttle
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, as_utc, iso, json_safe, order_of
from cyberrx.app.policies import policy_dict
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.practices import check_profile, visible_practice
from cyberrx.app.resources import DEFAULT_RUN_BYTES, quote_footprint, refuse_if_too_big
from cyberrx.app.threats import threats_for
from cyberrx.app.underwrite import quote, technical_trials
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.underwriting import DEFAULT_LIMITS, DEFAULT_RETENTIONS

#: most distinct limits (and, separately, retentions) one quote may ask for; the largest amount, usd
MAX_AMOUNTS = 8
MAX_AMOUNT_USD = 100_000_000.0
#: a bound policy's number: ``CRX-P-<year of inception>-<the carrier's policy count, 6 digits>``
POLICY_NUMBER_PREFIX = "CRX-P"


def policy_number(period_start: str, policies_so_far: int) -> str:
    """The policy's own number (a quote option's ``CRX-Q-...`` number names the option, not the policy).

    >>> policy_number("2027-01-01", 41)
    'CRX-P-2027-000042'
    """
    return f"{POLICY_NUMBER_PREFIX}-{period_start[:4]}-{policies_so_far + 1:06d}"


def quote_dict(q: Quote, *, with_result: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "practice_id": q.practice_id, "profile_version_id": q.profile_version_id,
                           "trials": q.trials, "seed": int(q.seed), "effective": q.effective,
                           "created_at": iso(q.created_at), "created_by": q.created_by}
    options = q.result.get("options", [])
    out["decisions"] = [o["decision"] for o in options]
    if with_result:
        out["result"] = q.result
    return out


def create(uow: UnitOfWork, principal: Principal, practice_id: str, trials: int | None = None,
           seed: int | None = None, effective: date | None = None, max_trials: int = 10_000_000, *,
           limits: Sequence[float] | None = None, retentions: Sequence[float] | None = None,
           ports: Ports | None = None, memory_max_bytes: int = DEFAULT_RUN_BYTES,
           client: str | None = None) -> dict[str, Any]:
    """Quote the practice's latest profile: one option per limit x retention (usd; default the rate manual's
    grid, :data:`cyberrx.underwriting.DEFAULT_LIMITS` x :data:`~cyberrx.underwriting.DEFAULT_RETENTIONS`).
    A quote whose run would take more than ``memory_max_bytes`` is refused before it starts; quotes are
    rate-limited per ``client`` address and overall (:mod:`cyberrx.app.throttle`)."""
    ports = ports or default_ports()
    throttle.admit(ports, throttle.EXPENSIVE, client)
    if trials is not None and trials > max_trials:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {max_trials:,}")
    limit_grid = _amounts("limits", limits, DEFAULT_LIMITS, minimum=1.0)
    retention_grid = _amounts("retentions", retentions, DEFAULT_RETENTIONS, minimum=0.0)
    with uow.reading(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "quote.create")
        pv = tx.profiles.latest(org.id)
        carrier_id, brokerage_id = org.carrier_id, org.brokerage_id
    # a profile listing technology meets the newest threat feed: open urgent findings raise the technical price and
    # the rule file's OPEN-URGENT-KEV subjectivity names them (issue 15); the cache key is the profile as priced
    profile, _ = threats_for(uow, check_profile(pv.profile))
    run_trials = trials if trials is not None else technical_trials()
    key = quote_cache.key(profile.model_dump(mode="json"), run_trials, seed, effective or date.today(), limit_grid,
                          retention_grid)
    with quote_cache.computing(key):    # the same quote asked at once is computed once; the others wait for it
        doc = quote_cache.get(key)
        if doc is None:
            refuse_if_too_big(quote_footprint(profile, run_trials, budget_bytes=memory_max_bytes),
                              memory_max_bytes, run_trials)
            result = quote(profile, trials=trials, seed=seed, effective=effective,
                           limits=limit_grid, retentions=retention_grid)
            doc = json_safe(result.to_dict())
            quote_cache.put(key, doc)
    with uow.writing(principal.scope) as tx:
        q = tx.quotes.add(Quote(id=ports.ids.new(), carrier_id=carrier_id, brokerage_id=brokerage_id,
                                practice_id=practice_id, profile_version_id=pv.id, trials=int(doc["trials"]),
                                seed=int(doc["seed"]), effective=(effective or date.today()).isoformat(), result=doc,
                                created_at=ports.clock.now(), created_by=principal.user_id))
        referrals.open_for_quote(tx, q, ports)
        audit.record(tx, ports.clock, principal, "quote.decision", "quote", q.id, None,
                     {"practice_id": practice_id, "profile_version_id": pv.id, "versions": doc.get("versions"),
                      "options": [{"limit": o["limit"], "retention": o["retention"], "premium": o["premium"],
                                   "decision": o["decision"]} for o in doc["options"]]})
        tx.commit()
        return quote_dict(q)


class QuoteCache:
    """Computed quotes by everything that decides them: the profile (its canonical JSON), trials, seed, effective
    date, the limit and retention grids, the model version and the rule and rate-manual versions. A quote is a
    deterministic function of these (seeded streams), so a repeat is answered from here, bit for bit the same;
    the stored quote and its audit event are still made for every request. At most ``size`` quotes (LRU), in this
    process."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._docs: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[str, list[Any]] = {}
        self.hits = 0
        self.misses = 0

    def key(self, profile: Any, trials: int, seed: int | None, effective: date, limits: Sequence[float],
            retentions: Sequence[float]) -> str:
        from cyberrx import MODEL_VERSION
        from cyberrx.underwriting import load_manual, load_rules

        parts = {"profile": profile, "trials": trials, "seed": seed, "effective": effective.isoformat(),
                 "limits": list(limits), "retentions": list(retentions), "model": MODEL_VERSION,
                 "rules": load_rules().version, "manual": load_manual().version}
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    @contextmanager
    def computing(self, key: str) -> Iterator[None]:
        """Hold ``key`` while it is looked up and, on a miss, computed: a second request for the same quote waits
        and then finds it, instead of simulating it again at the same time."""
        with self._lock:
            entry = self._computing.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    self._computing.pop(key, None)

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            text = self._docs.get(key)
            if text is None:
                self.misses += 1
                return None
            self._docs.move_to_end(key)
            self.hits += 1
        return json.loads(text)              # a fresh copy: callers may change what they get

    def put(self, key: str, doc: dict[str, Any]) -> None:
        text = json.dumps(doc)
        with self._lock:
            self._docs[key] = text
            self._docs.move_to_end(key)
            while len(self._docs) > self.size:
                self._docs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()
            self.hits = self.misses = 0


#: the process's cache of computed quotes
quote_cache = QuoteCache()


def _amounts(field: str, values: Sequence[float] | None, default: Sequence[float], *,
              minimum: float) -> list[float]:
    """The distinct amounts asked for (usd, ascending), or the default grid; at most :data:`MAX_AMOUNTS`."""
    if values is None:
        return [float(v) for v in default]
    amounts = sorted({float(v) for v in values})
    if not amounts or len(amounts) > MAX_AMOUNTS:
        raise InvalidInput(f"give 1 to {MAX_AMOUNTS} {field}", field=field, allowed=f"1 to {MAX_AMOUNTS} amounts")
    if amounts[0] < minimum or amounts[-1] > MAX_AMOUNT_USD:
        raise InvalidInput(f"{field} must be from {minimum:,.0f} to {MAX_AMOUNT_USD:,.0f} usd", field=field,
                           allowed=f"{minimum:,.0f} to {MAX_AMOUNT_USD:,.0f} usd")
    return amounts


def get(uow: UnitOfWork, principal: Principal, quote_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        q = tx.quotes.get(quote_id)
        if q is None:
            raise not_found("quote", quote_id)
        require(principal, "quote.read")
        return quote_dict(q)


def list_quotes(uow: UnitOfWork, principal: Principal, page: PageRequest, practice_id: str | None = None) -> Page:
    require(principal, "quote.read")
    order = order_of(page, {"created_at": "created_at"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.quotes.list({"practice_id": practice_id} if practice_id else {}, order, page.limit,
                                     page.offset)
        return Page([quote_dict(q, with_result=False) for q in rows], total, page.limit, page.offset)


def bind(uow: UnitOfWork, principal: Principal, quote_id: str, option: int, *,
         ports: Ports | None = None) -> dict[str, Any]:
    """Bind option number ``option`` (0-based, in the quote's order) as a policy; its terms are frozen, with the
    policy's own number, its premium and its subjectivities (the rules' and the approval's conditions)."""
    ports = ports or default_ports()
    try:
        with uow.writing(principal.scope) as tx:
            q = tx.quotes.get(quote_id)
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
            already = tx.policies.bound_from(q.id, option)
            if already is not None:
                raise Conflict(f"option {option} is already bound as policy {already.policy_number}")
            referral = referrals.bindable(tx, q.id, option, chosen["decision"])
            terms = dict(chosen["policy_terms"])
            terms["policy_number"] = policy_number(terms["period"]["start"], tx.policies.count())
            now = ports.clock.now()
            p = tx.policies.add(Policy(
                id=ports.ids.new(), carrier_id=q.carrier_id, brokerage_id=q.brokerage_id, practice_id=q.practice_id,
                policy_number=terms["policy_number"], terms=terms, quote_id=q.id, bound_at=now,
                bound_by=principal.user_id, quote_option=option, premium=_usd(chosen["premium"]),
                technical_premium=_usd(chosen["technical_premium"]), segment=q.result.get("segment"),
                profile_version_id=q.profile_version_id))
            conditions = (referral.conditions or {}).get("items", []) if referral is not None else []
            subs = subjectivities.attach(tx, p, chosen.get("subjectivities", []), conditions,
                                         date.fromisoformat(terms["period"]["start"]), _day(now), ports)
            if referral is not None:
                referral.status, referral.policy_id = referrals.BOUND, p.id
            audit.record(tx, ports.clock, principal, "policy.bind", "policy", p.id, None,
                         {"policy_number": p.policy_number, "quote_id": q.id, "option": option,
                          "decision": chosen["decision"], "premium": chosen["premium"], "terms": terms,
                          "referral_id": referral.id if referral is not None else None,
                          "subjectivities": [{"text": s.text, "due": s.due, "source": s.source} for s in subs]})
            tx.commit()
            return policy_dict(p)
    except Duplicate:
        raise Conflict("a policy with this number is already bound: bind again") from None


def _day(moment: datetime) -> date:
    """The UTC day of ``moment`` (a naive time is UTC)."""
    utc = as_utc(moment)
    assert utc is not None
    return utc.date()


def _usd(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


__all__ = ["MAX_AMOUNTS", "MAX_AMOUNT_USD", "POLICY_NUMBER_PREFIX", "QuoteCache", "bind", "create", "get",
           "list_quotes", "policy_number", "quote_cache"]
