"""Issue 17, finding 8: the backup and restore drill. While an adjuster's payments are being written, the database
is backed up (SQLite online backup; pg_dump), then lost (file deleted; schema dropped) and restored (SQLite backup
API; pg_restore in one transaction): every payment acknowledged before the backup began is there, the audit
chain verifies and every claim's money adds up from its ledger."""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from tests.service.conftest import _exec_pg
from tests.service.test_svc_claims_audit import _bound_and_claimed

from cyberrx.adapters.store import Store
from cyberrx.adapters.store.tables import LedgerEntry
from cyberrx.app import audit, claims
from cyberrx.claims import EntryKind
from cyberrx.cli import backup


def test_backup_and_restore_drill_loses_no_acknowledged_write(fresh_store: Any, tmp_path: Path) -> None:
    store = fresh_store
    adj, claim = _bound_and_claimed(store, "Drill Mutual", "CRX-DRILL-1")
    acknowledged: list[tuple[str, float]] = []
    stop = threading.Event()

    def pay() -> None:
        i = 0
        while not stop.is_set() and i < 400:
            key = f"drill-{i}"
            claims.change(store, adj, claim["id"], EntryKind.PAYMENT, Decimal("0.01"), key)
            acknowledged.append((key, time.monotonic()))
            i += 1

    writer = threading.Thread(target=pay)
    writer.start()
    while len(acknowledged) < 20:
        time.sleep(0.01)
    began = time.monotonic()
    out = tmp_path / ("cyberrx.backup" if store.is_sqlite else "cyberrx.dump")
    taken = backup.backup(store.url, out, schema=store.schema)
    time.sleep(0.2)
    stop.set()
    writer.join()
    before_backup = {k for k, at in acknowledged if at < began}
    assert len(before_backup) >= 20 and out.stat().st_size > 0, taken

    store.dispose()                                     # the disaster: the database is lost
    if store.is_sqlite:
        path = Path(store.url.removeprefix("sqlite:///"))
        for p in path.parent.glob(path.name + "*"):
            os.remove(p)
    else:
        _exec_pg(store.url, f'DROP SCHEMA "{store.schema}" CASCADE')
        _exec_pg(store.url, f'CREATE SCHEMA "{store.schema}"')
    backup.restore(store.url, out, schema=store.schema)

    restored = Store(store.url, schema=store.schema)
    try:
        restored.require_current()
        with restored.read() as s:
            keys = set(s.scalars(select(LedgerEntry.idempotency_key).where(LedgerEntry.claim_id == claim["id"])))
        assert before_backup <= keys, sorted(before_backup - keys)[:5]
        assert audit.verify(restored).ok
        assert audit.check_money(restored) == []
    finally:
        restored.dispose()


def test_the_backup_command_prints_what_the_copy_holds(tmp_path: Path, monkeypatch: Any) -> None:
    import json

    from typer.testing import CliRunner

    from cyberrx.cli.service import app

    url = f"sqlite:///{tmp_path / 'svc.db'}"
    monkeypatch.setenv("CYBERRX_DATABASE_URL", url)
    Store(url).upgrade()
    result = CliRunner().invoke(app, ["db", "backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    held = json.loads(result.output.strip().splitlines()[-1])
    assert held["revision"] and held["organisations"] == 0
    restored = CliRunner().invoke(app, ["db", "restore", str(tmp_path / "copy.db")])
    assert restored.exit_code == 0, restored.output
