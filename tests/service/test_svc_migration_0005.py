"""Migration 0005 carries a store of 0004 over: each referred option of a stored quote opens a referral (bound
already when its policy exists), and a policy bound from a quote gets its option's number, premium and segment."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from cyberrx.adapters.store import Store

NOW = "2026-11-23 09:00:00"


def _option(decision: str, number: str, premium: float) -> dict:
    return {"decision": decision, "premium": premium, "technical_premium": premium / 0.9,
            "policy_terms": {"policy_number": number}}


def _downgrade(store: Store, revision: str) -> None:
    from alembic import command

    from cyberrx.adapters.store.db import _alembic_config

    cfg = _alembic_config()
    with store.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def test_0005_opens_referrals_and_fills_bound_policies_figures(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        store.upgrade("0004")
        result = {"segment": "small_practice", "options": [
            _option("quote", "CRX-Q-A-L1000K-R2500", 4500.0), _option("refer", "CRX-Q-A-L2000K-R2500", 6000.0),
            _option("refer", "CRX-Q-A-L5000K-R2500", 7000.0), _option("decline", "CRX-Q-A-L9000K-R2500", 1.0)]}
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, kind, name, carrier_id, brokerage_id, created_at) "
                              "VALUES ('c', 'carrier', 'C', 'c', NULL, :t), ('p', 'practice', 'P', 'c', NULL, :t)"),
                         {"t": NOW})
            conn.execute(text("INSERT INTO profile_versions (id, practice_id, version, profile, created_at, "
                              "created_by) VALUES ('pv', 'p', 1, '{}', :t, 'u')"), {"t": NOW})
            conn.execute(text("INSERT INTO quotes (id, profile_version_id, trials, seed, effective, result, created_at,"
                              " created_by, carrier_id, brokerage_id, practice_id) VALUES ('q', 'pv', 1000, 1, "
                              "'2026-12-01', :r, :t, 'u', 'c', NULL, 'p')"), {"r": json.dumps(result), "t": NOW})
            conn.execute(text("INSERT INTO policies (id, policy_number, terms, quote_id, bound_at, bound_by, "
                              "carrier_id, brokerage_id, practice_id) VALUES ('pol', 'CRX-Q-A-L2000K-R2500', '{}', "
                              "'q', :t, 'u', 'c', NULL, 'p')"), {"t": NOW})
        store.upgrade()
        with store.engine.connect() as conn:
            referrals = conn.execute(text("SELECT option, status, practice_id FROM referrals ORDER BY option")).all()
            policy = conn.execute(text("SELECT quote_option, premium, segment, profile_version_id FROM policies"
                                       )).one()
        assert [tuple(r) for r in referrals] == [(1, "bound", "p"), (2, "open", "p")]
        assert policy[0] == 1 and Decimal(str(policy[1])) == Decimal("6000.00") and tuple(policy[2:]) == (
            "small_practice", "pv")
        _downgrade(store, "0004")                 # and back down: the tables and columns go
        with store.engine.connect() as conn:
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert "referrals" not in tables and "subjectivities" not in tables
        with store.engine.connect() as conn:
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(policies)"))}
        assert "premium" not in columns and store.current_revision() == "0004"
    finally:
        store.dispose()
