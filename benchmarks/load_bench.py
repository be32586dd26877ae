"""Load benchmark of the service (not a test): quote and assessment-read endpoints under concurrent clients.

Starts ``uvicorn`` (one process, the app's default thread pool) on a fresh SQLite file in WAL mode (or on
``--database-url``), makes a carrier, an underwriter with an API token, a practice and one stored assessment
(200,000 trials), then for each endpoint runs ``--clients`` threads, each with its own keep-alive connection,
sending requests back to back for ``--seconds``. Reports per endpoint: requests, throughput (requests/s) and
latency p50/p99 (ms). Quotes twice: the same quote repeated (answered from the quote cache) and a new seed on
every request (computed each time). Rate limits are turned off in the server (one address for every client).
The clients run on the same machine and share its cores with the server.

    .venv/bin/python benchmarks/load_bench.py --clients 8 --seconds 15 --json benchmarks/results/load.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password 2026"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _profile() -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "examples" / "lakeside-family-medicine.yaml").read_text())
    return json.loads(json.dumps(doc, default=str))


def _setup(url: str) -> dict[str, str]:
    """Carrier, underwriter token, practice, one assessment: made through the use cases on the same database."""
    from cyberrx.app import accounts, assessments, practices
    from cyberrx.app.authz import OrgKind, Principal, Role
    from cyberrx.bootstrap import build
    from cyberrx.config import Settings

    service = build(Settings(database_url=url, job_workers=0))
    store = service.store
    carrier = accounts.create_carrier(store, "Bench Mutual")
    user = accounts.create_user_unchecked(store, carrier["id"], "uw@bench.example", "uw", "underwriter", PASSWORD)
    me = Principal(user["id"], Role.UNDERWRITER, carrier["id"], OrgKind.CARRIER, carrier["id"])
    token = accounts.create_api_token(store, me, "bench", 1, 365)["token"]
    practice = practices.create(store, me, _profile())
    limits = assessments.Limits(sync_trials_max=1_000_000, max_trials=1_000_000)
    assessment, _ = assessments.request(store, limits, me, practice["id"], 200_000, seed=1)
    store.dispose()
    return {"token": token, "practice": practice["id"], "assessment": assessment["id"]}


def _load(base: str, token: str, method: str, path: str, body: Any, clients: int, seconds: float,
          label: str | None = None) -> dict[str, Any]:
    """``body``: a JSON body, or a function of the request's number giving one (a new seed each time)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            start.wait()
            n = 0
            while time.perf_counter() < stop_at[0]:
                n += 1
                t0 = time.perf_counter()
                r = http.request(method, path, json=body(i * 1_000_000 + n) if callable(body) else body)
                latencies[i].append(time.perf_counter() - t0)
                if r.status_code >= 400:
                    errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    t_start = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    lat = np.array([x for xs in latencies for x in xs]) * 1000.0
    name = label or (path.split("/")[1] if method == "GET" else path.split("/")[-1])
    return {"endpoint": f"{method} {name}", "clients": clients, "requests": int(lat.size),
            "errors": sum(errors), "seconds": round(elapsed, 2), "throughput_rps": round(lat.size / elapsed, 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 1), "p99_ms": round(float(np.percentile(lat, 99)), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cyberrx-load-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    ids = _setup(url)
    port = _port()
    # rate limits off: every client shares one address, and the limits are not what is measured here
    env = {**os.environ, "CYBERRX_DATABASE_URL": url, "CYBERRX_JOB_WORKERS": "0", "CYBERRX_RATE_EXPENSIVE": "",
           "CYBERRX_RATE_EXPENSIVE_GLOBAL": "", "CYBERRX_RATE_LOGIN": "", "CYBERRX_RATE_LOGIN_GLOBAL": ""}
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "cyberrx.api.app:app_from_settings",
                               "--port", str(port), "--log-level", "warning", "--workers", str(args.workers)],
                              stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        runs = [
            _load(base, ids["token"], "GET", f"/assessments/{ids['assessment']}", None, args.clients, args.seconds),
            _load(base, ids["token"], "POST", f"/practices/{ids['practice']}/quotes", {}, args.clients,
                  args.seconds, "quotes (repeated: from the cache)"),
            _load(base, ids["token"], "POST", f"/practices/{ids['practice']}/quotes", lambda n: {"seed": n},
                  args.clients, args.seconds, "quotes (a new seed each: computed)"),
        ]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    out = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "python": platform.python_version(),
           "database": "sqlite (WAL)" if args.database_url is None else url.split("://")[0],
           "server_workers": args.workers, "load_average_1m_after": round(os.getloadavg()[0], 1), "runs": runs}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
