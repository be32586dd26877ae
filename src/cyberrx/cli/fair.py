"""``cyberrx fair MODEL.json``: run an Open FAIR model exported by pyfair and print pyfair's statistics."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cyberrx.cli import CONTEXT_SETTINGS

if TYPE_CHECKING:
    from cyberrx.app.fair import FairSummary

app = typer.Typer(context_settings=CONTEXT_SETTINGS)

#: set (unless the user set them) while the FAIR path's modules load: numpy's OpenBLAS then starts no thread
#: pool (the FAIR path does no linear algebra; it runs its own threads) and pydantic scans no installed
#: package for plugins. Together ~10% of ``cyberrx fair``'s start-up; results are the same.
_QUIET_START = {"OPENBLAS_NUM_THREADS": "1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}


@contextmanager
def _quiet_start() -> Iterator[None]:
    added = [k for k in _QUIET_START if k not in os.environ]
    os.environ.update({k: _QUIET_START[k] for k in added})
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)

_PROBABILITY_LIKE = ("Vulnerability", "Probability of Action", "Control Strength", "Threat Capability",
                     "Secondary Loss Event Frequency")
_FREQUENCIES = ("Loss Event Frequency", "Threat Event Frequency", "Contact Frequency")


def _fmt(node: str, x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    if node in _PROBABILITY_LIKE:
        return f"{x:,.4f}"
    if node in _FREQUENCIES:
        return f"{x:,.3f}"
    return f"${x:,.0f}"


def render_text(s: FairSummary, width: int | None = None) -> str:
    """The summary as a plain-text table (money in usd, frequencies per year, probabilities as shares), at most
    ``width`` columns wide (default: the terminal's, or ``COLUMNS``): where the table is wider, the ``source``
    column is left out (``--json`` has it)."""
    import shutil

    width = width or shutil.get_terminal_size((100, 24)).columns
    head = ("node", "source", "mean", "stdev", "min", "max")
    rows = [(n.node, n.source, _fmt(n.node, n.mean), _fmt(n.node, n.stdev), _fmt(n.node, n.minimum),
             _fmt(n.node, n.maximum)) for n in s.nodes]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    keep = list(range(len(head)))
    if sum(widths) + 2 * (len(widths) - 1) > width:
        keep.remove(1)
    line = "  ".join(("{:<%d}" if i < 2 else "{:>%d}") % widths[i] for i in keep)

    def fmt(row: tuple[str, ...]) -> str:
        return line.format(*(row[i] for i in keep))

    out = [f"Open FAIR model {s.name!r}: {s.simulations:,} simulations, seed {s.seed}",
           "", fmt(head), fmt(tuple("-" * w for w in widths))]
    out += [fmt(r) for r in rows]
    if s.vulnerability_share is not None:
        out += ["", "Vulnerability = share of simulations with Threat Capability > Control Strength:",
                f"  {s.vulnerability_share:.4f}"]
    out += ["", "Risk quantiles (usd per year):"]
    out += [f"  {k}  {_fmt('Risk', v):>16}" for k, v in s.risk_quantiles.items()]
    return "\n".join(out)


@app.command("fair")
def fair(
    model: Path = typer.Argument(..., help="An Open FAIR model as pyfair's FairModel.to_json writes it."),
    trials: int | None = typer.Option(
        None, "--trials", "-n", min=1, help="Simulations to run (default: the model's n_simulations)."),
    simulations: int | None = typer.Option(None, "--simulations", min=1, hidden=True,
                                           help="The former name of --trials."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed (default: the model's random_seed)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Threads to use (default: all cores from 400,000 simulations)."),
) -> None:
    """Run an Open FAIR model (pyfair JSON) and print mean, stdev, min, max per node and Risk quantiles."""
    with _quiet_start():
        from cyberrx.app.fair import run_fair
        from cyberrx.domain.fair_model import load_fair_model

        document = load_fair_model(model)  # builds the model's schema, so inside too
    if trials is not None and simulations is not None and trials != simulations:
        from cyberrx.errors import InvalidInput

        raise InvalidInput(f"--trials {trials} and --simulations {simulations} disagree", field="--trials",
                           allowed="one of them (--simulations is the former name of --trials)")
    summary = run_fair(document, simulations=trials if trials is not None else simulations, seed=seed,
                       workers=workers).summary
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        typer.echo(render_text(summary))
