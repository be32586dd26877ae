"""The ``cyberrx`` root: every command listed, ``-h``, ``--version``, lazy loading and the error mapping."""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx import __version__
from cyberrx.cli.main import COMMANDS, app, load_command

ROOT = Path(__file__).resolve().parents[2]
CLI_DIR = ROOT / "src" / "cyberrx" / "cli"
runner = CliRunner()

#: every command line that has a help page: the root's commands and the nouns' sub-commands
SUB_COMMANDS = [("claim", "adjudicate"), ("breach", "obligations"), ("breach", "playbook"), ("breach", "letter"),
                ("db", "upgrade"), ("admin", "create-user"), ("audit", "verify"), ("demo", "seed")]

#: what ``cyberrx --version`` must not load
HEAVY = ("numpy", "scipy", "pydantic", "sqlalchemy", "fastapi", "rich", "yaml", "matplotlib", "click")


_PROBE = """
import atexit, json, sys
out, sys.argv = sys.argv[1], ["cyberrx", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from cyberrx.cli.main import main
main()
"""


def _imported(tmp_path: Path, *args: str) -> set[str]:
    """Every module in ``sys.modules`` when ``cyberrx ARGS`` ends, run in a fresh process."""
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(json.loads(out.read_text(encoding="utf-8")))


def _packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_root_help_lists_every_command_with_its_one_line_help() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^│ (\S+)\s{2,}(.+?)\s*│$", result.output, flags=re.M)
    commands = {name: help_ for name, help_ in listed if not name.startswith("-")}
    assert list(commands) == list(COMMANDS)
    for name, (_, help_) in COMMANDS.items():
        assert commands[name] == help_


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_lazy_table_agrees_with_each_command(name: str) -> None:
    """The help kept in the root's table is the command's own (its docstring or its sub-app's help)."""
    command = load_command(name)
    assert command.name == name
    own = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")
    assert own == COMMANDS[name][1]


@pytest.mark.parametrize("option", ["-h", "--help"])
def test_help_options_on_the_root(option: str) -> None:
    result = runner.invoke(app, [option])
    assert result.exit_code == 0, result.output
    assert "Usage: cyberrx" in result.output and "-h" in result.output and "--version" in result.output


@pytest.mark.parametrize("line", [(n,) for n in COMMANDS] + SUB_COMMANDS, ids=" ".join)
def test_dash_h_on_every_command(line: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*line, "-h"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cyberrx {' '.join(line)}" in " ".join(result.output.split())
    assert result.output == runner.invoke(app, [*line, "--help"]).output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"cyberrx {__version__}\n"


def test_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = runner.invoke(app, ["fiar"])
    assert result.exit_code == 2
    assert "No such command 'fiar'" in result.output and "'fair'" in result.output


def test_domain_errors_are_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"name": "x", "Threat Event Frequency": {"low": 3, "mode": 1, "high": 2}}', encoding="utf-8")
    result = runner.invoke(app, ["fair", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


def test_version_in_a_fresh_process_loads_no_command_and_no_heavy_package(tmp_path: Path) -> None:
    names = _imported(tmp_path, "--version")
    assert not _packages(names) & set(HEAVY), sorted(_packages(names) & set(HEAVY))
    assert {n for n in names if n.startswith("cyberrx.")} == {"cyberrx.cli", "cyberrx.cli.main", "cyberrx.errors"}


def test_root_help_in_a_fresh_process_loads_no_command_module(tmp_path: Path) -> None:
    names = _imported(tmp_path, "--help")
    assert {n for n in names if n.startswith("cyberrx.")} == {"cyberrx.cli", "cyberrx.cli.main", "cyberrx.errors"}
    assert not _packages(names) & {"numpy", "pydantic", "sqlalchemy", "fastapi"}


def test_fair_loads_only_the_fair_command_module(tmp_path: Path) -> None:
    model = ROOT / "examples" / "fair" / "ransomware_small_practice.json"
    names = _imported(tmp_path, "fair", str(model), "--simulations", "1000", "--json")
    assert {n for n in names if n.startswith("cyberrx.cli.")} == {"cyberrx.cli.main", "cyberrx.cli.fair"}
    assert not _packages(names) & {"sqlalchemy", "fastapi", "rich", "yaml", "matplotlib", "scipy", "click"}


def _imports_of(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_no_command_module_imports_the_root() -> None:
    modules = sorted(CLI_DIR.glob("*.py"))
    assert len(modules) > 3
    offenders = [p.name for p in modules if p.name != "main.py" and "cyberrx.cli.main" in _imports_of(p)]
    assert offenders == []


def test_every_command_module_owns_an_app() -> None:
    for module in {m for m, _ in COMMANDS.values()}:
        path = CLI_DIR / f"{module.rsplit('.', 1)[1]}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        assert "app" in assigned, path.name
