"""Readiness: whether this server process can do its work now (the database answers, jobs get run).

``/health`` is liveness (the process answers; restarting it would not help a database outage); ``/ready`` is
readiness: a load balancer sends no traffic to a process that is not ready, and sends it again when it is,
without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cyberrx.app.common import as_utc
from cyberrx.app.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks}


def readiness(ping: Callable[[], str | None], uow: UnitOfWork, clock: Clock, *,
              workers_here: Callable[[], str | None] | None, queue_wait_max: timedelta) -> Readiness:
    """``ping``: None when the database answers, else why not. ``workers_here``: the job workers of this
    process (None when they run elsewhere: then the queue is checked: the job waiting longest must have waited
    less than ``queue_wait_max``, else no worker is taking jobs)."""
    checks: dict[str, str] = {}
    why = ping()
    checks["database"] = "ok" if why is None else f"not answering: {why}"
    if workers_here is not None:
        problem = workers_here()
        checks["jobs"] = "ok" if problem is None else problem
    elif why is None:
        try:
            with uow.reading() as tx:
                oldest = as_utc(tx.jobs.oldest_queued_at())
        except Exception as exc:   # the database went away between the two checks
            checks["jobs"] = f"cannot read the queue: {exc.__class__.__name__}"
        else:
            waited = clock.now() - oldest if oldest is not None else timedelta(0)
            checks["jobs"] = ("ok" if waited <= queue_wait_max else
                              f"a job has waited {int(waited.total_seconds())} s: is a worker running?")
    else:
        checks["jobs"] = "unknown (no database)"
    return Readiness(all(v == "ok" for v in checks.values()), checks)


__all__ = ["Readiness", "readiness"]
