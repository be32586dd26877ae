"""The store: Alembic makes the schema, SQLite runs in WAL with foreign keys, money round-trips as Decimal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from cyberrx.adapters.store import Store
from cyberrx.adapters.store.tables import Base, Claim, Organisation, Policy

NOW = datetime(2026, 11, 23, tzinfo=UTC)


#: the newest migration (0008: issue 17's hardening; the integrator re-chains it after 0005-0007)
HEAD = "0008"


def test_migration_makes_every_table_at_head(store: Store) -> None:
    assert store.current_revision() == HEAD
    with store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_twice_is_a_no_op(store: Store) -> None:
    store.upgrade()
    assert store.current_revision() == HEAD


def test_migrations_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []


def test_sqlite_runs_in_wal_with_foreign_keys(store: Store, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.write() as s:
        s.add(Organisation(id="a" * 32, kind="practice", name="x", carrier_id="b" * 32, brokerage_id="c" * 32,
                           created_at=NOW))


def test_money_round_trips_to_the_cent_and_a_failed_transaction_writes_nothing(store: Store) -> None:
    org = Organisation(id="d" * 32, kind="carrier", name="c", carrier_id="d" * 32, brokerage_id=None, created_at=NOW)
    pol = Policy(id="e" * 32, carrier_id=org.id, brokerage_id=None, practice_id=org.id, policy_number="P-STORE-1",
                 terms={}, quote_id=None, bound_at=NOW, bound_by="x")
    claim = Claim(id="f" * 32, carrier_id=org.id, brokerage_id=None, practice_id=org.id, policy_id=pol.id,
                  claim_number="C1", claim={}, adjudication={}, status="open", allowed=Decimal("123456789012.34"),
                  reserve=Decimal("0.01"), paid=Decimal("0.10"), version=1, created_at=NOW, created_by="x")
    with store.write() as s:
        s.add_all([org, pol])
    with pytest.raises(RuntimeError), store.write() as s:
        s.add(claim)
        s.flush()
        raise RuntimeError("fail after the insert")
    with store.read() as s:
        assert s.get(Claim, "f" * 32) is None
    with store.write() as s:
        s.add(claim)
    with store.read() as s:
        row = s.execute(select(Claim.allowed, Claim.reserve, Claim.paid).where(Claim.id == "f" * 32)).one()
        assert row == (Decimal("123456789012.34"), Decimal("0.01"), Decimal("0.10"))
        assert all(isinstance(v, Decimal) for v in row)
        assert s.execute(text("SELECT 1")).scalar() == 1
