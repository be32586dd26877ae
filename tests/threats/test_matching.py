"""Matching on the shipped CISA KEV snapshot (2025.08.25): alias spellings, "Multiple Products", CPE version
ranges, unknown items, and the issue's counts per role group."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.threats import Match
from cyberrx.errors import InvalidInput
from cyberrx.threats.catalogue import load_catalogue
from cyberrx.threats.kev import parse_kev, shipped_kev, to_kev
from cyberrx.threats.matching import match, role_counts


def practice(*items: dict[str, Any], **extra: Any) -> PracticeProfile:
    return PracticeProfile.model_validate({"name": "Test Clinic", "specialty": "primary_care", "states": {"TX": 2000},
                                           "annual_revenue": 2e6,
                                           "technology": list(items), **extra})


def cves(m: Match, product: str | None = None) -> set[str]:
    return {f.cve for f in m.findings if product is None or f.product == product}


def test_the_snapshot_is_the_issues_catalog() -> None:
    feed = shipped_kev()
    assert (feed.version, len(feed.entries)) == ("2025.08.25", 1404)
    assert sum(e.known_ransomware for e in feed.entries) == 293
    # 99 entries name "Multiple ..." as vendor or product (the issue's figure)
    assert sum("Multiple" in e.product or "Multiple" in e.vendor for e in feed.entries) == 99


def test_counts_per_role_group_are_the_issues() -> None:
    """VPN/firewall/remote access 109 (44 ransomware), e-mail 51 (22), backup/NAS 27 (18), remote support 23 (8),
    file transfer 20 (12), healthcare 1 (Mirth Connect)."""
    counts = role_counts()
    assert counts["perimeter"] == (109, 44)
    assert counts["email"] == (51, 22)
    assert counts["backup_storage"] == (27, 18)
    assert counts["remote_support"] == (23, 8)
    assert counts["file_transfer"] == (20, 12)
    assert counts["healthcare"] == (1, 1)
    cat = load_catalogue()
    healthcare = [e for e in shipped_kev().entries
                  if "healthcare" in {cat.group(r) for r in cat.kev_roles(e.vendor, e.product)}]
    assert [(e.vendor, e.product, e.cve) for e in healthcare] == [("NextGen Healthcare", "Mirth Connect",
                                                                  "CVE-2023-43208")]


@pytest.mark.parametrize(("vendor", "product", "expected"), [
    ("Pulse Secure", "Pulse Connect Secure", "ivanti_connect_secure"),        # the old company's name
    ("ivanti", "ICS", "ivanti_connect_secure"),
    ("Fortinet", "FortiGate", "fortios"),
    ("  fortinet ", "fortios  ", "fortios"),                                  # spaces and case
    ("SimpleHelp ", "SimpleHelp", "simplehelp"),                              # KEV's trailing space
    ("BeyondTrust", "Privileged Remote Access (PRA) and Remote Support (RS) ", "beyondtrust_remote_support"),
    ("Citrix", "NetScaler Gateway", "citrix_netscaler"),
    ("Synacor", "Zimbra Collaborate Suite (ZCS)", "zimbra_collaboration"),    # KEV's typo "Collaborate"
    ("Zimbra", "Zimbra", "zimbra_collaboration"),
    ("Microsoft", "OWA", "microsoft_exchange"),
])
def test_alias_spellings_normalise_to_one_product(vendor: str, product: str, expected: str) -> None:
    m = match(practice({"vendor": vendor, "product": product}))
    assert m.unknown == []
    assert {f.product for f in m.findings} == {expected}
    assert all(f.matched_by in ("id", "alias") for f in m.findings)


def test_every_kev_spelling_of_a_product_matches_its_entries() -> None:
    """Pulse Connect Secure appears under two vendors and six product spellings in KEV: one item gets all 14."""
    kev = [e.cve for e in shipped_kev().entries if load_catalogue().kev_products(e.vendor, e.product)
           == ("ivanti_connect_secure",)]
    assert len(kev) == 14
    m = match(practice({"vendor": "Ivanti", "product": "Connect Secure"}))
    assert cves(m) == set(kev)
    assert {f.matched_by for f in m.findings} == {"id"}


def test_multiple_products_match_only_the_product_they_name() -> None:
    """Fortinet's three "Multiple Products" entries: CVE-2022-40684 and CVE-2024-23113 name FortiOS, CVE-2025-32756
    names FortiMail. Each lands on the product it names and on no other Fortinet product."""
    fortios = match(practice({"vendor": "Fortinet", "product": "FortiOS"}))
    fortimail = match(practice({"vendor": "Fortinet", "product": "FortiMail"}))
    assert {"CVE-2022-40684", "CVE-2024-23113"} <= cves(fortios)
    assert "CVE-2025-32756" not in cves(fortios)
    assert cves(fortimail) == {"CVE-2025-32756"}


def test_apples_multiple_products_do_not_all_land_on_a_mac() -> None:
    """45 Apple "Multiple Products" entries; a Mac gets only those whose description names macOS."""
    apple = [e for e in shipped_kev().entries if e.vendor == "Apple" and e.product == "Multiple Products"]
    naming_macos = {e.cve for e in apple if "macos" in f"{e.name} {e.description}".lower()}
    m = match(practice({"vendor": "Apple", "product": "macOS"}))
    got = cves(m) & {e.cve for e in apple}
    assert got == naming_macos
    assert 0 < len(got) < len(apple)


def test_zyxel_families_stay_apart() -> None:
    """Zyxel's "Multiple Firewalls" and "Multiple NAS" entries: a firewall gets no NAS entry and a NAS no firewall."""
    fw = cves(match(practice({"vendor": "Zyxel", "product": "USG FLEX"})))
    nas = cves(match(practice({"vendor": "Zyxel", "product": "NAS326"})))
    assert {"CVE-2023-33009", "CVE-2024-11667"} <= fw
    assert {"CVE-2020-9054", "CVE-2023-27992"} <= nas
    assert not fw & nas


