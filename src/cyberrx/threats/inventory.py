"""A practice's technology inventory normalised to the catalogue's vendor and product ids.

Items come from the profile's ``technology`` list, and from two older fields: ``ehr`` (its vendor's EHR product,
internet-facing never assumed: an on-premises EHR sits inside; a cloud EHR is the vendor's to patch) and
``remote_access`` (``rdp_exposed`` is Microsoft Remote Desktop facing the internet; ``vpn`` and
``vendor_portal`` name no product, so they are reported as unknown, asking for the product). An item whose
vendor or product is not in the catalogue is reported (:class:`~cyberrx.domain.threats.Unknown`), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberrx.domain.profile import PracticeProfile, TechnologyItem
from cyberrx.domain.threats import MatchedBy, Unknown
from cyberrx.threats.catalogue import Catalogue, Product
from cyberrx.threats.versions import parse_cpe
from cyberrx.vocab import RemoteAccess, TechnologyRole


@dataclass(frozen=True)
class InventoryItem:
    """One recognised item: the catalogue's product, how it was recognised, its version (the item's ``version``,
    else its CPE's), role and exposure (stated, else the role's default)."""

    index: int | None             # position in ``technology``; None for one from ``ehr`` / ``remote_access``
    field: str
    product: Product
    matched_by: MatchedBy
    version: str | None
    role: TechnologyRole
    internet_facing: bool


def legacy_items(profile: PracticeProfile) -> list[tuple[str, TechnologyItem]]:
    """The items the older ``ehr`` and ``remote_access`` fields stand for, with the field they come from."""
    out: list[tuple[str, TechnologyItem]] = []
    if profile.ehr.vendor.strip().casefold() not in ("", "unknown", "none"):
        out.append(("ehr", TechnologyItem(vendor=profile.ehr.vendor, product=profile.ehr.vendor,
                                          role=TechnologyRole.EHR, internet_facing=False)))
    if profile.remote_access is RemoteAccess.RDP_EXPOSED:
        out.append(("remote_access", TechnologyItem(vendor="Microsoft", product="Remote Desktop Services",
                                                    role=TechnologyRole.REMOTE_ACCESS, internet_facing=True)))
    return out


def _recognise(item: TechnologyItem, catalogue: Catalogue) -> tuple[Product, MatchedBy, str | None] | str:
    """The item's product, how, and the CPE's version; or the reason it is unknown."""
    cpe_version: str | None = None
    if item.cpe:
        cpe_vendor, cpe_product, cpe_version = parse_cpe(item.cpe)
        pid = catalogue.product_for_cpe(cpe_vendor, cpe_product)
        if pid is not None:
            return catalogue.products[pid], "cpe", cpe_version
    vendor = catalogue.vendor_id(item.vendor)
    if vendor is None:
        return f"unknown vendor {item.vendor.strip()!r}"
    found = catalogue.product_id(vendor, item.product)
    if found is None and item.role is not None and item.product.strip().casefold() == item.vendor.strip().casefold():
        # "vendor: Epic, product: Epic": the vendor's one product in that role
        candidates = catalogue.vendor_products(vendor, item.role)
        if len(candidates) == 1:
            found = (candidates[0].id, "alias")
    if found is None:
        known = ", ".join(p.name for p in catalogue.vendor_products(vendor)) or "none"
        return f"unknown product {item.product.strip()!r} of {catalogue.vendors[vendor]} (known: {known})"
    how: MatchedBy = "id" if found[1] == "id" else "alias"
    return catalogue.products[found[0]], how, cpe_version


def normalise(profile: PracticeProfile, catalogue: Catalogue) -> tuple[list[InventoryItem], list[Unknown]]:
    """The profile's recognised items and the unknown ones, in the order given (``technology`` first)."""
    sources: list[tuple[int | None, str, TechnologyItem]] = [
        (i, f"technology[{i}]", t) for i, t in enumerate(profile.technology)]
    sources += [(None, f, t) for f, t in legacy_items(profile)]
    items: list[InventoryItem] = []
    unknown: list[Unknown] = []
    for index, where, item in sources:
        got = _recognise(item, catalogue)
        if isinstance(got, str):
            unknown.append(Unknown(item=index, field=where, vendor=item.vendor.strip(), product=item.product.strip(),
                                   reason=got))
            continue
        product, how, cpe_version = got
        role = item.role or product.role
        facing = item.internet_facing
        if facing is None:
            facing = catalogue.internet_facing_default(role)
        items.append(InventoryItem(index=index, field=where, product=product, matched_by=how,
                                   version=item.version or cpe_version, role=role, internet_facing=facing))
    if profile.remote_access in (RemoteAccess.VPN, RemoteAccess.VENDOR_PORTAL) and not any(
            i.role in (TechnologyRole.VPN, TechnologyRole.REMOTE_ACCESS, TechnologyRole.REMOTE_SUPPORT,
                       TechnologyRole.FIREWALL) for i in items):
        unknown.append(Unknown(item=None, field="remote_access", vendor="", product="",
                               reason=f"remote_access is {profile.remote_access.value} but no product is named: "
                                      "add it to technology (vendor and product) so alerts can reach you"))
    return items, unknown


__all__ = ["InventoryItem", "legacy_items", "normalise"]
