"""Background jobs: a job whose worker died is queued again and finishes, or fails with the reason after the
last attempt; it is never silently lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from tests.service.world import fast_ports, profile

from cyberrx.adapters.store.tables import Job
from cyberrx.app import assessments, practices
from cyberrx.app.authz import OrgKind, Principal, Role
from cyberrx.app.jobs import JobRunner, get_job


@pytest.fixture()
def service(fresh_store: Any) -> Any:
    """A service of its own with no job threads: the test plays the worker (and its crash)."""
    from cyberrx.bootstrap import build
    from cyberrx.config import Settings

    return build(Settings(database_url=fresh_store.url, job_workers=0), store=fresh_store, migrate=False,
                 ports=fast_ports())


def _queued(service: Any) -> tuple[Principal, dict[str, Any]]:
    from cyberrx.app import accounts

    carrier = accounts.create_carrier(service.store, "Jobs Mutual")
    uw = Principal("u" * 32, Role.UNDERWRITER, carrier["id"], OrgKind.CARRIER, carrier["id"])
    practice = practices.create(service.store, uw, profile())
    limits = assessments.Limits(sync_trials_max=1_000, max_trials=50_000)
    out, queued = assessments.request(service.store, limits, uw, practice["id"], 3_000, seed=11)
    assert queued and out["status"] == "queued"
    return uw, out


def _runner(service: Any, max_attempts: int) -> JobRunner:
    return JobRunner(service.uow, {assessments.JOB_KIND: assessments.run_job},
                     on_fail={assessments.JOB_KIND: assessments.fail_job}, workers=0, max_attempts=max_attempts,
                     stale_seconds=5, ports=service.ports)


def _crash(service: Any, job_id: str, attempts: int) -> None:
    """What a worker killed mid-run leaves behind: running, an old heartbeat."""
    with service.store.write() as s:
        s.execute(update(Job).where(Job.id == job_id).values(status="running", attempts=attempts, progress=0.4,
                                                             heartbeat_at=datetime.now(UTC) - timedelta(seconds=60)))


def test_a_crashed_job_is_resumed_and_finishes(service: Any) -> None:
    uw, out = _queued(service)
    _crash(service, out["job_id"], attempts=1)
    runner = _runner(service, max_attempts=3)
    assert runner.recover() >= 1
    job = get_job(service.store, uw, out["job_id"])
    assert job["status"] == "queued" and "worker stopped during run 1 at 40%" in job["error"]
    while runner.run_once():
        pass
    job = get_job(service.store, uw, out["job_id"])
    assert (job["status"], job["attempts"], job["progress"]) == ("succeeded", 2, 1.0)
    done = assessments.get(service.store, uw, out["id"])
    assert done["status"] == "succeeded" and done["result"]["trials"] == 3_000 and done["result"]["seed"] == 11


def test_a_job_that_keeps_crashing_fails_with_the_reason(service: Any) -> None:
    uw, out = _queued(service)
    _crash(service, out["job_id"], attempts=3)
    _runner(service, max_attempts=3).recover()
    job = get_job(service.store, uw, out["job_id"])
    assert job["status"] == "failed" and "gave up after 3 runs" in job["error"]
    failed = assessments.get(service.store, uw, out["id"])
    assert failed["status"] == "failed" and "gave up" in failed["result"]["error"]


def test_a_fresh_running_job_is_left_alone(service: Any) -> None:
    uw, out = _queued(service)
    with service.store.write() as s:
        s.execute(update(Job).where(Job.id == out["job_id"]).values(status="running", attempts=1,
                                                                    heartbeat_at=datetime.now(UTC)))
    _runner(service, max_attempts=3).recover()
    assert get_job(service.store, uw, out["job_id"])["status"] == "running"
