"""Bad OED input: every problem with its line, its field and what is allowed, exit code 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.errors import InvalidInput
from cyberrx.portfolio import oed

HEADER = ("PortNumber,AccNumber,AccCurrency,PolNumber,PolInceptionDate,PolExpiryDate,LayerParticipation,LayerLimit,"
          "LayerAttachment,PolDed,PolDedNPBI,PolLimitCBI,PolCoverage,PolSIR,InsuredName")
GOOD = "P1,A1,USD,POL1,2027-01-01,2027-12-31,0.5,1000000,0,10000,5000,250000,CYB,,Lakeside Family Medicine"
runner = CliRunner()


def write(tmp_path: Path, *rows: str, name: str = "account.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *rows)) + "\n")
    return path


def test_a_good_row_reads():
    (p,) = oed.parse_account("\n".join((HEADER, GOOD)))
    assert (p.line, p.account, p.policy, p.participation) == (2, "A1", "POL1", 0.5)
    assert p.coverage_deductible["NPBI"] == 5000 and p.coverage_limit["CBI"] == 250000
    assert p.coverage_limit["NPBI"] is None                      # blank: no limit


def test_every_problem_is_listed_with_line_field_and_what_is_allowed(tmp_path):
    bad = [
        "P1,A1,EUR,POL1,2027-01-01,2026-12-31,1.5,0,-5,10000.005,abc,250000,CYB;XYZ,100,",
        GOOD.replace("POL1", "POL2"),
        GOOD.replace("POL1", "POL2"),                            # the same policy layer twice
    ]
    path = write(tmp_path, *bad)
    with pytest.raises(InvalidInput) as err:
        oed.load_account(path)
    text = str(err.value)
    expected = [
        "line 2, InsuredName: is required",
        "line 2, AccCurrency: 'EUR': cyberrx terms are in US dollars (allowed: USD)",
        "line 2, PolExpiryDate: 2026-12-31 is before the inception date 2027-01-01 (allowed: a date on or after "
        "2027-01-01)",
        "line 2, LayerParticipation: 1.5 is out of range (allowed: a number from 0 to 1)",
        "line 2, LayerAttachment: -5 is out of range (allowed: a number of usd >= 0, at most 2 decimals)",
        "line 2, PolDed: 10000.005 is out of range (allowed: a number of usd >= 0, at most 2 decimals)",
        "line 2, PolDedNPBI: 'abc' is not a number",
        "line 2, PolSIR: is not supported by cyberrx terms (allowed: 0 or blank)",
        "line 2, LayerLimit: is required: OED reads 0 or blank as no limit",
        "line 2, PolCoverage: unknown coverage code XYZ",
        "line 4, LayerNumber: account A1 policy POL2 layer 1 is also on line 3 (allowed: each policy layer once)",
    ]
    for line in expected:
        assert line in text, line
    assert text.startswith(f"{path}: 11 problems in the OED account:")


def test_a_row_with_the_wrong_number_of_values(tmp_path):
    with pytest.raises(InvalidInput, match="line 2, columns: 3 values for 15 columns"):
        oed.parse_account("\n".join((HEADER, "a,b,c")))


def test_an_empty_file_and_a_file_with_no_policy():
    with pytest.raises(InvalidInput, match="the file is empty"):
        oed.parse_account("")
    with pytest.raises(InvalidInput, match="no policy in the file"):
        oed.parse_account(HEADER + "\n")


def test_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(oed, "MAX_ROWS", 2)
    rows = [GOOD.replace("POL1", f"POL{i}") for i in range(3)]
    with pytest.raises(InvalidInput, match="line 4, rows: more than 2 policy layers"):
        oed.parse_account("\n".join((HEADER, *rows)))


def test_import_writes_nothing_when_any_row_is_bad(tmp_path):
    path = write(tmp_path, GOOD, GOOD.replace("POL1", "POL2").replace("0.5", "2"))
    out = tmp_path / "terms"
    r = runner.invoke(app, ["oed", "import", str(path), "--out", str(out)])
    assert r.exit_code == 2
    assert "line 3, LayerParticipation: 2 is out of range" in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_import_writes_one_file_per_policy(tmp_path):
    path = write(tmp_path, GOOD, GOOD.replace("POL1", "POL2"))
    r = runner.invoke(app, ["oed", "import", str(path), "--out", str(tmp_path / "terms")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "terms").iterdir()) == ["A1-POL1.yaml", "A1-POL2.yaml"]


def test_losses_every_problem_listed(tmp_path):
    account = write(tmp_path, GOOD)
    losses = tmp_path / "losses.csv"
    losses.write_text("coverage,loss\nNPBI,100\nXYZ,5\nNPBI,7\nCBI,-1\nEXT,\nINRE,1,2\n")
    r = runner.invoke(app, ["oed", "apply", str(account), "--losses", str(losses)])
    assert r.exit_code == 2
    for line in ("line 3, coverage: unknown coverage 'XYZ' (allowed: NPBI, CBI, DIAS, EXT, FIN, INRE, LIA, REG, "
                 "ENO)", "line 4, coverage: NPBI is also on line 2 (allowed: each coverage once)",
                 "line 5, loss: -1 is out of range", "line 6, loss: is required", "line 7, columns: 3 values"):
        assert line in r.stderr, line
    losses.write_text("cov,amount\nNPBI,1\n")
    r = runner.invoke(app, ["oed", "apply", str(account), "--losses", str(losses)])
    assert r.exit_code == 2 and "line 1, header: cov,amount (allowed: coverage,loss)" in r.stderr


def test_apply_takes_one_account(tmp_path):
    account = write(tmp_path, GOOD, GOOD.replace("A1", "A2"))
    losses = tmp_path / "losses.csv"
    losses.write_text("coverage,loss\nNPBI,100000\n")
    r = runner.invoke(app, ["oed", "apply", str(account), "--losses", str(losses)])
    assert r.exit_code == 2 and "AccNumber: the losses are for one account; the file has 2: A1, A2" in r.stderr


def test_apply_sums_the_layers_of_a_policy(tmp_path):
    """Two layers of one policy on 400,000 of NPBI (deductible 5,000; PolDed 10,000: 385,000 to the layers):
    layer 1, 50% of 200,000 xs 0 = 100,000; layer 2, 50% of 1,000,000 xs 200,000 = 50% of 185,000 = 92,500."""
    layer2 = GOOD.replace("0.5,1000000,0,", "0.5,1000000,200000,")
    header = HEADER + ",LayerNumber"
    text = "\n".join((header, GOOD.replace("0.5,1000000,", "0.5,200000,") + ",1", layer2 + ",2"))
    result = oed.apply_account(oed.parse_account(text), {"NPBI": oed.Decimal(400000)})
    assert result.by_coverage["NPBI"] == oed.Decimal("192500.00") and result.total == oed.Decimal("192500.00")


def test_export_writes_nothing_when_a_policy_is_bad(tmp_path):
    good = tmp_path / "good.yaml"
    runner.invoke(app, ["oed", "import", str(write(tmp_path, GOOD)), "--out", str(tmp_path)])
    good = tmp_path / "A1-POL1.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy_number: X\n")
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["oed", "export", str(good), str(bad), "--out", str(out)])
    assert r.exit_code == 2 and "bad.yaml" in r.stderr
    assert not out.exists()


def test_an_e_and_o_claim_line_is_refused_with_the_parts_allowed():
    from cyberrx.domain.claim import parse_claim

    with pytest.raises(InvalidInput, match="errors_and_omissions is carried for data exchange only") as err:
        parse_claim({"claim_id": "C", "policy_number": "P", "incident": {
            "cause": "ransomware", "occurred": "2027-02-01", "discovered": "2027-02-01"},
            "losses": [{"coverage": "errors_and_omissions", "amount": 1000}]})
    assert "privacy_liability" in str(err.value) and "allowed" in str(err.value)


def test_export_to_a_folder_that_does_not_exist_is_one_clear_line(tmp_path):
    runner.invoke(app, ["oed", "import", str(write(tmp_path, GOOD)), "--out", str(tmp_path)])
    r = runner.invoke(app, ["oed", "export", str(tmp_path / "A1-POL1.yaml"), "--out",
                            str(tmp_path / "missing" / "out.csv")])
    assert r.exit_code == 2 and "--out: cannot write" in r.stderr
    assert not (tmp_path / "missing").exists()


def test_a_long_cyberrx_policy_number_exports_with_a_note_and_imports_back(tmp_path):
    from cyberrx.domain.policy import parse_policy

    policy = parse_policy({"policy_number": "CRX-Q-LAKESIDE-FAMILY-MEDICINE-L1000K-R10000", "insured": "Lakeside",
                           "period": {"start": "2027-01-01", "end": "2028-01-01"}, "aggregate_limit": 1000000,
                           "retention": 10000, "coverages": {"forensics": {"limit": 1000000}}})
    text, notes = oed.export_account([policy])
    assert any("PolNumber: longer than the 20 characters" in n for n in notes)
    (again,) = oed.parse_account(text)
    assert again.policy == policy.policy_number