def test_a_version_inside_the_cpe_ranges_is_affected_and_outside_is_dropped() -> None:
    """CVE-2018-13379 (FG-IR-18-384) affects FortiOS 5.4.6-5.4.12, 5.6.3-5.6.7, 6.0.0-6.0.4."""
    at = match(practice({"vendor": "Fortinet", "product": "FortiOS", "version": "6.0.4"}))
    after = match(practice({"vendor": "Fortinet", "product": "FortiOS", "version": "6.0.5"}))
    between = match(practice({"vendor": "Fortinet", "product": "FortiOS", "version": "5.6.2"}))
    unknown = match(practice({"vendor": "Fortinet", "product": "FortiOS"}))
    f = {x.cve: x for x in at.findings}
    assert f["CVE-2018-13379"].version_affected is True
    assert "CVE-2018-13379" not in cves(after)
    assert "CVE-2018-13379" not in cves(between)
    assert {x.cve: x for x in unknown.findings}["CVE-2018-13379"].version_affected is None
    # a CVE without ranges stays unknown whatever the version
    assert f["CVE-2020-12812"].version_affected is None


def test_a_cpe_decides_the_product_and_the_version() -> None:
    """Citrix Bleed (CVE-2023-4966): fixed in 13.1-49.15; the CPE's version 13.1-49.13 is affected, 13.1-49.15 not;
    the item is recognised by its CPE whatever its vendor/product text."""
    cpe = "cpe:2.3:a:citrix:netscaler_gateway:{v}:*:*:*:*:*:*:*"
    old = match(practice({"vendor": "our gateway", "product": "remote access box", "cpe": cpe.format(v="13.1-49.13")}))
    new = match(practice({"vendor": "our gateway", "product": "remote access box", "cpe": cpe.format(v="13.1-49.15")}))
    bleed = {x.cve: x for x in old.findings}["CVE-2023-4966"]
    assert (bleed.matched_by, bleed.version_affected, bleed.product) == ("cpe", True, "citrix_netscaler")
    assert "CVE-2023-4966" not in cves(new)
    assert old.unknown == [] and new.unknown == []


