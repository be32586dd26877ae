"""The one composition root: settings -> store -> job runner -> the service the interfaces use.

Nothing is built at import; :func:`build` is called by the API's app factory and by the commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberrx.config import Settings, load_settings
from cyberrx.services import assessments
from cyberrx.services.jobs import JobRunner
from cyberrx.store import Store


@dataclass
class Service:
    """What an interface needs: the settings, the store, the job runner and the assessment limits."""

    settings: Settings
    store: Store
    jobs: JobRunner
    limits: assessments.Limits

    def start(self) -> None:
        """Start the background job workers (recovering jobs a dead worker left running)."""
        if self.settings.job_workers > 0:
            self.jobs.start()

    def close(self) -> None:
        self.jobs.stop()
        self.store.dispose()


def build_store(settings: Settings) -> Store:
    return Store(settings.resolved_database_url())


def build(settings: Settings | None = None, *, store: Store | None = None, migrate: bool = True) -> Service:
    """Wire the service. ``migrate``: bring the schema to head first (``alembic upgrade head``)."""
    settings = settings or load_settings()
    store = store or build_store(settings)
    if migrate:
        store.upgrade()
    runner = JobRunner(store, {assessments.JOB_KIND: assessments.run_job},
                       on_fail={assessments.JOB_KIND: assessments.fail_job}, workers=settings.job_workers,
                       max_attempts=settings.job_max_attempts, stale_seconds=settings.job_stale_seconds)
    limits = assessments.Limits(sync_trials_max=settings.sync_trials_max, max_trials=settings.max_trials)
    return Service(settings, store, runner, limits)


__all__ = ["Service", "build", "build_store"]
