"""Benchmark of threat matching: loading the shipped KEV snapshot (schema check + typed entries) and matching one
practice's inventory against it; and a book of practices matched in turn (what an alert run costs per practice).

    .venv/bin/python benchmarks/threats_bench.py [--repeat 5] [--practices 1000]

Timed in this process after one warm-up, best of ``--repeat``:

- ``kev_load_s``: ``parse_kev`` of the 1.26 MB snapshot (jsonschema draft-07 with formats, then pydantic);
- ``match_s``: ``match`` of examples/threats/lakeside-technology.yaml (7 items, ~180 findings) on the loaded feed;
- ``book_match_s``: ``match`` of ``--practices`` copies of that profile, one after another (an alert run's matching).

Writes ``benchmarks/results/threats.json`` and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--practices", type=int, default=1000)
    args = parser.parse_args()
    import cyberrx
    from cyberrx.threats.kev import SNAPSHOT, parse_kev
    from cyberrx.threats.matching import match

    data = json.loads((ROOT / "src/cyberrx/reference/data/kev" / SNAPSHOT).read_text())
    feed = parse_kev(data)
    profile = cyberrx.load_profile(ROOT / "examples/threats/lakeside-technology.yaml")
    findings = len(match(profile, feed).findings)
    out = {
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
        "kev_entries": len(feed.entries), "inventory_items": len(profile.technology), "findings": findings,
        "kev_load_s": round(best(lambda: parse_kev(data), args.repeat), 4),
        "match_s": round(best(lambda: match(profile, feed), args.repeat), 5),
        "practices": args.practices,
        "book_match_s": round(best(lambda: [match(profile, feed) for _ in range(args.practices)], 1), 3),
    }
    out["per_practice_ms"] = round(1000 * out["book_match_s"] / args.practices, 3)
    (ROOT / "benchmarks/results/threats.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
