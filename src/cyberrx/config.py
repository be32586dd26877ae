"""Settings of the cyberrx service, read when asked (never at import).

Sources, highest first: keyword arguments, environment variables prefixed ``CYBERRX_`` (``CYBERRX_DATABASE_URL``),
then a TOML settings file named by ``CYBERRX_SETTINGS_FILE`` (keys as the field names below), then the defaults.

With no ``database_url`` the service uses SQLite in a file under the user's data directory
(``platformdirs.user_data_dir("cyberrx")/cyberrx.db``), so ``cyberrx serve`` works on a fresh machine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

SETTINGS_FILE_ENV = "CYBERRX_SETTINGS_FILE"


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data directory (created if missing)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("cyberrx", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'cyberrx.db'}"


class Settings(BaseSettings):
    """Service settings. Durations are in the unit their name says (``_hours``, ``_days``, ``_seconds``)."""

    model_config = SettingsConfigDict(env_prefix="CYBERRX_", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; None: SQLite in the data dir")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_ttl_hours: float = Field(default=12.0, gt=0, description="lifetime of a login session token")
    login_max_failures: int = Field(default=5, ge=1, description="failed logins in a row before a lockout")
    login_lockout_minutes: float = Field(default=15.0, gt=0, description="how long logins for that e-mail wait")
    api_token_max_days: int = Field(default=365, ge=1, description="longest lifetime of an API token")
    sync_trials_max: int = Field(default=1_000_000, ge=0,
                                 description="assessments with more trials than this run as background jobs")
    max_trials: int = Field(default=10_000_000, ge=1_000, description="most trials one assessment may ask for")
    job_max_attempts: int = Field(default=3, ge=1, description="runs of a job before it is failed for good")
    job_stale_seconds: float = Field(default=60.0, gt=0,
                                     description="a running job without a heartbeat for this long is recovered")
    job_workers: int = Field(default=1, ge=0, description="background job threads (0: jobs are not run)")
    page_max: int = Field(default=200, ge=1, description="largest page of a list endpoint")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = os.environ.get(SETTINGS_FILE_ENV)
        if path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(path)))
        return tuple(sources)

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings now (environment and settings file), with ``overrides`` on top."""
    return Settings(**overrides)


__all__ = ["SETTINGS_FILE_ENV", "Settings", "default_database_url", "load_settings"]
