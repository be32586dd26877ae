"""A practice's shared dependencies: the vendors and products it shares with other insureds, as normalised ids.

One function, :func:`shared_dependencies`, reads them from the profile: the EHR vendor (a hosting dependency
when the EHR is hosted, a product when it runs on the practice's own servers), each business associate, and the
remote-access method. When the profile gains a technology inventory (another issue), this is the one place that
reads it: an item with a ``product`` (or ``vendor``) name becomes a product dependency.

Ids are ``vendor:<name>`` or ``product:<name>`` with the name normalised (:func:`normalise`): "Change
Healthcare, Inc." and "change healthcare" are the same vendor.

>>> normalise("Change Healthcare, Inc.")
'change-healthcare'
>>> normalise("  athenahealth ")
'athenahealth'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.vocab import Hosting, RemoteAccess

_SUFFIXES = ("inc", "llc", "ltd", "corp", "corporation", "co", "company", "plc", "lp", "llp", "group")
_UNKNOWN = frozenset({"", "unknown", "none", "n-a", "other"})


def normalise(name: str) -> str:
    """A vendor or product name as an id: lower case, runs of other characters as one ``-``, legal suffixes
    (Inc, LLC, Corp...) dropped."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "-".join(words)


@dataclass(frozen=True)
class Dependency:
    """One shared dependency of one practice.

    ``id`` ``vendor:<name>`` or ``product:<name>``; ``kind`` ``vendor`` or ``product``; ``service`` the vendor's
    service (``ehr``, ``billing``, ``clearinghouse``... or ``product``); ``critical``: the practice cannot work or
    be paid while it is down (a vendor outage hits it); ``records_held_share``: the share of the practice's
    records the vendor holds (0 when it holds no PHI: a vendor breach does not reach the practice).
    """

    id: str
    kind: str
    service: str
    critical: bool
    records_held_share: float


def _records_share(service: str, vendor_services: Mapping[str, Any]) -> float:
    block = vendor_services.get(service, vendor_services.get("other", {}))
    figure = block.get("records_held_share", {"value": 0.2})
    return float(figure["value"] if isinstance(figure, Mapping) else figure)


def shared_dependencies(profile: PracticeProfile, *, outage_services: frozenset[str],
                        remote_access_products: Mapping[str, str],
                        vendor_services: Mapping[str, Any]) -> tuple[Dependency, ...]:
    """The practice's shared dependencies, one per id (the first mention wins; ``critical`` and the records
    share are the largest over its mentions), in a stable order.

    Args:
        profile: the practice.
        outage_services: the services whose outage stops the practice (systemic_events.yaml
            ``dependencies.outage_services``); a business associate marked ``critical`` counts whatever its service.
        remote_access_products: remote-access method -> product id (``dependencies.remote_access_product``).
        vendor_services: loss_model.yaml ``vendor_services`` (the share of records a vendor of a service holds).
    """
    found: dict[str, Dependency] = {}

    def add(dep: Dependency) -> None:
        seen = found.get(dep.id)
        if seen is None:
            found[dep.id] = dep
        else:
            found[dep.id] = Dependency(seen.id, seen.kind, seen.service, seen.critical or dep.critical,
                                       max(seen.records_held_share, dep.records_held_share))

    ehr = normalise(profile.ehr.vendor)
    if ehr not in _UNKNOWN:
        if profile.ehr.hosting is Hosting.CLOUD:
            add(Dependency(f"vendor:{ehr}", "vendor", "ehr", True, 1.0))
        else:
            add(Dependency(f"product:{ehr}", "product", "product", False, 0.0))
    records = max(profile.records, 1)
    for ba in profile.business_associates:
        name = normalise(ba.name)
        if name in _UNKNOWN:
            continue
        share = 0.0
        if ba.holds_phi:
            share = (min(1.0, ba.records_held / records) if ba.records_held is not None
                     else _records_share(ba.service, vendor_services))
        add(Dependency(f"vendor:{name}", "vendor", ba.service, ba.critical or ba.service in outage_services, share))
    if profile.remote_access is not RemoteAccess.NONE:
        product = remote_access_products.get(profile.remote_access.value)
        if product:
            add(Dependency(f"product:{normalise(product)}", "product", "product", False, 0.0))
    # the technology inventory (issue 17's profile field), read here once it exists
    for item in getattr(profile, "technology", None) or ():
        name = normalise(str(getattr(item, "product", None) or getattr(item, "vendor", None) or ""))
        if name not in _UNKNOWN:
            add(Dependency(f"product:{name}", "product", "product", False, 0.0))
    return tuple(found.values())


__all__ = ["Dependency", "normalise", "shared_dependencies"]
