"""A STIX 2.1 bundle round trip (import, export, import) validated by the stix2 library."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stix2

from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import InvalidInput
from cyberrx.threats.kev import shipped_kev
from cyberrx.threats.matching import match
from cyberrx.threats.stix import bundle_counts, export_bundle, import_bundle

T = "2024-02-09T00:00:00Z"


def analyst_bundle() -> dict[str, Any]:
    """What a carrier's analyst might receive: a vulnerability, the ransomware that exploits it, an indicator of
    that ransomware, the attack pattern, and the course of action that mitigates the vulnerability."""
    vuln = stix2.Vulnerability(
        name="CVE-2024-21762", description="FortiOS out-of-bounds write in the SSL VPN (sslvpnd).",
        external_references=[{"source_name": "cve", "external_id": "CVE-2024-21762"}], created=T, modified=T,
        allow_custom=True, x_kev_vendor_project="Fortinet", x_kev_product="FortiOS", x_kev_due_date="2024-02-16",
        x_kev_date_added="2024-02-09", x_kev_vulnerability_name="Fortinet FortiOS Out-of-Bound Write Vulnerability")
    other = stix2.Vulnerability(
        name="CVE-2023-43208", external_references=[{"source_name": "cve", "external_id": "CVE-2023-43208"}],
        created=T, modified=T, allow_custom=True, x_kev_vendor_project="NextGen Healthcare",
        x_kev_product="Mirth Connect", x_kev_date_added="2024-05-20")
    ransomware = stix2.Malware(name="LockBit", is_family=True, malware_types=["ransomware"], created=T, modified=T)
    indicator = stix2.Indicator(name="LockBit loader hash", pattern_type="stix",
                                pattern="[file:hashes.'SHA-256' = "
                                        "'aec46b3d0a5bb1a8d6e5e8a3c5d6b1f0e9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4']",
                                valid_from=T, created=T, modified=T)
    pattern = stix2.AttackPattern(name="Exploit Public-Facing Application",
                                  external_references=[{"source_name": "mitre-attack", "external_id": "T1190"}],
                                  created=T, modified=T)
    coa = stix2.CourseOfAction(name="Upgrade FortiOS", description="Upgrade FortiOS to 7.4.3, 7.2.7, 7.0.14 or "
                               "later, or disable the SSL VPN.", created=T, modified=T)
    rels = [stix2.Relationship(ransomware, "exploits", vuln, created=T, modified=T),
            stix2.Relationship(indicator, "indicates", ransomware, created=T, modified=T),
            stix2.Relationship(pattern, "targets", vuln, created=T, modified=T),
            stix2.Relationship(coa, "mitigates", vuln, created=T, modified=T)]
    bundle = stix2.Bundle(vuln, other, ransomware, indicator, pattern, coa, *rels, allow_custom=True)
    data: dict[str, Any] = json.loads(bundle.serialize())
    return data


def test_an_analysts_bundle_imports_to_entries() -> None:
    feed = import_bundle(analyst_bundle())
    assert [e.cve for e in feed.entries] == ["CVE-2023-43208", "CVE-2024-21762"]
    fortios = feed.entries[1]
    assert (fortios.vendor, fortios.product, fortios.known_ransomware) == ("Fortinet", "FortiOS", True)
    assert fortios.required_action.startswith("Upgrade FortiOS to 7.4.3")
    assert fortios.due_date is not None and fortios.due_date.isoformat() == "2024-02-16"
    assert feed.entries[0].known_ransomware is False          # no ransomware exploits it in this bundle
    assert bundle_counts(analyst_bundle()) == {"vulnerability": 2, "malware": 1, "indicator": 1,
                                               "attack-pattern": 1, "course-of-action": 1, "relationship": 4}


def test_round_trip_import_export_import_is_validated_by_stix2() -> None:
    first = import_bundle(analyst_bundle())
    exported = export_bundle(first).serialize()
    parsed = stix2.parse(exported, allow_custom=True)          # stix2 validates every object on parse
    assert {o["type"] for o in parsed.objects} == {"vulnerability", "malware", "course-of-action", "relationship"}
    again = import_bundle(exported, version=first.version)
    assert again.entries == first.entries
    assert again.digest == first.digest
    assert export_bundle(again).serialize() == exported      # deterministic ids: the same feed, the same bundle


def test_the_kev_snapshot_round_trips_through_stix() -> None:
    kev = shipped_kev()
    exported = export_bundle(kev).serialize()
    back = import_bundle(exported, version=kev.version)
    assert back.digest == kev.digest
    assert sum(e.known_ransomware for e in back.entries) == 293


def test_a_stix_feed_matches_like_kev() -> None:
    feed = import_bundle(analyst_bundle())
    p = PracticeProfile.model_validate({"name": "X", "specialty": "primary_care", "states": {"TX": 10},
                                        "annual_revenue": 1e6, "technology": [
        {"vendor": "Fortinet", "product": "FortiGate", "version": "7.2.6"}]})
    [f] = match(p, feed).findings
    assert (f.cve, f.urgent, f.version_affected) == ("CVE-2024-21762", True, True)


def test_an_invalid_bundle_is_refused_naming_the_problem() -> None:
    data = analyst_bundle()
    data["objects"][0]["id"] = "vulnerability--not-a-uuid"
    with pytest.raises(InvalidInput) as err:
        import_bundle(data)
    assert "not a valid STIX 2.1 bundle" in str(err.value)
    with pytest.raises(InvalidInput):
        import_bundle({"type": "indicator"})
