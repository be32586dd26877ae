"""``cyberrx assess PROFILE``: what a cyber incident is likely to cost the practice in a year."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

# the option defaults are the service's; the root imports this module only for ``assess`` and its help
from cyberrx.app.assess import DEFAULT_SEED, DEFAULT_TRIALS
from cyberrx.cli import CONTEXT_SETTINGS
from cyberrx.cli.console import WIDE_HELP

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

app = typer.Typer(context_settings=CONTEXT_SETTINGS)


class _LazyProgress:
    """A progress bar that appears only once the run has taken more than a second."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and time.monotonic() - self.started > 1.0 and done < total:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                                TimeRemainingColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("sim", total=total)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _plot_path(plot: Path, profile: Path, several: bool) -> Path:
    """With several profiles, one chart per profile: ``FILE-<profile stem>.png``."""
    return plot.with_name(f"{plot.stem}-{profile.stem}{plot.suffix or '.png'}") if several else plot


@app.command("assess")
def assess_cmd(
    profiles: list[Path] = typer.Argument(..., help="Practice profile(s), YAML or JSON."),
    trials: int = typer.Option(DEFAULT_TRIALS, "--trials", "-n", help="Simulated years."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed: the same seed gives the same answer."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of the report (a list for several)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write charts to this PNG file (one per profile)."),
    policy: Path | None = typer.Option(None, "--policy", help="Policy terms (YAML/JSON): add what it pays."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Processes to use; the answer is the same."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Estimate a year's cyber-incident cost for a practice, by coverage part, and the program it needs."""
    from rich.console import Console

    from cyberrx.app.assess import assess
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.domain.policy import load_policy
    from cyberrx.reports.assessment import render_assessment

    # validate every input before simulating anything: one bad file stops the run with nothing printed
    practices = [load_model(PracticeProfile, p) for p in profiles]
    from cyberrx.cli.threats import summary_lines, threat_profile

    # a profile listing its technology meets the newest threat feed: open urgent findings raise frequencies
    threatened = [threat_profile(p) for p in practices]
    terms = load_policy(policy) if policy is not None else None
    several = len(practices) > 1
    results = []
    for path, (practice, threats) in zip(profiles, threatened, strict=True):
        progress = _LazyProgress(Console(stderr=True))
        try:
            result = assess(practice, trials, seed, policy=terms, progress=progress, workers=workers)
        finally:
            progress.close()
        if threats is not None:
            result = result.model_copy(update={"threats": threats})
        data = result.to_dict()
        chart = None
        if plot is not None:
            from cyberrx.reports.plot import plot_assessment

            chart = plot_assessment(data, _plot_path(plot, path, several))
        results.append((data, chart))
    if json_out:
        # exactly ``Assessment.to_dict()``: the library, the API and this command print the same data
        docs = [data for data, _ in results]
        typer.echo(json.dumps(docs if several else docs[0], indent=2))
        return
    from cyberrx.cli.console import console

    out = console(wide=wide)
    for data, chart in results:
        render_assessment(data, out)
        if "threats" in data:
            from cyberrx.domain.results import ThreatSummary

            for line in summary_lines(ThreatSummary.from_dict(data["threats"])):
                out.print(line, highlight=False)
        if chart is not None:
            typer.echo(f"charts written to {chart}")
