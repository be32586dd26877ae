"""The Open FAIR calculation over arrays of simulated years, as pyfair 0.1a13 does it.

The FAIR tree (``cyberrx.domain.fair_model.CHILDREN``)::

    Risk = Loss Event Frequency x Loss Magnitude                                  usd per_year
    Loss Event Frequency = Threat Event Frequency x Vulnerability                  per_year
    Threat Event Frequency = Contact Frequency x Probability of Action             per_year
    Vulnerability = share of ALL simulations with Control Strength < Threat Capability   (one number)
    Loss Magnitude = Primary Loss + Secondary Loss                                 usd per event
    Secondary Loss = Secondary Loss Event Frequency x Secondary Loss Event Magnitude

A node that is supplied is drawn, never calculated, and the nodes below it are not needed. Drawn values
are clipped (censored, not truncated) to ``[0, 1]`` for the probability nodes and to ``[0, inf)`` for the
others, as pyfair clips every generated input. Vulnerability, when calculated, is pyfair's single share over
the whole run, not a per-simulation indicator; a chunked run therefore counts ``CS < TC`` over every block
first (:func:`vulnerability_hits`) and then evaluates the blocks with that share (:func:`evaluate_block`).

Randomness: block ``b`` of a run with ``seed`` draws supplied node ``X`` from ``stream(seed, "fair", X, b)``
(a ``multi_`` item column from ``stream(seed, "fair", X, item, column, b)``), so results do not depend on
how blocks are grouped into chunks, threads or processes.

Numpy only; no files, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cyberrx.domain.fair_model import CHILDREN, NODE_NAMES, PROBABILITY_NODES
from cyberrx.engine.distributions import Distribution
from cyberrx.engine.rng import Block, stream

RISK = "Risk"
VULNERABILITY = "Vulnerability"
CONTROL_STRENGTH = "Control Strength"
THREAT_CAPABILITY = "Threat Capability"
_STREAM = "fair"


@dataclass(frozen=True, eq=False)
class RawValues:
    """Values given per simulation (pyfair's ``raw`` input): float64, shape ``(n_simulations,)``."""

    values: np.ndarray

    def take(self, block: Block) -> np.ndarray:
        """The block's slice, as a fresh float64 array."""
        if block.stop > self.values.shape[0]:
            raise ValueError(f"raw input has {self.values.shape[0]} values; the run needs {block.stop}")
        return np.array(self.values[block.start:block.stop], dtype=np.float64)


@dataclass(frozen=True)
class Compound:
    """A node given as a sum over items of the product of each item's inputs (pyfair ``multi_``).

    ``items``: ``((item_name, ((column_name, distribution), ...)), ...)``; each draw is clipped at 0.
    """

    items: tuple[tuple[str, tuple[tuple[str, Distribution], ...]], ...]


NodeSource = Distribution | RawValues | Compound


def _bounds(node: str) -> tuple[float, float]:
    return (0.0, 1.0) if node in PROBABILITY_NODES else (0.0, np.inf)


@dataclass(frozen=True)
class FairPlan:
    """What to draw and what to calculate for one model.

    ``sources``: the supplied nodes and how to draw them. ``calculated``: the nodes to calculate,
    children before parents. ``nodes``: every node with values, in pyfair's column order.
    """

    sources: Mapping[str, NodeSource]
    calculated: tuple[str, ...] = field(init=False)
    nodes: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        unknown = set(self.sources) - set(NODE_NAMES)
        if unknown:
            raise ValueError(f"unknown FAIR nodes: {sorted(unknown)}")
        order: list[str] = []

        def resolve(node: str) -> bool:
            if node in self.sources:
                return True
            if node not in CHILDREN or not all(resolve(c) for c in CHILDREN[node]):
                return False
            order.append(node)
            return True

        if not resolve(RISK):
            raise ValueError("Risk cannot be calculated from the supplied nodes")
        object.__setattr__(self, "calculated", tuple(order))
        present = set(self.sources) | set(order)
        object.__setattr__(self, "nodes", tuple(n for n in NODE_NAMES if n in present))

    @property
    def vulnerability_is_calculated(self) -> bool:
        """True when Vulnerability is pyfair's run-wide share of ``CS < TC`` (needs a first pass)."""
        return VULNERABILITY in self.calculated


def draw_node(plan: FairPlan, node: str, seed: int, block: Block) -> np.ndarray:
    """Values of supplied ``node`` for ``block``, clipped to its bounds; float64, shape ``(block.size,)``."""
    src = plan.sources[node]
    lo, hi = _bounds(node)
    if isinstance(src, RawValues):
        return src.take(block)
    if isinstance(src, Compound):
        total = np.zeros(block.size)
        for item, columns in src.items:
            product = np.ones(block.size)
            for column, dist in columns:
                x = dist.sample(stream(seed, _STREAM, node, item, column, block.index), block.size)
                product *= np.clip(x, 0.0, np.inf, out=x)
            total += product
        return total
    x = src.sample(stream(seed, _STREAM, node, block.index), block.size)
    return np.clip(x, lo, hi, out=x)


def vulnerability_hits(plan: FairPlan, seed: int, block: Block) -> tuple[int, dict[str, np.ndarray]]:
    """How many simulations of ``block`` have Control Strength < Threat Capability, and the two draws."""
    cs = draw_node(plan, CONTROL_STRENGTH, seed, block)
    tc = draw_node(plan, THREAT_CAPABILITY, seed, block)
    return int(np.count_nonzero(cs < tc)), {CONTROL_STRENGTH: cs, THREAT_CAPABILITY: tc}


def evaluate_block(
    plan: FairPlan,
    seed: int,
    block: Block,
    vulnerability: float | None = None,
    skip: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """Every node's values for ``block``: float64 arrays of shape ``(block.size,)``, keyed by node name.

    ``vulnerability`` is the run-wide share (required when the plan calculates Vulnerability). Nodes in
    ``skip`` are not drawn (a first pass already drew them); they may not feed a calculation other than
    Vulnerability.
    """
    values: dict[str, np.ndarray] = {}
    for node in plan.nodes:
        if node in plan.sources and node not in skip:
            values[node] = draw_node(plan, node, seed, block)
    for node in plan.calculated:
        if node == VULNERABILITY:
            if vulnerability is None:
                raise ValueError("this model calculates Vulnerability: pass the run-wide share")
            values[node] = np.full(block.size, float(vulnerability))
            continue
        a, b = (values[c] for c in CHILDREN[node])
        values[node] = a + b if node == "Loss Magnitude" else a * b
    return values


@dataclass(frozen=True)
class Moments:
    """Count, mean, sum of squared deviations, min and max of some values; merged exactly in order.

    Merging per-block moments in block order (Chan et al.'s pairwise update) gives the same floats
    whatever the grouping of blocks into chunks.
    """

    count: int
    mean: float
    m2: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, x: np.ndarray) -> Moments:
        """Moments of the 1-d array ``x`` (may be empty)."""
        n = int(x.shape[0])
        if n == 0:
            return cls(0, 0.0, 0.0, np.inf, -np.inf)
        mean = float(x.mean())
        d = x - mean
        # numpy's pairwise sum, not BLAS dot: same bits on every machine, and no BLAS thread start-up
        m2 = float(np.square(d, out=d).sum())
        return cls(n, mean, m2, float(x.min()), float(x.max()))

    def merge(self, other: Moments) -> Moments:
        """Moments of the concatenation of ``self``'s values then ``other``'s."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / n
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / n
        return Moments(n, mean, m2, min(self.minimum, other.minimum), max(self.maximum, other.maximum))

    @property
    def stdev(self) -> float:
        """Sample standard deviation (``ddof=1``, as pandas ``std``); 0 for fewer than two values."""
        return float(np.sqrt(self.m2 / (self.count - 1))) if self.count > 1 else 0.0


__all__ = [
    "RISK",
    "VULNERABILITY",
    "Compound",
    "FairPlan",
    "Moments",
    "NodeSource",
    "RawValues",
    "draw_node",
    "evaluate_block",
    "vulnerability_hits",
]
