"""Benchmarks of the book run (issue 16): scale, strong scaling on Dask, memory as years grow, a projection.

    .venv/bin/python benchmarks/portfolio_bench.py scale --practices 10000 --years 100000 --workers 2
    .venv/bin/python benchmarks/portfolio_bench.py strong --practices 2000 --years 65536
    .venv/bin/python benchmarks/portfolio_bench.py memory --practices 200 --years 32768,131072,524288
    .venv/bin/python benchmarks/portfolio_bench.py project --from benchmarks/results/portfolio.json

Each measurement appends a record to ``benchmarks/results/portfolio.json`` (``--out``). The book is synthetic:
small practices (the solo therapy office's profile, 1 provider, 3 endpoints, and Riverbend's $250K policy), each
with an EHR host from 20, a clearinghouse from 10 and a billing firm from 200, so systemic events hit hundreds of
insureds at once. Times are wall-clock seconds of pass 1 (the year loss table; ``contributions`` is the second
pass, timed separately where run). Peak memory is ``ru_maxrss`` of this process and of its largest child.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "portfolio.json"


def synthetic_book(n: int) -> Any:
    from cyberrx import load_policy, load_profile
    from cyberrx.portfolio.book import build_book

    base = load_profile(ROOT / "examples" / "solo-therapy-office.yaml")
    policy = load_policy(ROOT / "examples" / "books" / "policies" / "riverbend-counseling.yaml")
    pairs = []
    for i in range(n):
        bas = [{"name": f"Clearinghouse {i % 10}", "service": "clearinghouse", "holds_phi": True, "critical": True},
               {"name": f"Billing {i % 200}", "service": "billing", "holds_phi": True, "critical": True}]
        data = base.model_dump(mode="json")
        data.update(name=f"Practice {i}", ehr={"vendor": f"EHR {i % 20}", "hosting": "cloud"},
                    business_associates=bas)
        pairs.append((load_profile(data), policy))
    return build_book(pairs, f"synthetic-{n}")


def _rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(kids, 1)


def _executor(kind: str, workers: int) -> Any:
    from cyberrx.engine.executors import ProcessPoolExecutor, SerialExecutor

    if kind == "dask":
        from cyberrx.adapters.dask_executor import DaskExecutor

        return DaskExecutor(workers=workers)
    if kind == "process":
        return ProcessPoolExecutor(workers)
    return SerialExecutor()


def measure(practices: int, years: int, kind: str, workers: int, seed: int = 1,
            with_contributions: bool = False) -> dict[str, Any]:
    """One run of pass 1 (and optionally pass 2) in this process; the executor started before the clock."""
    from cyberrx.portfolio.catalogue import load_catalogue
    from cyberrx.portfolio.run import BOOK_BLOCK_YEARS, PRACTICES_PER_TASK, contributions, simulate_book
    from cyberrx.reference import load_loss_model

    t0 = time.perf_counter()
    book = synthetic_book(practices)
    cat = load_catalogue()
    model = book.compile(cat, load_loss_model().tables)
    compile_s = time.perf_counter() - t0
    tasks = math.ceil(practices / PRACTICES_PER_TASK) * math.ceil(years / BOOK_BLOCK_YEARS)
    with _executor(kind, workers) as ex:
        if kind != "serial":     # start the workers before timing: warm-up on a tiny run
            simulate_book(model.__class__(**{**model.__dict__}), cat, 1000, seed, executor=ex,
                          practices_per_task=max(1, practices // max(1, workers)))
        t1 = time.perf_counter()
        run = simulate_book(model, cat, years, seed, executor=ex)
        run_s = time.perf_counter() - t1
        contrib_s = None
        if with_contributions:
            t2 = time.perf_counter()
            contributions(model, cat, run, executor=ex)
            contrib_s = round(time.perf_counter() - t2, 2)
    own, kids = _rss_mb()
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "practices": practices, "years": years, "executor": kind, "workers": workers, "tasks": tasks,
        "compile_s": round(compile_s, 2), "pass1_s": round(run_s, 2), "contributions_s": contrib_s,
        "per_task_s": round(run_s * (workers if kind != "serial" else 1) / tasks, 3),
        "practice_years_per_s": round(practices * years / run_s),
        "systemic_events_with_loss": run.events, "aal_gross": round(float(run.gross.mean()), 2),
        "peak_rss_mb_driver": own, "peak_rss_mb_largest_child": kids,
        # CPU seconds of the whole measurement (book, warm-up and run), this process and its ended children
        "cpu_s_driver": round(me.ru_utime + me.ru_stime, 1),
        "cpu_s_workers": round(children.ru_utime + children.ru_stime, 1),
        "load_average_during": round(os.getloadavg()[0], 2),
    }


def one_task(practices: int, years: int, seed: int = 1) -> dict[str, Any]:
    """The cost of one task of the book (the first batch of practices, the first block of years), in CPU
    seconds of this process (``time.process_time``: what the task costs whatever else the machine runs) and
    wall seconds; and the cost of drawing the block's systemic events (done once per block by the driver)."""
    from cyberrx.engine.rng import plan_blocks
    from cyberrx.portfolio.catalogue import load_catalogue
    from cyberrx.portfolio.kernel import BlockSpec, XolTerms, run_batch
    from cyberrx.portfolio.run import BOOK_BLOCK_YEARS, PRACTICES_PER_TASK, _draw
    from cyberrx.reference import load_loss_model

    cat = load_catalogue()
    model = synthetic_book(practices).compile(cat, load_loss_model().tables)
    blk = plan_blocks(years, BOOK_BLOCK_YEARS)[0]
    c0 = time.process_time()
    events = _draw(model, cat, seed, blk)
    draw_cpu = time.process_time() - c0
    batch = model.batch(0, min(PRACTICES_PER_TASK, model.n))
    c1, w1 = time.process_time(), time.perf_counter()
    run_batch(batch, cat, seed, (BlockSpec(blk.index, blk.start, blk.size, events),), XolTerms())
    cpu, wall = time.process_time() - c1, time.perf_counter() - w1
    tasks = math.ceil(practices / PRACTICES_PER_TASK) * math.ceil(years / BOOK_BLOCK_YEARS)
    return {"practices": practices, "years": years, "task": f"{batch.m} practices x {blk.size} years",
            "task_cpu_s": round(cpu, 3), "task_wall_s": round(wall, 3), "events_in_block": events.n,
            "draw_events_cpu_s": round(draw_cpu, 3), "tasks_in_run": tasks,
            "run_cpu_s_estimate": round(tasks * cpu + math.ceil(years / BOOK_BLOCK_YEARS) * draw_cpu, 1)}


