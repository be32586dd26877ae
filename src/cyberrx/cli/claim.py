"""``cyberrx claim ...``: what a policy pays on a claim, line by line, and why."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberrx.cli import CONTEXT_SETTINGS

if TYPE_CHECKING:
    from rich.console import Console

    from cyberrx.claims import Adjudication

app = typer.Typer(name="claim", help="Claims: adjudicate a claim on a policy.", no_args_is_help=True,
                  context_settings=CONTEXT_SETTINGS)

_MONEY = re.compile(r'"\\u0000money:(-?\d+\.\d\d)"')


def money_json(data: Any) -> str:
    """Indented JSON with every Decimal written as a number with 2 decimals (``45000.00``)."""
    def mark(x: Any) -> Any:
        if isinstance(x, Decimal):
            return f"\u0000money:{x:.2f}"
        if isinstance(x, dict):
            return {k: mark(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [mark(v) for v in x]
        return x
    return _MONEY.sub(r"\1", json.dumps(mark(data), indent=2))


@app.command("adjudicate")
def adjudicate_cmd(
    policy: Path = typer.Argument(..., help="Policy terms (YAML or JSON)."),
    claim: Path = typer.Argument(..., help="The claim (YAML or JSON)."),
    history: list[Path] = typer.Option([], "--history", help="An earlier claim on the policy (repeatable, in "
                                                                "order); it erodes the sublimits and aggregate."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """What the policy pays on CLAIM, line by line, after earlier claims given with --history."""
    from cyberrx.claims import adjudicate_files
    from cyberrx.cli.console import console

    result = adjudicate_files(policy, claim, history)
    if json_out:
        # the values of ``to_dict()``, written with cents (``45000.00``)
        typer.echo(money_json(result.to_result().model_dump()))
    else:
        render(result, console())


def render(result: Adjudication, console: Console) -> None:
    """The adjudication: :func:`cyberrx.reports.terminal.claim.render_adjudication`."""
    from cyberrx.reports.terminal.claim import render_adjudication

    render_adjudication(result, console)


__all__ = ["app", "money_json", "render"]
