"""Issue 17, finding 6: account events join the hash-chained audit (sign-in, failure, lockout, user created,
deactivated, role changed, token issued and revoked), and a direct edit of a claim's money columns is found:
the check recomputes paid, reserve and status from the ledger and from the claim's last audited event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.service.test_svc_claims_audit import _bound_and_claimed
from tests.service.world import PASSWORD, auth, fast_ports, ok

from cyberrx.adapters.store.tables import AuditEvent, Claim
from cyberrx.api import create_app
from cyberrx.app import accounts, audit
from cyberrx.bootstrap import build
from cyberrx.config import Settings


def _events(store: Any) -> list[AuditEvent]:
    with store.read() as s:
        return list(s.query(AuditEvent).order_by(AuditEvent.seq).all())


def test_account_events_are_chained(fresh_store: Any) -> None:
    store = fresh_store
    service = build(Settings(database_url=store.url, job_workers=0), store=store, migrate=False, ports=fast_ports())
    admin = accounts.create_carrier_with_user(store, "Chain Mutual", "admin@chain.example", "A", "admin", PASSWORD,
                                              ports=service.ports)
    with TestClient(create_app(service, manage=False)) as client:
        h = auth(ok(client.post("/auth/login", json={"email": "admin@chain.example", "password": PASSWORD}))["token"])
        uw = ok(client.post("/users", headers=h, json={"organisation_id": admin["organisation_id"],
                                                        "email": "uw@chain.example", "name": "U",
                                                        "role": "underwriter", "password": PASSWORD}), 201)
        assert client.post("/auth/login", json={"email": "uw@chain.example", "password": "wrong"}).status_code == 401
        assert client.post("/auth/login", json={"email": "nobody@chain.example", "password": "x"}).status_code == 401
        for _ in range(4):
            client.post("/auth/login", json={"email": "uw@chain.example", "password": "wrong again"})
        api = ok(client.post("/auth/tokens", headers=h, json={"name": "ci", "expires_in_days": 30}), 201)
        ok(client.delete(f"/auth/tokens/{api['id']}", headers=h))
        ok(client.patch(f"/users/{uw['id']}", headers=h, json={"role": "claims_adjuster"}))
        ok(client.patch(f"/users/{uw['id']}", headers=h, json={"active": False}))
    events = _events(store)
    actions = [e.action for e in events]
    assert actions[:3] == ["user.create", "login.success", "user.create"], actions
    assert actions.count("login.failure") == 6 and actions.count("login.lockout") == 1, actions
    assert actions[-4:] == ["token.issue", "token.revoke", "user.update", "user.update"], actions
    first = events[0]
    assert (first.actor_id, first.subject_id, first.after["role"]) == (audit.OPERATOR, admin["id"], "admin")
    unknown = next(e for e in events if e.action == "login.failure" and e.actor_id == audit.ANONYMOUS)
    assert unknown.after["reason"] == "unknown e-mail" and "nobody" not in str(unknown.after)
    wrong = next(e for e in events if e.action == "login.failure" and e.subject_id == uw["id"])
    assert wrong.after["reason"] == "wrong password" and wrong.after["client"] == "testclient"
    role, off = events[-2], events[-1]
    assert (role.before["role"], role.after["role"], role.actor_id) == ("underwriter", "claims_adjuster", admin["id"])
    assert (off.before["active"], off.after["active"]) == (True, False)
    assert all(PASSWORD not in str(e.after) and "crx_" not in str(e.after) for e in events)   # no secret
    assert audit.verify(store).ok


def test_a_direct_edit_of_a_claims_money_is_found(fresh_store: Any) -> None:
    from cyberrx.app import claims
    from cyberrx.claims import EntryKind

    store = fresh_store
    adj, claim = _bound_and_claimed(store, "Money Mutual", "CRX-MONEY-1")
    claims.change(store, adj, claim["id"], EntryKind.PAYMENT, Decimal("10.00"), "k1")
    assert audit.check_money(store) == []
    with store.write() as s:        # someone with write access to the database, not through cyberrx
        s.execute(update(Claim).where(Claim.id == claim["id"]).values(paid=Decimal("100000.00")))
    assert audit.verify(store).ok          # no event was touched: the chain alone cannot see it
    found = {(m.column, m.stored, m.expected, m.source) for m in audit.check_money(store)}
    assert found == {("paid", "100000.00", "10.00", "ledger"), ("paid", "100000.00", "10.00", "audit")}
