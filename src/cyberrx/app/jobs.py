"""Background jobs: the database is the queue, so a job outlives the process that runs it.

    queued --(a worker claims it: attempts + 1)--> running --> succeeded | failed (with the reason)
    running, no heartbeat for ``stale_seconds`` (the worker died) --> queued again, or failed after
    ``max_attempts`` runs ("worker stopped ... times")

A worker claims a job with a conditional update (``status = 'queued'``), so two workers never run the same job.
A running job writes its progress (0..1) and a heartbeat at most every ``HEARTBEAT_SECONDS``. Re-running a job
is safe because its work is reproducible (an assessment keeps its seed) and its result is written in one
transaction at the end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from cyberrx.adapters.store.tables import Job
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import as_utc, iso
from cyberrx.app.ports import Ports, UnitOfWork, default_ports

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 0.5
POLL_SECONDS = 1.0

#: a job handler: (unit of work, subject id, report progress in 0..1) -> None; raising fails the job
Handler = Callable[[UnitOfWork, str, Callable[[float], None]], None]
#: called when a job fails for good: (unit of work, subject id, reason)
FailHook = Callable[[UnitOfWork, str, str], None]


def job_dict(j: Job) -> dict[str, Any]:
    return {"id": j.id, "kind": j.kind, "subject_id": j.subject_id, "status": j.status,
            "progress": round(float(j.progress), 4), "attempts": j.attempts, "error": j.error,
            "created_at": iso(j.created_at), "heartbeat_at": iso(j.heartbeat_at), "finished_at": iso(j.finished_at)}


def new_job(ports: Ports, kind: str, subject_id: str, carrier_id: str, brokerage_id: str | None,
            practice_id: str) -> Job:
    return Job(id=ports.ids.new(), kind=kind, subject_id=subject_id, status="queued", progress=0.0, attempts=0,
               error=None, created_at=ports.clock.now(), heartbeat_at=None, finished_at=None, carrier_id=carrier_id,
               brokerage_id=brokerage_id, practice_id=practice_id)


def get_job(uow: UnitOfWork, principal: Principal, job_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        job = tx.jobs.get(job_id)
        if job is None:
            raise not_found("job", job_id)
        require(principal, "job.read")
        return job_dict(job)


class JobRunner:
    """Runs queued jobs on ``workers`` threads of this process and recovers jobs whose worker died."""

    def __init__(self, uow: UnitOfWork, handlers: dict[str, Handler], *, on_fail: dict[str, FailHook] | None = None,
                 workers: int = 1, max_attempts: int = 3, stale_seconds: float = 60.0,
                 ports: Ports | None = None) -> None:
        self.uow = uow
        self.ports = ports or default_ports()
        self.handlers = handlers
        self.on_fail = on_fail or {}
        self.workers = workers
        self.max_attempts = max_attempts
        self.stale_seconds = stale_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        #: time.monotonic() of each worker's last turn of its loop (a readiness check reads it)
        self.last_turn: dict[str, float] = {}
        self._busy: dict[str, bool] = {}

    # ---- lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> None:
        self.recover()
        for i in range(self.workers):
            t = threading.Thread(target=self._loop, name=f"cyberrx-job-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()

    @property
    def running_here(self) -> bool:
        """Whether this process runs job workers (started and not stopped)."""
        return bool(self._threads)

    def health(self) -> str | None:
        """None when every worker thread of this process is alive and turned its loop lately, else why not."""
        if not self._threads:
            return "no job worker runs in this process"
        now = time.monotonic()
        for t in self._threads:
            if not t.is_alive():
                return f"job worker {t.name} has stopped"
            # a worker busy with a long job does not turn: it is alive, and its heartbeat is the job's
        stalled = [name for name, at in self.last_turn.items() if now - at > max(30.0, 10 * POLL_SECONDS)
                   and not self._busy.get(name)]
        return f"job worker {stalled[0]} has not polled for a while" if stalled else None

    def notify(self) -> None:
        """A job was queued: wake a worker now rather than at the next poll."""
        self._wake.set()

    # ---- recovery -----------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Requeue (or fail, after ``max_attempts``) the running jobs without a recent heartbeat."""
        now = self.ports.clock.now()
        cutoff = now - timedelta(seconds=self.stale_seconds)
        changed = 0
        with self.uow.writing() as tx:
            stale = [j for j in tx.jobs.running()
                     if (as_utc(j.heartbeat_at) or as_utc(j.created_at) or cutoff) <= cutoff]
            failed: list[Job] = []
            for j in stale:
                reason = f"the worker stopped during run {j.attempts} at {float(j.progress):.0%}"
                if j.attempts >= self.max_attempts:
                    j.status, j.error, j.finished_at = "failed", f"{reason}; gave up after {j.attempts} runs", now
                    failed.append(j)
                else:
                    j.status, j.error = "queued", f"{reason}; queued again"
                changed += 1
            tx.commit()
        for j in failed:
            hook = self.on_fail.get(j.kind)
            if hook is not None:
                hook(self.uow, j.subject_id, j.error or "failed")
        return changed

    # ---- running ------------------------------------------------------------------------------------------
    def claim_next(self) -> Job | None:
        """Take the oldest queued job for this worker, or None."""
        with self.uow.writing() as tx:
            job = tx.jobs.take_next(self.ports.clock.now())
            tx.commit()
            return job  # type: ignore[no-any-return]

    def run_once(self) -> bool:
        """Claim and run one job; False when none was queued."""
        job = self.claim_next()
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: Job) -> None:
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= HEARTBEAT_SECONDS:
                last[0] = now
                with self.uow.writing() as tx:
                    tx.jobs.heartbeat(job.id, max(0.0, min(1.0, fraction)), self.ports.clock.now())
                    tx.commit()

        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise RuntimeError(f"no handler for jobs of kind {job.kind!r}")
            handler(self.uow, job.subject_id, progress)
        except Exception as exc:  # a job's failure is recorded with its reason, never lost
            log.exception("job %s failed", job.id)
            reason = f"{exc.__class__.__name__}: {exc}"
            with self.uow.writing() as tx:
                tx.jobs.finish(job.id, "failed", self.ports.clock.now(), error=reason)
                tx.commit()
            hook = self.on_fail.get(job.kind)
            if hook is not None:
                hook(self.uow, job.subject_id, reason)
            return
        with self.uow.writing() as tx:
            tx.jobs.finish(job.id, "succeeded", self.ports.clock.now())
            tx.commit()

    def _loop(self) -> None:
        next_recover = time.monotonic() + self.stale_seconds / 2
        name = threading.current_thread().name
        while not self._stop.is_set():
            self.last_turn[name] = time.monotonic()
            try:
                if time.monotonic() >= next_recover:
                    self.recover()
                    next_recover = time.monotonic() + self.stale_seconds / 2
                self._busy[name] = True
                try:
                    ran = self.run_once()
                finally:
                    self._busy[name] = False
                if ran:
                    continue
            except Exception:  # the database went away for a moment: keep the worker alive
                log.exception("job worker error")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()


__all__ = ["FailHook", "Handler", "JobRunner", "get_job", "job_dict", "new_job"]
