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
    from rich.table import Table

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
    from rich.console import Console

    from cyberrx.claims import adjudicate_files

    result = adjudicate_files(policy, claim, history)
    if json_out:
        # the values of ``to_dict()``, written with cents (``45000.00``)
        typer.echo(money_json(result.to_result().model_dump()))
    else:
        render(result, Console())


_TABLE_WIDTH = 100


def _table(result: Adjudication) -> Table:
    from rich import box
    from rich.table import Table

    from cyberrx.claims.explain import money

    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right")
    table.add_column("coverage")
    for name in ("claimed", "covered", "retention", "coinsurance", "payable"):
        table.add_column(name, justify="right", no_wrap=True)
    for i, x in enumerate(result.lines):
        table.add_row(str(i), x.coverage.value, money(x.claimed), money(x.covered), money(x.retention),
                      money(x.coinsurance), money(x.payable))
    table.add_row("", "total", money(result.total_claimed), money(result.total_covered),
                  money(result.total_retention), money(result.total_coinsurance), money(result.total_payable),
                  style="bold")
    return table


def render(result: Adjudication, console: Console) -> None:
    """The adjudication as a table of lines with their reasons, then the totals."""
    from cyberrx.claims.explain import money

    console.print(f"[bold]Claim {result.claim_id}[/] on policy {result.policy_number}: "
                  f"[bold]{result.status.replace('_', ' ')}[/]")
    for reason in result.denial_reasons:
        console.print(f"  denied — {reason}")
    for warning in result.warnings:
        console.print(f"  [bold]warning[/] — {warning}", highlight=False)
    if console.width >= _TABLE_WIDTH:
        console.print(_table(result))
    else:  # a narrow terminal: one block per line rather than a table cut at the edge
        for i, x in enumerate(result.lines):
            console.print(f"[{i}] {x.coverage.value}: claimed {money(x.claimed)} · covered {money(x.covered)} · "
                          f"retention {money(x.retention)} · coinsurance {money(x.coinsurance)} · "
                          f"[bold]payable {money(x.payable)}[/]", highlight=False)
        console.print(f"total: claimed {money(result.total_claimed)} · covered {money(result.total_covered)} · "
                      f"retention {money(result.total_retention)} · coinsurance {money(result.total_coinsurance)} · "
                      f"[bold]payable {money(result.total_payable)}[/]", highlight=False)
    for i, x in enumerate(result.lines):
        for reason in x.reasons:
            console.print(f"  [{i}] {x.coverage.value} — {reason}", highlight=False)
    for trigger in result.triggers:
        console.print(f"trigger: {trigger}", highlight=False)
    console.print(f"line order: {result.line_order}", highlight=False)
    console.print(f"retention applied: {money(result.retention_applied)}; aggregate remaining after this claim: "
                  f"{money(result.aggregate_remaining)}")
    if result.history:
        earlier = ", ".join(f"{c} ({s.replace('_', ' ')}, {money(v)})" for c, s, v in result.history)
        console.print(f"earlier claims on the policy: {earlier}")


__all__ = ["app", "money_json", "render"]
