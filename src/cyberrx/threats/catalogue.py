"""The threat catalogue: vendors and products normalised to ids, with the spellings KEV and practices use.

Loaded once per process from ``reference/data/threats_catalogue.yaml``. Names compare after trimming, collapsing
inner whitespace and case-folding, so KEV's ``"SimpleHelp "`` (trailing space) and a practice's ``"simplehelp"``
are the same vendor.

>>> c = load_catalogue()
>>> c.vendor_id("Pulse Secure"), c.product_id("ivanti", "Pulse Connect Secure")
('ivanti', ('ivanti_connect_secure', 'alias'))
>>> c.kev_roles("Zyxel", "Multiple Firewalls"), c.kev_products("Fortinet", "FortiOS and FortiProxy")
(('firewall',), ('fortios', 'fortiproxy'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cyberrx.errors import RuleFileError
from cyberrx.reference import check_sources, read_data_file
from cyberrx.vocab import Scenario, TechnologyRole

CATALOGUE_FILE = "threats_catalogue.yaml"
RISK_FILE = "threats_risk.yaml"


def norm(name: str) -> str:
    """A name as compared: trimmed, inner whitespace collapsed, case-folded.

    >>> norm("  Privileged Remote Access (PRA) and  Remote Support (RS) ")
    'privileged remote access (pra) and remote support (rs)'
    """
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass(frozen=True)
class Product:
    id: str
    vendor: str
    name: str
    role: TechnologyRole
    aliases: tuple[str, ...]
    kev: tuple[str, ...]
    mentions: tuple[str, ...]
    cpe: str                      # "vendor:product" of the CPE 2.3 dictionary

    def mentioned_in(self, text: str) -> bool:
        """Whether ``text`` (a KEV entry's name and description) names this product (whole words, any case)."""
        return any(re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text, flags=re.IGNORECASE)
                   for m in self.mentions)


@dataclass(frozen=True)
class Catalogue:
    version: str
    vendors: dict[str, str]                       # id -> display name
    products: dict[str, Product]
    roles: dict[TechnologyRole, dict[str, Any]]
    groups: dict[str, str]                        # group -> label
    _vendor_names: dict[str, str] = field(repr=False)              # norm(spelling) -> vendor id
    _product_names: dict[tuple[str, str], tuple[str, str]] = field(repr=False)  # (vendor, norm) -> (id, how)
    _kev_products: dict[tuple[str, str], tuple[str, ...]] = field(repr=False)
    _kev_families: dict[tuple[str, str], TechnologyRole] = field(repr=False)
    _cpe_products: dict[str, str] = field(repr=False)              # "vendor:product" -> product id

    def vendor_id(self, name: str) -> str | None:
        """The vendor id for a spelling (its id, its name or an alias), None if unknown."""
        return self._vendor_names.get(norm(name))

    def product_id(self, vendor: str, name: str) -> tuple[str, str] | None:
        """``(product id, how)`` for a spelling of a product of ``vendor`` (an id): ``how`` is ``"id"`` when the
        spelling is the product's id or name, ``"alias"`` for another spelling; None if unknown."""
        return self._product_names.get((vendor, norm(name)))

    def product_for_cpe(self, cpe_vendor: str, cpe_product: str) -> str | None:
        return self._cpe_products.get(f"{cpe_vendor}:{cpe_product}".casefold())

    def kev_products(self, vendor: str, product: str) -> tuple[str, ...]:
        """The product ids a KEV entry's (vendor, product) spelling names; () for a "Multiple ..." spelling or an
        unknown one."""
        v = self.vendor_id(vendor)
        return self._kev_products.get((v, norm(product)), ()) if v else ()

    def kev_roles(self, vendor: str, product: str) -> tuple[TechnologyRole, ...]:
        """The roles a KEV entry's spelling falls in (its products' roles, or its product family's)."""
        v = self.vendor_id(vendor)
        if v is None:
            return ()
        roles = [self.products[p].role for p in self.kev_products(vendor, product)]
        fam = self._kev_families.get((v, norm(product)))
        if fam is not None:
            roles.append(fam)
        return tuple(dict.fromkeys(roles))

    def is_multiple(self, product: str) -> bool:
        """Whether a KEV product spelling names several products ("Multiple Products", "Multiple Firewalls")."""
        return norm(product).startswith("multiple ")

    def group(self, role: TechnologyRole) -> str:
        return str(self.roles[role]["group"])

    def internet_facing_default(self, role: TechnologyRole) -> bool:
        return bool(self.roles[role]["internet_facing"])

    def vendor_products(self, vendor: str, role: TechnologyRole | None = None) -> list[Product]:
        return [p for p in self.products.values() if p.vendor == vendor and (role is None or p.role is role)]


