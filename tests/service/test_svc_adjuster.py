"""The claims adjuster's use cases on SQLite and PostgreSQL: a first notice keeps its incident link and description
(migration 0006), loss lines are stored with their adjudication, and two adjusters paying the same claim at once
from the same version (two threads) record one payment; the other is refused as stale."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tests.service.world import Tenant, incident_doc

from cyberrx.app import accounts, claim_file, claims
from cyberrx.app.claims import PreconditionFailed
from cyberrx.claims import EntryKind

NOTICE = {"cause": "ransomware", "occurred": "2027-03-13", "discovered": "2027-03-14", "reported": "2027-03-15",
          "description": "EHR server encrypted; ransom note."}
LINES = [{"coverage": "forensics", "amount": "45000"}, {"coverage": "notification", "amount": "21000"}]


class _Spring:
    def now(self) -> datetime:
        return datetime(2027, 3, 20, 9, 0, tzinfo=UTC)


def test_a_notice_its_lines_and_two_payments_at_once_on_the_store(service: Any,
                                                                 world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    ports = replace(service.ports, clock=_Spring())
    adj = accounts.authenticate(service.uow, t.tokens["claims_adjuster"], ports=service.ports)
    new = {**incident_doc(), "discovered": "2027-03-14"}
    c = claims.open_notice(service.uow, adj, t.brokered.policy, NOTICE, new_incident=new, ports=ports)
    stored = claims.get(service.uow, adj, c["id"])
    assert stored["adjudication"] is None and stored["incident_id"] == c["incident_id"]
    assert stored["description"] == NOTICE["description"] and stored["claim"]["losses"] == []
    out, created = claims.revise_losses(service.uow, adj, c["id"], LINES, "lines", claims.etag(1), ports=ports)
    assert created and out["version"] == 2
    stored = claims.get(service.uow, adj, c["id"])
    assert len(stored["claim"]["losses"]) == 2 and stored["adjudication"]["total_claimed"] == 66000.0
    f = claim_file.claim_file(service.uow, adj, c["id"], today=ports.clock.now().date())
    assert f.steps is not None and f.steps.balances and not f.stale
    assert Decimal(stored["allowed"]) == f.steps.total.payable > 0

    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def pay(key: str) -> None:
        barrier.wait()
        try:
            results[key] = claims.change(service.uow, adj, c["id"], EntryKind.PAYMENT, Decimal("5000.00"), key,
                                         "forensics firm", claims.etag(2), ports=ports)[2]
        except PreconditionFailed as exc:
            results[key] = exc

    threads = [threading.Thread(target=pay, args=(k,)) for k in ("adjuster-a", "adjuster-b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(type(v).__name__ for v in results.values()) == ["PreconditionFailed", "bool"], results
    ledger = claims.ledger(service.uow, adj, c["id"])
    assert [(e["kind"], e["amount"]) for e in ledger if e["kind"] == "payment"] == [("payment", "5000.00")]
    assert claims.get(service.uow, adj, c["id"])["paid"] == "5000.00"
