"""Conventions every command keeps: help without Python types, shell completion, one name for the run length."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import COMMANDS, app

ROOT = Path(__file__).resolve().parents[2]
SUB = {"claim": ["adjudicate"], "breach": ["obligations", "playbook", "letter"], "report": ["risk", "proposal",
       "certificate"], "db": ["upgrade"], "admin": ["create-user"], "audit": ["verify"], "demo": ["seed"]}
LINES = [[name, *([sub] if sub else [])] for name in COMMANDS for sub in (SUB.get(name) or [None])]


@pytest.mark.parametrize("words", LINES, ids=[" ".join(w) for w in LINES])
def test_help_shows_no_python_types(words):
    result = CliRunner().invoke(app, [*words, "-h"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(list\[|int|bool|text|path|float|str|Path)", result.output), result.output


def test_assess_help_names_its_values_plainly():
    text = CliRunner().invoke(app, ["assess", "-h"], env={"COLUMNS": "120"}).output
    assert "Usage: cyberrx assess [OPTIONS] {PROFILE}..." in text
    assert re.search(r"--trials\s+-n\s+N\s+Simulated years", text)
    assert re.search(r"--policy\s+FILE\s+Policy terms", text)


def test_shell_completion_is_available():
    # a fresh process, as a shell runs it (typer's completion keeps state in the process)
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'cyberrx'; "
                           "from cyberrx.cli.main import main; main()", "--show-completion", "bash"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "_cyberrx_completion" in proc.stdout and "complete -o default -F _cyberrx_completion cyberrx" in proc.stdout


def test_fair_takes_trials_and_keeps_simulations_as_a_hidden_alias():
    model = str(ROOT / "examples" / "fair" / "ransomware_small_practice.json")
    new = CliRunner().invoke(app, ["fair", model, "--trials", "5000", "--json"])
    old = CliRunner().invoke(app, ["fair", model, "--simulations", "5000", "--json"])
    assert new.exit_code == old.exit_code == 0
    drop = {"timings_s"}
    assert {k: v for k, v in json.loads(new.stdout).items() if k not in drop} == \
        {k: v for k, v in json.loads(old.stdout).items() if k not in drop}
    assert "--simulations" not in CliRunner().invoke(app, ["fair", "-h"], env={"COLUMNS": "120"}).output
