"""``cyberrx portfolio run``: the carrier's book, its accumulation through shared vendors, gross and net."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberrx.cli import CONTEXT_SETTINGS

if TYPE_CHECKING:
    from cyberrx.portfolio.result import PortfolioResult

app = typer.Typer(name="portfolio", help="The carrier's book: accumulation through shared vendors, PML, "
                                         "reinsurance.", no_args_is_help=True, context_settings=CONTEXT_SETTINGS)


class ExecutorKind(StrEnum):
    SERIAL = "serial"
    PROCESS = "process"
    DASK = "dask"


def _executor(kind: ExecutorKind, workers: int, scheduler: str | None) -> Any:
    from cyberrx.engine.executors import ProcessPoolExecutor, SerialExecutor
    from cyberrx.errors import InvalidInput

    if not 1 <= workers <= 256:
        raise InvalidInput(f"{workers} is out of range", field="workers", allowed="1 to 256")
    if scheduler is not None or kind is ExecutorKind.DASK:
        from cyberrx.adapters.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, workers=workers)
    if kind is ExecutorKind.PROCESS:
        return ProcessPoolExecutor(workers)
    return SerialExecutor()


@app.command("run")
def run_cmd(
    book: Path = typer.Argument(None, help="Book file: policies: [{profile: PATH, policy: PATH}, ...] (paths "
                                           "relative to the file)."),
    from_db: bool = typer.Option(False, "--from-db", help="The policies in force in the configured database "
                                                          "instead of a book file."),
    as_of: str = typer.Option(None, "--as-of", help="With --from-db: the date the policies are in force "
                                                    "(YYYY-MM-DD; default today)."),
    years: int = typer.Option(10_000, "--years", help="Simulated years (1,000 to 1,000,000)."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same year loss table on "
                                               "every executor."),
    executor: ExecutorKind = typer.Option(ExecutorKind.SERIAL, "--executor", help="Where the blocks run."),
    workers: int = typer.Option(2, "--workers", help="Processes (process) or local Dask workers (dask)."),
    scheduler: str = typer.Option(None, "--scheduler", help="A Dask scheduler address (tcp://HOST:8786): run on "
                                                            "that cluster."),
    reinsurance: Path = typer.Option(None, "--reinsurance", help="Reinsurance terms (YAML): quota_share, "
                                                                 "per_event_xol, stop_loss."),
    no_systemic: bool = typer.Option(False, "--no-systemic", help="No shared event: the book as independent "
                                                                  "practices."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    plot: Path = typer.Option(None, "--plot", help="Write the EP curves and vendor contributions as a PNG."),
    ylt_out: Path = typer.Option(None, "--ylt-out", help="Write the year loss table to this Parquet file."),
) -> None:
    """Simulate the book: AAL, PML 1-in-100/200/250, TVaR, OEP/AEP, gross and net, who makes the 1-in-200."""
    from cyberrx import MODEL_VERSION
    from cyberrx.errors import InvalidInput
    from cyberrx.portfolio.book import load_book
    from cyberrx.portfolio.reinsurance import load_reinsurance
    from cyberrx.portfolio.run import check_run
    from cyberrx.portfolio.summary import run_portfolio

    if (book is None) == (not from_db):
        raise InvalidInput("give a book file or --from-db (one of them)", field="book")
    the_book = _book_from_db(as_of) if from_db else load_book(book)
    check_run(len(the_book), years, seed)
    terms = load_reinsurance(reinsurance) if reinsurance is not None else None
    with _executor(executor, workers, scheduler) as ex:
        result, _ = run_portfolio(the_book, years, seed, executor=ex, reinsurance=terms,
                                  catalogue=None if no_systemic else True, ylt_out=ylt_out,
                                  model_version=MODEL_VERSION)
    data = result.to_dict()
    if plot is not None:
        from cyberrx.reports.portfolio_chart import plot_portfolio

        plot_portfolio(data, plot)
    if json_out:
        typer.echo(json.dumps(data, indent=2))
    else:
        render(result)


def _book_from_db(as_of: str | None) -> Any:
    from cyberrx.app.portfolio import book_in_force
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings
    from cyberrx.errors import InvalidInput

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise InvalidInput(f"{as_of!r} is not a date", field="as_of", allowed="YYYY-MM-DD") from None
    store = build_store(load_settings())
    try:
        return book_in_force(store, None, day)
    finally:
        store.dispose()


def _m(v: float) -> str:
    return f"${v:,.0f}"


def render(r: PortfolioResult) -> None:
    """The result in lines of at most 80 columns."""
    echo = typer.echo
    echo(f"Book {r.book}: {r.policies:,} policies, {r.years:,} years, seed {r.seed}")
    echo(f"model {r.model_version}, loss model {r.loss_model_version}, catalogue {r.catalogue_version or 'none'}")
    echo("")
    echo(f"{'insured loss (usd)':<26}{'gross':>17}{'net':>17}{'independent':>17}")
    echo(f"{'average annual loss':<26}{_m(r.gross.aal):>17}{_m(r.net.aal):>17}{_m(r.independent.aal):>17}")
    for t in r.gross.pml:
        echo(f"{f'PML 1-in-{t} (AEP)':<26}{_m(r.gross.pml[t]):>17}{_m(r.net.pml[t]):>17}"
             f"{_m(r.independent.pml.get(t, 0.0)):>17}")
    for t in r.gross.tvar:
        echo(f"{f'TVaR 1-in-{t}':<26}{_m(r.gross.tvar[t]):>17}{_m(r.net.tvar[t]):>17}"
             f"{_m(r.independent.tvar.get(t, 0.0)):>17}")
    for t in r.gross.oep:
        echo(f"{f'largest event 1-in-{t}':<26}{_m(r.gross.oep[t]):>17}{_m(r.net.oep[t]):>17}")
    echo(f"systemic share of AAL: {r.systemic_aal / r.gross.aal:.1%}" if r.gross.aal else "")
    if r.vendor_contributions or r.attritional_contribution:
        echo("")
        echo("What makes the 1-in-200 year (gross):")
        for c in r.vendor_contributions[:8]:
            echo(f"  {c.id[:50]:<50}{_m(c.contribution):>17} {c.share:>6.1%}")
        echo(f"  {'attritional (own incidents)':<50}{_m(r.attritional_contribution):>17}")
    if r.policy_contributions:
        echo("Largest policies in it:")
        for c in r.policy_contributions[:5]:
            echo(f"  {(c.id + ' ' + c.label)[:50]:<50}{_m(c.contribution):>17} {c.share:>6.1%}")
    if r.accumulations:
        echo("")
        echo(f"{'largest accumulations':<36}{'insureds':>9}{'limits exposed':>17}{'largest event':>17}")
        for a in r.accumulations[:8]:
            echo(f"{a.dependency[:36]:<36}{a.insureds:>9,}{_m(a.limits_exposed):>17}{_m(a.largest_event):>17}")
    import textwrap

    for note in r.notes:
        echo(textwrap.fill(f"note: {note}", width=80, subsequent_indent="  "))


__all__ = ["app", "render"]
