"""Issue 17, findings 1 and 2: every input that sizes work is bounded (the bound stated in the error), a run's
memory is estimated before it starts and one that would not fit is refused (or queued) before anything is
allocated, a worker's memory is capped, and odd input gets a 4xx naming the field, never a 5xx."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.service.world import PASSWORD, Tenant, auth, ok, profile

from cyberrx.app import accounts, assessments
from cyberrx.app.jobs import JobRunner
from cyberrx.app.resources import MemoryBudget

ROOT = Path(__file__).resolve().parents[2]


def _put_profile(client, t: Tenant, changes: dict) -> object:  # type: ignore[no-untyped-def]
    doc = {**profile(), **changes}
    return client.put(f"/practices/{t.brokered.practice}/profile", headers=t.h("underwriter"), json={"profile": doc})


@pytest.mark.parametrize(("changes", "field", "bound"), [
    ({"endpoints": 1_000_000}, "profile.endpoints", "100000"),
    ({"employees": 250_000}, "profile.employees", "100000"),
    ({"providers": 200_000}, "profile.providers", "100000"),
    ({"states": {"LA": 60_000_000}}, "profile.states.LA", "50000000"),
    ({"business_associates": [{"name": f"v{i}"} for i in range(501)]}, "profile.business_associates", "500"),
    ({"mailbox_records": 10**12}, "profile.mailbox_records", "50000000"),
    ({"annual_revenue": 1e300}, "profile.annual_revenue", "100000000000"),
])
def test_an_input_that_sizes_work_is_bounded_and_the_error_states_the_bound(client, world, changes, field, bound):
    r = _put_profile(client, world[0], changes)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == field
    assert bound in err["message"].replace(",", "").replace("e+11", "000000000"), err


def test_a_practice_at_every_bound_is_accepted(client, world):
    doc = {"endpoints": 100_000, "employees": 100_000, "providers": 100_000, "states": {"CA": 50_000_000},
           "business_associates": [{"name": f"v{i}", "records_held": 50_000_000} for i in range(500)]}
    ok(_put_profile(client, world[0], doc))
    ok(_put_profile(client, world[0], {}))   # put the tenant's practice back as it was


_REFUSAL = textwrap.dedent("""
    import json, sys, time, tracemalloc
    from fastapi.testclient import TestClient
    from tests.service.world import fast_ports, profile, PASSWORD
    from cyberrx.adapters.process import cap_address_space
    from cyberrx.api import create_app
    from cyberrx.app import accounts
    from cyberrx.bootstrap import build
    from cyberrx.config import Settings

    url = sys.argv[1]
    service = build(Settings(database_url=url, job_workers=0, sync_trials_max=1_000_000), ports=fast_ports())
    accounts.create_carrier_with_user(service.store, "C", "uw@c.example", "U", "underwriter", PASSWORD,
                                      ports=fast_ports())
    cap_address_space(2_500)          # the old code reached 7.6 GB: here it would fail at 2.5 GB, in seconds
    with TestClient(create_app(service, manage=False)) as client:
        token = client.post("/auth/login", json={"email": "uw@c.example", "password": PASSWORD}).json()["token"]
        h = {"Authorization": "Bearer " + token}
        doc = {**profile("At the bounds"), "endpoints": 100_000, "employees": 100_000}
        practice = client.post("/practices", headers=h, json={"profile": doc}).json()["id"]
        terms = __import__("tests.service.world", fromlist=["policy_terms"]).policy_terms("CRX-BIG")
        out = {}
        for what, path, body in [
                ("assessment", f"/practices/{practice}/assessments", {"trials": 65_536, "policy": terms}),
                ("quote", f"/practices/{practice}/quotes", {"trials": 100_000})]:
            tracemalloc.start()
            t0 = time.monotonic()
            r = client.post(path, headers=h, json=body)
            seconds = time.monotonic() - t0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out[what] = {"status": r.status_code, "body": r.json(), "seconds": seconds, "peak": peak}
    print(json.dumps(out))
""")


def test_a_run_that_would_not_fit_is_refused_before_it_allocates(tmp_path):
    """A practice at the profile's bounds asks for a 65,536-trial assessment with policy terms (about 15 GB) and a
    100,000-year quote: each is refused with a 422 naming ``trials`` and the most that would fit, in well under a
    second and with under 64 MB allocated during the request (tracemalloc), in a process whose address space is
    capped at 2.5 GB (so code that started the run would fail there within seconds, never take the machine)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _REFUSAL, f"sqlite:///{tmp_path / 'big.db'}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for what, r in out.items():
        assert r["status"] == 422, (what, r)
        err = r["body"]["error"]
        assert err["field"] == "trials", err
        assert "memory" in err["message"] and "trials for this practice" in err["message"], err
        assert r["seconds"] < 5, (what, r["seconds"])
        assert r["peak"] < 64 * 10**6, (what, r["peak"])


def test_a_run_too_big_for_a_request_is_queued_not_run_in_it(service, world):
    t = world[0]
    principal = accounts.authenticate(service.uow, t.tokens["underwriter"], ports=service.ports)
    ok_client_profile = {**profile(), "endpoints": 20_000, "employees": 20_000}
    from cyberrx.app import practices

    made = practices.create(service.uow, principal, ok_client_profile, None, ports=service.ports)
    limits = assessments.Limits(sync_trials_max=1_000_000, max_trials=1_000_000, sync_memory_bytes=50 * 10**6,
                                run_memory_bytes=MemoryBudget().run_bytes)
    stored, queued = assessments.request(service.uow, limits, principal, made["id"], 20_000, seed=1,
                                         ports=service.ports)
    assert queued and stored["status"] == "queued" and stored["job_id"]


def test_a_job_that_runs_out_of_memory_fails_once_and_is_not_run_again(service, world):
    """A job whose run raises MemoryError (the worker's cap) is failed with the reason and never requeued, also
    when the runner recovers stale jobs."""
    t = world[0]
    principal = accounts.authenticate(service.uow, t.tokens["underwriter"], ports=service.ports)
    stored, _ = assessments.request(service.uow, assessments.Limits(1_000, 1_000_000), principal, t.brokered.practice,
                                    2_000, seed=5, ports=service.ports)
    runs: list[str] = []

    def explode(uow, subject, progress):  # type: ignore[no-untyped-def]
        runs.append(subject)
        raise MemoryError("cannot allocate")

    runner = JobRunner(service.uow, {"assessment": explode}, on_fail={"assessment": assessments.fail_job},
                       workers=0, max_attempts=3, stale_seconds=0.0, ports=service.ports)
    while runner.run_once():
        pass
    runner.recover()
    while runner.run_once():
        pass
    job = ok(service_client_get(service, t, stored["job_id"]))
    assert job["status"] == "failed" and "memory" in job["error"].lower(), job
    assert job["attempts"] == 1
    assert runs.count(stored["id"]) == 1


def service_client_get(service, t: Tenant, job_id: str):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from cyberrx.api import create_app

    with TestClient(create_app(service, manage=False)) as c:
        return c.get(f"/jobs/{job_id}", headers=auth(t.tokens["underwriter"]))


def test_a_capped_process_gets_memory_error_instead_of_the_machines_memory():
    code = ("from cyberrx.adapters.process import cap_address_space\n"
            "import numpy as np\ncap_address_space(1_500)\n"
            "try:\n    np.ones(400_000_000)\nexcept MemoryError:\n    print('refused')\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert proc.stdout.strip() == "refused", proc.stderr[-2000:]


assert PASSWORD
