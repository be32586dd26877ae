"""The mistakes a practice manager makes in a profile, and what the command line says back, verbatim.

One style everywhere: ``error: FILE:LINE:COLUMN: FIELD: message (allowed: ...)``, one line per problem, every
problem at once, exit code 2, no Python exception names.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cyberrx.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
CONTROLS = ("mfa_email, mfa_remote_access, mfa_privileged, edr, mdr_soc, offline_backups, backups_tested, "
            "encryption_at_rest, email_filtering, security_training, patch_critical_days, incident_response_plan, "
            "funds_transfer_verification, risk_analysis_current")


def _errors(*args: str) -> list[str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr.splitlines()


def _profile(tmp_path: Path, text: str) -> str:
    path = tmp_path / "practice.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_problem_at_once_with_line_column_did_you_mean_and_the_allowed_values(tmp_path):
    path = _profile(tmp_path, (
        "name: Bayside Pediatrics\n"
        "states: {FL: 4000}\n"
        "annual_revenue: 1500000\n"
        "remote_access: rdp_exposd\n"
        "controls:\n"
        "  mfa_emial: true\n"
        "  security_training: sometimes\n"
        "ehr: {vendor: x, hostin: cloud}\n"))
    assert _errors("assess", path) == [
        f"error: {path}:1:1: specialty: this field is required",
        f"error: {path}:4:1: remote_access: 'rdp_exposd' is not one of the choices; did you mean 'rdp_exposed'? "
        "(allowed: none, vpn, rdp_exposed, vendor_portal)",
        f"error: {path}:6:3: controls.mfa_emial: unknown field; did you mean 'mfa_email'? (allowed: {CONTROLS})",
        f"error: {path}:7:3: controls.security_training: 'sometimes' is not one of the choices "
        "(allowed: none, annual, phishing_simulation)",
        f"error: {path}:8:18: ehr.hostin: unknown field; did you mean 'hosting'? (allowed: vendor, hosting)",
    ]


def test_leaving_out_the_specialty_is_an_error_not_a_silent_default(tmp_path):
    path = _profile(tmp_path, "name: Solo\nstates: {OR: 300}\nannual_revenue: 200000\n")
    assert _errors("quote", path) == [f"error: {path}:1:1: specialty: this field is required"]


def test_a_file_that_is_not_text_is_said_in_plain_words(tmp_path):
    path = tmp_path / "practice.yaml"
    path.write_bytes(b"\xff\xfe\x00n\x00a\x00m\x00e")
    assert _errors("assess", str(path)) == [
        f"error: {path}: this is not a text file (byte 1 is not UTF-8 text) "
        "(allowed: a YAML or JSON file saved as UTF-8 text)"]


def test_a_folder_is_said_in_plain_words(tmp_path):
    assert _errors("assess", str(tmp_path)) == [
        f"error: {tmp_path}: this is a folder, not a file (allowed: a YAML or JSON file)"]


def test_yaml_syntax_has_its_line_and_column(tmp_path):
    path = _profile(tmp_path, "name: x\n  states: [\n")
    assert _errors("assess", path) == [f"error: {path}:2:9: not valid YAML: mapping values are not allowed here"]


def test_a_missing_file():
    assert _errors("assess", "nope.yaml") == ["error: nope.yaml: file not found"]


def test_command_line_mistakes_in_the_same_style():
    assert _errors("assess", str(ROOT / "examples" / "solo-therapy-office.yaml"), "--trials", "many") == [
        "error: Invalid value for '--trials' / '-n': a whole number is required",
        "  (see: cyberrx assess -h)"]
    assert _errors("quote", "--nope") == ["error: No such option: --nope", "  (see: cyberrx quote -h)"]


def test_a_bad_amount_names_the_option_and_what_an_amount_looks_like():
    assert _errors("quote", str(ROOT / "examples" / "lakeside-family-medicine.yaml"), "--limits", "1M,lots") == [
        "error: --limits: 'lots' is not an amount (allowed: whole dollars: 1000000, 1,000,000, 1M, 2.5M or 250k)"]


def test_amounts_with_thousands_separators_and_suffixes_are_read():
    result = CliRunner().invoke(app, ["quote", str(ROOT / "examples" / "lakeside-family-medicine.yaml"),
                                      "--limits", "1,000,000", "--retentions", "10k", "-n", "5000", "--json"])
    assert result.exit_code == 0, result.output
    import json

    options = json.loads(result.stdout)["options"]
    assert [(o["limit"], o["retention"]) for o in options] == [(1_000_000.0, 10_000.0)]


def test_no_python_exception_name_leaks(tmp_path):
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\x80\x81")
    for args in (["assess", str(bad)], ["assess", str(tmp_path)], ["claim", "adjudicate", str(tmp_path), str(bad)],
                 ["breach", "obligations", str(bad)]):
        text = "\n".join(_errors(*args))
        assert "Error:" not in text.replace("error:", "") and "Decode" not in text and "IsADirectory" not in text
