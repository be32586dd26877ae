"""What an open finding does to risk and cover, and the HICP practice that answers it.

An urgent finding (internet-facing, known ransomware use) becomes an :class:`~cyberrx.domain.profile.Exposure`
on the profile: the engine multiplies the frequency of the scenarios it enables (threats_risk.yaml). A profile
with no urgent finding keeps an empty list, so its figures are exactly those of the model without threats.

>>> from cyberrx.domain.threats import Finding
>>> f = Finding(cve="CVE-2024-21762", vendor="fortinet", product="fortios", matched_by="id", version_affected=None,
...             internet_facing=True, known_ransomware=True, urgent=True, due_date=None, required_action="")
>>> e = exposures([f])[0]
>>> e.id, [s.value for s in e.scenarios], e.frequency_multiplier
('CVE-2024-21762 on fortios', ['ransomware', 'ransomware_exfiltration', 'network_intrusion'], 2.5)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cyberrx.domain.profile import Exposure, PracticeProfile
from cyberrx.domain.threats import Finding, HicpLink
from cyberrx.reference import read_data_file
from cyberrx.threats.catalogue import Catalogue, ThreatRisk, load_catalogue, load_risk
from cyberrx.threats.inventory import normalise

HICP_FILE = "threats_hicp.yaml"


def exposures(findings: list[Finding], *, catalogue: Catalogue | None = None, risk: ThreatRisk | None = None,
              priced_elsewhere: frozenset[str] = frozenset()) -> list[Exposure]:
    """One exposure per open urgent finding (non-urgent findings raise nothing). ``priced_elsewhere``: products
    whose exposure the loss model already prices (Remote Desktop from ``remote_access: rdp_exposed``)."""
    cat = catalogue or load_catalogue()
    rk = risk or load_risk()
    out: list[Exposure] = []
    for f in findings:
        if not f.urgent or f.product in priced_elsewhere:
            continue
        group = cat.group(cat.products[f.product].role)
        out.append(Exposure(id=f"{f.cve} on {f.product}", scenarios=list(rk.scenarios[group]),
                            frequency_multiplier=rk.urgent_multiplier, source=rk.urgent_source))
    return out


def priced_elsewhere(profile: PracticeProfile, catalogue: Catalogue | None = None) -> frozenset[str]:
    """Products that come only from the older fields and that the loss model already prices: Remote Desktop
    from ``remote_access: rdp_exposed`` (the remote-access factor of loss_model.yaml). Their findings are
    reported but not counted twice. A product also listed in ``technology`` is not excluded."""
    cat = catalogue or load_catalogue()
    items, _ = normalise(profile, cat)
    listed = {i.product.id for i in items if i.index is not None}
    return frozenset(i.product.id for i in items if i.field == "remote_access" and i.product.id not in listed)


def exposed(profile: PracticeProfile, findings: list[Finding]) -> PracticeProfile:
    """The profile carrying exactly the exposures of ``findings`` (closing every finding gives back the figures
    of the profile without exposures, bit for bit)."""
    return profile.with_exposures(exposures(findings, priced_elsewhere=priced_elsewhere(profile)))


@lru_cache(maxsize=1)
def _hicp() -> dict[str, Any]:
    return read_data_file(HICP_FILE)


def is_small(profile: PracticeProfile) -> bool:
    """Whether HICP's small-organisation volume fits the practice (no dedicated IT staff). cyberrx draws the line
    where underwriting does (underwriting_rules.yaml ``segments.large_group``: large when ANY threshold is reached,
    employees, endpoints, revenue or records)."""
    seg = read_data_file("underwriting_rules.yaml")["segments"]["large_group"]
    values = {"employees": profile.employees, "endpoints": profile.endpoints,
              "annual_revenue": profile.annual_revenue, "records": profile.records}
    return not any(values[k] >= float(seg[k]["value"]) for k in values if k in seg)


def hicp_link(area: str, small: bool) -> HicpLink:
    """The HICP 2023 practice of ``area`` (threats_hicp.yaml), from the volume that fits the practice's size."""
    spec = _hicp()["areas"][area]
    return HicpLink(practice=int(spec["practice"]), name=str(spec["name"]),
                    volume="Technical Volume 1 (small organisations), 2023" if small
                    else "Technical Volume 2 (medium and large organisations), 2023",
                    sub_practice=str(spec["small" if small else "medium_large"]))


def finding_hicp(finding: Finding, small: bool, catalogue: Catalogue | None = None) -> list[HicpLink]:
    """Patching first (practice 7), then the practice of the product's role (e.g. 6 Network Management for a VPN)."""
    cat = catalogue or load_catalogue()
    primary = str(_hicp()["finding_primary"])
    role_area = str(cat.roles[cat.products[finding.product].role]["hicp"])
    return [hicp_link(a, small) for a in dict.fromkeys((primary, role_area))]


__all__ = ["exposed", "exposures", "finding_hicp", "hicp_link", "is_small", "priced_elsewhere"]
