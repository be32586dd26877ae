"""`cyberrx claim adjudicate`: table and JSON output, --history, and bad input (one line naming it, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyberrx.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
POLICY = str(ROOT / "examples/policies/lakeside-primary.yaml")
CLAIMS = ROOT / "examples/claims"
CLAIM = str(CLAIMS / "lakeside-ransomware.yaml")
runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["claim", "adjudicate", *args])


def test_json_has_the_issue_keys_with_money_to_two_decimals():
    r = run(POLICY, CLAIM, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["status"] == "partially_paid"
    assert data["total_claimed"] == 486200.0 and data["total_payable"] == 261300.0
    assert data["aggregate_remaining"] == 738700.0
    assert set(data["lines"][0]) >= {"coverage", "claimed", "covered", "retention", "coinsurance", "payable",
                                     "reasons"}
    assert [x["payable"] for x in data["lines"]] == [35000.0, 150000.0, 55300.0, 21000.0]
    assert '"total_payable": 261300.00' in r.stdout  # numbers, written with cents


def test_history_is_repeatable_and_erodes_in_order():
    r = run(POLICY, str(CLAIMS / "lakeside-privacy-suit.yaml"), "--history", CLAIM,
            "--history", str(CLAIMS / "lakeside-extortion-again.yaml"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total_payable"] == 613700.0 and data["aggregate_remaining"] == 0.0
    assert [h["claim_id"] for h in data["history"]] == ["CLM-001", "CLM-003"]


def test_table_shows_lines_totals_and_reasons():
    r = run(POLICY, CLAIM)
    assert r.exit_code == 0, r.output
    assert "partially paid" in r.stdout and "261,300.00" in r.stdout and "738,700.00" in r.stdout
    assert "waiting_period" in r.stdout and "mfa_remote_access" in r.stdout


def test_denied_claim_exits_zero_with_status_denied():
    r = run(POLICY, str(CLAIMS / "lakeside-denied-backups.yaml"), "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["status"] == "denied"


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _claim_data():
    return yaml.safe_load(Path(CLAIM).read_text())


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["losses"][1].update(coverage="ransom"),
     "losses[1].coverage: unknown coverage part 'ransom' (allowed: forensics, legal,"),
    (lambda d: d["losses"][0].update(amount=-45000), "losses[0].amount:"),
    (lambda d: d["losses"][3].update(date="2027-03-01"),
     "losses[3].date: loss dated 2027-03-01, outside its incident (allowed: a date from 2027-03-13)"),
    (lambda d: d.update(policy_number="CRX-2027-9999"),
     "policy_number: claim CLM-001 is on policy 'CRX-2027-9999', not on 'CRX-2027-0001'"),
    (lambda d: d["losses"][2].update(amount=5), "losses[2]: a business interruption loss is given as hours"),
])
def test_bad_claim_is_refused_with_one_line_naming_it(tmp_path, change, expected):
    data = _claim_data()
    change(data)
    path = _write(tmp_path, "bad.yaml", data)
    r = run(POLICY, path)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert expected in lines[0]


def test_bad_history_claim_refuses_everything(tmp_path):
    """A bad earlier claim stops the command before anything is adjudicated (nothing half-applied)."""
    data = _claim_data()
    data["claim_id"] = "CLM-000"
    data["losses"][0]["coverage"] = "ransom"
    r = run(POLICY, CLAIM, "--history", _write(tmp_path, "h.yaml", data), "--json")
    assert r.exit_code == 2 and r.stdout == ""
    assert "losses[0].coverage: unknown coverage part 'ransom'" in r.stderr


def test_same_claim_twice_is_refused():
    r = run(POLICY, CLAIM, "--history", CLAIM)
    assert r.exit_code == 2 and "claim CLM-001 is given twice" in r.stderr


def test_bad_policy_names_its_field(tmp_path):
    data = yaml.safe_load(Path(POLICY).read_text())
    data["coverages"]["forensics"]["waiting_period_hours"] = 4
    r = run(_write(tmp_path, "p.yaml", data), CLAIM)
    assert r.exit_code == 2
    assert "coverages.forensics.waiting_period_hours: only business interruption parts have this term" in r.stderr


def test_missing_file():
    r = run(POLICY, "nope.yaml")
    assert r.exit_code == 2 and "nope.yaml: file not found" in r.stderr


def test_wide_terminal_gets_a_table():
    from rich.console import Console

    from cyberrx.claims import adjudicate_files
    from cyberrx.cli.claim import render

    console = Console(width=120, record=True)
    render(adjudicate_files(POLICY, CLAIM), console)
    text = console.export_text()
    assert "coinsurance" in text and "Lost income (own systems down)" in text
    assert any(line.split()[:2] == ["total", "$486,200.00"] for line in text.splitlines() if line.strip())
