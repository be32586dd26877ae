"""``cyberrx breach ...`` end to end: JSON on stdout, files written, bad input as one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyberrx.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
INCIDENTS = ROOT / "examples" / "incidents"
ISSUE_EXAMPLE = str(INCIDENTS / "lakeside-family-medicine.yaml")
PROFILE = {"name": "Lakeside Family Medicine",
    "specialty": "primary_care", "states": {"LA": 9000, "MS": 3000}, "annual_revenue": 2400000,
           "ehr": {"vendor": "athenahealth", "hosting": "cloud"}}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def write(tmp_path: Path, name: str, data: dict) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def issue_incident(**changes) -> dict:
    data = yaml.safe_load(Path(ISSUE_EXAMPLE).read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_obligations_json_for_the_issue_example():
    result = run("breach", "obligations", ISSUE_EXAMPLE, "--json", "--as-of", "2027-03-20")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["reportable"] is True and out["reasons"]
    by = {(o["recipient"], o["basis"]): o for o in out["obligations"]}
    assert by[("individuals", "federal")]["deadline"] == "2027-05-13"   # 2027-03-14 + 60
    assert by[("hhs", "federal")]["citation"].startswith("45 CFR 164.408(b)")
    # names, dates of birth, diagnosis codes: not Louisiana "personal information" (La. R.S. 51:3073(4)(a)),
    # so no LA AG date (before issue 12 it wrongly showed 2027-05-23); the LA duty says why
    assert ("state_regulator", "state") not in by
    la = next(s for s in out["states"] if s["state"] == "LA")
    assert [d["status"] for d in la["duties"]] == ["not_triggered"] and "51:3073(4)(a)" in la["duties"][0]["reason"]
    # Mississippi has a row since state table 2026-12-01 (Miss. Code Ann. 75-24-29): it is no longer "must be
    # checked", and it adds no dated obligation (no day count, no regulator notice, health data not covered)
    ms = next(s for s in out["states"] if s["state"] == "MS")
    assert ms["covered"] is True and ms["statutes"] == ["Miss. Code Ann. 75-24-29"]
    assert not any("must be checked" in w for w in out["warnings"])
    assert all(o["states"] != ["MS"] for o in out["obligations"] if o["basis"] == "state")


def test_obligations_table_renders():
    result = run("breach", "obligations", ISSUE_EXAMPLE, "--as-of", "2027-03-20")
    assert result.exit_code == 0, result.output
    assert "REPORTABLE BREACH" in result.stdout and "2027-05-13" in result.stdout


@pytest.mark.parametrize("name", ["billing-vendor-business-associate.yaml", "lost-encrypted-laptop.yaml",
                                  "ransomware-law-enforcement-delay.yaml"])
def test_other_examples_run(name):
    result = run("breach", "obligations", str(INCIDENTS / name), "--json", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    if name.startswith("lost"):
        assert out["reportable"] is False and out["obligations"] == []
    elif name.startswith("billing"):
        assert [o["recipient"] for o in out["obligations"]] == ["covered_entity"]
        assert out["obligations"][0]["deadline"] == "2026-12-04"  # 2026-10-05 + 60: 26 + 30 (Nov) + 4
    else:
        individuals = next(o for o in out["obligations"] if o["recipient"] == "individuals")
        # 2026-10-30 + 60 = 2026-12-29 (1 + 30 + 29), held by the written statement until 2027-01-15
        assert (individuals["rule_deadline"], individuals["deadline"]) == ("2026-12-29", "2027-01-15")


def test_playbook_writes_markdown_calendar_and_letter(tmp_path):
    profile = write(tmp_path, "profile.yaml", PROFILE)
    ics, letter, out = tmp_path / "d.ics", tmp_path / "letter.html", tmp_path / "playbook.md"
    result = run("breach", "playbook", ISSUE_EXAMPLE, "--profile", profile, "--format", "markdown",
                 "--ics", str(ics), "--letter", str(letter), "--out", str(out), "--as-of", "2027-03-20",
                 "--hotline", "1-800-555-0100")
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Incident playbook") and "1-800-555-0100" in md and "**by Thu 13 May 2027**" in md
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"DTSTART;VALUE=DATE:20270513" in ics.read_bytes()
    assert letter.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_playbook_text_to_stdout(tmp_path):
    profile = write(tmp_path, "profile.yaml", PROFILE)
    result = run("breach", "playbook", ISSUE_EXAMPLE, "-p", profile, "--as-of", "2027-03-20")
    assert result.exit_code == 0, result.output
    assert "CALL FIRST" in result.stdout and "[ ] BY Thu 13 May 2027" in result.stdout


def test_letter_command(tmp_path):
    result = run("breach", "letter", ISSUE_EXAMPLE, "--as-of", "2027-03-20", "--toll-free", "1-888-555-0199")
    assert result.exit_code == 0, result.output
    assert "# Notice of Data Breach" in result.stdout and "1-888-555-0199" in result.stdout


# ---------------------------------------------------------------------------------------- bad input
def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(("changes", "needle"), [
    ({"affected_by_state": {"LA": -5, "MS": 130}}, "affected_by_state.LA: Input should be greater than or equal"),
    ({"affected_by_state": {"LA": 420, "XX": 130}}, "affected_by_state: unknown state code 'XX'"),
    ({"discovered": "2027-03-21"}, "discovered: the discovery date is in the future"),
    ({"phi_secured": "no"}, "phi_secured: true or false is required"),
    ({"insufficient_contact_info": 551}, "insufficient_contact_info: more unreachable individuals"),
])
def test_bad_incident_is_one_line_naming_the_field(tmp_path, changes, needle):
    path = write(tmp_path, "incident.yaml", issue_incident(**changes))
    line = one_line_error(run("breach", "obligations", path, "--as-of", "2027-03-20"))
    assert line.startswith("error: ") and needle in line and "allowed:" in line


def test_future_discovery_against_the_real_today(tmp_path):
    path = write(tmp_path, "incident.yaml", issue_incident(discovered="2999-01-01"))
    line = one_line_error(run("breach", "obligations", path))
    assert "discovered" in line and "future" in line


def test_bad_as_of_and_missing_file(tmp_path):
    assert "--as-of" in one_line_error(run("breach", "obligations", ISSUE_EXAMPLE, "--as-of", "soon"))
    assert "file not found" in one_line_error(run("breach", "obligations", str(tmp_path / "nope.yaml")))


def test_bad_profile_for_playbook(tmp_path):
    profile = write(tmp_path, "profile.yaml", {**PROFILE, "states": {"ZZ": 1}})
    line = one_line_error(run("breach", "playbook", ISSUE_EXAMPLE, "--profile", profile, "--as-of", "2027-03-20"))
    assert "states" in line
