"""The Oasis validation case (OasisLMF ``validation/cyber``, ../shared/peers/oasislmf-validation-cyber)
reproduced to the cent from its OED ``account.csv``: the ground-up losses of ``expected/guls.csv`` give each
coverage's insured loss of ``expected/ils.csv`` and the total of ``expected/loc_summary.csv`` (80,500.01), by the
library and by ``cyberrx oed apply``. And why the review's hand translation into the old terms gave 84,000."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from cyberrx.claims import adjudicate
from cyberrx.cli.main import app
from cyberrx.domain.claim import parse_claim
from cyberrx.domain.policy import parse_policy
from cyberrx.engine.terms import (
    allocate_pro_rata,
    apply_deductible,
    apply_layer,
    apply_retention,
    claim_retention,
)
from cyberrx.portfolio import oed

#: the case's data files, copied from ../shared/peers/oasislmf-validation-cyber (BSD 3-Clause, see its LICENSE)
CASE = Path(__file__).resolve().parent / "oasis_cyber"
PEERS = Path(__file__).resolve().parents[3] / "shared" / "peers" / "oasislmf-validation-cyber"
ACCOUNT = CASE / "account.csv"
CODE_OF_TYPE = {type_id: code for code, (type_id, _) in oed.COVERAGES.items()}


def _rows(name: str) -> list[dict[str, str]]:
    with (CASE / "expected" / name).open(newline="") as f:
        return list(csv.DictReader(f))


def ground_up() -> dict[str, Decimal]:
    """``guls.csv`` by OED code: item -> coverage type through ``gul_summary_map.csv``."""
    type_of_item = {r["item_id"]: int(r["coverage_type_id"]) for r in _rows("gul_summary_map.csv")}
    return {CODE_OF_TYPE[type_of_item[r["item_id"]]]: Decimal(r["loss"]) for r in _rows("guls.csv")}


def expected_by_coverage() -> dict[str, Decimal]:
    """``ils.csv`` by OED code: output -> coverage type through ``fm_summary_map.csv``."""
    type_of_output = {r["output_id"]: int(r["coverage_type_id"]) for r in _rows("fm_summary_map.csv")}
    return {CODE_OF_TYPE[type_of_output[r["output_id"]]]: Decimal(r["loss"]) for r in _rows("ils.csv")}


def expected_total() -> Decimal:
    (row,) = _rows("loc_summary.csv")
    return Decimal(row["loss_il"])


@pytest.mark.skipif(not PEERS.is_dir(), reason="../shared/peers is not beside this checkout")
def test_the_copied_files_are_the_peers_files():
    for path in CASE.rglob("*.csv"):
        assert path.read_bytes() == (PEERS / path.relative_to(CASE)).read_bytes(), path


def test_the_expected_files_are_what_the_issue_says():
    assert expected_total() == Decimal("80500.01")
    assert ground_up() == {code: Decimal(100000) for code in oed.CODES}
    assert sum(expected_by_coverage().values()) == expected_total()


def test_library_reproduces_every_coverage_to_the_cent():
    result = oed.apply_account(oed.load_account(ACCOUNT), ground_up())
    assert result.by_coverage == expected_by_coverage()
    assert result.total == expected_total() == Decimal("80500.01")


def test_cli_reproduces_the_case(tmp_path):
    losses = tmp_path / "guls.csv"
    losses.write_text("coverage,loss\n" + "".join(f"{c},{v}\n" for c, v in ground_up().items()))
    r = CliRunner().invoke(app, ["oed", "apply", str(ACCOUNT), "--losses", str(losses), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total"] == 80500.01
    assert {k: Decimal(str(v)) for k, v in data["by_coverage"].items()} == expected_by_coverage()
    assert '"total": 80500.01' in r.stdout and '"NPBI": 8375.72' in r.stdout


def test_cli_table_fits_80_columns(tmp_path):
    losses = tmp_path / "guls.csv"
    losses.write_text("coverage,loss\nNPBI,100000\nCBI,100000\n")
    r = CliRunner().invoke(app, ["oed", "apply", str(ACCOUNT), "--losses", str(losses)])
    assert r.exit_code == 0, r.output
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    # two coverages: 90,000 + 75,000 - 50,000 = 115,000; 10% of 105,000 = 10,500, 90:75 -> 5,727.27 + 4,772.73
    assert "5,727.27" in r.stdout and "4,772.73" in r.stdout and "10,500.00" in r.stdout


def test_imported_terms_are_what_the_account_says(tmp_path):
    r = CliRunner().invoke(app, ["oed", "import", str(ACCOUNT), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    (path,) = tmp_path.glob("*.yaml")
    assert path.name == "C1-ABC12345.yaml"
    policy = parse_policy(yaml.safe_load(path.read_text()))
    assert policy.retention == 50000
    assert policy.coverages["business_interruption"].deductible == 10000
    assert policy.coverages["business_interruption"].limit == 2000000
    assert policy.coverages["contingent_bi"].deductible == 25000
    assert policy.coverages["errors_and_omissions"].limit == 1000000      # ENO carried, no sublimit of its own
    assert policy.layer is not None and policy.layer.allocation == "pro_rata"
    assert (policy.layer.attachment, policy.layer.limit, policy.layer.participation) == (10000, 10000000,
                                                                                          Decimal("0.1"))
    assert policy.aggregate_limit == 1000000                   # 10% of the 10,000,000 layer limit
    assert str(policy.period.end) == "2021-01-01"             # PolExpiryDate 2020-12-31 is the last day


def test_claim_adjudication_of_the_imported_policy_agrees_with_oed(tmp_path):
    """The imported terms, adjudicated as a claim of 100,000 on each part OED's coverages become except ENO
    (claims do not take E&O lines) and the three incident-response parts INRE shares with forensics: OED gives
    90,000 + 75,000 + 6 x 100,000 = 765,000 after the coverage terms, 715,000 after PolDed, 10% of 705,000 =
    70,500, back-allocated 90:75:100."""
    CliRunner().invoke(app, ["oed", "import", str(ACCOUNT), "--out", str(tmp_path)])
    policy = parse_policy(yaml.safe_load((tmp_path / "C1-ABC12345.yaml").read_text()))
    parts = ["business_interruption", "contingent_bi", "data_restoration", "extortion", "social_engineering",
             "forensics", "privacy_liability", "regulatory"]
    lines = [{"coverage": p, "downtime_hours": 100, "income_loss_per_hour": 1000} if p in (
        "business_interruption", "contingent_bi") else {"coverage": p, "amount": 100000} for p in parts]
    claim = parse_claim({"claim_id": "OASIS-1", "policy_number": "ABC12345",
                         "incident": {"cause": "ransomware", "occurred": "2020-06-01", "discovered": "2020-06-01"},
                         "losses": lines})
    result = adjudicate(policy, claim)
    paid = {line.coverage.value: line.payable for line in result.lines}
    assert paid["business_interruption"] == Decimal("8294.12")     # 70,500 x 90/765
    assert paid["contingent_bi"] == Decimal("6911.76")             # 70,500 x 75/765
    assert all(paid[p] == Decimal("9215.69") for p in parts[2:])   # 70,500 x 100/765
    through_oed = oed.apply_account(oed.load_account(ACCOUNT), {c: Decimal(100000) for c in
                                                                ("NPBI", "CBI", "DIAS", "EXT", "FIN", "INRE",
                                                                 "LIA", "REG")})
    assert paid["business_interruption"] == through_oed.by_coverage["NPBI"]
    assert result.total_payable == through_oed.total == Decimal("70500.02")     # each line rounded
    assert any("deductible: 10,000.00" in r for r in result.lines[0].reasons)


def test_why_the_one_retention_translation_gave_84000():
    """The review's translation: one retention per claim (the largest of the parts' retentions, 50,000 PolDed,
    with NPBI's 10,000 and CBI's 25,000 as the parts' own retentions, which replace rather than add), then the
    layer filled in line order. 900,000 - 50,000 = 850,000; 10% of 840,000 = 84,000. OED stacks the coverage
    deductibles under PolDed: 900,000 - 35,000 - 50,000 = 815,000; 10% of 805,000 = 80,500. The difference,
    3,500, is the layer's 10% of the 35,000 of coverage deductibles; and the old layer gives its payout to the
    lines that fill it last, not pro rata."""
    ground = np.array([[Decimal(100000)] * 9], dtype=object)
    touched = np.ones((1, 9), dtype=bool)
    part_retention = np.array([Decimal(10000), Decimal(25000)] + [Decimal(50000)] * 7, dtype=object)
    retention = claim_retention(part_retention, touched, np.array([True]))
    assert retention.tolist() == [Decimal(50000)]                # one retention: the largest
    taken = apply_retention(ground.ravel(), np.repeat(retention, 9), np.eye(1, 9, dtype=bool).ravel())
    after = ground.ravel() - taken
    old = apply_layer(after, Decimal(10000), Decimal(10000000), Decimal("0.1"), np.eye(1, 9, dtype=bool).ravel())
    assert old.sum() == Decimal(84000)
    # in order, the attachment and the retention fall on NPBI, the first line: 10% of 100,000 - 60,000
    assert old.tolist() == [Decimal("4000.00")] + [Decimal("10000.00")] * 8

    coverage = apply_deductible(ground, np.array([Decimal(10000), Decimal(25000)] + [Decimal(0)] * 7, object))
    policy = apply_deductible(coverage.sum(axis=1), Decimal(50000))
    layer = apply_layer(policy, Decimal(10000), Decimal(10000000), Decimal("0.1"), np.array([True]))
    assert layer.tolist() == [Decimal("80500.00")]
    new = allocate_pro_rata(layer, coverage)
    assert new.sum() == Decimal("80500.01")                      # each coverage rounded, as Oasis reports
    assert old.sum() - layer[0] == Decimal("0.1") * (10000 + 25000) == Decimal(3500)
