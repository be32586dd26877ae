"""``cyberrx quote`` in a terminal: the decision and its first reason on top, then the options side by side.

The options are columns (one table per retention, limits left to right), split into as many tables as the console
needs; the rows are what a broker compares: premium, technical premium, rate adequacy, decision, sublimits. A
risk declined at every option gets its reasons and no priced table (``--json`` keeps every option's prices).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cyberrx.reports.labels import PART_LABELS
from cyberrx.reports.terminal import bullets, is_wide, rule_id, usd

#: the row labels' column: labels wrap inside it
_LABEL_WIDTH = 16
_ORDER = {"decline": 0, "refer": 1, "quote": 2}


def _summary(options: list[dict[str, Any]]) -> tuple[str, list[tuple[str, str]]]:
    """``"quote 9, decline 6 of 15 options"`` and, per decision other than quote, its first reason."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for o in options:
        counts[o["decision"]] = counts.get(o["decision"], 0) + 1
        if o["decision"] != "quote" and o["reasons"]:
            first.setdefault(o["decision"], o["reasons"][0])
    ordered = sorted(counts, key=lambda d: _ORDER.get(d, 3))
    if len(counts) == 1:
        head = f"{ordered[0]} (all {len(options)} option{'s' if len(options) > 1 else ''})"
    else:
        head = ", ".join(f"{d} {counts[d]}" for d in ordered) + f" of {len(options)} options"
    return head, [(d, first[d]) for d in ordered if d in first]


def _groups(options: list[dict[str, Any]], per_table: int) -> list[list[dict[str, Any]]]:
    """The options cut into tables: one per retention, at most ``per_table`` options each."""
    by_retention: dict[float, list[dict[str, Any]]] = {}
    for o in options:
        by_retention.setdefault(o["retention"], []).append(o)
    out = []
    for group in by_retention.values():
        group.sort(key=lambda o: o["limit"])
        size = -(-len(group) // -(-len(group) // per_table))  # as even as the tables allow: 5 in 3 + 2, not 4 + 1
        out += [group[i:i + size] for i in range(0, len(group), size)]
    return out


def _note(reason: str) -> tuple[str, str]:
    """What numbers a reason: its message and rule (the grounds after the rule id vary from option to option)."""
    return rule_id(reason)


def _decision(o: dict[str, Any], notes: dict[tuple[str, str], int]) -> str:
    """``refer [3]``: the decision and the number of its first reason (the quote's reasons list)."""
    why = f" [{notes[_note(o['reasons'][0])]}]" if o["decision"] != "quote" and o["reasons"] else ""
    return o["decision"] + why


def _table(group: list[dict[str, Any]], notes: dict[tuple[str, str], int], cell: int) -> Table:
    table = Table(title=f"Retention {usd(group[0]['retention'])} a claim (usd a year)",
                  box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title_justify="left")
    table.add_column("limit", width=_LABEL_WIDTH, overflow="fold")
    for o in group:
        table.add_column(usd(o["limit"]), justify="right", no_wrap=True, min_width=cell)
    table.add_row("premium", *(f"[bold]{usd(o['premium'])}[/]" for o in group))
    table.add_row("technical premium", *(usd(o["technical_premium"]) for o in group))
    table.add_row("rate adequacy", *("-" if o["rate_adequacy"] is None else
                                     f"[red]{o['rate_adequacy']:.2f} low[/]" if o["below_technical"] else
                                     f"{o['rate_adequacy']:.2f}" for o in group))

    colours = {"decline": "red", "refer": "yellow", "quote": "green"}
    table.add_row("decision", *(f"[{colours.get(o['decision'], 'default')}]{escape(_decision(o, notes))}[/]"
                                for o in group))
    parts = [p for p in PART_LABELS if any(p in o["sublimits"] for o in group)]
    for j, part in enumerate(parts):
        table.add_row(f"{'sublimit: ' if j == 0 else ''}{PART_LABELS[part]}",
                      *(usd(o["sublimits"].get(part)) for o in group), end_section=False)
    return table


def render_quote(data: dict[str, Any], out: Console, *, wide: bool = False) -> None:
    """The quote: practice and decision first, the first reason of each decision, then the options' tables."""
    options = data["options"]
    segment = data["segment"].replace("_", " ")
    why_segment = f" ({'; '.join(data['segment_reasons'])})" if data["segment_reasons"] else ""
    out.print(f"[bold]{escape(data['practice'])}[/] - segment: {escape(segment + why_segment)}")
    if not options:
        out.print("No option was asked for.")
        return
    head, firsts = _summary(options)
    out.print(f"[bold]Decision: {head}[/]")
    bullets(out, [f"Why {decision}: {message}" + (f" [{rule}]" if rule else "")
                  for decision, (message, rule) in ((d, rule_id(r)) for d, r in firsts)], marker="")

    # every reason of every option, numbered once, in the order of the options' own lists (most severe first)
    notes: dict[tuple[str, str], int] = {}
    for o in options:
        for r in o["reasons"]:
            notes.setdefault(_note(r), len(notes) + 1)
    full = {_note(r): r for o in options for r in o["reasons"]}
    if all(o["decision"] == "decline" for o in options):
        out.print("No premium is offered: every option is declined (--json shows each option's technical price).")
    else:
        cell = max(len(text) for o in options for text in (
            usd(o["limit"]), usd(o["premium"]), usd(o["technical_premium"]), _decision(o, notes), "0.00 low",
            *(usd(v) for v in o["sublimits"].values())))
        per_table = len(options)
        while per_table > 1:
            unbounded = out.options.update(width=10_000)
            widest = max(out.measure(_table(g, notes, cell), options=unbounded).maximum
                         for g in _groups(options, per_table))
            if wide or widest <= out.width:
                break
            per_table -= 1
        for group in _groups(options, per_table):
            out.print(_table(group, notes, cell))
    if notes:
        out.print("[bold]Reasons[/] (rule ids in brackets):")
        for (message, rule), i in notes.items():
            bullets(out, [full[(message, rule)] if wide else f"{message} [{rule}]" if rule else message],
                    marker=f"[{i}]")
    subjectivities = options[0]["subjectivities"]
    if subjectivities:
        out.print("[bold]Subject to[/]:")
        bullets(out, [f"{s['message']} [{s['rule']}]" for s in subjectivities])
    out.print(f"Technical price: {data['technical_formula']} ({data['trials']:,} simulated years, seed "
              f"{data['seed']}).", markup=False, highlight=False)
    if not is_wide(out.width, wide):
        out.print("[dim]--wide: each retention's options in one table and each rule's full grounds; --json: "
                  "everything.[/]")


__all__ = ["render_quote"]
