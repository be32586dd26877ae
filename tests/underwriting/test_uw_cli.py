"""The commands: `cyberrx quote`, `cyberrx improve`, `cyberrx estimates` (JSON shape, text, bad input exit 2) and
the quote -> bind -> claim round trip through the terms written by `quote --terms-out`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_quote_json_has_one_option_per_limit_and_retention(tmp_path):
    res = invoke("quote", EX / "exposed-rdp-clinic.yaml", "--limits", "500000,1000000", "--retentions", "2500,10000",
                 "--trials", "5000", "--effective", "2027-01-01", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [(o["limit"], o["retention"]) for o in data["options"]] == [
        (500_000, 2_500), (500_000, 10_000), (1_000_000, 2_500), (1_000_000, 10_000)]
    for o in data["options"]:
        assert o["decision"] == "decline"
        assert "RDP-NO-MFA" in o["reasons"][0]
        assert {s["control"] for s in o["subjectivities"]} == {"mfa_email", "risk_analysis_current"}
        assert set(o) >= {"limit", "retention", "premium", "technical_premium", "rate_adequacy", "sublimits",
                          "decision", "reasons", "subjectivities"}
    assert data["trials"] == 5000 and "TVaR99" in data["technical_formula"]


def test_quote_text_names_the_decision_and_reasons():
    res = invoke("quote", EX / "valley-multispecialty-group.yaml", "--limits", "2000000,5000000", "--retentions",
                 "25000", "--trials", "5000")
    assert res.exit_code == 0, res.output
    assert "large group" in res.stdout and "decline" in res.stdout and "quote" in res.stdout
    assert "LARGE-NO-EDR-MDR" in res.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["--limits", "1M,lots"], "--limits: 'lots' is not an amount (allowed: whole dollars: 1000000, 1,000,000, 1M"),
    (["--limits", "20000000"], "limits: limit 20,000,000 is outside the rate manual (allowed: 100,000 to 10,000,000"),
    (["--retentions", "2500,2500"], "retentions: an amount is repeated"),
    (["--limits", "250000", "--retentions", "250000"], "retentions: retention 250,000 is not below limit 250,000"),
    (["--trials", "10"], "trials: 10 is out of range"),
    (["--effective", "next monday"], "--effective: 'next monday' is not a date (allowed: YYYY-MM-DD)"),
])
def test_quote_bad_input_is_one_line_and_exit_2(args, needle):
    res = invoke("quote", EX / "lakeside-family-medicine.yaml", *args)
    assert res.exit_code == 2
    assert needle in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_bad_profile_names_the_field():
    res = invoke("quote", EX / "claims" / "lakeside-ransomware.yaml")
    assert res.exit_code == 2 and "error:" in res.output


def test_terms_out_round_trip_to_assess_and_claim_adjudicate(tmp_path):
    res = invoke("quote", EX / "lakeside-family-medicine.yaml", "--limits", "1000000", "--retentions", "10000",
                 "--trials", "5000", "--effective", "2027-01-01", "--terms-out", tmp_path / "terms", "--json")
    assert res.exit_code == 0, res.output
    [path] = json.loads(res.stdout)["terms_written"]
    assessed = invoke("assess", EX / "lakeside-family-medicine.yaml", "--policy", path, "--trials", "5000", "--json")
    assert assessed.exit_code == 0, assessed.output
    assert json.loads(assessed.stdout)["insured_loss"]["mean"] > 0
    number = Path(path).stem
    claim = tmp_path / "claim.yaml"
    claim.write_text(
        f"claim_id: CLM-Q2\npolicy_number: {number}\n"
        "incident: {cause: business_email_compromise, occurred: 2027-05-02, discovered: 2027-05-03}\n"
        "losses:\n  - {coverage: forensics, amount: 12000}\n  - {coverage: social_engineering, amount: 90000}\n")
    adjudicated = invoke("claim", "adjudicate", path, claim, "--json")
    assert adjudicated.exit_code == 0, adjudicated.output
    # $10,000 retention from forensics; funds-transfer fraud cut to $50,000 by NO-FTV-SOCIAL-ENGINEERING
    assert json.loads(adjudicated.stdout)["total_payable"] == 2_000 + 50_000


def test_improve_json_and_text():
    res = invoke("improve", EX / "underwriting" / "clinic-no-mfa.yaml", "--trials", "5000", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    first = data["recommendations"][0]
    assert set(first) >= {"control", "annual_cost", "loss_reduction_mean", "loss_reduction_p99", "premium_reduction",
                          "payback_months", "hicp_practice", "insurer_baseline"}
    assert data["best_set"]["controls"]
    text = invoke("improve", EX / "underwriting" / "clinic-no-mfa.yaml", "--trials", "5000", "--budget", "1000")
    assert text.exit_code == 0 and "Best set within $1,000 a year:" in text.stdout
    assert "Multi-factor sign-in for remote access" in " ".join(text.stdout.split())   # the label, not the id
    bad = invoke("improve", EX / "underwriting" / "clinic-no-mfa.yaml", "--budget", "-5")
    assert bad.exit_code == 2 and "--budget: '-5' is not an amount" in bad.output


def test_estimates_json_text_and_unknown_specialty():
    res = invoke("estimates", "--specialty", "dental", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    assert {r["specialty"] for r in rows} == {"dental"}
    small = [r for r in rows if r["size"] == "small" and r["limit"] == 1_000_000][0]
    assert small["premium_low"] <= small["premium_high"]
    # the published range (WDA's $1,500-3,000) is checked against the derived manual in test_uw_rating
    sizes = {r["size"] for r in rows}
    assert {"mid_group", "health_system", "large_account"} <= sizes     # every size band (issue 11)
    text = invoke("estimates")
    assert text.exit_code == 0 and "standalone cyber: mental health" in text.stdout
    bad = invoke("estimates", "--specialty", "podiatry")
    assert bad.exit_code == 2 and "specialty: unknown specialty 'podiatry'" in bad.output and "dental" in bad.output
