"""``assess`` at 1,000,000 and 10,000,000 years for the three shipped sizes: time and peak memory, against the
random-number floor.

    .venv/bin/python benchmarks/assess_scale.py [--trials 1000000 10000000] [--repeat 1]

Each (profile, trials) runs in a fresh child process pinned to one core (``os.sched_setaffinity``):

- ``assess_s``: the whole use case (``cyberrx.app.assess.assess``: simulation, statistics, program, insurability)
  after a warm-up run of 20,000 years (imports, reference data), best of ``--repeat``;
- ``floor_s``: drawing the same random numbers the run consumes, with the same generator calls and sizes, thrown
  away (``engine.simulate.consume_draws`` over the run's blocks) - once, although runs above 2,000,000 years
  draw them twice (:mod:`cyberrx.engine.tally`: count, then collect);
- ``peak_rss_mb``: the child's peak resident memory (``ru_maxrss``) after the assess runs, ``base_rss_mb`` the
  same after the warm-up (imports and a small run), so ``run_mb = peak - base`` is what the long run added.

Writes ``benchmarks/results/assess_scale.json`` and prints a table; the target is peak memory at 10,000,000 years
within 2x of that at 1,000,000 for every profile.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {
    "solo (3 endpoints)": "examples/solo-therapy-office.yaml",
    "lakeside (25 endpoints)": "examples/lakeside-family-medicine.yaml",
    "valley (1,400 endpoints)": "examples/valley-multispecialty-group.yaml",
}


def _child(profile: str, trials: int, repeat: int) -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from cyberrx.app.assess import STREAM_ABOVE_TRIALS, assess
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.engine.scenarios import build_parameters
    from cyberrx.engine.simulate import block_stream, consume_draws, loss_blocks
    from cyberrx.reference import load_loss_model

    practice = load_model(PracticeProfile, ROOT / profile)
    assess(practice, 20_000, seed=1)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = assess(practice, trials, seed=1)
        times.append(time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    params = build_parameters(practice, load_loss_model().tables)
    t = time.perf_counter()
    drawn = sum(consume_draws(block_stream(1, b.index), params, b.size) for b in loss_blocks(trials))
    floor = time.perf_counter() - t
    return {"assess_s": min(times), "floor_s": floor, "random_numbers": drawn, "base_rss_mb": base,
            "peak_rss_mb": peak, "run_mb": peak - base, "passes": 2 if trials > STREAM_ABOVE_TRIALS else 1,
            "p99": result.annual_loss.p99, "tvar99": result.annual_loss.tvar99}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        profile, trials, repeat = args.child
        print(json.dumps(_child(profile, int(trials), int(repeat))))
        return
    load_before = os.getloadavg()
    rows = []
    for label, profile in PROFILES.items():
        for n in args.trials:
            out = subprocess.run([sys.executable, __file__, "--child", profile, str(n), str(args.repeat)],
                                 check=True, capture_output=True, text=True, cwd=ROOT)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row.update(profile=label, trials=n, assess_over_floor=row["assess_s"] / row["floor_s"])
            rows.append(row)
            print(f"{label:26} {n:>12,} years: assess {row['assess_s']:7.2f} s, floor {row['floor_s']:6.2f} s "
                  f"({row['assess_over_floor']:.1f}x, {row['passes']} pass{'es' if row['passes'] > 1 else ''}), "
                  f"peak RSS {row['peak_rss_mb']:5.0f} MB (run {row['run_mb']:4.0f} MB)", flush=True)
    ratios = {}
    for label in PROFILES:
        mine = {r["trials"]: r for r in rows if r["profile"] == label}
        if len(args.trials) >= 2:
            lo, hi = min(args.trials), max(args.trials)
            ratios[label] = mine[hi]["peak_rss_mb"] / mine[lo]["peak_rss_mb"]
            print(f"{label:26} peak memory {hi:,} / {lo:,} years: {ratios[label]:.2f}x (target <= 2)")
    result = {"measured": datetime.now(UTC).isoformat(timespec="minutes"), "machine": platform.platform(),
              "cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg(),
              "python": platform.python_version(), "rows": rows, "peak_ratio": ratios}
    path = ROOT / "benchmarks" / "results" / "assess_scale.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
