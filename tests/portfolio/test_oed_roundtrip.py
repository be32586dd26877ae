"""OED -> policy terms -> OED without loss, over generated accounts (hypothesis): every field comes back as
written; and the terms alone (without the row kept in their ``oed`` block) carry every financial field, so that
exporting them and importing again gives the same terms. Plus the files through the CLI, and the export of a
policy written in cyberrx (what OED cannot carry is listed)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.domain.policy import load_policy, parse_policy
from cyberrx.portfolio import oed

ROOT = Path(__file__).resolve().parents[2]
FINANCIAL = {"PolNumber", "InsuredName", "PolInceptionDate", "PolExpiryDate", "PolDed", "LayerParticipation",
             "LayerAttachment", "LayerLimit", "LayerAggLimit", "BIWaitingPeriod", "BIPOI", "PolCoverage",
             *(f"Pol{kind}{code}" for code in oed.CODES for kind in ("Ded", "Limit"))}

ident = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=8)
words = st.text("abcdefghij KLMNOP,.'\"&-", min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def money_text(draw, *, blank=True, positive=False):
    """An amount as an OED file might write it: blank, whole, with one or two decimals."""
    if blank and draw(st.booleans()):
        return ""
    cents = draw(st.integers(1 if positive else 0, 5 * 10**10))
    form = draw(st.sampled_from(["whole", "cents", "float"]))
    if form == "whole":
        return str(cents // 100 or (1 if positive else 0))
    if form == "cents":
        return f"{cents // 100}.{cents % 100:02d}"
    return str(Decimal(cents) / 100)


@st.composite
def account_row(draw, acc, pol):
    start = draw(st.dates(min_value=__import__("datetime").date(2018, 1, 1),
                          max_value=__import__("datetime").date(2032, 1, 1)))
    days = draw(st.integers(0, 800))
    participation = draw(st.sampled_from(["", "1", "0.1", "0.25", "0.3333", "0.5", "0.07"]))
    row = {
        "PortNumber": draw(ident), "AccNumber": acc, "AccName": draw(words), "AccCurrency": "USD",
        "PolNumber": pol, "PolInceptionDate": start.isoformat(),
        "PolExpiryDate": (start + __import__("datetime").timedelta(days=days)).isoformat(),
        "PolPerilsCovered": draw(st.sampled_from(["", "CC1", "CYB"])), "LayerNumber": draw(st.sampled_from(["", "1"])),
        "LayerParticipation": participation, "LayerLimit": draw(money_text(blank=False, positive=True)),
        "LayerAttachment": draw(money_text()), "PolDed": draw(money_text()), "LayerAggLimit": draw(money_text()),
        "PolGrossPremium": draw(money_text()), "IndustryCode1": draw(st.sampled_from(["", "621111", "445110"])),
        "PolCoverage": draw(st.sampled_from(["", "CYB", "BI;CBI;DIAS;FIN", "NPBI;ENO", "EXT"])),
        "BIWaitingPeriod": draw(st.sampled_from(["", "0", "0.5", "1", "3"])),
        "BIPOI": draw(st.sampled_from(["", "30", "90.5", "365"])),
        "URL": draw(st.sampled_from(["", "https://example.org/a,b"])), "InsuredName": draw(words),
    }
    for code in oed.CODES:
        row[f"PolLimit{code}"] = draw(money_text())
        row[f"PolDed{code}"] = draw(money_text())
    return row


@st.composite
def accounts(draw):
    keys = draw(st.lists(st.tuples(ident, ident), min_size=1, max_size=3, unique=True))
    return [draw(account_row(acc, pol)) for acc, pol in keys]


def csv_text(rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def through_yaml(policy_oed: oed.OedPolicy):
    """The terms as ``cyberrx oed import`` writes them and ``claim adjudicate`` reads them (YAML)."""
    return parse_policy(yaml.safe_load(yaml.safe_dump(oed.policy_document(policy_oed))))


def terms_without_oed(policy):
    return policy.model_dump(exclude={"oed"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts())
def test_every_field_comes_back_as_written(rows):
    policies = [through_yaml(p) for p in oed.parse_account(csv_text(rows))]
    text, _ = oed.export_account(policies)
    back = read_csv(text)
    assert len(back) == len(rows)
    for original, exported in zip(rows, back, strict=True):
        for name, value in original.items():
            assert exported.get(name, "") == (value if value.strip() else ""), name
        assert not {k: v for k, v in exported.items() if v and k not in original}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts())
def test_the_terms_carry_every_financial_field(rows):
    """Without the financial fields kept as written, the export is made from the terms alone; importing it
    gives the same terms."""
    first = [through_yaml(p) for p in oed.parse_account(csv_text(rows))]
    bare = [p.model_copy(update={"oed": {k: v for k, v in (p.oed or {}).items() if k not in FINANCIAL}})
            for p in first]
    text, notes = oed.export_account(bare)
    assert notes == []                                  # nothing an OED account wrote is lost on the way back
    second = [through_yaml(p) for p in oed.parse_account(text)]
    assert [terms_without_oed(p) for p in second] == [terms_without_oed(p) for p in first]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts(), st.dictionaries(st.sampled_from(oed.CODES), st.integers(0, 10**9).map(lambda c: Decimal(c) / 100)))
def test_the_exported_account_pays_what_the_original_pays(rows, losses):
    parsed = oed.parse_account(csv_text(rows))
    policies = [through_yaml(p) for p in parsed]
    text, _ = oed.export_account(policies)
    for original, again in zip(parsed, oed.parse_account(text), strict=True):
        assert oed.apply_account([original], losses) == oed.apply_account([again], losses)


def test_the_cli_round_trip_of_the_oasis_account_gives_its_row_back(tmp_path):
    account = Path(__file__).resolve().parent / "oasis_cyber" / "account.csv"
    runner = CliRunner()
    r = runner.invoke(app, ["oed", "import", str(account), "--out", str(tmp_path / "terms")])
    assert r.exit_code == 0, r.output
    out = tmp_path / "again.csv"
    r = runner.invoke(app, ["oed", "export", str(tmp_path / "terms" / "C1-ABC12345.yaml"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    original = read_csv(account.read_text())[0]
    exported = read_csv(out.read_text())[0]
    assert {k.strip(): v for k, v in original.items() if v} == {k: v for k, v in exported.items() if v}
    assert r.stderr == ""                                # nothing left out


def test_a_cyberrx_policy_exports_what_oed_carries_and_lists_the_rest(tmp_path):
    out = tmp_path / "lakeside.csv"
    r = CliRunner().invoke(app, ["oed", "export", str(ROOT / "examples/policies/lakeside-primary.yaml"),
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    policy = load_policy(ROOT / "examples/policies/lakeside-primary.yaml")
    (row,) = read_csv(out.read_text())
    assert row["PolNumber"] == policy.policy_number and row["PolDed"] == str(int(policy.retention))
    assert row["LayerLimit"] == str(int(policy.aggregate_limit)) and row["LayerAttachment"] == "0"
    assert "ENO" not in row["PolCoverage"].split(";")
    assert "not carried:" in r.stderr and "conditions: OED has no field for it" in r.stderr
    assert "ENO: not covered" in r.stderr and "betterment" not in row["PolCoverage"]
    # imported again: the same limits, retention and sublimits where OED has a coverage for the part
    again = oed.to_policy(oed.parse_account(out.read_text())[0])
    assert again.retention == policy.retention and again.aggregate_limit == policy.aggregate_limit
    assert again.coverages["extortion"].limit == policy.coverages["extortion"].limit
