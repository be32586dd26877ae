"""The systemic-event catalogue (reference data ``systemic_events.yaml``) and the draw of a block's events.

Each kind of event has an annual rate *per dependency* (vendor or product) and a severity that is drawn once per
event and shared by every insured it hits: the outage's hours (vendor outage, product exploitation), the share of
its clients' records a vendor breach exposes. What each insured loses is computed from its own figures
(:mod:`cyberrx.portfolio.kernel`).

The events of block ``b`` of kind ``k`` at dependency ``d`` are drawn from ``stream(seed, "systemic", k, d, d',
b)`` (``d'`` a second hash of the id, so two dependencies never share a stream in practice): they do not depend on
which other dependencies the book has, nor on which insureds depend on ``d``, so two books compared with the same
seed see the same events (common random numbers), and every executor and chunking sees the same events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cyberrx.engine.rng import stream

#: kinds of systemic event, by code (the order of ``KINDS`` is part of the model: codes are stored per event)
KINDS: tuple[str, ...] = ("vendor_outage", "vendor_breach", "product_exploitation")
OUTAGE, BREACH, EXPLOIT = 0, 1, 2


@dataclass(frozen=True)
class EventKind:
    """One kind of systemic event. ``rate`` per dependency per year; ``hours_*`` the outage's hours (lognormal
    with median and log-sd, capped; 0 for a breach); ``share_alpha``/``share_beta`` the Beta of the exposed
    share of records (breach); ``compromised_share`` and ``late_patch_multiplier`` (exploitation)."""

    id: str
    applies_to: str
    rate: float
    label: str = ""
    hours_median: float = 0.0
    hours_sigma: float = 0.0
    hours_cap: float = 0.0
    share_alpha: float = 1.0
    share_beta: float = 1.0
    compromised_share: float = 1.0
    late_patch_multiplier: float = 1.0

    @property
    def code(self) -> int:
        return KINDS.index(self.id)


@dataclass(frozen=True)
class SystemicCatalogue:
    """The catalogue: its kinds (one per id of ``KINDS`` at most), and how dependencies are read."""

    version: str
    kinds: tuple[EventKind, ...]
    outage_services: frozenset[str] = frozenset({"ehr", "clearinghouse", "billing", "it_services"})
    remote_access_products: Mapping[str, str] | None = None
    reference_event: str = ""

    def kind(self, kind_id: str) -> EventKind | None:
        for k in self.kinds:
            if k.id == kind_id:
                return k
        return None


def _value(node: Any) -> Any:
    return node["value"] if isinstance(node, Mapping) and "value" in node else node


def catalogue_from_tables(data: Mapping[str, Any]) -> SystemicCatalogue:
    """The catalogue from the parsed ``systemic_events.yaml``."""
    kinds = []
    for kind_id, block in data["kinds"].items():
        if kind_id not in KINDS:
            raise ValueError(f"systemic_events.yaml: unknown kind {kind_id!r}; allowed: {', '.join(KINDS)}")
        kinds.append(EventKind(
            id=kind_id, applies_to=str(block["applies_to"]), rate=float(_value(block["rate"])),
            label=str(block.get("label", kind_id)),
            hours_median=float(_value(block.get("hours_median", 0.0))),
            hours_sigma=float(_value(block.get("hours_sigma", 0.0))),
            hours_cap=float(_value(block.get("hours_cap", 0.0))),
            share_alpha=float(_value(block.get("exposed_share_alpha", 1.0))),
            share_beta=float(_value(block.get("exposed_share_beta", 1.0))),
            compromised_share=float(_value(block.get("compromised_share", 1.0))),
            late_patch_multiplier=float(_value(block.get("late_patch_multiplier", 1.0))),
        ))
    deps = data.get("dependencies", {})
    ref = data.get("reference_event", {})
    return SystemicCatalogue(
        version=str(data["version"]), kinds=tuple(kinds),
        outage_services=frozenset(_value(deps.get("outage_services", {"value": []}))),
        remote_access_products=dict(_value(deps.get("remote_access_product", {"value": {}}))),
        reference_event=str(ref.get("name", "")),
    )


def load_catalogue() -> SystemicCatalogue:
    """The shipped catalogue (``reference/data/systemic_events.yaml``; every figure sourced, checked at load)."""
    from cyberrx.reference import check_sources, read_data_file

    data = read_data_file("systemic_events.yaml")
    check_sources(data, "", "systemic_events.yaml")
    return catalogue_from_tables(data)


@dataclass(frozen=True)
class SystemicEvents:
    """The systemic events of one block, ``(n,)`` each: ``kind`` code, ``dep`` index into the book's
    dependencies, ``year`` local to the block, ``time`` of year in [0, 1), ``hours`` of outage (0 for a breach),
    ``share`` of records exposed (breach), ``key`` a 63-bit number from which each insured's own draws for the
    event are derived (:func:`pair_uniform`)."""

    kind: np.ndarray
    dep: np.ndarray
    year: np.ndarray
    time: np.ndarray
    hours: np.ndarray
    share: np.ndarray
    key: np.ndarray

    @property
    def n(self) -> int:
        return int(self.kind.shape[0])


def empty_events() -> SystemicEvents:
    z = np.zeros(0)
    return SystemicEvents(np.zeros(0, np.int8), np.zeros(0, np.int64), np.zeros(0, np.int64), z, z, z,
                          np.zeros(0, np.uint64))


def draw_events(catalogue: SystemicCatalogue | None, dependencies: Sequence[tuple[str, str]],
                active: Sequence[frozenset[int]], seed: int, block: int, n_years: int) -> SystemicEvents:
    """The systemic events of block ``block`` (``n_years`` years) for the book's ``dependencies``
    (``(id, kind)`` pairs, in the book's order).

    ``active[i]``: the kind codes that can hit someone through dependency ``i`` (others are not drawn: skipping
    them changes no other stream). Events are in dependency order, then kind order, then draw order.
    """
    if catalogue is None or n_years <= 0:
        return empty_events()
    parts: list[tuple[np.ndarray, ...]] = []
    for i, (dep_id, dep_kind) in enumerate(dependencies):
        for kind in catalogue.kinds:
            if kind.applies_to != dep_kind or kind.code not in active[i] or kind.rate <= 0:
                continue
            rng = stream(seed, "systemic", kind.id, dep_id, dep_id[::-1], block)
            n = int(rng.poisson(kind.rate * n_years))
            year = rng.integers(0, n_years, size=n)
            time = rng.random(n)
            if kind.hours_median > 0:
                hours = np.minimum(kind.hours_median * np.exp(kind.hours_sigma * rng.standard_normal(n)),
                                   kind.hours_cap if kind.hours_cap > 0 else np.inf)
            else:
                hours = np.zeros(n)
            share = rng.beta(kind.share_alpha, kind.share_beta, n) if kind.code == BREACH else np.zeros(n)
            key = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64).astype(np.uint64)
            parts.append((np.full(n, kind.code, np.int8), np.full(n, i, np.int64), year, time, hours, share, key))
    if not parts:
        return empty_events()
    return SystemicEvents(*(np.concatenate([p[j] for p in parts]) for j in range(7)))


_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser over a uint64 array (wrapping arithmetic)."""
    z = x + _GOLD
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def pair_uniform(event_key: np.ndarray, subject: np.ndarray) -> np.ndarray:
    """A uniform in [0, 1) for each (event, insured) pair, from the event's key and the insured's subject id:
    counter-based, so an insured's draw for an event is the same whichever batch or worker computes it.

    >>> u = pair_uniform(np.array([5, 5], dtype=np.uint64), np.array([1, 2]))
    >>> bool(((0 <= u) & (u < 1)).all()), bool(u[0] != u[1])
    (True, True)
    """
    with np.errstate(over="ignore"):
        z = _mix(event_key.astype(np.uint64) ^ _mix(subject.astype(np.uint64) + np.uint64(1)))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


__all__ = ["BREACH", "EXPLOIT", "KINDS", "OUTAGE", "EventKind", "SystemicCatalogue", "SystemicEvents",
           "catalogue_from_tables", "draw_events", "empty_events", "load_catalogue", "pair_uniform"]