def _role(value: Any, where: str) -> TechnologyRole:
    try:
        return TechnologyRole(value)
    except ValueError:
        raise RuleFileError(f"{CATALOGUE_FILE}: {where}: unknown role {value!r}") from None


@lru_cache(maxsize=2)
def load_catalogue(name: str = CATALOGUE_FILE) -> Catalogue:
    """The catalogue (checked: every vendor a product names exists, every role is known, no spelling means two
    products of one vendor)."""
    data = read_data_file(name)
    check_sources(data, "", name)
    roles = {_role(r, f"roles.{r}"): spec for r, spec in data["roles"].items()}
    missing = [r.value for r in TechnologyRole if r not in roles]
    if missing:
        raise RuleFileError(f"{name}: roles {missing} have no entry")
    vendors: dict[str, str] = {}
    vendor_names: dict[str, str] = {}
    for vid, spec in data["vendors"].items():
        vendors[vid] = str(spec["name"])
        for spelling in (vid, spec["name"], *spec.get("aliases", [])):
            other = vendor_names.setdefault(norm(str(spelling)), vid)
            if other != vid:
                raise RuleFileError(f"{name}: vendor spelling {spelling!r} names both {other} and {vid}")
    products: dict[str, Product] = {}
    product_names: dict[tuple[str, str], tuple[str, str]] = {}
    kev_products: dict[tuple[str, str], tuple[str, ...]] = {}
    cpe_products: dict[str, str] = {}
    for pid, spec in data["products"].items():
        if spec["vendor"] not in vendors:
            raise RuleFileError(f"{name}: products.{pid}: unknown vendor {spec['vendor']!r}")
        p = Product(id=pid, vendor=spec["vendor"], name=str(spec["name"]), role=_role(spec["role"], f"products.{pid}"),
                    aliases=tuple(spec.get("aliases", [])), kev=tuple(spec.get("kev", [])),
                    mentions=tuple(spec.get("mentions", [])), cpe=str(spec["cpe"]))
        products[pid] = p
        for spelling, how in ((pid, "id"), (p.name, "id"), *((a, "alias") for a in p.aliases)):
            key = (p.vendor, norm(spelling))
            if key in product_names and product_names[key][0] != pid:
                raise RuleFileError(f"{name}: product spelling {spelling!r} of {p.vendor} names both "
                                    f"{product_names[key][0]} and {pid}")
            product_names.setdefault(key, (pid, how))
        for spelling in p.kev:
            key = (p.vendor, norm(spelling))
            kev_products[key] = (*kev_products.get(key, ()), pid)
            product_names.setdefault(key, (pid, "alias"))
        cpe_products[p.cpe.replace("\\", "").casefold()] = pid
    families = {(f["vendor"], norm(f["kev"])): _role(f["role"], f"families {f['kev']}") for f in data["families"]}
    return Catalogue(version=str(data["version"]), vendors=vendors, products=products, roles=roles,
                     groups=dict(data["groups"]), _vendor_names=vendor_names, _product_names=product_names,
                     _kev_products=kev_products, _kev_families=families, _cpe_products=cpe_products)


@dataclass(frozen=True)
class ThreatRisk:
    """threats_risk.yaml: the frequency multiplier of an open urgent finding, the scenarios each role group's
    findings enable, and alert timing."""

    version: str
    urgent_multiplier: float
    urgent_source: str
    scenarios: dict[str, tuple[Scenario, ...]]
    reminder_after_days: int
    patch_within_days: int


@lru_cache(maxsize=2)
def load_risk(name: str = RISK_FILE) -> ThreatRisk:
    data = read_data_file(name)
    check_sources(data, "", name)
    exposure = data["exposure"]
    mult = exposure["urgent_finding"]["frequency_multiplier"]
    if not 1.0 <= float(mult["value"]) <= 20.0:
        raise RuleFileError(f"{name}: the urgent finding's frequency multiplier must lie in [1, 20]")
    scenarios = {g: tuple(Scenario(s) for s in v) for g, v in exposure["scenarios"].items() if g != "source"}
    return ThreatRisk(version=str(data["version"]), urgent_multiplier=float(mult["value"]),
                      urgent_source=str(mult["source"]), scenarios=scenarios,
                      reminder_after_days=int(data["alerts"]["reminder_after_days"]["value"]),
                      patch_within_days=int(data["alerts"]["patch_within_days"]["value"]))


__all__ = ["Catalogue", "Product", "ThreatRisk", "load_catalogue", "load_risk", "norm"]
