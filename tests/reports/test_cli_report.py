"""``cyberrx report ...`` writes the documents."""

from __future__ import annotations

from typer.testing import CliRunner

from cyberrx.cli.main import app

from .conftest import EXAMPLES


def test_report_commands_write_pdf_and_html(tmp_path):
    runner = CliRunner()
    cert = tmp_path / "coi.pdf"
    done = runner.invoke(app, ["report", "certificate", str(EXAMPLES / "policies" / "lakeside-primary.yaml"),
                               "--holder", "Bayou Community Bank", "--producer", "Harbor Brokers", "--out", str(cert)])
    assert done.exit_code == 0, done.output
    assert cert.read_bytes().startswith(b"%PDF")
    risk = tmp_path / "risk.html"
    done = runner.invoke(app, ["report", "risk", str(EXAMPLES / "solo-therapy-office.yaml"), "--trials", "2000",
                               "--seed", "3", "--out", str(risk)])
    assert done.exit_code == 0, done.output
    assert "What to fix first" in risk.read_text()


def test_report_bad_profile_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\n")
    done = CliRunner().invoke(app, ["report", "proposal", str(bad), "--out", str(tmp_path / "p.pdf")])
    assert done.exit_code == 2 and not (tmp_path / "p.pdf").exists()
