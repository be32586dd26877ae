"""``cyberrx oed ...``: Open Exposure Data (OED) cyber accounts in and out of cyberrx policy terms, and OED's
financial terms applied to ground-up losses (:mod:`cyberrx.portfolio.oed`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import typer

from cyberrx.cli import CONTEXT_SETTINGS

app = typer.Typer(name="oed", help="OED cyber accounts: import to policy terms, export, apply to losses.",
                  no_args_is_help=True, context_settings=CONTEXT_SETTINGS)


def _write_all(files: dict[Path, str]) -> None:
    """Write every file or none: each to a temporary name first, then all renamed into place."""
    from cyberrx.errors import InvalidInput

    temps: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            tmp = path.with_name(f".{path.name}.tmp")
            temps.append((tmp, path))
            tmp.write_text(text, encoding="utf-8")
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write: {exc.strerror or exc}", field="--out", allowed="a writable path",
                           source=str(exc.filename or "")) from None
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _yaml(document: dict[str, Any], source: str, line: int) -> str:
    import yaml

    head = (f"# Imported by `cyberrx oed import` from {source}, line {line}. Each OED coverage deductible is the\n"
            "# part's own deductible, stacked under the retention (PolDed); the layer is shared among the parts\n"
            "# pro rata. aggregate_limit is LayerParticipation x LayerAggLimit (x LayerLimit where the account gives\n"
            "# no aggregate limit). The oed block is the account row as written, for `cyberrx oed export`.\n")
    oed = document.pop("oed")
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=110)
    return head + body + yaml.safe_dump({"oed": oed}, sort_keys=False, width=110)


@app.command("import")
def import_cmd(
    account: Path = typer.Argument(..., help="An OED cyber account file (CSV)."),
    out: Path = typer.Option(..., "--out", help="Folder for the policy-terms files (created if missing)."),
) -> None:
    """Write one policy-terms file (YAML, as `cyberrx claim adjudicate` reads) per policy layer of ACCOUNT."""
    from cyberrx.errors import InvalidInput
    from cyberrx.portfolio.oed import import_account, load_account, policy_document

    policies = load_account(account)
    named = import_account(policies)        # validates every policy before anything is written
    names = [name for name, _ in named]
    if len(set(names)) != len(names):
        raise InvalidInput("two policies would write the same file name", field="AccNumber, PolNumber",
                           allowed="account and policy numbers that differ in letters or digits", source=str(account))
    if out.exists() and not out.is_dir():
        raise InvalidInput("is not a folder", field="--out", allowed="a folder", source=str(out))
    out.mkdir(parents=True, exist_ok=True)
    files = {out / name: _yaml(policy_document(oed), account.name, oed.line)
             for (name, _), oed in zip(named, policies, strict=True)}
    _write_all(files)
    for path in files:
        typer.echo(f"wrote {path}")


@app.command("export")
def export_cmd(
    policies: list[Path] = typer.Argument(..., help="Policy-terms files (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", help="The OED account file to write (CSV)."),
) -> None:
    """Write POLICY files as one OED cyber account (one row per policy); what OED cannot carry is listed."""
    from cyberrx.domain.policy import load_policy
    from cyberrx.portfolio.oed import export_account

    terms = [load_policy(p) for p in policies]
    text, notes = export_account(terms)
    _write_all({out: text})
    typer.echo(f"wrote {out} ({len(terms)} polic{'y' if len(terms) == 1 else 'ies'})")
    for note in notes:
        typer.echo(f"not carried: {note}", err=True)


@app.command("apply")
def apply_cmd(
    account: Path = typer.Argument(..., help="An OED cyber account file (CSV), one account."),
    losses: Path = typer.Option(..., "--losses", help="Ground-up losses of one occurrence: CSV coverage,loss "
                                                      "(OED cyber codes NPBI ... ENO, usd)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: total and by_coverage, usd to the cent."),
) -> None:
    """What ACCOUNT pays on one occurrence's ground-up LOSSES, by OED coverage, under OED's financial terms."""
    from decimal import Decimal

    from cyberrx.cli.claim import money_json
    from cyberrx.portfolio.oed import CODES, apply_account, load_account, load_losses

    policies = load_account(account)
    ground_up = load_losses(losses)
    result = apply_account(policies, ground_up)
    if json_out:
        typer.echo(money_json(result.model_dump()))
        return
    first = policies[0]
    typer.echo(f"Account {first.account}: {len(policies)} policy layer(s), one occurrence")
    typer.echo(f"{'coverage':<10}{'ground-up usd':>18}{'insured usd':>18}")
    for code in CODES:
        typer.echo(f"{code:<10}{ground_up.get(code, Decimal(0)):>18,.2f}{result.by_coverage[code]:>18,.2f}")
    typer.echo(f"{'total':<10}{sum(ground_up.values(), Decimal(0)):>18,.2f}{result.total:>18,.2f}")
