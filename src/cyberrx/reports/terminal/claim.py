"""``cyberrx claim adjudicate`` in a terminal: a table whose columns add up, in dollars and cents.

For each line: claimed - not covered - retention - coinsurance - over a limit = payable, where "not covered" is
what no cover, trigger or waiting period takes (claimed - covered) and "over a limit" what a sublimit, the
aggregate or a layer cuts (covered - retention - coinsurance - payable). Where the lines-as-rows table does not
fit the console, the table turns: the steps are rows and the lines columns (split to fit), so that the amounts
are never cut.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cyberrx.reports.labels import PART_LABELS
from cyberrx.reports.terminal import bullets

if TYPE_CHECKING:
    from cyberrx.claims import Adjudication

#: the steps of a line, in the order they are taken: (label, sign)
STEPS = ("claimed", "not covered", "retention", "coinsurance", "over a limit", "payable")


def usd_cents(x: Decimal) -> str:
    """``$45,000.00``: a claim's money, always with its cents.

    >>> usd_cents(Decimal("45000")), usd_cents(Decimal("-1.5"))
    ('$45,000.00', '-$1.50')
    """
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def line_steps(claimed: Decimal, covered: Decimal, retention: Decimal, coinsurance: Decimal,
               payable: Decimal) -> tuple[Decimal, ...]:
    """The six amounts of :data:`STEPS` for one line (or the totals); the first less the middle four is the last."""
    return (claimed, claimed - covered, retention, coinsurance, covered - retention - coinsurance - payable, payable)


def _rows(result: Adjudication) -> list[tuple[str, tuple[Decimal, ...]]]:
    rows = [(f"{i + 1}. {PART_LABELS.get(x.coverage.value, x.coverage.value)}",
             line_steps(x.claimed, x.covered, x.retention, x.coinsurance, x.payable))
            for i, x in enumerate(result.lines)]
    rows.append(("total", line_steps(result.total_claimed, result.total_covered, result.total_retention,
                                     result.total_coinsurance, result.total_payable)))
    return rows


def _by_line(rows: list[tuple[str, tuple[Decimal, ...]]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title="usd; claimed - not covered - "
                  "retention - coinsurance - over a limit = payable", title_justify="left", expand=True)
    table.add_column("line", ratio=1)
    for j, step in enumerate(STEPS):
        cells = [usd_cents(v[j]) for _, v in rows]
        table.add_column(step, justify="right", width=max([*(len(c) for c in cells), *map(len, step.split())]))
    for k, (label, values) in enumerate(rows):
        table.add_row(escape(label), *(usd_cents(v) for v in values), style="bold" if k == len(rows) - 1 else None,
                      end_section=k == len(rows) - 2)
    return table


def _by_step(rows: list[tuple[str, tuple[Decimal, ...]]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title="usd, each line a column",
                  title_justify="left")
    table.add_column("", no_wrap=True)
    for label, values in rows:
        widest = max([*(len(usd_cents(v)) for v in values), *map(len, label.split())])
        table.add_column(escape(label), justify="right", width=widest)
    signs = ("", "- ", "- ", "- ", "- ", "= ")
    for j, step in enumerate(STEPS):
        table.add_row(signs[j] + step, *(usd_cents(values[j]) for _, values in rows),
                      style="bold" if j == len(STEPS) - 1 else None, end_section=j == len(STEPS) - 2)
    return table


def _fits(out: Console, table: Table) -> bool:
    return out.measure(table, options=out.options.update(width=10_000)).minimum <= out.width


def render_adjudication(result: Adjudication, out: Console) -> None:
    """The decision, warnings, the lines' arithmetic as a table, then each line's reasons and the triggers."""
    out.print(f"[bold]Claim {escape(result.claim_id)}[/] on policy {escape(result.policy_number)}: "
              f"[bold]{result.status.replace('_', ' ')}[/], payable {usd_cents(result.total_payable)}")
    bullets(out, [f"denied - {reason}" for reason in result.denial_reasons])
    bullets(out, [f"warning - {warning}" for warning in result.warnings])
    rows = _rows(result)
    whole = _by_line(rows)
    if _fits(out, whole):
        out.print(whole)
    else:  # steps as rows, lines as columns, as many tables as the width needs
        per = len(rows)
        while per > 1 and not _fits(out, _by_step(rows[:per])):
            per -= 1
        for start in range(0, len(rows), per):
            out.print(_by_step(rows[start:start + per]))
    reasons = [f"[{i + 1}] {PART_LABELS.get(x.coverage.value, x.coverage.value)} - {_dollars(reason)}"
               for i, x in enumerate(result.lines) for reason in x.reasons]
    bullets(out, reasons, marker="")
    bullets(out, [f"trigger: {t}" for t in result.triggers] + [f"line order: {result.line_order}"], marker="")
    out.print(f"Retention applied: {usd_cents(result.retention_applied)}; aggregate remaining after this claim: "
              f"{usd_cents(result.aggregate_remaining)}.", highlight=False)
    if result.history:
        earlier = ", ".join(f"{c} ({s.replace('_', ' ')}, {usd_cents(v)})" for c, s, v in result.history)
        out.print(f"Earlier claims on the policy: {escape(earlier)}.", highlight=False)


def _dollars(reason: str) -> str:
    """A reason's amounts with their dollar sign: ``10,000.00`` -> ``$10,000.00`` (rates like ``1,200.00/h``
    too)."""
    import re

    return re.sub(r"(?<![\d$.,])(\d{1,3}(?:,\d{3})*\.\d\d)(?!\d)", r"$\1", reason)


__all__ = ["STEPS", "line_steps", "render_adjudication", "usd_cents"]

