"""The one composition root: settings -> store (the SQL unit of work) -> ports -> job runner -> the service the
interfaces use.

Nothing is built at import; :func:`build` is called by the API's app factory and by the commands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cyberrx.adapters.passwords import Argon2Hasher
from cyberrx.adapters.ratelimit import LimitsRateLimiter
from cyberrx.adapters.store import Store
from cyberrx.app import assessments
from cyberrx.app.jobs import JobRunner
from cyberrx.app.ports import NoLimits, Ports
from cyberrx.config import Settings, load_settings


@dataclass
class Service:
    """What an interface needs: the settings, the store (the unit of work the use cases take), the ports, the job
    runner and the assessment limits."""

    settings: Settings
    store: Store
    jobs: JobRunner
    limits: assessments.Limits
    ports: Ports

    @property
    def uow(self) -> Store:
        return self.store

    def start(self) -> None:
        """Start the background job workers (recovering jobs a dead worker left running)."""
        if self.settings.job_workers > 0:
            self.jobs.start()

    def close(self) -> None:
        self.jobs.stop()
        self.store.dispose()


def build_store(settings: Settings) -> Store:
    return Store(settings.resolved_database_url())


def build_limiter(settings: Settings) -> LimitsRateLimiter:
    """The rate limits of the settings (``rate_*``), counted in ``rate_limit_storage``."""
    from cyberrx.app import throttle

    rates = {throttle.LOGIN: settings.rate_login, f"{throttle.LOGIN}_global": settings.rate_login_global,
             throttle.LOGIN_FAILURE: settings.rate_login_failure, throttle.EXPENSIVE: settings.rate_expensive,
             f"{throttle.EXPENSIVE}_global": settings.rate_expensive_global}
    return LimitsRateLimiter(rates, settings.rate_limit_storage)


def build(settings: Settings | None = None, *, store: Store | None = None, migrate: bool = True,
          ports: Ports | None = None) -> Service:
    """Wire the service. ``migrate``: bring the schema to head first (``alembic upgrade head``). ``ports``:
    production's (system clock, random ids, argon2id at its default cost) unless given."""
    settings = settings or load_settings()
    store = store or build_store(settings)
    ports = ports or Ports(hasher=Argon2Hasher(max_concurrent=settings.hash_concurrency or None))
    if isinstance(ports.limiter, NoLimits):
        ports = replace(ports, limiter=build_limiter(settings))
    if migrate:
        store.upgrade()
    def run_assessment(uow: Any, subject_id: str, progress: Any) -> None:
        assessments.run_job(uow, subject_id, progress, ports=ports,
                            run_memory_bytes=settings.run_memory_max_mb * 10**6)

    runner = JobRunner(store, {assessments.JOB_KIND: run_assessment},
                       on_fail={assessments.JOB_KIND: assessments.fail_job}, workers=settings.job_workers,
                       max_attempts=settings.job_max_attempts, stale_seconds=settings.job_stale_seconds, ports=ports)
    limits = assessments.Limits(sync_trials_max=settings.sync_trials_max, max_trials=settings.max_trials,
                                sync_memory_bytes=settings.sync_memory_max_mb * 10**6,
                                run_memory_bytes=settings.run_memory_max_mb * 10**6)
    return Service(settings, store, runner, limits, ports)


__all__ = ["Service", "build", "build_limiter", "build_store"]
