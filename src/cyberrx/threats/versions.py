"""Versions and CPE 2.3 ranges: whether a given version of a product is affected by a CVE.

KEV carries no CPEs. NVD's configurations do (a CPE 2.3 match string with ``versionStart/End Including/
Excluding``); the ranges cyberrx knows are in ``reference/data/threats_cpe_ranges.yaml``. A CVE without ranges,
or an item without a version, is *unknown* (None), never "not affected".

Versions compare token by token, numbers as numbers and words below numbers (``7.2.4`` < ``7.2.10``,
``13.1-49.13`` < ``13.1-49.15``, ``4.4.0-beta`` < ``4.4.0``), missing tokens as 0.

>>> version_key("13.1-49.15") > version_key("13.1-49.13"), version_key("7.2.10") > version_key("7.2.4")
(True, True)
>>> r = load_ranges()
>>> r.affected("CVE-2018-13379", "fortinet:fortios", "6.0.4"), r.affected("CVE-2018-13379", "fortinet:fortios", "6.0.5")
(True, False)
>>> r.affected("CVE-2018-13379", "fortinet:fortios", None), r.affected("CVE-2099-0001", "fortinet:fortios", "1.0")
(None, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cyberrx.errors import RuleFileError
from cyberrx.reference import check_sources, read_data_file

RANGES_FILE = "threats_cpe_ranges.yaml"

Key = tuple[tuple[int, int | str], ...]


def version_key(version: str) -> Key:
    """A sortable key: each token ``(1, number)`` or ``(0, word)`` (a word sorts below any number)."""
    out: list[tuple[int, int | str]] = []
    for tok in re.findall(r"\d+|[A-Za-z]+", version):
        out.append((1, int(tok)) if tok.isdigit() else (0, tok.casefold()))
    return tuple(out)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is below, equal to or above ``b`` (missing tokens count as 0)."""
    ka, kb = list(version_key(a)), list(version_key(b))
    n = max(len(ka), len(kb))
    ka += [(1, 0)] * (n - len(ka))
    kb += [(1, 0)] * (n - len(kb))
    for x, y in zip(ka, kb, strict=True):
        if x == y:
            continue
        if x[0] != y[0]:             # a word sorts below a number
            return -1 if x[0] < y[0] else 1
        return -1 if x[1] < y[1] else 1  # type: ignore[operator]  # same kind: both int or both str
    return 0


@dataclass(frozen=True)
class VersionRange:
    start_including: str | None = None
    start_excluding: str | None = None
    end_including: str | None = None
    end_excluding: str | None = None

    def contains(self, version: str) -> bool:
        if self.start_including is not None and compare(version, self.start_including) < 0:
            return False
        if self.start_excluding is not None and compare(version, self.start_excluding) <= 0:
            return False
        if self.end_including is not None and compare(version, self.end_including) > 0:
            return False
        return not (self.end_excluding is not None and compare(version, self.end_excluding) >= 0)


@dataclass(frozen=True)
class CveRanges:
    cve: str
    cpe: str                     # "vendor:product"
    ranges: tuple[VersionRange, ...]
    source: str


@dataclass(frozen=True)
class RangeTable:
    version: str
    by_cve: dict[str, CveRanges]

    def cpe_of(self, cve: str) -> str | None:
        r = self.by_cve.get(cve)
        return r.cpe if r else None

    def affected(self, cve: str, cpe_vendor_product: str, version: str | None) -> bool | None:
        """Whether ``version`` of the product ``cpe_vendor_product`` ("vendor:product") is affected by ``cve``:
        None when unknown (no version, no ranges for the CVE, or ranges for another product)."""
        r = self.by_cve.get(cve)
        if r is None or not version or version in ("*", "-") or r.cpe != cpe_vendor_product.casefold():
            return None
        return any(v.contains(version) for v in r.ranges)


def split_cpe_match(match: str) -> str:
    """``"cpe:2.3:o:fortinet:fortios"`` -> ``"fortinet:fortios"``."""
    parts = match.split(":")
    if len(parts) < 5 or parts[0] != "cpe" or parts[1] != "2.3":
        raise RuleFileError(f"{RANGES_FILE}: {match!r} is not a CPE 2.3 match string (cpe:2.3:part:vendor:product)")
    return f"{parts[3]}:{parts[4]}".casefold()


@lru_cache(maxsize=2)
def load_ranges(name: str = RANGES_FILE) -> RangeTable:
    data = read_data_file(name)
    check_sources(data, "", name)
    by_cve: dict[str, CveRanges] = {}
    for cve, spec in data["ranges"].items():
        if not str(spec.get("source", "")).strip():
            raise RuleFileError(f"{name}: {cve} has no source")
        ranges = tuple(VersionRange(**{k: str(v) for k, v in r.items()}) for r in spec["versions"])
        by_cve[cve] = CveRanges(cve=cve, cpe=split_cpe_match(spec["cpe"]), ranges=ranges, source=str(spec["source"]))
    return RangeTable(version=str(data["version"]), by_cve=by_cve)


def parse_cpe(name: str) -> tuple[str, str, str | None]:
    """``(vendor, product, version)`` of a CPE 2.3 formatted string, read with the ``cpe`` library; the version
    is None for ``*`` (any) or ``-`` (not applicable). Backslash escapes are dropped (``\\!`` -> ``!``).

    >>> parse_cpe("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")
    ('fortinet', 'fortios', '7.2.4')
    """
    from cpe import CPE

    c = CPE(name, CPE.VERSION_2_3)

    def first(values: list[str]) -> str:
        return values[0].replace("\\", "") if values else ""

    version = first(c.get_version())
    return first(c.get_vendor()).casefold(), first(c.get_product()).casefold(), \
        (None if version in ("", "*", "-", "ANY", "NA") else version)


__all__ = ["CveRanges", "RangeTable", "VersionRange", "compare", "load_ranges", "parse_cpe", "split_cpe_match",
           "version_key"]
