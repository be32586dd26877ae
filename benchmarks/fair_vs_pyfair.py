"""Benchmark: the same Open FAIR model run by pyfair and by the ``cyberrx fair`` command, side by side.

Each run is a fresh process, so whole-process time includes interpreter start and imports and peak memory is
that process's own maximum resident set (``os.wait4`` rusage, ``ru_maxrss``):

* ``pyfair``: a Python process that reads the model with ``FairModel.read_json`` (which draws and
  calculates), then takes mean, std, min, max per node and the Risk quantiles with pandas;
* ``cyberrx-cli``: the console script, ``cyberrx fair MODEL --simulations N --seed S --json``, as a user runs
  it (its compute time is the ``timings_s`` it reports: simulation and quantiles);
* ``cyberrx`` (with ``--library``): a Python process calling ``parse_fair_model`` then ``run_fair``.

For each size the sides take turns (pyfair, cyberrx-cli, pyfair, ...), so that a change in the machine's
load falls on both; the fastest of the repeats is kept for times, the median for memory.

Usage (needs the ``bench`` extra: ``pip install -c constraints.txt -e '.[test,bench]'``)::

    .venv/bin/python benchmarks/fair_vs_pyfair.py                   # 1e5, 1e6, 1e7; table + JSON
    .venv/bin/python benchmarks/fair_vs_pyfair.py --sizes 100000 --repeat 1 --library
    .venv/bin/python benchmarks/fair_vs_pyfair.py --write-examples  # re-export examples/fair/*.json

Results go to ``benchmarks/results/fair_vs_pyfair.json``.
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
EXAMPLES = ROOT / "examples" / "fair"
RESULTS = ROOT / "benchmarks" / "results" / "fair_vs_pyfair.json"
DEFAULT_MODEL = EXAMPLES / "ransomware_small_practice.json"
QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99)


# -- example models, built and exported by pyfair itself ------------------------------------------------
def _patch_pyfair_multi() -> None:
    """pyfair 0.1a13 sums ``multi_`` items with ``np.sum(generator)``, which numpy >= 2.4 refuses.

    Swap in the builtin ``sum`` for that one module (the result is the same); only needed to export the
    ``multi_`` example.
    """
    import numpy as np
    import pyfair.model.model_input as mi

    class _NumpyWithBuiltinSum:
        def __getattr__(self, name: str) -> Any:
            return getattr(np, name)

        @staticmethod
        def sum(x: Any, *a: Any, **k: Any) -> Any:
            return sum(x) if not hasattr(x, "__len__") else np.sum(x, *a, **k)

    mi.np = _NumpyWithBuiltinSum()  # type: ignore[assignment]


def write_examples() -> list[Path]:
    """Build three medical-practice models with pyfair and write them with ``FairModel.to_json``."""
    import pyfair

    _patch_pyfair_multi()
    written = []

    # Ransomware at a ten-physician practice: attempts per year, attacker capability against the
    # practice's controls; primary loss = response, restoration and downtime; secondary = notification,
    # regulators and patient claims when data left the network.
    m = pyfair.FairModel(name="Ransomware, 10-physician practice", n_simulations=10_000)
    m.input_data("Threat Event Frequency", low=0.05, mode=0.3, high=1.5)
    m.input_data("Threat Capability", low=0.4, mode=0.7, high=0.95)
    m.input_data("Control Strength", mean=0.6, stdev=0.15)
    m.input_data("Primary Loss", low=50_000, mode=250_000, high=1_500_000)
    m.input_data("Secondary Loss Event Frequency", low=0.2, mode=0.5, high=0.9)
    m.input_data("Secondary Loss Event Magnitude", mean=300_000, stdev=250_000)
    written.append(_write(m, "ransomware_small_practice.json"))

    # Phishing that exposes the EHR: phishing emails reaching staff per year, share acted on,
    # share that gets through; a fixed primary loss and a PERT secondary loss.
    m = pyfair.FairModel(name="EHR breach by phishing", n_simulations=10_000)
    m.input_data("Contact Frequency", low=20, mode=60, high=200)
    m.input_data("Probability of Action", constant=0.1)
    m.input_data("Vulnerability", low=0.02, mode=0.05, high=0.2)
    m.input_data("Primary Loss", constant=40_000)
    m.input_data("Secondary Loss Event Frequency", constant=0.3)
    m.input_data("Secondary Loss Event Magnitude", low=10_000, mode=80_000, high=900_000, gamma=3)
    written.append(_write(m, "ehr_phishing_breach.json"))

    # Lost unencrypted laptop: secondary losses itemised with pyfair's multi input.
    m = pyfair.FairModel(name="Lost unencrypted laptop", n_simulations=10_000)
    m.input_data("Loss Event Frequency", mean=0.5, stdev=0.3)
    m.input_data("Primary Loss", low=5_000, mode=15_000, high=60_000)
    m.input_multi_data("multi_Secondary Loss", {
        "Patient notification": {
            "Secondary Loss Event Frequency": {"constant": 0.9},
            "Secondary Loss Event Magnitude": {"low": 2_000, "mode": 10_000, "high": 40_000},
        },
        "OCR investigation": {
            "Secondary Loss Event Frequency": {"low": 0.05, "mode": 0.1, "high": 0.3},
            "Secondary Loss Event Magnitude": {"low": 10_000, "mode": 50_000, "high": 400_000},
        },
    })
    written.append(_write(m, "lost_laptop_multi.json"))
    return written


def _write(model: Any, name: str) -> Path:
    model.calculate_all()
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    path = EXAMPLES / name
    path.write_text(model.to_json() + "\n", encoding="utf-8")
    return path


# -- one side, in its own process ------------------------------------------------------------------------
def _child(side: str, model: Path, n: int, seed: int) -> dict[str, Any]:
    text = model.read_text(encoding="utf-8")
    if side == "pyfair":
        import pyfair

        data = json.loads(text)
        data["n_simulations"] = n
        data["random_seed"] = seed
        t0 = time.perf_counter()
        fm = pyfair.FairModel.read_json(json.dumps(data))
        results = fm.export_results().dropna(axis=1, how="all")
        stats = results.agg(["mean", "std", "min", "max"])
        q = results["Risk"].quantile(list(QUANTILES))
        compute = time.perf_counter() - t0
        return {"compute_s": compute, "risk_mean": float(stats.loc["mean", "Risk"]),
                "risk_std": float(stats.loc["std", "Risk"]), "risk_p99": float(q.iloc[-1])}
    from cyberrx.app.fair import run_fair
    from cyberrx.domain.fair_model import parse_fair_model

    t0 = time.perf_counter()
    doc = parse_fair_model(json.loads(text))
    s = run_fair(doc, simulations=n, seed=seed).summary
    compute = time.perf_counter() - t0
    risk = s.node("Risk")
    return {"compute_s": compute, "risk_mean": risk.mean, "risk_std": risk.stdev,
            "risk_p99": s.risk_quantiles["p99"]}


def _peak_of_process(cmd: list[str]) -> tuple[float, int, float, str, str]:
    """Run ``cmd``; return (wall seconds, return code, peak RSS in MB, stdout, stderr) of that process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # read the pipes on threads so that wait4 (which reaps the child and gives its own rusage) can block
    import threading

    chunks: dict[str, str] = {}

    def pump(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    threads = [threading.Thread(target=pump, args=(k, s)) for k, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, usage.ru_maxrss / 1024, chunks.get("out", ""), chunks.get("err", "")


def run_side(side: str, model: Path, n: int, seed: int) -> dict[str, Any]:
    """One fresh process for ``side`` (pyfair, cyberrx or cyberrx-cli) at ``n`` simulations."""
    if side == "cyberrx-cli":
        cli = Path(sys.executable).with_name("cyberrx")
        cmd = [str(cli), "fair", str(model), "--simulations", str(n), "--seed", str(seed), "--json"]
    else:
        cmd = [sys.executable, __file__, "--child", side, "--model", str(model), "--n", str(n), "--seed", str(seed)]
    wall, rc, peak_mb, out, err = _peak_of_process(cmd)
    if rc:
        raise RuntimeError(f"{side} failed at n={n}: {err.strip().splitlines()[-1] if err.strip() else rc}")
    report = json.loads(out)
    if side == "cyberrx-cli":
        risk = report["nodes"]["Risk"]
        report = {"compute_s": sum(report["timings_s"].values()), "risk_mean": risk["mean"],
                  "risk_std": risk["stdev"], "risk_p99": report["risk_quantiles"]["p99"]}
    return {**report, "process_s": wall, "peak_mb": peak_mb}


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Fastest of the repeats for times (the least disturbed by other work on the machine); median otherwise."""
    return {k: (min if k.endswith("_s") else statistics.median)(r[k] for r in runs) for k in runs[0]}


def benchmark(model: Path, sizes: list[int], repeat: int, seed: int, library: bool) -> dict[str, Any]:
    sides = ["pyfair", "cyberrx-cli"] + (["cyberrx"] if library else [])
    rows = []
    load = os.getloadavg()
    for n in sizes:
        reps = 1 if n >= 10_000_000 else repeat
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for _ in range(reps):
            for side in sides:  # take turns, so that a change in load falls on every side
                runs[side].append(run_side(side, model, n, seed))
        per_side = {side: _best(r) for side, r in runs.items()}
        for side in sides:
            print(f"  n={n:>11,}  {side:<12} {json.dumps({k: round(v, 3) for k, v in per_side[side].items()})}",
                  file=sys.stderr)
        p, c = per_side["pyfair"], per_side["cyberrx-cli"]
        rows.append({
            "simulations": n, "repeats": reps, **per_side,
            "ratio": {
                "process_speedup": p["process_s"] / c["process_s"],
                "compute_speedup": p["compute_s"] / c["compute_s"],
                "memory_share": c["peak_mb"] / p["peak_mb"],
                **({"library_process_speedup": p["process_s"] / per_side["cyberrx"]["process_s"]}
                   if library else {}),
            },
            "risk_mean_rel_diff": c["risk_mean"] / p["risk_mean"] - 1,
        })
    import numpy
    import pandas
    import pyfair

    return {
        "command": " ".join(["python", "benchmarks/fair_vs_pyfair.py", *sys.argv[1:]]),
        "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        "seed": seed,
        "load_average_before": load,
        "load_average_after": os.getloadavg(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "numpy": numpy.__version__, "pandas": pandas.__version__, "pyfair": pyfair.VERSION},
        "rows": rows,
        "targets": {"process_speedup_at_least": 5.0, "memory_share_at_most": 0.25},
        "targets_met": {
            "process": all(r["ratio"]["process_speedup"] >= 5 for r in rows),
            "memory": all(r["ratio"]["memory_share"] <= 0.25 for r in rows),
        },
    }


def table(result: dict[str, Any]) -> str:
    """Markdown table of a :func:`benchmark` result (cyberrx = the ``cyberrx fair`` command)."""
    lines = [
        "| simulations | pyfair process s | `cyberrx fair` process s | process x | pyfair compute s "
        "| cyberrx compute s | compute x | pyfair peak MB | cyberrx peak MB | memory share |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        p, c, x = r["pyfair"], r["cyberrx-cli"], r["ratio"]
        lines.append(
            f"| {r['simulations']:,} | {p['process_s']:.2f} | {c['process_s']:.2f} | {x['process_speedup']:.1f} "
            f"| {p['compute_s']:.3f} | {c['compute_s']:.3f} | {x['compute_speedup']:.1f} | {p['peak_mb']:,.0f} "
            f"| {c['peak_mb']:,.0f} | {x['memory_share']:.2f} |"
        )
    if any("cyberrx" in r for r in result["rows"]):
        lines += ["", "| simulations | library process s | library compute s | library peak MB | process x vs pyfair |",
                  "|---:|---:|---:|---:|---:|"]
        for r in result["rows"]:
            c = r["cyberrx"]
            lines.append(f"| {r['simulations']:,} | {c['process_s']:.2f} | {c['compute_s']:.3f} | {c['peak_mb']:,.0f} "
                         f"| {r['ratio']['library_process_speedup']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs per side and size below 1e7 (fastest time and median memory kept)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--library", action="store_true",
                    help="also time cyberrx as a library call (parse_fair_model + run_fair) in its own process")
    ap.add_argument("--write-examples", action="store_true", help="re-export examples/fair/*.json with pyfair")
    ap.add_argument("--child", choices=["pyfair", "cyberrx"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.model, args.n, args.seed)))
        return 0
    if args.write_examples:
        for path in write_examples():
            print(path.relative_to(ROOT))
        return 0
    result = benchmark(args.model, args.sizes, args.repeat, args.seed, library=args.library)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    met = result["targets_met"]
    print(f"\ntargets met: process >= 5x {met['process']}, memory <= 1/4 {met['memory']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
