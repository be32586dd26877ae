"""``cyberrx quote``, ``cyberrx improve``, ``cyberrx estimates``: underwriting for brokers and practices."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cyberrx.cli import CONTEXT_SETTINGS
from cyberrx.cli.amounts import LIST_HELP, parse_amount, parse_amounts
from cyberrx.cli.console import WIDE_HELP
from cyberrx.errors import InvalidInput

# the option defaults are the rate grid's; the root imports this module only for these commands and their help
from cyberrx.underwriting import DEFAULT_LIMITS, DEFAULT_RETENTIONS

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(context_settings=CONTEXT_SETTINGS)


def _amounts(text: str, field: str) -> list[float]:
    """Amounts as :mod:`cyberrx.cli.amounts` reads them (``1,000,000``, ``1M,2M``, ``250k``)."""
    return parse_amounts(text, field)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date", field="--effective", allowed="YYYY-MM-DD") from None


def _console(wide: bool = False) -> Console:
    from cyberrx.cli.console import console

    return console(wide=wide)


@app.command("quote")
def quote_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    limits: str = typer.Option(",".join(str(x) for x in DEFAULT_LIMITS), "--limits",
                                help=f"Aggregate limits, usd: {LIST_HELP}."),
    retentions: str = typer.Option(",".join(str(x) for x in DEFAULT_RETENTIONS), "--retentions",
                                   help="Retentions per claim, usd (as --limits)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    terms_out: Path | None = typer.Option(None, "--terms-out", help="Write each option's policy terms (YAML) here."),
    effective: str | None = typer.Option(None, "--effective", help="First day of the policy period (YYYY-MM-DD); "
                                                                    "default today."),
    trials: int | None = typer.Option(None, "--trials", "-n", help="Simulated years (default: the rate manual's)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: the rate manual's)."),
    rules: Path | None = typer.Option(None, "--rules", help="An edited underwriting rule file (default: shipped)."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
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
    from cyberrx.reports.terminal.quote import render_quote

    render_quote(data, _console(wide), wide=wide)
    for line in summary_lines(threats) if threats is not None else []:
        typer.echo(line)
    if written:
        typer.echo(f"policy terms of {len(written)} options written to {terms_out}")


@app.command("improve")
def improve_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    budget: str | None = typer.Option(None, "--budget", help="Yearly budget for new controls, usd: 2000, 2,000 or "
                                                             "2k (default: a share of revenue)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    trials: int | None = typer.Option(None, "--trials", "-n", help="Simulated years for the p99 figures."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed."),
    rules: Path | None = typer.Option(None, "--rules", help="An edited underwriting rule file (default: shipped)."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Which security control buys the most: cost, loss and premium reductions, payback, best set for a budget."""
    from cyberrx.app.underwrite import improve, rules_from
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.reports.jsonout import to_json
    from cyberrx.reports.terminal.underwriting import render_improve

    practice = load_model(PracticeProfile, profile)
    amount = parse_amount(budget, "--budget") if budget is not None else None
    data = improve(practice, budget=amount, trials=trials, seed=seed, rules=rules_from(rules)).to_dict()
    if json_out:
        typer.echo(to_json(data))
        return
    render_improve(data, _console(wide), wide=wide)


@app.command("estimates")
def estimates_cmd(
    specialty: str | None = typer.Option(None, "--specialty", help="Only this specialty (e.g. dental)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """What standalone cyber insurance costs a practice, by specialty and size (typical controls)."""
    from cyberrx.app.underwrite import estimates
    from cyberrx.reports.jsonout import to_json
    from cyberrx.reports.terminal.underwriting import render_estimates

    data = estimates(specialty=specialty)
    if json_out:
        typer.echo(to_json(data))
        return
    render_estimates(data, _console())
