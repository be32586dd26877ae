"""``cyberrx demo seed``: fill the configured database with the demo world and print its users."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from cyberrx.cli import CONTEXT_SETTINGS

PASSWORD_ENV = "CYBERRX_DEMO_PASSWORD"

app = typer.Typer(name="demo", help="The demo world, to try the web application with every role.",
                  no_args_is_help=True, context_settings=CONTEXT_SETTINGS)


@app.command("seed")
def seed(
    as_json: bool = typer.Option(False, "--json", help="Print {\"users\": [{email, role, organisation, "
                                                       "password}]} instead of a table."),
    trials: int = typer.Option(None, "--trials", "-n", help="Simulated years of the demo's quotes and "
                                                            "assessments (default 20,000)."),
    examples: Path = typer.Option(None, "--examples", help="The folder of example profiles (default: the "
                                                           "checkout's examples/)."),
) -> None:
    """Fill the database (migrated first) with a carrier, two brokerages and their client practices, a user of
    every role, quotes, a bound policy, an incident and an open claim; idempotent. The users' password is
    $CYBERRX_DEMO_PASSWORD (default: "cyberrx demo passphrase")."""
    from cyberrx.app import demo
    from cyberrx.bootstrap import build

    service = build()
    try:
        world = demo.seed(service.uow, service.limits, os.environ.get(PASSWORD_ENV) or demo.DEFAULT_PASSWORD,
                          ports=service.ports, trials=trials or demo.DEMO_TRIALS, examples=examples)
    finally:
        service.close()
    if as_json:
        typer.echo(json.dumps(world.as_dict(), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Demo users (database: {service.store.safe_url()})")
    table.add_column("e-mail", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("organisation")
    for u in world.users:
        table.add_row(u.email, u.role, u.organisation)
    console = Console()
    console.print(table)
    console.print(f"every user's password: {world.users[0].password}")
    console.print(f"{world.added} objects added" if world.added else "the demo world was already there: "
                                                                       "nothing changed")
