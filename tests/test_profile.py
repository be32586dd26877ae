"""The practice profile: the issue's shape is accepted, bad input gets one clear message and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.domain import PracticeProfile, parse_model
from cyberrx.errors import InvalidInput
from cyberrx.vocab import Control, RemoteAccess, Specialty, Training

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ISSUE_PROFILE = """
name: Lakeside Family Medicine
specialty: primary_care
states: {LA: 9000, MS: 3000}
annual_revenue: 2400000
providers: 4
employees: 18
endpoints: 25
ehr: {vendor: athenahealth, hosting: cloud}
remote_access: vpn
business_associates:
  - {name: ClaimsCo, service: billing, holds_phi: true, baa: true, critical: true}
controls:
  mfa_email: true
  mfa_remote_access: true
  mfa_privileged: false
  edr: false
  mdr_soc: false
  offline_backups: true
  backups_tested: false
  encryption_at_rest: true
  email_filtering: true
  security_training: annual
  patch_critical_days: 30
  incident_response_plan: false
  funds_transfer_verification: false
  risk_analysis_current: true
existing_coverage: {aggregate_limit: 10000}
"""


def base() -> dict:
    return yaml.safe_load(ISSUE_PROFILE)


def test_issue_shape_is_accepted_exactly():
    p = parse_model(PracticeProfile, base())
    assert p.records == 12000
    assert p.specialty is Specialty.PRIMARY_CARE
    assert p.remote_access is RemoteAccess.VPN
    assert p.controls.security_training is Training.ANNUAL
    assert p.business_associates[0].critical is True
    assert p.existing_coverage is not None and p.existing_coverage.aggregate_limit == 10000
    # every control of the vocabulary is a field of the profile's controls block, and nothing else is
    assert set(type(p.controls).model_fields) == {c.value for c in Control}


def test_small_practice_may_leave_out_what_it_does_not_know():
    p = parse_model(PracticeProfile, {"name": "Solo", "specialty": "mental_health", "states": {"OR": 300},
                                      "annual_revenue": 200000})
    assert p.providers == 1 and p.existing_coverage is None
    # unknown controls count as absent: no control is assumed in place
    assert not any(p.controls.has(c) for c in Control)


def test_specialty_is_required_because_it_changes_the_attacks_and_the_rate():
    with pytest.raises(InvalidInput) as err:
        parse_model(PracticeProfile, {"name": "Solo", "states": {"OR": 300}, "annual_revenue": 200000})
    assert str(err.value) == "specialty: this field is required"


@pytest.mark.parametrize(
    ("patch", "field", "allowed"),
    [
        ({"specialty": "cardiology"}, "specialty", "primary_care"),
        ({"remote_access": "teamviewer"}, "remote_access", "rdp_exposed"),
        ({"annual_revenue": -5}, "annual_revenue", ">= 0"),
        ({"states": {"XX": 10}}, "states", None),
        ({"providers": True}, "providers", None),
        ({"controls": {"security_training": "monthly"}}, "controls.security_training", "phishing_simulation"),
        ({"controls": {"mfa_everywhere": True}}, "controls.mfa_everywhere", None),
        ({"ehr": {"vendor": "x", "hosting": "colo"}}, "ehr.hosting", "on_premises"),
    ],
)
def test_bad_input_names_the_field_and_allowed_values(patch, field, allowed):
    data = base()
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict) and key != "states":
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    with pytest.raises(InvalidInput) as err:
        parse_model(PracticeProfile, data)
    assert err.value.field == field
    if allowed:
        assert allowed in str(err.value)


def test_cli_bad_profile_is_one_line_and_exit_2(tmp_path: Path):
    data = base()
    data["specialty"] = "cardiology"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["assess", str(bad), "--trials", "2000"])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "specialty" in lines[0] and "mental_health" in lines[0]
    assert "Traceback" not in result.output


def test_cli_missing_file_and_bad_json(tmp_path: Path):
    runner = CliRunner()
    r = runner.invoke(app, ["assess", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "file not found" in r.output
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    r = runner.invoke(app, ["assess", str(bad)])
    assert r.exit_code == 2 and "not valid JSON" in r.output


def test_json_profile_is_accepted(tmp_path: Path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(base()))
    r = CliRunner().invoke(app, ["assess", str(path), "--trials", "2000", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["practice"] == "Lakeside Family Medicine"


def test_every_shipped_example_profile_validates():
    names = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert len(names) >= 3
    for name in names:
        parse_model(PracticeProfile, yaml.safe_load((EXAMPLES / name).read_text()))
