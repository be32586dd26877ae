"""The database: engines, units of work, and migrations (Alembic is the only way the schema is made).

SQLite: WAL journal, ``synchronous=FULL`` (a committed write survives a crash of the process), foreign keys on,
a busy timeout, and write transactions opened with ``BEGIN IMMEDIATE`` (on a separate engine) so two writers
queue for the lock instead of failing when one upgrades a read to a write. Reads use deferred transactions and
never wait for writers. PostgreSQL: one engine; an optional ``schema`` sets the search path (tests use one
schema per worker).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cyberrx.adapters.store.scope import Scope
from cyberrx.adapters.store.unit_of_work import SqlUnitOfWork
from cyberrx.errors import CyberRxError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
SQLITE_BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_SECONDS = 5


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # let SQLAlchemy's "begin" event decide how a transaction starts (pysqlite otherwise begins implicitly)
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                           pool_size=8, max_overflow=16)
    event.listen(engine, "connect", _sqlite_pragmas)

    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    event.listen(engine, "begin", _begin)
    return engine


def _alembic_config() -> Any:
    """The Alembic configuration of the migrations shipped in the package (no database URL yet)."""
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


class Store:
    """The database of one service instance, and the unit-of-work factory the use cases take.

    ``reading(scope)`` / ``writing(scope)``: a :class:`SqlUnitOfWork` (repositories scoped to a caller's tenant,
    None for the system) on a deferred or a write transaction. ``read()`` / ``write()``: a bare session in one
    transaction, for migrations, tests and tools (committed when a ``write()`` block ends).
    """

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url, immediate=False)
            self.write_engine = _sqlite_engine(url, immediate=True)
        else:
            args: dict[str, Any] = {"options": f"-csearch_path={schema}"} if schema else {}
            # connect_timeout: a database that does not answer fails a request in seconds (503), not minutes
            args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
            self.engine = create_engine(url, connect_args=args, pool_size=10, max_overflow=20, pool_pre_ping=True,
                                        pool_timeout=CONNECT_TIMEOUT_SECONDS)
            self.write_engine = self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def reading(self, scope: Scope | None = None) -> SqlUnitOfWork:
        """A unit of work that only reads (never waits for writers)."""
        return SqlUnitOfWork(self._read(), scope)

    def writing(self, scope: Scope | None = None) -> SqlUnitOfWork:
        """A unit of work that writes: on SQLite it takes the write lock at once, so writers queue."""
        return SqlUnitOfWork(self._write(), scope)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back (nothing half-written) if it raises."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with Alembic (the only way the schema is made)."""
        from alembic import command
        from sqlalchemy.exc import OperationalError

        cfg = _alembic_config()
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        try:
            conn = self.write_engine.connect()
        except OperationalError as exc:
            raise self._cannot_open(exc) from None
        with conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest migration this version of cyberrx ships."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def require_current(self) -> None:
        """Refuse to work on a database whose schema is not this version's (one clear line, not a traceback)."""
        from sqlalchemy.exc import OperationalError

        try:
            current = self.current_revision()
        except OperationalError as exc:
            raise self._cannot_open(exc) from None
        head = self.head_revision()
        if current != head:
            raise CyberRxError(f"the database {self.safe_url()} is at schema revision {current or 'none (empty)'}, "
                               f"this cyberrx needs {head}: run `cyberrx db upgrade`")

    def _cannot_open(self, exc: Exception) -> CyberRxError:
        reason = " ".join(str(getattr(exc, "orig", exc)).split())  # the driver's message, on one line
        return CyberRxError(f"cannot open the database {self.safe_url()}: {reason}")

    def safe_url(self) -> str:
        """The database URL with any password hidden."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def ping(self, timeout_seconds: float = 2.0) -> str | None:
        """None when the database answers ``SELECT 1`` now, else why not (one line). For readiness checks."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                if not self.is_sqlite:
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_seconds * 1000)}")
                conn.execute(text("SELECT 1"))
            return None
        except Exception as exc:   # any failure means "not ready"; the reason is reported, not raised
            return " ".join(str(getattr(exc, "orig", exc)).split())[:200] or exc.__class__.__name__

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


__all__ = ["Store"]
