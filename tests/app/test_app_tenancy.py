"""Tenant isolation and the role matrix, on the use cases themselves (the fake unit of work): every use case that
names an object, called by every role of one tenant on the other tenant's objects, answers NotFound (never the
data, never a hint it exists); lists never include them; inside a carrier a broker sees only its own clients and a
practice only itself. The HTTP tests keep the route table and the 404 shape on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from tests.app.world import LIMITS, ROLE_KEYS, Objects, Tenant
from tests.service.world import claim_doc, incident_doc, policy_terms, profile

from cyberrx.app import accounts, assessments, audit, claims, incidents, jobs, policies, practices, quotes
from cyberrx.app.authz import Forbidden, Principal
from cyberrx.app.common import PageRequest
from cyberrx.claims import EntryKind
from cyberrx.errors import NotFound

Call = Callable[[Any, Any, Principal, Tenant, Objects, str], Any]

# every use case that names an object (in its path or its body, as the API routes do)
OBJECT_CALLS: dict[str, Call] = {
    "get_organisation": lambda u, p, who, t, o, v: accounts.get_organisation(u, who, o.practice),
    "get_user": lambda u, p, who, t, o, v: accounts.get_user(u, who, t.who[v].user_id),
    "set_user_active": lambda u, p, who, t, o, v: accounts.set_user_active(u, who, t.who[v].user_id, False),
    "get_practice": lambda u, p, who, t, o, v: practices.get(u, who, o.practice),
    "update_profile": lambda u, p, who, t, o, v: practices.update_profile(u, who, o.practice, profile("Hijacked"),
                                                                          ports=p),
    "list_versions": lambda u, p, who, t, o, v: practices.list_versions(u, who, o.practice),
    "get_version": lambda u, p, who, t, o, v: practices.get_version(u, who, o.practice, 1),
    "request_assessment": lambda u, p, who, t, o, v: assessments.request(u, LIMITS, who, o.practice, 1000, 1,
                                                                         ports=p),
    "get_assessment": lambda u, p, who, t, o, v: assessments.get(u, who, o.assessment),
    "get_job": lambda u, p, who, t, o, v: jobs.get_job(u, who, o.job),
    "get_policy": lambda u, p, who, t, o, v: policies.get(u, who, o.policy),
    "get_claim": lambda u, p, who, t, o, v: claims.get(u, who, o.claim),
    "ledger": lambda u, p, who, t, o, v: claims.ledger(u, who, o.claim),
    "pay": lambda u, p, who, t, o, v: claims.change(u, who, o.claim, EntryKind.PAYMENT, Decimal("1.00"), "probe",
                                                    ports=p),
    "reserve": lambda u, p, who, t, o, v: claims.change(u, who, o.claim, EntryKind.RESERVE, Decimal("1.00"),
                                                        "probe", ports=p),
    "close": lambda u, p, who, t, o, v: claims.change(u, who, o.claim, EntryKind.CLOSED, None, "probe", ports=p),
    "get_incident": lambda u, p, who, t, o, v: incidents.get(u, who, o.incident),
    "create_quote": lambda u, p, who, t, o, v: quotes.create(u, who, o.practice, 1000, ports=p),
    "get_quote": lambda u, p, who, t, o, v: quotes.get(u, who, o.quote),
    "bind_quote": lambda u, p, who, t, o, v: quotes.bind(u, who, o.quote, 0, ports=p),
    "open_claim": lambda u, p, who, t, o, v: claims.open_claim(u, who, o.policy, claim_doc(o.policy_number, "CLM-X"),
                                                               ports=p),
    "bind_policy": lambda u, p, who, t, o, v: policies.bind(u, who, o.practice, policy_terms("CRX-HIJACK"), ports=p),
    "record_incident": lambda u, p, who, t, o, v: incidents.record(u, who, o.practice, incident_doc(), ports=p),
    "create_user": lambda u, p, who, t, o, v: accounts.create_user(u, who, o.practice, "x@example.org", "x",
                                                                   "practice_manager", "a very long password",
                                                                   ports=p),
    "create_practice": lambda u, p, who, t, o, v: practices.create(u, who, profile("x"), t.brokerage, ports=p),
}

PAGE = PageRequest(limit=200)
LISTS: dict[str, Callable[[Any, Principal], Any]] = {
    "organisations": lambda u, who: accounts.list_organisations(u, who, PAGE),
    "users": lambda u, who: accounts.list_users(u, who, PAGE),
    "practices": lambda u, who: practices.list_practices(u, who, PAGE),
    "assessments": lambda u, who: assessments.list_assessments(u, who, PAGE),
    "policies": lambda u, who: policies.list_policies(u, who, PAGE),
    "claims": lambda u, who: claims.list_claims(u, who, PAGE),
    "incidents": lambda u, who: incidents.list_incidents(u, who, PAGE),
    "audit": lambda u, who: audit.list_events(u, who, PAGE),
    "quotes": lambda u, who: quotes.list_quotes(u, who, PAGE),
}


def _expect_hidden(uow: Any, ports: Any, caller: Tenant, role: str, owner: Tenant, objects: Objects,
                   victim_role: str, skip: frozenset[str] = frozenset()) -> None:
    for name, call in OBJECT_CALLS.items():
        if name in skip:
            continue
        with pytest.raises(NotFound) as caught:
            call(uow, ports, caller.who[role], owner, objects, victim_role)
        # the answer names at most the one id the caller gave, nothing else of the other tenant's
        leaked = [i for i in objects.ids() | {owner.who[victim_role].user_id, owner.brokerage}
                  if i in str(caught.value)]
        assert len(leaked) <= 1, (role, name, str(caught.value))


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_no_role_sees_another_tenants_objects(uow: Any, ports: Any, world: tuple[Tenant, Tenant], role: str) -> None:
    a, b = world
    commits = uow.commits
    for objects in (b.brokered, b.direct):
        _expect_hidden(uow, ports, a, role, b, objects, "practice_manager")
    assert uow.commits == commits                       # nothing was written
    hidden = b.brokered.ids() | b.direct.ids() | {p.user_id for p in b.who.values()}
    for name, listing in LISTS.items():
        try:
            page = listing(uow, a.who[role])
        except Forbidden:
            continue
        assert not hidden & _all_ids(page.as_dict()), (role, name)
    claim = claims.get(uow, b.who["claims_adjuster"], b.brokered.claim)
    assert (claim["paid"], claim["status"], claim["version"]) == ("0.00", "open", 1)
    assert practices.get(uow, b.who["underwriter"], b.brokered.practice)["version"] == 1


@pytest.mark.parametrize("role", ["broker", "brokerage_admin", "practice_manager", "practice_admin"])
def test_brokers_and_practices_see_only_their_own_inside_the_carrier(uow: Any, ports: Any,
                                                                    world: tuple[Tenant, Tenant], role: str) -> None:
    a, _ = world
    # the direct practice is the carrier's, not the brokerage's client (a brokerage may add practices under
    # itself: the one call that names the caller's own organisation)
    _expect_hidden(uow, ports, a, role, a, a.direct, "underwriter", skip=frozenset({"create_practice"}))
    listed = practices.list_practices(uow, a.who[role], PAGE)
    assert [p["id"] for p in listed.items] == [a.brokered.practice]


def _all_ids(doc: Any) -> set[str]:
    if isinstance(doc, dict):
        return set().union(*(_all_ids(v) for v in doc.values())) if doc else set()
    if isinstance(doc, list):
        return set().union(*(_all_ids(v) for v in doc)) if doc else set()
    return {doc} if isinstance(doc, str) else set()


# role -> allowed (True) or Forbidden (False), on the tenant's own brokered practice's objects
MATRIX = {
    "bind": {"underwriter"},
    "pay": {"claims_adjuster"},
    "list_users": {"carrier_admin", "brokerage_admin", "practice_admin"},
    "read_claim": set(ROLE_KEYS),
    # a practice's admin may not: the practice would land in the carrier's book (issue 17, finding 5)
    "create_practice": {"carrier_admin", "underwriter", "brokerage_admin", "broker"},
    "record_incident": {"carrier_admin", "claims_adjuster", "brokerage_admin", "broker", "practice_admin",
                        "practice_manager"},
}


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_role_matrix_on_own_objects(uow: Any, ports: Any, world: tuple[Tenant, Tenant], role: str) -> None:
    a, _ = world
    o, who = a.brokered, a.who[role]
    actions: dict[str, Callable[[], Any]] = {
        "bind": lambda: policies.bind(uow, who, o.practice, policy_terms(f"CRX-M-{role}"), ports=ports),
        "pay": lambda: claims.change(uow, who, o.claim, EntryKind.PAYMENT, Decimal("0.01"), f"matrix-{role}",
                                     ports=ports),
        "list_users": lambda: accounts.list_users(uow, who, PAGE),
        "read_claim": lambda: claims.get(uow, who, o.claim),
        "create_practice": lambda: practices.create(uow, who, profile(f"New {role}"), ports=ports),
        "record_incident": lambda: incidents.record(uow, who, o.practice, incident_doc(), ports=ports),
    }
    for action, run in actions.items():
        if role in MATRIX[action]:
            run()
        else:
            commits = uow.commits
            with pytest.raises(Forbidden):
                run()
            assert uow.commits == commits, (role, action)