def test_a_bad_cpe_is_refused_naming_the_field() -> None:
    from cyberrx.domain.parsing import parse_model

    with pytest.raises(InvalidInput) as err:
        parse_model(PracticeProfile, {"name": "X", "specialty": "primary_care", "states": {"TX": 1},
                                      "annual_revenue": 1, "technology": [
            {"vendor": "a", "product": "b", "cpe": "cpe:/a:fortinet:fortios"}]})
    assert "technology[0].cpe" in str(err.value)


def test_an_unknown_vendor_and_an_unknown_product_are_reported_not_dropped() -> None:
    m = match(practice({"vendor": "Acme Widgets", "product": "Gizmo"},
                       {"vendor": "Fortinet", "product": "FortiToaster"},
                       {"vendor": "Fortinet", "product": "FortiOS"}))
    assert [(u.item, u.field) for u in m.unknown] == [(0, "technology[0]"), (1, "technology[1]")]
    assert "unknown vendor 'Acme Widgets'" in m.unknown[0].reason
    assert "unknown product 'FortiToaster' of Fortinet" in m.unknown[1].reason
    assert cves(m, "fortios")       # the known item still matches


def test_the_older_fields_map_into_the_inventory() -> None:
    """remote_access: rdp_exposed is Microsoft Remote Desktop facing the internet (BlueKeep, CVE-2019-0708, used
    by ransomware: urgent); ehr names its vendor's EHR; remote_access: vpn without a product asks for it."""
    rdp = match(practice(remote_access="rdp_exposed", ehr={"vendor": "Epic", "hosting": "on_premises"}))
    bluekeep = {f.cve: f for f in rdp.findings}["CVE-2019-0708"]
    assert (bluekeep.product, bluekeep.internet_facing, bluekeep.urgent) == ("microsoft_rds", True, True)
    assert rdp.unknown == []
    vpn = match(practice(remote_access="vpn"))
    assert [u.field for u in vpn.unknown] == ["remote_access"]
    assert match(practice(remote_access="vpn", technology=[{"vendor": "SonicWall", "product": "SMA100"}])).unknown == []


def test_urgent_is_internet_facing_and_ransomware() -> None:
    """Mirth Connect CVE-2023-43208 (ransomware: Known): inside the network it is a finding, not urgent;
    facing the internet it is urgent. Due date and action are KEV's."""
    inside = {f.cve: f for f in match(practice({"vendor": "NextGen Healthcare", "product": "Mirth Connect",
                                                 "version": "4.3.0"})).findings}["CVE-2023-43208"]
    outside = {f.cve: f for f in match(practice({"vendor": "NextGen", "product": "Mirth", "version": "4.3.0",
                                                  "internet_facing": True})).findings}["CVE-2023-43208"]
    assert (inside.urgent, inside.known_ransomware, inside.version_affected) == (False, True, True)
    assert outside.urgent is True
    assert outside.due_date.isoformat() == "2024-06-10"
    assert outside.required_action.startswith("Apply mitigations per vendor instructions")


def test_a_profile_without_technology_has_no_findings() -> None:
    assert match(practice()).findings == []


def test_the_kev_schema_refuses_a_broken_catalog_naming_the_entry() -> None:
    data = to_kev(shipped_kev())
    assert parse_kev(data).digest == shipped_kev().digest          # written back, read again: same content
    data["vulnerabilities"][3]["cveID"] = "CVE-20X4-1"
    with pytest.raises(InvalidInput) as err:
        parse_kev(json.loads(json.dumps(data)))
    assert "vulnerabilities[3].cveID" in str(err.value)
