"""Risk and cover: an open urgent finding raises the frequency of the scenarios it enables; closing it returns
the figures exactly; the rule file turns it into a subjectivity naming the CVE."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import example_profile

import cyberrx
from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.threats import Finding
from cyberrx.engine.analytic import expected_annual_loss
from cyberrx.engine.scenarios import build_parameters
from cyberrx.reference import load_loss_model
from cyberrx.threats.catalogue import load_catalogue, load_risk
from cyberrx.threats.matching import match
from cyberrx.threats.risk import exposed, exposures, finding_hicp, is_small
from cyberrx.vocab import SCENARIOS

PROFILES = {name: example_profile(f"{name}.yaml") for name in
            ("solo-therapy-office", "lakeside-family-medicine", "valley-multispecialty-group", "exposed-rdp-clinic")}
PRODUCTS = sorted(p.id for p in load_catalogue().products.values())


def finding(product: str, cve: str, urgent: bool) -> Finding:
    return Finding(cve=cve, vendor=load_catalogue().products[product].vendor, product=product, matched_by="id",
                   version_affected=None, internet_facing=urgent, known_ransomware=True, urgent=urgent,
                   due_date=None, required_action="Apply updates per vendor instructions.")


findings_st = st.lists(st.builds(finding, st.sampled_from(PRODUCTS),
                                 st.from_regex(r"CVE-20[12][0-9]-[0-9]{4,5}", fullmatch=True), st.booleans()),
                       max_size=6)


def el(profile: PracticeProfile) -> float:
    return expected_annual_loss(build_parameters(profile, load_loss_model().tables))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(PROFILES)), before=findings_st, extra=st.sampled_from(PRODUCTS),
       cve=st.from_regex(r"CVE-20[12][0-9]-[0-9]{4,5}", fullmatch=True))
def test_adding_an_urgent_finding_never_lowers_expected_loss(name: str, before: list[Finding], extra: str,
                                                              cve: str) -> None:
    base = PROFILES[name]
    without = exposed(base, before)
    with_one = exposed(base, [*before, finding(extra, cve, urgent=True)])
    assert el(with_one) >= el(without)
    freq_without = build_parameters(without, load_loss_model().tables).frequency
    freq_with = build_parameters(with_one, load_loss_model().tables).frequency
    assert (freq_with >= freq_without).all()


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(PROFILES)), open_findings=findings_st)
def test_closing_every_finding_returns_the_figures_exactly(name: str, open_findings: list[Finding]) -> None:
    base = PROFILES[name]
    closed = exposed(exposed(base, open_findings), [])      # patched: the matching finds nothing open
    assert closed == base
    a = build_parameters(closed, load_loss_model().tables)
    b = build_parameters(base, load_loss_model().tables)
    assert all((getattr(a, f) == getattr(b, f)).all() for f in ("frequency", "records_median", "ransom_median"))


def test_a_seeded_assessment_with_and_without_a_patched_finding() -> None:
    """Open: the ransomware frequency is 2.5x (threats_risk.yaml) and the mean rises; patched: the seeded
    assessment is the one without the finding, figure for figure."""
    lakeside = PROFILES["lakeside-family-medicine"]
    f = finding("fortios", "CVE-2024-21762", urgent=True)
    base = cyberrx.assess(lakeside, trials=5_000, seed=3).to_dict()
    opened = cyberrx.assess(exposed(lakeside, [f]), trials=5_000, seed=3).to_dict()
    closed = cyberrx.assess(exposed(exposed(lakeside, [f]), []), trials=5_000, seed=3).to_dict()
    assert closed == base
    assert opened["annual_loss"]["mean"] > base["annual_loss"]["mean"]
    i = [s.value for s in SCENARIOS].index("ransomware")
    fa = build_parameters(exposed(lakeside, [f]), load_loss_model().tables).frequency
    fb = build_parameters(lakeside, load_loss_model().tables).frequency
    assert fa[i] == fb[i] * load_risk().urgent_multiplier == fb[i] * 2.5
    # lost devices are not enabled by a firewall's vulnerability
    j = [s.value for s in SCENARIOS].index("lost_device")
    assert fa[j] == fb[j]


def test_non_urgent_findings_raise_nothing_and_rdp_is_not_counted_twice() -> None:
    assert exposures([finding("fortios", "CVE-2019-5591", urgent=False)]) == []
    rdp = PROFILES["exposed-rdp-clinic"]
    m = match(rdp)
    assert any(f.urgent and f.product == "microsoft_rds" for f in m.findings)   # reported ...
    assert exposed(rdp, m.findings).exposures == []                             # ... already priced by remote_access


def _quote(profile: PracticeProfile) -> Any:
    return cyberrx.quote(profile, limits=[1_000_000], retentions=[10_000])


def test_the_rule_file_adds_a_subjectivity_naming_the_cve_and_the_price_rises() -> None:
    lakeside = PROFILES["lakeside-family-medicine"]
    f = finding("fortios", "CVE-2024-21762", urgent=True)
    plain, opened = _quote(lakeside), _quote(exposed(lakeside, [f]))
    subj = [s for s in opened.options[0].subjectivities if s["rule"] == "OPEN-URGENT-KEV"]
    assert len(subj) == 1
    assert "CVE-2024-21762" in subj[0]["message"] and subj[0]["days"] == 14
    assert not [s for s in plain.options[0].subjectivities if s["rule"] == "OPEN-URGENT-KEV"]
    assert opened.options[0].technical.technical_premium > plain.options[0].technical.technical_premium


def test_hicp_links_are_sized_for_the_practice() -> None:
    f = finding("citrix_netscaler", "CVE-2023-4966", urgent=True)
    small = finding_hicp(f, is_small(PROFILES["solo-therapy-office"]))
    large = finding_hicp(f, is_small(PROFILES["valley-multispecialty-group"]))
    assert [h.practice for h in small] == [7, 6]          # patching first, then network management (a VPN)
    assert small[0].volume.startswith("Technical Volume 1") and small[0].sub_practice.startswith("7.S.")
    assert large[0].volume.startswith("Technical Volume 2") and large[0].sub_practice.startswith("7.M.")


def test_the_control_mapping_uses_hicp_2023_and_names_what_is_not_hicp() -> None:
    """issue 15's review: funds-transfer verification is payment-fraud guidance and the risk analysis is the HIPAA
    Security Rule's (45 CFR 164.308(a)(1)), not HICP sub-practices; no 2019-edition code is left."""
    from cyberrx.underwriting.roi import load_control_costs
    from cyberrx.vocab import Control

    costs = load_control_costs()
    ftv, ra = costs.hicp(Control.FUNDS_TRANSFER_VERIFICATION), costs.hicp(Control.RISK_ANALYSIS_CURRENT)
    assert ftv["practice"] is None and "Payment-fraud" in ftv["name"]
    assert ra["practice"] is None and "164.308(a)(1)" in ra["sub_practice"]
    assert all("2019" not in costs.hicp(c)["sub_practice"] for c in Control)
    names = {h["practice"]: h["name"] for h in (costs.hicp(c) for c in Control) if h["practice"] is not None}
    assert names[3] == "Identity and Access Management"
    assert names[8] == "Security Operations Center and Incident Response"


def test_hicp_practices_5_6_and_9_are_asked_and_change_nothing_in_the_model() -> None:
    base = PROFILES["lakeside-family-medicine"]
    answered = base.model_copy(update={"security_practices": base.security_practices.model_copy(update={
        "asset_inventory": True, "network_segmentation": False, "medical_devices_managed": True,
        "networked_medical_devices": 3})})
    a = build_parameters(base, load_loss_model().tables)
    b = build_parameters(answered, load_loss_model().tables)
    assert (a.frequency == b.frequency).all()
