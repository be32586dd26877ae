"""``cyberrx fair``: the command end to end (text, --json, options, one-line errors with exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.app.fair import run_fair
from cyberrx.cli.main import app
from cyberrx.domain.fair_model import load_fair_model

ROOT = Path(__file__).resolve().parents[2]
RANSOMWARE = ROOT / "examples" / "fair" / "ransomware_small_practice.json"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["fair", *args])


def test_text_table_lists_every_node_and_the_quantiles() -> None:
    result = invoke(str(RANSOMWARE), "--simulations", "20000", "--seed", "3")
    assert result.exit_code == 0, result.output
    out = result.output
    for node in ("Risk", "Loss Event Frequency", "Threat Capability", "Control Strength", "Secondary Loss"):
        assert node in out
    assert "20,000 simulations, seed 3" in out and "Risk quantiles" in out and "p99" in out
    assert "Vulnerability = share" in out


def test_json_matches_the_service_and_is_reproducible() -> None:
    a = invoke(str(RANSOMWARE), "-n", "20000", "--seed", "5", "--json")
    b = invoke(str(RANSOMWARE), "-n", "20000", "--seed", "5", "--json", "--workers", "2")
    assert a.exit_code == b.exit_code == 0
    da, db = json.loads(a.output), json.loads(b.output)
    da.pop("timings_s"), db.pop("timings_s")
    assert da == db
    direct = run_fair(load_fair_model(RANSOMWARE), simulations=20_000, seed=5).summary
    assert da["nodes"]["Risk"]["mean"] == direct.node("Risk").mean
    assert da["risk_quantiles"] == pytest.approx(direct.risk_quantiles, abs=0.005)   # usd, to the cent
    expected = direct.to_dict()
    expected.pop("timings_s")
    assert da == expected
    assert da["simulations"] == 20_000 and da["seed"] == 5


def test_defaults_come_from_the_model_file() -> None:
    raw = json.loads(RANSOMWARE.read_text())
    result = invoke(str(RANSOMWARE), "--json")
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["simulations"] == raw["n_simulations"] and out["seed"] == raw["random_seed"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "file not found"),
        ("{not json", "not valid JSON"),
        ('{"name": "x", "LEF": {"constant": 1}, "Loss Magnitude": {"constant": -3}}',
         "Loss Magnitude: constant is less than zero"),
        ('{"name": "x", "LEF": {"constant": 1}}', "Primary Loss: the model cannot be calculated"),
        ('{"name": "x", "LEF": {"raw": [1, 2]}, "LM": {"constant": 3}}',
         "Loss Event Frequency.raw: raw input has 2 values"),
    ],
)
def test_bad_models_give_one_line_and_exit_2(tmp_path: Path, content: str | None, words: str) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    result = invoke(str(path), "-n", "100")
    assert result.exit_code == 2
    err = result.stderr if result.stderr_bytes is not None else result.output
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err


def test_bad_option_values_are_refused() -> None:
    assert invoke(str(RANSOMWARE), "--simulations", "0").exit_code == 2
    assert invoke(str(RANSOMWARE), "--seed", "-1").exit_code == 2
