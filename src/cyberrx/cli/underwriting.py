"""``cyberrx quote``, ``cyberrx improve``, ``cyberrx estimates``: underwriting for brokers and practices."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberrx.cli import CONTEXT_SETTINGS
from cyberrx.errors import InvalidInput

# the option defaults are the rate grid's; the root imports this module only for these commands and their help
from cyberrx.underwriting import DEFAULT_LIMITS, DEFAULT_RETENTIONS

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(context_settings=CONTEXT_SETTINGS)


def _amounts(text: str, field: str) -> list[float]:
    """Comma-separated whole-dollar amounts (``250000,1000000``); InvalidInput naming ``field`` otherwise."""
    out = []
    for item in text.split(","):
        item = item.strip().replace("_", "")
        if not item.isdigit():
            raise InvalidInput(f"{item!r} is not a whole-dollar amount", field=field,
                               allowed="comma-separated whole dollars, e.g. 250000,1000000")
        out.append(float(item))
    return out


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date", field="--effective", allowed="YYYY-MM-DD") from None


def _usd(x: float | None) -> str:
    return "-" if x is None else f"${x:,.0f}"


def _console() -> Console:
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=120)


@app.command("quote")
def quote_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    limits: str = typer.Option(",".join(str(x) for x in DEFAULT_LIMITS), "--limits", help="Aggregate limits, usd."),
    retentions: str = typer.Option(",".join(str(x) for x in DEFAULT_RETENTIONS), "--retentions",
                                   help="Retentions per claim, usd."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    terms_out: Path | None = typer.Option(None, "--terms-out", help="Write each option's policy terms (YAML) here."),
    effective: str | None = typer.Option(None, "--effective", help="First day of the policy period (YYYY-MM-DD); "
                                                                    "default today."),
    trials: int | None = typer.Option(None, "--trials", "-n", help="Simulated years (default: the rate manual's)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: the rate manual's)."),
    rules: Path | None = typer.Option(None, "--rules", help="An edited underwriting rule file (default: shipped)."),
) -> None:
    """Quote options for a practice: premium, technical price, decision, reasons and subjectivities."""
    from cyberrx.app.underwrite import quote, rules_from, write_terms
    from cyberrx.cli.threats import summary_lines, threat_profile
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.reports.jsonout import to_json

    # a profile listing its technology meets the newest threat feed: open urgent findings raise the technical
    # price and the rule file's OPEN-URGENT-KEV subjectivity names them
    practice, threats = threat_profile(load_model(PracticeProfile, profile))
    result = quote(practice, limits=_amounts(limits, "--limits"), retentions=_amounts(retentions, "--retentions"),
                   trials=trials, seed=seed, effective=_day(effective), rules=rules_from(rules))
    written = write_terms(result, terms_out) if terms_out is not None else []
    data = result.to_dict()
    if threats is not None:
        data["threats"] = threats.to_dict()
    if json_out:
        if written:
            data["terms_written"] = [str(p) for p in written]
        typer.echo(to_json(data))
        return
    _render_quote(data, _console())
    for line in summary_lines(threats) if threats is not None else []:
        typer.echo(line)
    if written:
        typer.echo(f"policy terms of {len(written)} options written to {terms_out}")


def _render_quote(data: dict[str, Any], out: Console) -> None:
    from rich.table import Table

    out.print(f"[bold]{data['practice']}[/] — segment: {data['segment'].replace('_', ' ')}"
              + (f" ({'; '.join(data['segment_reasons'])})" if data["segment_reasons"] else ""))
    table = Table(title="Quote options (usd per year)")
    for name in ("limit", "retention", "premium", "technical", "adequacy", "decision", "sublimits"):
        table.add_column(name, justify="left" if name in ("decision", "sublimits") else "right")
    for o in data["options"]:
        flag = " [red]below technical[/]" if o["below_technical"] else ""
        subs = ", ".join(f"{k} {_usd(v)}" for k, v in o["sublimits"].items())
        table.add_row(_usd(o["limit"]), _usd(o["retention"]), _usd(o["premium"]), _usd(o["technical_premium"]),
                      "-" if o["rate_adequacy"] is None else f"{o['rate_adequacy']:.2f}{flag}", o["decision"], subs)
    out.print(table)
    reasons = {r for o in data["options"] for r in o["reasons"]}
    for r in sorted(reasons):
        out.print(f"  • {r}", highlight=False)
    for s in data["options"][0]["subjectivities"] if data["options"] else []:
        out.print(f"  subjectivity: {s['message']} [{s['rule']}]", highlight=False)
    out.print(f"technical price: {data['technical_formula']} ({data['trials']:,} simulated years, seed "
              f"{data['seed']})", highlight=False)


@app.command("improve")
def improve_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    budget: float | None = typer.Option(None, "--budget", help="Yearly budget for new controls, usd "
                                                               "(default: a share of revenue)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    trials: int | None = typer.Option(None, "--trials", "-n", help="Simulated years for the p99 figures."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed."),
    rules: Path | None = typer.Option(None, "--rules", help="An edited underwriting rule file (default: shipped)."),
) -> None:
    """Which security control buys the most: cost, loss and premium reductions, payback, best set for a budget."""
    from rich.table import Table

    from cyberrx.app.underwrite import improve, rules_from
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.reports.jsonout import to_json

    practice = load_model(PracticeProfile, profile)
    data = improve(practice, budget=budget, trials=trials, seed=seed, rules=rules_from(rules)).to_dict()
    if json_out:
        typer.echo(to_json(data))
        return
    out = _console()
    cur = data["current"]
    out.print(f"[bold]{data['practice']}[/] — expected incident cost {_usd(cur['expected_annual_loss'])} a year; "
              f"1-in-100 year {_usd(cur['p99'])}; premium {_usd(cur['premium'])} at "
              f"{_usd(data['standard_option']['limit'])} / {_usd(data['standard_option']['retention'])}")
    table = Table(title="Controls to add, best first (usd per year; 1-in-100 drop in usd)")
    for name in ("#", "control", "cost/yr", "premium drop", "kept loss avoided", "net/yr", "payback months",
                 "1-in-100 drop", "HICP", "insurers require"):
        table.add_column(name, justify="left" if name == "control" else "right", no_wrap=name == "control")
    for i, r in enumerate(data["recommendations"], 1):
        payback = "-" if r["payback_months"] is None else f"{r['payback_months']:.1f}"
        table.add_row(str(i), r["control"], _usd(r["annual_cost"]), _usd(r["premium_reduction"]),
                      _usd(r["retained_loss_reduction"]), _usd(r["net_benefit"]), payback,
                      _usd(r["loss_reduction_p99"]), str(r["hicp_practice"]["practice"] or "-"),
                      "yes" if r["insurer_baseline"] else "no")
    out.print(table)
    for r in data["recommendations"]:
        if r["required"]:
            out.print(f"[bold]{r['control']} is required by law[/], whatever its payback: {r['required_by']}",
                      highlight=False)
        if r["insurability"]:
            out.print(f"{r['control']}: {r['insurability']}", highlight=False)
    out.print("Net = premium drop + kept loss avoided (what you pay under the standard option: retention, "
              "coinsurance, uncovered parts, above the limits) - cost.", highlight=False)
    listed = {r["control"] for r in data["recommendations"]}
    for r in data["recommendations"]:
        shared = r.get("shared_licence")
        if shared and shared["control"] in listed:
            out.print(f"{r['control']} and {shared['control']} share one licence: bought together, the second "
                      f"costs only {_usd(shared['annual_cost_with_it'])} a year.", highlight=False)
            break
    practices = sorted({(r["hicp_practice"]["practice"], r["hicp_practice"]["name"]) for r in data["recommendations"]
                        if r["hicp_practice"]["practice"] is not None})
    out.print("HICP (405(d)) practices: " + "; ".join(f"{n} {name}" for n, name in practices), highlight=False)
    outside = sorted({r["hicp_practice"]["name"] for r in data["recommendations"]
                      if r["hicp_practice"]["practice"] is None})
    if outside:
        out.print("Outside HICP (\"-\" above): " + "; ".join(outside), highlight=False)
    best = data["best_set"]
    if best:
        out.print(f"Best set within {_usd(data['budget'])} a year: [bold]{', '.join(best['controls'])}[/] — costs "
                  f"{_usd(best['annual_cost'])}, saves {_usd(best['premium_reduction'])} of premium and "
                  f"{_usd(best['retained_loss_reduction'])} of kept loss a year "
                  f"(net {_usd(best['net_benefit'])}).")
    else:
        out.print(f"No control pays for itself within a budget of {_usd(data['budget'])} a year.")
    if cur["schedule_debits_capped"]:
        out.print("Your premium's control debits are already at the rate manual's cap, so one control alone may not "
                  "lower it; several together will.")
    out.print("A control marked 'insurers require' is a baseline requirement: without it a claim may be declined "
              "or cover restricted.")


@app.command("estimates")
def estimates_cmd(
    specialty: str | None = typer.Option(None, "--specialty", help="Only this specialty (e.g. dental)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """What standalone cyber insurance costs a practice, by specialty and size (typical controls)."""
    from rich.table import Table

    from cyberrx.app.underwrite import estimates
    from cyberrx.reports.jsonout import to_json

    data = estimates(specialty=specialty)
    if json_out:
        typer.echo(to_json(data))
        return
    out = _console()
    table = Table(title="Typical yearly premium, standalone cyber (usd)")
    for name in ("specialty", "practice size", "revenue", "limit", "retention", "premium"):
        table.add_column(name, justify="left" if name in ("specialty", "practice size") else "right")
    for r in data["rows"]:
        table.add_row(r["specialty"], r["size_label"], f"{_usd(r['revenue_low'])}-{_usd(r['revenue_high'])}",
                      _usd(r["limit"]), _usd(r["retention"]), f"{_usd(r['premium_low'])}-{_usd(r['premium_high'])}")
    out.print(table)
    out.print(data["note"], highlight=False)
