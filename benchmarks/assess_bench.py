"""Benchmark of `assess`: compute time on one core, against the floor of drawing its random numbers; peak memory.

    .venv/bin/python benchmarks/assess_bench.py [--trials 1000000] [--repeat 3] [--memory-trials 10000000]

Each figure is measured in a fresh child process pinned to one core (``os.sched_setaffinity``), after one
warm-up run, best of ``--repeat``:

- ``assess``: the whole use case in process (simulation + statistics + program), profile already parsed;
- ``assess x2``: the same with ``workers=2`` on both cores (process pool started inside the timing);
- ``engine``: the simulation and the aggregation of annual losses (``run_simulation``) alone;
- ``floor``: only the random numbers the run consumes, drawn with the same generator calls and sizes and thrown
  away (``engine.simulate.consume_draws``, tested to leave the stream in the engine's state);
- ``peak_rss_mb``: the child's peak resident memory (``ru_maxrss``) for a whole ``assess`` at each size.

Writes ``benchmarks/results/assess.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {
    "solo (3 endpoints)": "examples/solo-therapy-office.yaml",
    "lakeside (25 endpoints)": "examples/lakeside-family-medicine.yaml",
    "valley (1,400 endpoints)": "examples/valley-multispecialty-group.yaml",
}


def _child_timing(profile: str, trials: int, repeat: int) -> dict:
    all_cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {sorted(all_cores)[0]})
    from cyberrx.app.assess import assess, run_simulation
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.engine.scenarios import build_parameters
    from cyberrx.engine.simulate import block_stream, blocks, consume_draws
    from cyberrx.reference import load_loss_model

    practice = load_model(PracticeProfile, ROOT / profile)
    params = build_parameters(practice, load_loss_model().tables)
    assess(practice, 100_000, seed=1)  # warm-up: imports, reference data, caches

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    drawn = 0

    def floor() -> None:
        nonlocal drawn
        drawn = sum(consume_draws(block_stream(1, b), params, m) for b, _, m in blocks(trials))

    t_assess = best(lambda: assess(practice, trials, seed=1))
    os.sched_setaffinity(0, all_cores)
    t_two = best(lambda: assess(practice, trials, seed=1, workers=2))
    os.sched_setaffinity(0, {sorted(all_cores)[0]})
    t_engine = best(lambda: run_simulation(params, trials, seed=1))
    t_floor = best(floor)
    return {"assess_s": t_assess, "assess_2_workers_s": t_two, "engine_s": t_engine, "floor_s": t_floor,
            "random_numbers": drawn, "events_per_year": float(params.frequency.sum())}


def _child_memory(profile: str, trials: int) -> dict:
    from cyberrx.app.assess import assess
    from cyberrx.domain import PracticeProfile, load_model

    practice = load_model(PracticeProfile, ROOT / profile)
    t = time.perf_counter()
    assess(practice, trials, seed=1)
    wall = time.perf_counter() - t
    return {"wall_s": wall, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run_child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], check=True, capture_output=True,
                         text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-trials", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        kind, profile, trials, *rest = args.child
        fn = _child_timing if kind == "timing" else _child_memory
        res = fn(profile, int(trials), *(int(r) for r in rest))
        print(json.dumps(res))
        return

    rows = []
    for label, profile in PROFILES.items():
        r = _run_child("timing", profile, str(args.trials), str(args.repeat))
        r.update(profile=label, trials=args.trials, engine_over_floor=r["engine_s"] / r["floor_s"],
                 assess_over_floor=r["assess_s"] / r["floor_s"])
        rows.append(r)
    memory = []
    for n in args.memory_trials:
        m = _run_child("memory", PROFILES["lakeside (25 endpoints)"], str(n))
        m.update(trials=n)
        memory.append(m)

    print(f"assess at {args.trials:,} trials, one core, best of {args.repeat}")
    print(f"{'profile':26} {'events/yr':>9} {'assess s':>9} {'assess x2':>9} {'engine s':>9} {'floor s':>8} "
          f"{'engine/floor':>12} {'assess/floor':>12}")
    for r in rows:
        print(f"{r['profile']:26} {r['events_per_year']:9.3f} {r['assess_s']:9.3f} {r['assess_2_workers_s']:9.3f} "
              f"{r['engine_s']:9.3f} {r['floor_s']:8.3f} {r['engine_over_floor']:12.2f} "
              f"{r['assess_over_floor']:12.2f}")
    print("\nwhole assess of lakeside, peak memory")
    for m in memory:
        print(f"{m['trials']:>12,} trials: {m['wall_s']:.2f} s, peak RSS {m['peak_rss_mb']:.0f} MB")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "assess.json").write_text(json.dumps({"timing": rows, "memory": memory}, indent=2))


if __name__ == "__main__":
    main()
