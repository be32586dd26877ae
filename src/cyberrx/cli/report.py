"""``cyberrx report risk|proposal|certificate``: the documents a practice and its broker hand on, as PDF (or
HTML when ``--out`` ends in ``.html``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

# the seed default is the assessment's; the root imports this module only for ``report`` and its help
from cyberrx.app.assess import DEFAULT_SEED
from cyberrx.cli import CONTEXT_SETTINGS

app = typer.Typer(name="report", help="Documents: the practice risk report, the broker's proposal, a certificate "
                                      "of insurance (PDF).", context_settings=CONTEXT_SETTINGS, no_args_is_help=True)

#: a document's default run: fewer years than ``assess`` (200,000), enough for its rounded summary
_TRIALS = 50_000


def _write(module: Any, view: Any, out: Path) -> None:
    data = module.render_html(view).encode("utf-8") if out.suffix.lower() in (".html", ".htm") else \
        module.render_pdf(view)
    out.write_bytes(data)
    typer.echo(f"written to {out}")


@app.command("risk")
def risk_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", "-o", help="Write the report here (.pdf, or .html)."),
    trials: int = typer.Option(_TRIALS, "--trials", "-n", help="Simulated years."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed: the same seed gives the same report."),
) -> None:
    """The practice risk report: summary, charts, program and gap, what to fix first, sources."""
    from cyberrx.app.assess import assess
    from cyberrx.app.underwrite import improve
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.reports.documents import risk_report

    practice = load_model(PracticeProfile, profile)
    view = risk_report.risk_report_view(assess(practice, trials, seed),
                                        improve(practice, trials=trials, seed=seed), practice)
    _write(risk_report, view, out)


@app.command("proposal")
def proposal_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", "-o", help="Write the proposal here (.pdf, or .html)."),
    carrier: str = typer.Option("cyberrx demonstration carrier", "--carrier", help="The carrier's name."),
    producer: str = typer.Option("cyberrx demonstration brokerage", "--producer", help="The producer (broker)."),
    limits: str = typer.Option("1000000,2000000,5000000", "--limits", help="Aggregate limits to offer, usd (1M,2M or "
                                                                             "1,000,000 2,000,000)."),
    retentions: str = typer.Option("10000", "--retentions", help="Retentions per claim, usd."),
    trials: int = typer.Option(_TRIALS, "--trials", "-n", help="Simulated years (exposure and technical price)."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Random seed."),
) -> None:
    """The broker's proposal: exposure, the options side by side, covers and exclusions, signature block."""
    from cyberrx.app.assess import assess
    from cyberrx.app.underwrite import quote
    from cyberrx.cli.underwriting import _amounts
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.reports.documents import proposal

    practice = load_model(PracticeProfile, profile)
    offered = quote(practice, limits=_amounts(limits, "--limits"), retentions=_amounts(retentions, "--retentions"),
                    trials=trials, seed=seed).to_result()
    view = proposal.proposal_view(offered, practice, carrier, producer, assessment=assess(practice, trials, seed))
    _write(proposal, view, out)


@app.command("certificate")
def certificate_cmd(
    policy: Path = typer.Argument(..., help="The bound policy's terms (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", "-o", help="Write the certificate here (.pdf, or .html)."),
    holder: str = typer.Option(..., "--holder", help="The certificate holder's name."),
    producer: str = typer.Option(..., "--producer", help="The producer (broker)."),
    insurer: str = typer.Option("cyberrx demonstration carrier", "--insurer", help="The insurer."),
    insured: str | None = typer.Option(None, "--insured", help="The insured (default: the policy's)."),
    operations: str = typer.Option("Medical practice.", "--operations", help="Description of operations."),
) -> None:
    """A certificate of insurance for a bound policy."""
    from cyberrx.domain.policy import load_policy
    from cyberrx.reports.documents import certificate

    view = certificate.certificate_view(load_policy(policy), insured, producer, insurer, holder, operations)
    _write(certificate, view, out)
