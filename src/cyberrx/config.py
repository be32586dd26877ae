"""Settings of the cyberrx service, read when asked (never at import).

Sources, highest first: keyword arguments, environment variables prefixed ``CYBERRX_`` (``CYBERRX_DATABASE_URL``),
then a TOML settings file named by ``CYBERRX_SETTINGS_FILE`` (keys as the field names below), then the defaults.

With no ``database_url`` the service uses SQLite in a file under the user's data directory
(``platformdirs.user_data_dir("cyberrx")/cyberrx.db``), so ``cyberrx serve`` works on a fresh machine.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

SETTINGS_FILE_ENV = "CYBERRX_SETTINGS_FILE"
MIN_SECRET_KEY_LENGTH = 32


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data directory (created if missing)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("cyberrx", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'cyberrx.db'}"


def default_secret_key() -> str:
    """A random key made on first use and kept (mode 0600) in the user's data directory, beside the embedded
    database, so sessions survive a restart and every server process on the machine signs alike (servers on
    several machines: set ``CYBERRX_SECRET_KEY``)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("cyberrx", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        # written whole under another name, then linked into place: a process starting at the same moment
        # reads either no file or the whole key, and the first link wins
        tmp = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    """Service settings. Durations are in the unit their name says (``_hours``, ``_days``, ``_seconds``)."""

    model_config = SettingsConfigDict(env_prefix="CYBERRX_", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; None: SQLite in the data dir")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_ttl_hours: float = Field(default=12.0, gt=0, description="lifetime of a login session token")
    login_max_failures: int = Field(default=5, ge=1, description="failed logins in a row before a lockout")
    login_lockout_minutes: float = Field(default=15.0, gt=0, description="how long logins for that e-mail wait")
    rate_login: str = Field(default="30/minute", description="sign-in attempts per client address "
                                                             "(limits notation; empty: no limit)")
    rate_login_global: str = Field(default="600/minute", description="sign-in attempts from everyone together")
    rate_login_failure: str = Field(default="20 per 15 minutes",
                                    description="failed sign-ins per client address (any e-mails) before the "
                                                "address must wait")
    rate_expensive: str = Field(default="60/minute", description="assessments and quotes asked per client address")
    rate_expensive_global: str = Field(default="600/minute", description="assessments and quotes from everyone")
    rate_limit_storage: str = Field(default="memory://", description="where the counts live: memory:// (one "
                                    "process) or redis://host:6379 (shared by every process; needs `redis`)")
    hash_concurrency: int = Field(default=0, ge=0, description="password hashes run at once (0: the cores)")
    api_token_max_days: int = Field(default=365, ge=1, description="longest lifetime of an API token")
    sync_trials_max: int = Field(default=1_000_000, ge=0,
                                 description="assessments with more trials than this run as background jobs")
    max_trials: int = Field(default=10_000_000, ge=1_000, description="most trials one assessment may ask for")
    sync_memory_max_mb: int = Field(default=512, ge=16, le=1_000_000,
                                    description="most memory (MB, estimated) a run inside a request may take; "
                                                "a larger assessment is queued as a job, a larger quote refused")
    run_memory_max_mb: int = Field(default=2048, ge=16, le=1_000_000,
                                   description="most memory (MB, estimated) any run may take; larger is refused")
    worker_memory_max_mb: int = Field(default=0, ge=0, le=1_000_000,
                                      description="cap on the address space of a `cyberrx worker` process (MB; "
                                                  "0: run_memory_max_mb + 1024)")
    job_max_attempts: int = Field(default=3, ge=1, description="runs of a job before it is failed for good")
    job_stale_seconds: float = Field(default=60.0, gt=0,
                                     description="a running job without a heartbeat for this long is recovered")
    job_workers: int = Field(default=1, ge=0, description="background job threads (0: jobs are not run)")
    ready_queue_wait_seconds: float = Field(default=300.0, gt=0, description="/ready fails when a queued job has "
                                            "waited longer (job workers in their own process)")
    request_max_bytes: int = Field(default=1_048_576, ge=1024, description="largest request body (bytes)")
    page_max: int = Field(default=200, ge=1, description="largest page of a list endpoint")
    secret_key: SecretStr | None = Field(
        default=None, description="signs the web pages' session cookies (CYBERRX_SECRET_KEY, 32+ characters); "
                                  "None: a random key kept in the file `secret_key` beside the embedded database")
    cookie_secure: bool | None = Field(
        default=None, description="mark the session cookie Secure; None: when the request came over https")
    # threat alerts (issue 15): the mail sender that drains the outbox, and where `threats import` fetches a feed
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server the alert mails go through")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="upgrade the SMTP connection with STARTTLS")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = Field(default="cyberrx@localhost", description="the alert mails' From address")
    threat_feed_url: str | None = Field(default=None, description="address `cyberrx threats import` fetches when "
                                                                  "given no file (a KEV JSON or a STIX bundle)")

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

    def resolved_secret_key(self) -> str:
        """The key that signs session cookies: the setting, else a random key made once and kept in a file."""
        if self.secret_key is not None:
            key = self.secret_key.get_secret_value()
            if len(key) < MIN_SECRET_KEY_LENGTH:
                raise ValueError(f"CYBERRX_SECRET_KEY must have at least {MIN_SECRET_KEY_LENGTH} characters")
            return key
        return default_secret_key()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings now (environment and settings file), with ``overrides`` on top."""
    return Settings(**overrides)


__all__ = ["MIN_SECRET_KEY_LENGTH", "SETTINGS_FILE_ENV", "Settings", "default_database_url", "default_secret_key",
           "load_settings"]
