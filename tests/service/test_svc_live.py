"""Against a live uvicorn: many parallel payments on one claim never pay more than allowed and never lose one;
a ``kill -9`` of the server mid-write loses no acknowledged write."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from tests.service.live import LiveServer, claim_setup

from cyberrx.adapters.store import Store
from cyberrx.app import audit

ALLOWED = Decimal("261300.00")
SHARE = Decimal("26130.00")  # ALLOWED / 10: exactly ten payments fit


def _pay(http: httpx.Client, claim: str, token: str, key: str, amount: Decimal,
         if_match: bool = False) -> tuple[str, int]:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    for _ in range(200):
        if if_match:
            etag = http.get(f"/claims/{claim}", headers={"Authorization": f"Bearer {token}"}).headers["ETag"]
            headers["If-Match"] = etag
        r = http.post(f"/claims/{claim}/payments", headers=headers, json={"amount": f"{amount:.2f}"})
        if r.status_code == 412:  # another adjuster paid first: read again and retry
            continue
        return key, r.status_code
    raise AssertionError("never got through")


def test_parallel_payments_fill_the_allowed_amount_exactly(store: Store, tmp_path: Path) -> None:
    setup = claim_setup(store, uuid.uuid4().hex[:8])
    claim, token = setup["claim"]["id"], setup["token"]
    server = LiveServer(store, tmp_path / "server.log").start()
    try:
        keys = [f"k{i}" for i in range(16)]
        # each key sent twice at once (a client retrying), a quarter of the clients use If-Match
        jobs = [(k, i % 4 == 0) for i, k in enumerate(keys)] * 2
        with httpx.Client(base_url=server.base, timeout=60) as http, ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda kj: _pay(http, claim, token, kj[0], SHARE, kj[1]), jobs))
            final = http.get(f"/claims/{claim}", headers={"Authorization": f"Bearer {token}"}).json()
            ledger = http.get(f"/claims/{claim}/ledger", headers={"Authorization": f"Bearer {token}"}).json()
    finally:
        server.stop()
    statuses = [s for _, s in results]
    assert all(s in (200, 201, 409) for s in statuses), statuses
    payments = [e for e in ledger if e["kind"] == "payment"]
    assert len(payments) == 10 and len({e["idempotency_key"] for e in payments}) == 10
    assert sum(Decimal(e["amount"]) for e in payments) == ALLOWED
    assert Decimal(final["paid"]) == ALLOWED and Decimal(final["reserve"]) == 0
    assert statuses.count(201) == 10  # every applied payment acknowledged once; repeats answered 200
    paid_keys = {e["idempotency_key"] for e in payments}
    assert {k for k, s in results if s in (200, 201)} == paid_keys
    assert final["version"] == 11
    assert audit.verify(store).ok


def test_kill_9_mid_write_loses_no_acknowledged_write(store: Store, tmp_path: Path) -> None:
    setup = claim_setup(store, uuid.uuid4().hex[:8])
    claim, token = setup["claim"]["id"], setup["token"]
    server = LiveServer(store, tmp_path / "server.log").start()
    acked: list[str] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        with httpx.Client(base_url=server.base, timeout=5) as http:
            i = 0
            while not stop.is_set():
                key = f"w{n}-{i}"
                i += 1
                try:
                    r = http.post(f"/claims/{claim}/payments", json={"amount": "1.00"},
                                  headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
                except httpx.HTTPError:
                    continue  # the server is gone: this write was never acknowledged
                if r.status_code == 201:
                    acked.append(key)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill9()  # while the writers are still sending
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acked) >= 40
    restarted = LiveServer(store, tmp_path / "server2.log").start()
    try:
        with httpx.Client(base_url=restarted.base, timeout=10) as http:
            ledger: list[dict[str, Any]] = http.get(f"/claims/{claim}/ledger",
                                                   headers={"Authorization": f"Bearer {token}"}).json()
            final = http.get(f"/claims/{claim}", headers={"Authorization": f"Bearer {token}"}).json()
    finally:
        restarted.stop()
    stored = {e["idempotency_key"] for e in ledger if e["kind"] == "payment"}
    assert set(acked) <= stored  # every acknowledged payment survived
    assert Decimal(final["paid"]) == Decimal(len(stored))  # and the claim's total agrees with its ledger
    assert audit.verify(store).ok
