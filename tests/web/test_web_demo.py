"""``cyberrx demo seed``: the demo world through the use cases, idempotent, and its users printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.app import accounts, demo
from cyberrx.app.authz import Role
from cyberrx.app.common import PageRequest
from cyberrx.cli.main import app

runner = CliRunner()


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"CYBERRX_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "CYBERRX_DEMO_PASSWORD": "a demo password",
              "CYBERRX_JOB_WORKERS": "0", "CYBERRX_SECRET_KEY": "k" * 40}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def _counts(url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables
                    if t not in ("tokens",)}
    finally:
        engine.dispose()


def test_demo_seed_json_is_idempotent_and_lists_a_user_of_every_role(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["demo", "seed", "--json", "--trials", "2000"])
    assert first.exit_code == 0, first.output
    users = json.loads(first.stdout)["users"]
    assert all(set(u) == {"email", "role", "organisation", "password"} for u in users)
    assert {u["password"] for u in users} == {"a demo password"}
    assert {u["role"] for u in users} == {r.value for r in Role}
    orgs = {(u["role"], u["organisation"]) for u in users}
    assert {o for r, o in orgs if r == "broker"} == {b.name for b in demo.BROKERAGES}
    managers = {o for r, o in orgs if r == "practice_manager"}
    assert {"Lakeside Family Medicine", "Valley Multispecialty Group", "Riverbend Counseling (solo)"} <= managers
    assert {o for r, o in orgs if r in ("admin", "underwriter", "claims_adjuster")} == {demo.CARRIER}
    before = _counts(env["CYBERRX_DATABASE_URL"])
    # the insured practice's policy, the underwriter's book and the referral bound with its subjectivities
    assert before["quotes"] == len(managers) and before["policies"] == 2 + len(demo.BOOK)
    assert before["referrals"] >= 15 and before["subjectivities"] >= 3
    # the claim opened on the practice's incident, and the adjuster's claim from a first notice with its own
    assert before["claims"] == 2 and before["incidents"] == 2
    second = runner.invoke(app, ["demo", "seed", "--json", "--trials", "2000"])
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout
    assert _counts(env["CYBERRX_DATABASE_URL"]) == before


def test_demo_seed_table_says_nothing_changed_the_second_time(env: dict[str, str]) -> None:
    assert runner.invoke(app, ["demo", "seed", "--trials", "2000"]).exit_code == 0
    result = runner.invoke(app, ["demo", "seed", "--trials", "2000"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "manager@lakeside.example" in result.output and "nothing changed" in result.output
    assert "every user's password: a demo password" in result.output


def test_the_demo_has_a_referred_and_a_declined_quote(tmp_path: Path) -> None:
    from cyberrx.adapters.passwords import Argon2Hasher
    from cyberrx.app import quotes
    from cyberrx.app.ports import Ports
    from cyberrx.bootstrap import build
    from cyberrx.config import Settings

    service = build(Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}", job_workers=0),
                    ports=Ports(hasher=Argon2Hasher.fast()))
    try:
        world = demo.seed(service.uow, service.limits, "twelve chars!", ports=service.ports, trials=2000)
        with service.uow.reading() as tx:
            user = tx.users.by_email("underwriter@pelican-mutual.example")
            assert user is not None
            token = accounts.login(service.uow, user.email, "twelve chars!", 1, ports=service.ports)
        principal = accounts.authenticate(service.uow, token["token"], ports=service.ports)
        decisions = {name: set(quotes.get(service.uow, principal, q)["decisions"]) for name, q in world.quotes.items()}
        assert decisions["Bayou Family Clinic"] == {"refer"}
        assert decisions["Quickcare Walk-in Clinic"] == {"decline"}
        assert "quote" in decisions["Lakeside Family Medicine"]
        assert quotes.list_quotes(service.uow, principal, PageRequest()).total == len(world.quotes)
    finally:
        service.close()
