"""The service's commands: ``db upgrade``, ``admin create-user``, ``audit verify`` and ``serve`` (its options)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import app


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CYBERRX_DATABASE_URL", url)
    monkeypatch.delenv("CYBERRX_SETTINGS_FILE", raising=False)
    return url


def test_db_upgrade_then_create_the_first_admin_of_a_new_carrier(env: str) -> None:
    runner = CliRunner()
    up = runner.invoke(app, ["db", "upgrade"])
    import cyberrx.adapters.store as store_pkg

    versions = Path(store_pkg.__file__).parent / "migrations" / "versions"
    head = max(p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py"))     # the newest migration
    assert up.exit_code == 0 and f"revision {head}" in up.output
    made = runner.invoke(app, ["admin", "create-user", "--email", "Ops@Carrier.example", "--new-carrier", "Acme",
                               "--password", "a long enough password"])
    assert made.exit_code == 0, made.output
    ids = json.loads(made.output)
    assert ids["role"] == "admin" and len(ids["organisation_id"]) == 32
    second = runner.invoke(app, ["admin", "create-user", "--email", "uw@carrier.example", "--role", "underwriter",
                                 "--organisation", ids["organisation_id"], "--password", "a long enough password"])
    assert second.exit_code == 0, second.output
    wrong = runner.invoke(app, ["admin", "create-user", "--email", "b@carrier.example", "--role", "broker",
                                "--organisation", ids["organisation_id"], "--password", "a long enough password"])
    assert wrong.exit_code == 2 and "a carrier has no broker users" in wrong.output
    dup = runner.invoke(app, ["admin", "create-user", "--email", "ops@carrier.example", "--new-carrier", "Other",
                              "--password", "a long enough password"])
    assert dup.exit_code == 2 and "already exists" in dup.output
    from sqlalchemy import create_engine, text

    engine = create_engine(env)
    with engine.connect() as conn:  # nothing half-written: the refused user's carrier was not made either
        assert conn.execute(text("SELECT count(*) FROM organisations")).scalar() == 1
    engine.dispose()
    verified = runner.invoke(app, ["audit", "verify"])
    # the two users made are account events of the chain (issue 17); the refused ones left none
    assert verified.exit_code == 0 and "intact: 2 events" in verified.output


def test_serve_has_host_and_port() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--host" in result.output and "--port" in result.output


def test_audit_verify_on_an_unmigrated_database_says_to_upgrade(env: str) -> None:
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 2
    assert "schema revision none (empty)" in result.output and "cyberrx db upgrade" in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_database_is_one_line_with_the_password_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERRX_DATABASE_URL", "postgresql+psycopg://bob:s3cret@127.0.0.1:9/nowhere")
    monkeypatch.delenv("CYBERRX_SETTINGS_FILE", raising=False)
    for command in (["db", "upgrade"], ["audit", "verify"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: cannot open the database")
        assert "s3cret" not in result.output and "bob:***@127.0.0.1:9/nowhere" in result.output
