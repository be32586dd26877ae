"""``cyberrx breach ...``: notification obligations, the incident playbook and the notice letter.

Thin: read the files, call :mod:`cyberrx.breach`, render. Bad input raises :class:`cyberrx.errors.InvalidInput`,
which the root command turns into "error: ..." lines on stderr (one a problem) and exit code 2.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cyberrx.cli import CONTEXT_SETTINGS
from cyberrx.cli.console import WIDE_HELP
from cyberrx.errors import InvalidInput

if TYPE_CHECKING:
    from cyberrx.breach import ObligationsReport
    from cyberrx.domain.incident import Incident

app = typer.Typer(name="breach", help="HIPAA breach notification: who to notify, by when, and what to do.",
                  no_args_is_help=True, context_settings=CONTEXT_SETTINGS)

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


@app.command("obligations")
def obligations_cmd(
    incident: Path = typer.Argument(..., help="Incident (YAML or JSON)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of the table."),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP + " Here: the citation beside each deadline."),
) -> None:
    """Must we notify, whom, by when and how many days are left: one row per recipient, its 45 CFR or state
    citation."""
    _, report = _load(incident, as_of)
    if json_out:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        from cyberrx.cli.console import console
        from cyberrx.reports.terminal.breach import render_obligations

        render_obligations(report, console(wide=wide), wide=wide)


class PlaybookFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"


class LetterFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


def _load(incident: Path, as_of: str | None) -> tuple[Incident, ObligationsReport]:
    from cyberrx.app.obligations import obligations_of
    from cyberrx.domain.incident import load_incident

    today = _as_of(as_of)
    loaded = load_incident(incident, today=today)
    return loaded, obligations_of(loaded, today=today)


def _letter_text(incident: Incident, report: ObligationsReport, fmt: LetterFormat, toll_free: str | None) -> str:
    from cyberrx.breach import draft_letter, render_letter_html, render_letter_markdown

    letter = draft_letter(incident, report, toll_free=toll_free)
    return render_letter_html(letter) if fmt is LetterFormat.HTML else render_letter_markdown(letter)


@app.command("playbook")
def playbook_cmd(
    incident: Path = typer.Argument(..., help="Incident (YAML or JSON)."),
    profile: Path = typer.Option(..., "--profile", "-p", help="Practice profile (YAML or JSON)."),
    fmt: PlaybookFormat = typer.Option(PlaybookFormat.TEXT, "--format", "-f", help="text or markdown."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the playbook to this file instead of stdout."),
    ics: Path | None = typer.Option(None, "--ics", help="Also write the deadlines as an iCalendar (.ics) file."),
    letter: Path | None = typer.Option(None, "--letter",
                                       help="Also write the draft patient letter (.html for HTML, else Markdown)."),
    hotline: str | None = typer.Option(None, "--hotline", help="The insurer's breach hotline number."),
    toll_free: str | None = typer.Option(None, "--toll-free", help="Toll-free number for the patient letter."),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
) -> None:
    """The first-72-hours / 60-days / after checklist for this incident at this practice, deadlines inline."""
    from cyberrx.breach import build_playbook, deadlines_ics, render_playbook_markdown, render_playbook_text
    from cyberrx.domain import PracticeProfile, load_model

    practice = load_model(PracticeProfile, profile)
    loaded, report = _load(incident, as_of)
    book = build_playbook(loaded, practice, report, hotline=hotline)
    text = render_playbook_markdown(book) if fmt is PlaybookFormat.MARKDOWN else render_playbook_text(book)
    if ics is not None:
        _write(ics, deadlines_ics(loaded.incident_id, loaded.entity, book.deadlines,
                                  stamp=datetime.now(UTC).replace(microsecond=0)))
    if letter is not None:
        kind = LetterFormat.HTML if letter.suffix.lower() in (".html", ".htm") else LetterFormat.MARKDOWN
        _write(letter, _letter_text(loaded, report, kind, toll_free))
    if out is not None:
        _write(out, text)
    else:
        typer.echo(text, nl=False)
    for path, what in ((out, "playbook"), (ics, "calendar"), (letter, "letter")):
        if path is not None:
            typer.echo(f"{what} written to {path}", err=True)


@app.command("letter")
def letter_cmd(
    incident: Path = typer.Argument(..., help="Incident (YAML or JSON)."),
    fmt: LetterFormat = typer.Option(LetterFormat.MARKDOWN, "--format", "-f", help="markdown or html."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the letter to this file instead of stdout."),
    toll_free: str | None = typer.Option(None, "--toll-free", help="Toll-free number patients can call."),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
) -> None:
    """Draft the notice letter to affected patients (the five elements of 45 CFR 164.404(c)), ready to edit."""
    loaded, report = _load(incident, as_of)
    text = _letter_text(loaded, report, fmt, toll_free)
    if out is not None:
        _write(out, text)
        typer.echo(f"letter written to {out}", err=True)
    else:
        typer.echo(text, nl=False)
