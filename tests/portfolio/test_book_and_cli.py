"""The book file, shared dependencies, the typed result, and ``cyberrx portfolio run`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.portfolio.conftest import ROOT
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.errors import InvalidInput
from cyberrx.portfolio.book import load_book
from cyberrx.portfolio.catalogue import load_catalogue
from cyberrx.portfolio.dependencies import normalise, shared_dependencies
from cyberrx.portfolio.result import PortfolioResult
from cyberrx.portfolio.run import check_run

BOOK = ROOT / "examples" / "books" / "gulf-coast-book.yaml"
REINSURANCE = ROOT / "examples" / "books" / "reinsurance.yaml"
runner = CliRunner()


def test_the_example_book_loads_with_its_shared_vendors(tables):
    book = load_book(BOOK)
    assert len(book) == 12 and book.name == "Gulf Coast medical book"
    model = book.compile(load_catalogue(), tables)
    ids = [d for d, _ in model.dependencies]
    assert "vendor:change-healthcare" in ids and "vendor:athenahealth" in ids
    shared = {d: int((model.links_dep == i).sum()) for i, (d, _) in enumerate(model.dependencies)}
    assert shared["vendor:change-healthcare"] == 6     # six of the twelve send their claims through it


def test_dependencies_are_normalised_and_merged():
    from cyberrx import load_profile

    assert normalise("Change Healthcare, Inc.") == normalise("change healthcare") == "change-healthcare"
    profile = load_profile(ROOT / "examples" / "solo-therapy-office.yaml")
    cat = load_catalogue()
    deps = shared_dependencies(profile, outage_services=cat.outage_services,
                               remote_access_products=cat.remote_access_products or {},
                               vendor_services={"ehr": {"records_held_share": {"value": 1.0}}})
    # the EHR vendor (hosted) and the same vendor as a business associate are one dependency, critical
    assert [d.id for d in deps] == ["vendor:simplepractice", "vendor:office-ally"]
    assert deps[0].critical and deps[0].records_held_share == 1.0
    assert deps[1].critical   # a clearinghouse's outage stops the practice being paid (outage_services)


def test_bad_book_files_name_the_entry(tmp_path: Path):
    bad = tmp_path / "book.yaml"
    bad.write_text("policies:\n  - {profile: nowhere.yaml, policy: x.yaml}\n")
    with pytest.raises(InvalidInput) as e:
        load_book(bad)
    assert e.value.field == "policies[0].profile" and "nowhere.yaml" in str(e.value)
    bad.write_text("policies: []\n")
    with pytest.raises(InvalidInput) as e:
        load_book(bad)
    assert e.value.field == "policies"
    bad.write_text("policies:\n  - {profile: a.yaml}\n")
    with pytest.raises(InvalidInput, match=r"policies\[0\]"):
        load_book(bad)


def test_run_size_is_bounded():
    with pytest.raises(InvalidInput) as e:
        check_run(10, 500, 1)
    assert e.value.field == "years" and "1,000 to 1,000,000" in str(e.value)
    with pytest.raises(InvalidInput, match="policies x years"):
        check_run(50_000, 1_000_000, 1)
    with pytest.raises(InvalidInput) as e:
        check_run(10, 10_000, -1)
    assert e.value.field == "seed"


def test_cli_runs_the_example_book_with_reinsurance(tmp_path: Path):
    png, ylt = tmp_path / "book.png", tmp_path / "ylt.parquet"
    out = runner.invoke(app, ["portfolio", "run", str(BOOK), "--years", "2000", "--seed", "3", "--json",
                              "--reinsurance", str(REINSURANCE), "--plot", str(png), "--ylt-out", str(ylt)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    result = PortfolioResult.from_dict(data)
    assert PortfolioResult.from_dict(result.to_dict()) == result
    assert result.policies == 12 and result.years == 2000
    assert result.net.aal <= result.gross.aal and result.gross.aal >= result.independent.aal
    assert result.gross.pml["200"] >= result.gross.oep["200"]
    # money is rounded to cents everywhere
    assert all(round(v, 2) == v for v in result.gross.pml.values())
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    import pyarrow.parquet as pq

    table = pq.read_table(ylt)
    assert table.num_rows == 2000 and table.column_names[:3] == ["year", "gross", "independent"]
    assert round(sum(table.column("gross").to_pylist()) / 2000, 0) == round(result.gross.aal, 0)


def test_cli_text_fits_80_columns_and_bad_input_exits_2():
    out = runner.invoke(app, ["portfolio", "run", str(BOOK), "--years", "1000"], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    assert "PML 1-in-200" in out.output and "largest accumulations" in out.output
    assert max(len(line) for line in out.output.splitlines()) <= 80
    bad = runner.invoke(app, ["portfolio", "run", str(BOOK), "--years", "10"])
    assert bad.exit_code == 2 and "years" in bad.output