def record(entry: dict[str, Any], out: Path) -> None:
    data = json.loads(out.read_text()) if out.exists() else {"runs": []}
    entry["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    entry["machine"] = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    entry["load_average_before"] = round(os.getloadavg()[0], 2)
    data["runs"].append(entry)
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(entry), flush=True)


def _child(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh process (so its peak memory is its own)."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "one", *args], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["scale", "strong", "memory", "project", "one", "task"])
    ap.add_argument("--practices", type=int, default=10_000)
    ap.add_argument("--years", default="100000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--executor", default="dask")
    ap.add_argument("--contributions", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    if a.what == "one":
        print(json.dumps(measure(a.practices, int(a.years), a.executor, a.workers,
                                 with_contributions=a.contributions)))
    elif a.what == "task":
        record({"benchmark": "one_task", **one_task(a.practices, int(a.years))}, a.out)
    elif a.what == "scale":
        r = _child(["--practices", str(a.practices), "--years", a.years, "--workers", str(a.workers),
                    "--executor", a.executor] + (["--contributions"] if a.contributions else []))
        record({"benchmark": "scale", **r}, a.out)
    elif a.what == "strong":
        one = _child(["--practices", str(a.practices), "--years", a.years, "--workers", "1", "--executor", "dask"])
        two = _child(["--practices", str(a.practices), "--years", a.years, "--workers", "2", "--executor", "dask"])
        record({"benchmark": "strong_scaling_dask", "one_worker": one, "two_workers": two,
                "speedup": round(one["pass1_s"] / two["pass1_s"], 2), "target": 1.7}, a.out)
    elif a.what == "memory":
        rows = [_child(["--practices", str(a.practices), "--years", y, "--workers", str(a.workers),
                        "--executor", a.executor]) for y in a.years.split(",")]
        record({"benchmark": "memory_vs_years", "runs": rows}, a.out)
    else:
        data = json.loads(a.out.read_text())
        # the CPU seconds of one task measured alone (robust to the machine's load), else the scale runs' figure
        per_task = [r["task_cpu_s"] for r in data["runs"] if r.get("benchmark") == "one_task"]
        per_task = per_task or [r["per_task_s"] for r in data["runs"] if r.get("benchmark") == "scale"]
        if not per_task:
            sys.exit("run the task or scale benchmark first")
        c = min(per_task)
        from cyberrx.portfolio.run import BOOK_BLOCK_YEARS, PRACTICES_PER_TASK

        proj = []
        for practices, years in ((10_000, 100_000), (50_000, 1_000_000)):
            tasks = math.ceil(practices / PRACTICES_PER_TASK) * math.ceil(years / BOOK_BLOCK_YEARS)
            proj.append({"practices": practices, "years": years, "tasks": tasks,
                         **{f"minutes_on_{k}_cores": round(tasks * c / k / 60, 2) for k in (2, 64, 512)}})
        record({"benchmark": "projection", "per_task_s": c, "note": "pass 1 only: tasks x per-task cost / cores, "
                "plus the scheduler's overhead (about 1 ms a task on Dask) and the driver's reduce", "rows": proj},
               a.out)


if __name__ == "__main__":
    main()
