"""``cyberrx db backup FILE`` and ``cyberrx db restore FILE``: a consistent copy of the service database, taken while
the service runs, and its return.

- **SQLite**: the online backup API (``sqlite3.Connection.backup``): a consistent snapshot even while writers
  commit; every write acknowledged before the backup started is in it. Restore copies the snapshot back with the
  same API into the database file (stop the service first: restoring under a running service is refused when
  another connection holds the write lock).
- **PostgreSQL**: ``pg_dump --format=custom`` (a consistent snapshot in one transaction) and ``pg_restore --clean
  --if-exists --single-transaction`` (all or nothing); they must be on the PATH, in a version at least the
  server's. With a ``schema`` (tests), only that schema.

After either, the command reads the copy back and prints its schema revision and the rows of its main tables, so
a backup that cannot be read is found when it is taken, not when it is needed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

COUNTED = ("organisations", "users", "claims", "ledger_entries", "audit_events")


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        raise ValueError(f"not a SQLite file URL: {url}")
    return Path(url.removeprefix("sqlite:///"))


def _pg(url: str) -> str:
    """A libpq URL (``postgresql://``) from a SQLAlchemy one."""
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def _counts_sqlite(path: Path) -> dict[str, Any]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        out: dict[str, Any] = {"revision": conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]}
        for table in COUNTED:
            out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def backup_sqlite(url: str, out: Path) -> dict[str, Any]:
    src = _sqlite_path(url)
    tmp = out.with_name(out.name + ".partial")
    with sqlite3.connect(src) as source, sqlite3.connect(tmp) as target:
        source.backup(target)
    tmp.replace(out)
    return _counts_sqlite(out)


def restore_sqlite(url: str, backup: Path) -> dict[str, Any]:
    dst = _sqlite_path(url)
    _counts_sqlite(backup)            # refuse a file that is not a cyberrx backup before touching the database
    with sqlite3.connect(backup) as source, sqlite3.connect(dst, timeout=5) as target:
        source.backup(target)
    return _counts_sqlite(dst)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not on the PATH (Debian: apt-get install postgresql-client)")
    return path


def backup_postgresql(url: str, out: Path, schema: str | None = None) -> dict[str, Any]:
    args = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out}", f"--dbname={_pg(url)}"]
    if schema:
        args.append(f"--schema={schema}")
    subprocess.run(args, check=True, capture_output=True, text=True)
    listing = subprocess.run([_tool("pg_restore"), "--list", str(out)], check=True, capture_output=True, text=True)
    return {"format": "pg_dump custom", "tables": sum(" TABLE DATA " in line for line in listing.stdout.splitlines())}


def restore_postgresql(url: str, backup: Path, schema: str | None = None) -> dict[str, Any]:
    args = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={_pg(url)}", str(backup)]
    if schema:
        args.append(f"--schema={schema}")
    subprocess.run(args, check=True, capture_output=True, text=True)
    return {"restored": str(backup)}


def backup(url: str, out: Path, schema: str | None = None) -> dict[str, Any]:
    """Back the database at ``url`` up into ``out``; what the copy holds."""
    if url.startswith("sqlite"):
        return backup_sqlite(url, out)
    return backup_postgresql(url, out, schema)


def restore(url: str, backup_file: Path, schema: str | None = None) -> dict[str, Any]:
    """Put ``backup_file`` back as the database at ``url`` (the service stopped)."""
    if url.startswith("sqlite"):
        return restore_sqlite(url, backup_file)
    return restore_postgresql(url, backup_file, schema)


def print_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True)


__all__ = ["backup", "restore"]
