"""``cyberrx serve``, ``cyberrx db upgrade``, ``cyberrx admin create-user``, ``cyberrx audit verify``: the service's
commands. Settings come from the environment (``CYBERRX_*``) and the settings file (``CYBERRX_SETTINGS_FILE``)."""

from __future__ import annotations

import json

import typer

from cyberrx.cli import CONTEXT_SETTINGS

app = typer.Typer(context_settings=CONTEXT_SETTINGS)
db_app = typer.Typer(help="The service database.", no_args_is_help=True, context_settings=CONTEXT_SETTINGS)
admin_app = typer.Typer(help="Accounts, from the command line (the operator).", no_args_is_help=True,
                        context_settings=CONTEXT_SETTINGS)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True, context_settings=CONTEXT_SETTINGS)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(audit_app, name="audit")


@app.command("serve")
def serve(
    host: str = typer.Option(None, "--host", help="Address to listen on (default: settings, 127.0.0.1)."),
    port: int = typer.Option(None, "--port", help="Port (default: settings, 8000)."),
) -> None:
    """Serve the REST API (OpenAPI at /docs) with uvicorn; migrates the database first."""
    import uvicorn

    from cyberrx.config import load_settings

    settings = load_settings()
    uvicorn.run("cyberrx.api.app:app_from_settings", factory=True, host=host or settings.host,
                port=port or settings.port, log_level="info")


@app.command("worker")
def worker(
    memory_mb: int = typer.Option(None, "--memory-mb", help="Cap this process's memory (MB; default: the setting "
                                                             "worker_memory_max_mb, else run_memory_max_mb + 1024)."),
    threads: int = typer.Option(None, "--threads", help="Jobs run at once (default: the setting job_workers, "
                                                        "at least 1)."),
) -> None:
    """Run the service's background jobs in their own process, memory capped.

    Runs large assessments until stopped (SIGTERM or Ctrl-C). In production serve the web with
    CYBERRX_JOB_WORKERS=0 and run this beside it."""
    import signal
    import threading

    from cyberrx.adapters.process import cap_address_space
    from cyberrx.bootstrap import build
    from cyberrx.config import load_settings

    settings = load_settings()
    cap = memory_mb or settings.worker_memory_max_mb or settings.run_memory_max_mb + 1024
    cap_address_space(cap)
    settings = settings.model_copy(update={"job_workers": max(1, threads or settings.job_workers)})
    service = build(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    service.start()
    typer.echo(f"cyberrx worker: {settings.job_workers} job thread(s), memory capped at {cap:,} MB", err=True)
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        service.close()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision.")) -> None:
    """Bring the database schema up to REVISION (Alembic migrations)."""
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings

    store = build_store(load_settings())
    try:
        store.upgrade(revision)
        typer.echo(f"database at revision {store.current_revision()}")
    finally:
        store.dispose()


@db_app.command("backup")
def db_backup(out: str = typer.Argument(..., help="File to write (SQLite: a database file; PostgreSQL: a "
                                                   "pg_dump custom archive).")) -> None:
    """Copy the database while the service runs (SQLite online backup; PostgreSQL pg_dump) and check the copy."""
    from pathlib import Path

    from cyberrx.cli import backup
    from cyberrx.config import load_settings

    settings = load_settings()
    typer.echo(backup.print_json(backup.backup(settings.resolved_database_url(), Path(out))))


@db_app.command("restore")
def db_restore(backup_file: str = typer.Argument(..., help="A file written by `cyberrx db backup`.")) -> None:
    """Put a backup back as the database (stop the service first; PostgreSQL: pg_restore in one transaction)."""
    from pathlib import Path

    from cyberrx.cli import backup
    from cyberrx.config import load_settings

    settings = load_settings()
    typer.echo(backup.print_json(backup.restore(settings.resolved_database_url(), Path(backup_file))))


@admin_app.command("create-user")
def create_user(
    email: str = typer.Option(..., "--email", help="The user's e-mail (their login)."),
    role: str = typer.Option("admin", "--role", help="admin, underwriter, broker, practice_manager, claims_adjuster."),
    name: str = typer.Option("", "--name", help="Display name (default: the e-mail)."),
    organisation: str = typer.Option(None, "--organisation", help="Id of an existing organisation."),
    new_carrier: str = typer.Option(None, "--new-carrier", help="Create a carrier (a new tenant) with this name."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                 envvar="CYBERRX_NEW_USER_PASSWORD", help="At least 12 characters."),
) -> None:
    """Create a user; with --new-carrier also the carrier it belongs to (the first admin of a tenant)."""
    from cyberrx.app import accounts
    from cyberrx.bootstrap import build_store
    from cyberrx.errors import InvalidInput

    if (organisation is None) == (new_carrier is None):
        raise InvalidInput("give exactly one of --organisation and --new-carrier", field="organisation")
    from cyberrx.config import load_settings

    store = build_store(load_settings())
    try:
        store.upgrade()
        if new_carrier is not None:
            user = accounts.create_carrier_with_user(store, new_carrier, email, name or email, role, password)
        else:
            user = accounts.create_user_unchecked(store, organisation, email, name or email, role, password)
        typer.echo(json.dumps({"user_id": user["id"], "organisation_id": user["organisation_id"],
                               "role": user["role"]}))
    finally:
        store.dispose()


@audit_app.command("verify")
def audit_verify(
    anchor: str = typer.Option(None, "--anchor", help="SEQ:HASH printed by an earlier verify (kept outside the "
                                                     "database): the chain must still hold that event."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Recompute the audit hash chain and every claim's money from its ledger; exit 1 and name the first bad event
    or the claim whose paid/reserve/status was edited outside cyberrx."""
    from cyberrx.app import audit
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings
    from cyberrx.errors import InvalidInput

    anchored: tuple[int, str] | None = None
    if anchor is not None:
        seq, _, digest = anchor.partition(":")
        if not (seq.isdigit() and int(seq) >= 1 and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise InvalidInput(f"{anchor!r} is not an anchor", field="--anchor",
                               allowed="SEQ:HASH, e.g. 42:<64 hex digits>, as printed by audit verify")
        anchored = (int(seq), digest)
    store = build_store(load_settings())
    try:
        store.require_current()
        report = audit.verify(store, anchor=anchored)
        money = audit.check_money(store)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "money_mismatches": [m.as_dict() for m in money]}))
    elif report.ok:
        typer.echo(f"audit chain intact: {report.events} events, head {report.head}")
        typer.echo(f"keep this anchor outside the database and pass it next time: --anchor {report.anchor}")
    else:
        typer.echo(f"audit chain BROKEN at event {report.first_bad_seq}: {report.reason} "
                   f"({report.events} events verified before it)", err=True)
    for m in money if not as_json else []:
        typer.echo(f"claim {m.claim_id}: {m.column} is {m.stored} in the database but {m.expected} by its "
                   f"{m.source} (edited outside cyberrx)", err=True)
    if not report.ok or money:
        raise typer.Exit(1)
