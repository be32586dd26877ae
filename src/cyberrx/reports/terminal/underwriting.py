"""``cyberrx improve`` and ``cyberrx estimates`` in a terminal (money never cut; labels wrap)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cyberrx.reports.labels import CONTROL_LABELS
from cyberrx.reports.terminal import bullets, is_wide, money_columns, usd, usd_short


def _control(control: str) -> str:
    return CONTROL_LABELS.get(control, control)


def render_improve(data: dict[str, Any], out: Console, *, wide: bool = False) -> None:
    """The controls ranked best first, what each saves and costs a year, then the best set for the budget."""
    cur = data["current"]
    std = data["standard_option"]
    out.print(f"[bold]{escape(data['practice'])}[/]")
    bullets(out, [f"Expected incident cost {usd(cur['expected_annual_loss'])} a year; a 1-in-100 year "
                  f"{usd(cur['p99'])}.",
                  f"Premium {usd(cur['premium'])} a year for the standard option: {usd(std['limit'])} limit, "
                  f"{usd(std['retention'])} retention."], marker="")
    recs = data["recommendations"]
    more = is_wide(out.width, wide)
    table = Table(title="Controls to add, best first (usd a year)", box=box.SIMPLE_HEAD, padding=(0, 1),
                  pad_edge=False, title_justify="left", expand=True)
    table.add_column("control", ratio=1)
    if wide:
        table.add_column("id", style="dim", no_wrap=True)
    columns: list[tuple[str, list[str]]] = [
        ("cost", [usd(r["annual_cost"]) for r in recs]),
        ("premium drop", [usd(r["premium_reduction"]) for r in recs]),
        ("kept loss avoided", [usd(r["retained_loss_reduction"]) for r in recs]),
        ("net", [usd(r["net_benefit"]) for r in recs]),
        ("payback months", ["never" if r["payback_months"] is None else f"{r['payback_months']:.1f}" for r in recs]),
        ("1-in-100 drop", [usd(r["loss_reduction_p99"]) for r in recs]),
    ]
    if more:
        columns += [("HICP", [str(r["hicp_practice"]["practice"] or "-") for r in recs]),
                    ("insurers require", ["yes" if r["insurer_baseline"] else "no" for r in recs])]
    money_columns(table, columns, out.width, 36 + (30 if wide else 0))
    for i, r in enumerate(recs):
        mark = " (required by law)" if r["required"] else " *" if r["insurer_baseline"] and not more else ""
        table.add_row(f"{i + 1}. {_control(r['control'])}{mark}", *([r["control"]] if wide else []),
                      *(cells[i] for _, cells in columns))
    out.print(table)
    notes = []
    if not more and any(r["insurer_baseline"] for r in recs):
        notes.append("* insurers require it: without it a claim may be declined or cover restricted.")
    for r in recs:
        if r["required"]:
            notes.append(f"{_control(r['control'])} is required by law, whatever its payback: {r['required_by']}")
        if r["insurability"]:
            notes.append(f"{_control(r['control'])}: {r['insurability']}")
    listed = {r["control"] for r in recs}
    for r in recs:
        shared = r.get("shared_licence")
        if shared and shared["control"] in listed:
            notes.append(f"{_control(r['control'])} and {_control(shared['control'])} share one licence: bought "
                         f"together, the second costs only {usd(shared['annual_cost_with_it'])} a year.")
            break
    notes.append("Net = premium drop + kept loss avoided (what you pay under the standard option: retention, "
                 "coinsurance, uncovered parts, above the limits) - cost.")
    practices = sorted({(r["hicp_practice"]["practice"], r["hicp_practice"]["name"]) for r in recs
                        if r["hicp_practice"]["practice"] is not None})
    notes.append("HICP (405(d)) practices: " + "; ".join(f"{n} {name}" for n, name in practices))
    outside = sorted({r["hicp_practice"]["name"] for r in recs if r["hicp_practice"]["practice"] is None})
    if outside:
        notes.append("Outside HICP (\"-\" above): " + "; ".join(outside))
    bullets(out, notes)
    best = data["best_set"]
    if best:
        out.print(f"[bold]Best set within {usd(data['budget'])} a year:[/] "
                  f"{escape(', '.join(_control(c) for c in best['controls']))}. It costs {usd(best['annual_cost'])}, "
                  f"saves {usd(best['premium_reduction'])} of premium and {usd(best['retained_loss_reduction'])} of "
                  f"kept loss a year (net {usd(best['net_benefit'])}).")
    else:
        out.print(f"No control pays for itself within a budget of {usd(data['budget'])} a year.")
    if cur["schedule_debits_capped"]:
        out.print("Your premium's control debits are already at the rate manual's cap, so one control alone may not "
                  "lower it; several together will.")


def render_estimates(data: dict[str, Any], out: Console, *, wide: bool = False) -> None:
    """Typical premiums: one table per specialty, sizes as rows; revenue bands short ($1M-$3M), premiums whole."""
    by_specialty: dict[str, list[dict[str, Any]]] = {}
    for r in data["rows"]:
        by_specialty.setdefault(r["specialty"], []).append(r)
    for specialty, rows in by_specialty.items():
        table = Table(title=f"Typical yearly premium, standalone cyber: {specialty.replace('_', ' ')} (usd)",
                      box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title_justify="left", expand=True)
        table.add_column("practice size", ratio=1)
        bands = [f"{usd_short(r['revenue_low'])}-{usd_short(r['revenue_high'])}" for r in rows]
        cols = [("limit", [usd(r["limit"]) for r in rows]), ("retention", [usd(r["retention"]) for r in rows]),
                ("premium", [f"{usd(r['premium_low'])}-{usd(r['premium_high'])}" for r in rows])]
        money_columns(table, [("revenue", bands), *cols], out.width, 24)
        for i, r in enumerate(rows):
            table.add_row(r["size_label"], bands[i], *(cells[i] for _, cells in cols))
        out.print(table)
    out.print(data["note"], markup=False, highlight=False)


__all__ = ["render_estimates", "render_improve"]
