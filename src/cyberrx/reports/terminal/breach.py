"""``cyberrx breach obligations`` in a terminal: whom to notify, by when, and how many days are left.

One row per recipient (a state regulator per state): the governing deadline is the earliest, and the later ones
for the same recipient (HIPAA's 60 days beside a state's 30) are notes under it. Days are counted from the
report's ``as_of`` day (``--as-of``, default today): "12 days left", "due today", "overdue by 3 days".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cyberrx.reports.labels import RECIPIENT_LABELS
from cyberrx.reports.terminal import bullets

if TYPE_CHECKING:
    from cyberrx.breach import ObligationsReport
    from cyberrx.breach.obligations import Obligation


def days_left(deadline: date | None, as_of: date) -> str:
    """``"12 days left"``, ``"1 day left"``, ``"due today"``, ``"overdue by 3 days"``, ``"-"`` without a date.

    >>> days_left(date(2027, 5, 13), date(2027, 5, 1)), days_left(date(2027, 5, 13), date(2027, 5, 16))
    ('12 days left', 'overdue by 3 days')
    >>> days_left(date(2027, 5, 13), date(2027, 5, 13)), days_left(date(2027, 5, 13), date(2027, 5, 12))
    ('due today', '1 day left')
    """
    if deadline is None:
        return "-"
    n = (deadline - as_of).days
    if n == 0:
        return "due today"
    plural = "s" if abs(n) != 1 else ""
    return f"{n} day{plural} left" if n > 0 else f"overdue by {-n} day{plural}"


def _who(o: Obligation) -> str:
    label = RECIPIENT_LABELS.get(o.recipient.value, o.recipient.value.replace("_", " "))
    if o.recipient.value == "state_regulator" and ": " in o.method:
        return o.method.split(": ", 1)[0]          # "Colorado Attorney General"
    return label


def group_by_recipient(obligations: tuple[Obligation, ...]) -> list[list[Obligation]]:
    """The obligations by recipient (a state regulator is one recipient per state's office), each group with its
    earliest deadline first; groups in the order of their first deadline."""
    groups: dict[tuple[str, str], list[Obligation]] = {}
    for o in obligations:
        key = (o.recipient.value, _who(o) if o.recipient.value == "state_regulator" else "")
        groups.setdefault(key, []).append(o)
    out = [sorted(g, key=lambda o: (o.deadline or date.max, o.basis != "federal")) for g in groups.values()]
    return sorted(out, key=lambda g: g[0].deadline or date.max)


def render_obligations(report: ObligationsReport, out: Console, *, wide: bool = False) -> None:
    verdict = "REPORTABLE BREACH" if report.reportable else "not a reportable breach"
    out.print(f"[bold]{escape(report.incident_id)}[/bold] {escape(report.entity)} - [bold]{verdict}[/bold] "
              f"({report.total_affected:,} individuals, discovered {report.discovered.isoformat()}; days counted "
              f"as of {report.as_of.isoformat()})")
    bullets(out, list(report.reasons))
    groups = group_by_recipient(report.obligations)
    if groups:
        table = Table(title="Whom to notify, by when", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                      title_justify="left", expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("to", ratio=2)
        table.add_column("send by", no_wrap=True)
        table.add_column("days", no_wrap=True)
        table.add_column("states", ratio=1)
        if wide:
            table.add_column("citation", ratio=2)
        for i, group in enumerate(groups, 1):
            first = group[0]
            left = days_left(first.deadline, report.as_of)
            style = "bold red" if left.startswith("overdue") else "bold" if left in ("due today", "1 day left") else ""
            table.add_row(str(i), escape(_who(first)), first.deadline.isoformat() if first.deadline else "-",
                          f"[{style}]{left}[/]" if style else left, ", ".join(first.states),
                          *([escape(first.citation)] if wide else []))
            for other in group[1:]:
                table.add_row("", f"[dim]also: {escape(', '.join(other.states) or 'all')}[/]",
                              f"[dim]{other.deadline.isoformat() if other.deadline else '-'}[/]",
                              f"[dim]{days_left(other.deadline, report.as_of)}[/]", "",
                              *([escape(other.citation)] if wide else []))
        out.print(table)
        out.print("[bold]What to send[/] (each recipient's deadline first, then any later one for the same "
                  "recipient):")
        for i, group in enumerate(groups, 1):
            lines = []
            for k, o in enumerate(group):
                when = o.deadline.isoformat() if o.deadline else "no date"
                rule = (f" (the rule's own date {o.rule_deadline.isoformat()}, moved by the law-enforcement delay)"
                        if o.rule_deadline and o.deadline != o.rule_deadline else "")
                held = f" Hold it until {o.not_before.isoformat()} (law-enforcement delay)." if o.not_before else ""
                only = f" Only if {o.applies_if}." if o.applies_if else ""
                head = "" if k == 0 else f"Also, for {', '.join(o.states) or 'all'}: "
                lines.append(f"{head}by {when}{rule}: {o.method}{only}{held} [{o.citation}]")
            bullets(out, lines, marker=f"[{i}]")
    if report.questions:
        out.print("[bold]To find out[/]")
        bullets(out, list(report.questions))
    if report.warnings:
        out.print("[bold]Warnings[/]")
        bullets(out, list(report.warnings), marker="!")


__all__ = ["days_left", "group_by_recipient", "render_obligations"]
