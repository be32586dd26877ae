"""Benchmark: how long ``cyberrx --version`` takes as a whole process, beside ``import numpy`` and ``pass``.

Each figure is the wall time of a fresh process (interpreter start, imports, exit), measured from this
parent; the runs of the commands take turns, so that a change in the machine's load falls on each. Also the
child's CPU time (user + system, ``os.wait4`` rusage), which other work on the machine disturbs less.

Usage::

    .venv/bin/python benchmarks/cli_startup.py              # 10 runs each; table + JSON
    .venv/bin/python benchmarks/cli_startup.py --runs 30

Results go to ``benchmarks/results/cli_startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "cli_startup.json"


def commands() -> dict[str, list[str]]:
    python = sys.executable
    cli = str(Path(python).with_name("cyberrx"))
    return {
        "cyberrx --version": [cli, "--version"],
        "cyberrx --help": [cli, "--help"],
        'python -c "import numpy"': [python, "-c", "import numpy"],
        'python -c "pass"': [python, "-c", "pass"],
    }


def run_once(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process running ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def benchmark(runs: int) -> dict[str, Any]:
    cmds = commands()
    for cmd in cmds.values():  # warm the file cache and the bytecode caches
        run_once(cmd)
    load = os.getloadavg()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(run_once(cmd))
    rows = {}
    for name, got in samples.items():
        walls, cpus = [w for w, _ in got], [c for _, c in got]
        rows[name] = {"median_s": statistics.median(walls), "min_s": min(walls),
                      "cpu_median_s": statistics.median(cpus), "runs": len(got)}
    base = rows['python -c "pass"']["median_s"]
    numpy = rows['python -c "import numpy"']["median_s"]
    version = rows["cyberrx --version"]["median_s"]
    import numpy as np
    import typer

    return {
        "command": " ".join(["python", "benchmarks/cli_startup.py", *sys.argv[1:]]),
        "load_average_before": load,
        "load_average_after": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "numpy": np.__version__, "typer": typer.__version__},
        "rows": rows,
        "version_over_python_s": version - base,
        "version_share_of_import_numpy": version / numpy,
    }


def table(result: dict[str, Any]) -> str:
    lines = ["| process | median s | fastest s | CPU s (median) |", "|---|---:|---:|---:|"]
    for name, r in result["rows"].items():
        lines.append(f"| `{name}` | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['cpu_median_s']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="runs of each command (the median is reported)")
    args = ap.parse_args(argv)
    result = benchmark(args.runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\ncyberrx --version: {result['version_over_python_s'] * 1000:.0f} ms over a bare interpreter, "
          f"{result['version_share_of_import_numpy']:.2f} of `import numpy`'s time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
