"""``cyberrx threats import | match | publish | alerts``, and assess/quote of a profile with technology."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberrx.cli.main import app
from cyberrx.threats.kev import shipped_kev
from cyberrx.threats.stix import export_bundle, import_bundle

ROOT = Path(__file__).resolve().parents[2]
TECH = ROOT / "examples" / "threats" / "lakeside-technology.yaml"
PLAIN = ROOT / "examples" / "lakeside-family-medicine.yaml"
KEV = ROOT / "src" / "cyberrx" / "reference" / "data" / "kev" / "kev_2025.08.25.json"
PUB = ROOT / "examples" / "publications" / "citrix-bleed-sector-alert.md"
runner = CliRunner()
KEYS = ["cve", "vendor", "product", "matched_by", "version_affected", "internet_facing", "known_ransomware", "urgent",
        "due_date", "required_action"]


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "crx.db"
    monkeypatch.setenv("CYBERRX_DATABASE_URL", f"sqlite:///{path}")
    return path


def run(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, (r.exit_code, r.output)
    return r.output


def test_match_json_is_exactly_findings_and_unknown(db: Path) -> None:
    data = json.loads(run("threats", "match", str(TECH), "--json"))
    assert list(data) == ["findings", "unknown"]
    assert all(list(f) == KEYS for f in data["findings"])
    assert [u["vendor"] for u in data["unknown"]] == ["Synology"]
    by = {(f["cve"], f["product"]): f for f in data["findings"]}
    assert by[("CVE-2024-21762", "fortios")]["version_affected"] is True and by[("CVE-2024-21762", "fortios")]["urgent"]
    assert ("CVE-2024-1709", "screenconnect") not in by           # 23.9.8 is fixed
    assert ("CVE-2023-43208", "mirth_connect") not in by           # the CPE says 4.4.1, fixed
    assert not db.exists()                                         # no database: the shipped snapshot, none made


def test_import_is_idempotent_and_match_uses_the_newest_feed(db: Path, tmp_path: Path) -> None:
    first = json.loads(run("threats", "import", str(KEV), "--json"))
    again = json.loads(run("threats", "import", str(KEV), "--json"))
    assert (first["new"], again["new"], first["id"]) == (True, False, again["id"])
    # a newer feed with one entry: match now sees only it
    entries = [e for e in shipped_kev().entries if e.cve == "CVE-2024-21762"]
    one = import_bundle(json.loads(export_bundle(shipped_kev().model_copy(update={"entries": entries})).serialize()))
    bundle = tmp_path / "one.json"
    bundle.write_text(export_bundle(one).serialize())
    assert json.loads(run("threats", "import", str(bundle), "--json"))["kind"] == "stix"
    data = json.loads(run("threats", "match", str(TECH), "--json"))
    assert [f["cve"] for f in data["findings"]] == ["CVE-2024-21762"]


def test_a_bad_feed_is_one_line_naming_the_field(db: Path, tmp_path: Path) -> None:
    bad = json.loads(KEV.read_text())
    bad["vulnerabilities"][2]["knownRansomwareCampaignUse"] = 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    r = runner.invoke(app, ["threats", "import", str(path)])
    assert r.exit_code == 2 and "vulnerabilities[2].knownRansomwareCampaignUse" in r.output


def test_assess_without_technology_is_unchanged_and_with_it_shows_the_threats(db: Path) -> None:
    plain = json.loads(run("assess", str(PLAIN), "--json", "-n", "2000", "--seed", "3"))
    assert "threats" not in plain
    tech = json.loads(run("assess", str(TECH), "--json", "-n", "2000", "--seed", "3"))
    assert tech["threats"]["findings"] > 0 and "CVE-2024-21762 on fortios" in tech["threats"]["urgent"]
    assert tech["threats"]["frequency_multipliers"]["ransomware"] == 2.5
    assert tech["annual_loss"]["mean"] > plain["annual_loss"]["mean"]


def test_quote_names_the_cve_in_its_subjectivity(db: Path) -> None:
    data = json.loads(run("quote", str(TECH), "--json", "--limits", "1000000", "--retentions", "10000"))
    subj = [s for s in data["options"][0]["subjectivities"] if s["rule"] == "OPEN-URGENT-KEV"]
    assert subj and "CVE-2024-21762" in subj[0]["message"] and subj[0]["days"] == 14


def test_publish_writes_html_and_pdf(tmp_path: Path, db: Path) -> None:
    html = run("threats", "publish", str(PUB))
    assert html.count('data-audience="') == 4 and "TLP:CLEAR" in html
    out = tmp_path / "alert.pdf"
    assert "written to" in run("threats", "publish", str(PUB), "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    drafted = json.loads(run("threats", "publish", "--draft", "CVE-2023-4966", "--json"))
    assert drafted["form"] == "sector_alert" and drafted["cves"] == ["CVE-2023-4966"] and drafted["insureds"] == []


def test_alerts_on_an_empty_database(db: Path) -> None:
    data = json.loads(run("threats", "alerts", "--run", "--remind", "--json"))
    assert data["run"]["alerts"] == 0 and data["reminders"]["reminders"] == 0 and data["alerts"] == []


def test_publish_lists_the_insureds_whose_systems_its_cves_hit(db: Path) -> None:
    """A practice in the configured database running a Citrix gateway is listed by the Citrix Bleed alert; one
    without it is not; a draft from KEV lists it too, and the operator's alert run raises its alerts."""
    from cyberrx.adapters.store import OrgKind, Store
    from cyberrx.app import accounts, practices
    from cyberrx.app.authz import Principal, Role

    store = Store(f"sqlite:///{db}")
    store.upgrade()
    carrier = accounts.create_carrier(store, "Acme Mutual")
    uw = Principal("a" * 32, Role.UNDERWRITER, carrier["id"], OrgKind.CARRIER, carrier["id"])
    base = {"specialty": "primary_care", "states": {"TX": 500}, "annual_revenue": 1_000_000}
    practices.create(store, uw, {**base, "name": "Gateway Clinic", "technology": [
        {"vendor": "Citrix", "product": "NetScaler Gateway", "version": "13.1-49.13"}]})
    practices.create(store, uw, {**base, "name": "Paper Clinic"})
    store.dispose()
    html = run("threats", "publish", str(PUB))
    assert "<li>Gateway Clinic</li>" in html and "Paper Clinic" not in html
    drafted = json.loads(run("threats", "publish", "--draft", "CVE-2023-4966", "--json"))
    assert len(drafted["insureds"]) == 1
    data = json.loads(run("threats", "alerts", "--run", "--json"))
    assert data["run"]["alerts"] > 0 and {a["cve"] for a in data["alerts"]} >= {"CVE-2023-4966"}
