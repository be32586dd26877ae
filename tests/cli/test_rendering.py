"""Every command's table output at 80 and 120 columns: no amount cut, no line past the edge, nothing ellipsized.

Each case runs the command twice through the CLI: once with ``--json`` (the figures) and once as a person sees it
with ``COLUMNS`` set; every amount the tables show is then looked for, whole, in the text (``$1,000,000`` must
appear as such, never ``$1,000,0…``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.reports.terminal import usd
from cyberrx.reports.terminal.breach import days_left
from cyberrx.reports.terminal.claim import line_steps, usd_cents

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
WIDTHS = (80, 120)


def _run(args: list[str], width: int | None = None) -> str:
    env = {"COLUMNS": str(width)} if width else {}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _assess_amounts(d: dict[str, Any]) -> Iterator[str]:
    for key in ("mean", "p50", "p95", "p99", "p995", "tvar99"):
        yield usd(d["annual_loss"][key])
    for row in d["by_coverage"].values():
        yield usd(row["mean"])
        yield usd(row["tvar99"])
        if row["median_when_hit"]:
            yield usd(row["median_when_hit"])
    yield from (usd(v) for v in d["recommended"]["sublimits"].values())
    yield from (usd(row["mean"]) for row in d["by_scenario"].values())
    yield usd(d["recommended"]["aggregate_limit"])
    if "insured_loss" in d:
        yield from (usd(d[k][s]) for k in ("insured_loss", "retained_loss") for s in ("mean", "p99"))


def _quote_amounts(d: dict[str, Any]) -> Iterator[str]:
    if all(o["decision"] == "decline" for o in d["options"]):
        return  # a declined risk shows its reasons, no prices
    for o in d["options"]:
        yield from (usd(o[k]) for k in ("limit", "retention", "premium", "technical_premium"))
        yield from (usd(v) for v in o["sublimits"].values())


def _improve_amounts(d: dict[str, Any]) -> Iterator[str]:
    for r in d["recommendations"]:
        yield from (usd(r[k]) for k in ("annual_cost", "premium_reduction", "retained_loss_reduction",
                                         "net_benefit", "loss_reduction_p99"))
    yield usd(d["current"]["premium"])


def _estimates_amounts(d: dict[str, Any]) -> Iterator[str]:
    for r in d["rows"]:
        yield from (usd(r["limit"]), usd(r["retention"]), f"{usd(r['premium_low'])}-{usd(r['premium_high'])}")


def _claim_amounts(d: dict[str, Any]) -> Iterator[str]:
    lines = d["lines"]
    for x in lines:
        yield from (usd_cents(v) for v in line_steps(*(Decimal(str(x[k])) for k in (
            "claimed", "covered", "retention", "coinsurance", "payable"))))
    yield usd_cents(Decimal(str(sum(Decimal(str(x["payable"])) for x in lines))))


def _obligations_amounts(d: dict[str, Any]) -> Iterator[str]:
    from datetime import date

    as_of = date.fromisoformat(d["as_of"])
    for o in d["obligations"]:
        if o["deadline"]:
            yield o["deadline"]
            yield days_left(date.fromisoformat(o["deadline"]), as_of)


def _fair_amounts(d: dict[str, Any]) -> Iterator[str]:
    yield from (f"${v:,.0f}" for v in d["risk_quantiles"].values())


POLICY, CLAIM = str(EX / "policies" / "lakeside-primary.yaml"), str(EX / "claims" / "lakeside-ransomware.yaml")
CASES: dict[str, tuple[list[str], Callable[[dict[str, Any]], Iterator[str]]]] = {
    "assess": (["assess", str(EX / "exposed-rdp-clinic.yaml"), "-n", "20000"], _assess_amounts),
    "assess --policy": (["assess", str(EX / "lakeside-family-medicine.yaml"), "-n", "20000", "--policy",
                         POLICY], _assess_amounts),
    "quote": (["quote", str(EX / "lakeside-family-medicine.yaml"), "-n", "20000"], _quote_amounts),
    "quote mixed decisions": (["quote", str(EX / "underwriting" / "large-account-310m.yaml"), "-n", "20000"],
                              _quote_amounts),
    "quote declined": (["quote", str(EX / "exposed-rdp-clinic.yaml"), "-n", "20000"], _quote_amounts),
    "improve": (["improve", str(EX / "underwriting" / "clinic-no-mfa.yaml"), "-n", "20000"], _improve_amounts),
    "estimates": (["estimates"], _estimates_amounts),
    "claim adjudicate": (["claim", "adjudicate", POLICY, CLAIM], _claim_amounts),
    "claim adjudicate, a sublimit cut": (["claim", "adjudicate", POLICY, str(EX / "claims" /
                                          "lakeside-extortion-again.yaml"), "--history", CLAIM], _claim_amounts),
    "breach obligations": (["breach", "obligations", str(EX / "incidents" / "colorado-washington-phi.yaml"),
                            "--as-of", "2027-04-20"], _obligations_amounts),
    "breach obligations, law-enforcement delay": (["breach", "obligations", str(
        EX / "incidents" / "ransomware-law-enforcement-delay.yaml"), "--as-of", "2027-03-20"], _obligations_amounts),
    "fair": (["fair", str(EX / "fair" / "ransomware_small_practice.json"), "--trials", "20000"], _fair_amounts),
}


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, Any]]:
    return {name: json.loads(_run([*args, "--json"])) for name, (args, _) in CASES.items()}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", list(CASES))
def test_every_amount_is_whole_and_every_line_fits(case: str, width: int, figures: dict[str, dict[str, Any]]):
    args, amounts = CASES[case]
    text = _run(args, width)
    wanted = set(amounts(figures[case]))
    assert wanted or case == "quote declined"
    missing = [a for a in wanted if not re.search(re.escape(a) + r"(?![\d,])", text)]
    assert not missing, f"{case} at {width} columns: amounts cut or missing: {missing}\n{text}"
    assert "…" not in text, f"{case} at {width} columns: something was cut short\n{text}"
    too_long = [line for line in text.splitlines() if len(line.rstrip()) > width]
    assert not too_long, f"{case} at {width} columns: lines past the edge: {too_long}"


def test_a_declined_quote_says_why_first_and_prices_nothing():
    text = _run(CASES["quote declined"][0], 80)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[1] == "Decision: decline (all 15 options)"
    assert lines[2].startswith("Why decline: Remote desktop (RDP) is open to the internet without")
    assert "No premium is offered: every option is declined" in text
    assert "premium  " not in text and "$24," not in text  # no priced row


def test_the_quote_puts_options_side_by_side_with_limits_as_columns():
    text = _run(CASES["quote"][0], 120)
    header = next(line for line in text.splitlines() if line.strip().startswith("limit"))
    assert header.split() == ["limit", "$250,000", "$500,000", "$1,000,000", "$2,000,000", "$5,000,000"]
    assert text.count("Retention $") == 3  # one table per retention, all five limits side by side at 120


def test_claim_columns_add_up_with_dollars_and_cents():
    text = _run(CASES["claim adjudicate, a sublimit cut"][0], 120)
    row = next(line for line in text.splitlines() if line.strip().startswith("1. Ransom and negotiation"))
    # claimed - not covered - retention - coinsurance - over a limit = payable
    assert row.split()[-6:] == ["$200,000.00", "$0.00", "$10,000.00", "$0.00", "$90,000.00", "$100,000.00"]


def test_obligations_one_row_per_recipient_with_days_left():
    text = _run(CASES["breach obligations"][0], 80)
    rows = [line for line in text.splitlines() if re.match(r"\s*\d+\s+The affected patients", line)]
    assert len(rows) == 1 and "2027-04-13" in rows[0] and "overdue by 7 days" in rows[0]
    also = text.splitlines()[text.splitlines().index(rows[0]) + 1]
    assert "also: CO, FL, WA" in also and "2027-05-13" in also and "23 days left" in also


def test_wide_shows_the_ids_and_the_secondary_columns():
    text = _run([*CASES["improve"][0], "--wide"])
    assert "mfa_email" in text and "insurers" in text
