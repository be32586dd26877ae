"""``cyberrx breach ...``: notification obligations, the incident playbook and the notice letter.

Thin: read the files, call :mod:`cyberrx.breach`, render. Bad input raises :class:`cyberrx.errors.InvalidInput`,
which the root command turns into one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from cyberrx.breach import ObligationsReport, assess_obligations
from cyberrx.cli.main import app
from cyberrx.domain.incident import load_incident
from cyberrx.errors import InvalidInput

breach = typer.Typer(name="breach", help="HIPAA breach notification: who to notify, by when, and what to do.",
                     no_args_is_help=True)
app.add_typer(breach, name="breach")

_AS_OF_HELP = "Treat this date (YYYY-MM-DD) as today: for planning ahead or replaying an incident."


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date: {value!r}", field="--as-of", allowed="YYYY-MM-DD") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InvalidInput(f"cannot write file ({exc.__class__.__name__})", source=str(path)) from None


def _console() -> Console:
    out = Console()
    return out if out.is_terminal else Console(width=110)


def _render_obligations(report: ObligationsReport, out: Console) -> None:
    verdict = "REPORTABLE BREACH" if report.reportable else "not a reportable breach"
    out.print(f"[bold]{report.incident_id}[/bold] {report.entity} - {verdict} "
              f"({report.total_affected} individuals, discovered {report.discovered.isoformat()})")
    for reason in report.reasons:
        out.print(f"  - {reason}", markup=False)
    if report.obligations:
        table = Table(show_lines=True)
        for col in ("deadline", "recipient", "states", "method", "citation"):
            table.add_column(col)
        for o in report.obligations:
            deadline = o.deadline.isoformat() if o.deadline else "-"
            if o.rule_deadline and o.deadline != o.rule_deadline:
                deadline += f"\n(rule: {o.rule_deadline.isoformat()})"
            method = o.method + (f"\nOnly if {o.applies_if}." if o.applies_if else "")
            table.add_row(deadline, o.recipient.value, ", ".join(o.states), method, o.citation)
        out.print(table)
    if report.warnings:
        out.print("[bold]Warnings[/bold]")
        for warning in report.warnings:
            out.print(f"  ! {warning}", markup=False)


@breach.command("obligations")
def obligations_cmd(
    incident: Path = typer.Argument(..., help="Incident (YAML or JSON)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of the table."),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
) -> None:
    """Must we notify, whom, and by when: each notice with its deadline and its 45 CFR or state citation."""
    today = _as_of(as_of)
    report = assess_obligations(load_incident(incident, today=today), today=today)
    if json_out:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _render_obligations(report, _console())
