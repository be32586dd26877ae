"""The assessment as a readable report (rich) for practice managers, with the figures underwriters want."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from cyberrx.reports.labels import PART_LABELS, SCENARIO_LABELS
from cyberrx.reports.terminal import money_columns
from cyberrx.vocab import PARTS


def usd(x: float) -> str:
    return f"${x:,.0f}"


#: from this console width the coverage table also shows each part's id
WIDE_REPORT_COLUMNS = 100


def render_assessment(result: dict[str, Any], console: Console) -> None:
    a = result["annual_loss"]
    rec = result["recommended"]
    gap = result["gap"]
    head = Table.grid(padding=(0, 2))
    head.add_row("Chance of at least one incident in a year", f"{result['event_probability']:.1%}")
    head.add_row("Expected cost per year (average)", usd(a["mean"]))
    head.add_row("A typical year (median)", usd(a["p50"]))
    head.add_row("A bad year (1 in 20, p95)", usd(a["p95"]))
    head.add_row("A very bad year (1 in 100, p99)", usd(a["p99"]))
    head.add_row("1 in 200 (p99.5)", usd(a["p995"]))
    head.add_row("Average of the worst 1% of years (TVaR99)", usd(a["tvar99"]))

    # the ids (what --json and --policy files use) only where there is room: at 80 columns the amounts come first
    show_ids = console.width >= WIDE_REPORT_COLUMNS
    rows = []
    for part in PARTS:
        row = result["by_coverage"][part.value]
        sub = rec["sublimits"].get(part.value)
        typical = usd(row["median_when_hit"]) if row.get("median_when_hit") else "-"
        rows.append((part, [usd(row["mean"]), usd(row.get("tvar99", 0.0)), typical, usd(sub) if sub else "-"]))
    parts = Table(title="Cost by what a cyber policy pays for", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  expand=True)
    parts.add_column("coverage part", ratio=1)
    if show_ids:
        parts.add_column("id", style="dim", no_wrap=True)
    # an amount is never cut: each money column is as wide as its widest amount (headers wrap between words)
    headers = ("expected / yr", "worst 1% of years (avg)", "typical claim", "recommended sublimit")
    money_columns(parts, [(h, [cells[j] for _, cells in rows]) for j, h in enumerate(headers)], console.width - 4,
                  40 + (18 if show_ids else 0))
    for part, cells in rows:
        parts.add_row(PART_LABELS[part.value], *([part.value] if show_ids else []), *cells)

    scen = Table(title="What causes it", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, expand=True)
    scen.add_column("incident type", ratio=1)
    ordered = sorted(result["by_scenario"].items(), key=lambda kv: -kv[1]["mean"])
    money_columns(scen, [("incidents / yr", [f"{row['frequency']:.3f}" for _, row in ordered]),
                         ("expected cost / yr", [usd(row["mean"]) for _, row in ordered])], console.width - 4, 44)
    for name, row in ordered:
        scen.add_row(SCENARIO_LABELS.get(name, name), f"{row['frequency']:.3f}", usd(row["mean"]))

    program = Table.grid(padding=(0, 2))
    program.add_row("Recommended aggregate limit", usd(rec["aggregate_limit"]))
    program.add_row("Recommended retention (deductible)", usd(rec["retention"]))
    program.add_row("Your current limit", usd(gap["existing_limit"]))
    program.add_row("Share of a 1-in-100 year you would pay yourself",
                    f"{gap['uncovered_p99']:.0%} ({usd(gap['uncovered_p99_usd'])})")
    program.add_row("How the program was chosen", rec["rule"])

    body: list[Any] = []
    standing = result.get("insurability")
    if standing is not None:
        refusals = " ".join(escape(f"{text} [{rule}]") for text, rule in zip(standing["refusals"], standing["rules"],
                                                                      strict=True))
        if not standing["insurable"]:
            body.append(f"[bold red]An insurer would refuse today:[/] {refusals}")
        elif refusals:
            body.append(f"[bold]An insurer would limit the cover today:[/] {refusals}")
        else:
            body.append("Insurable as it stands: no underwriting rule declines the practice.")
    body += [head, parts, scen, Panel(program, title="Insurance program")]
    if "insured_loss" in result:
        ins, ret = result["insured_loss"], result["retained_loss"]
        t = Table.grid(padding=(0, 2))
        t.add_row("Policy", str(result.get("policy_number", "")))
        t.add_row("Paid by the policy: average / 1-in-100 year", f"{usd(ins['mean'])} / {usd(ins['p99'])}")
        t.add_row("Kept by the practice: average / 1-in-100 year", f"{usd(ret['mean'])} / {usd(ret['p99'])}")
        body.append(Panel(t, title="What the given policy pays"))
    foot = (f"{result['trials']:,} simulated years, seed {result['seed']}, reference data "
            f"{result['reference_version']}, engine {result['engine_version']}")
    body.append(foot)
    console.print(Panel(Group(*body), title=f"Cyber risk assessment: {result['practice']}"))
