"""Use case: run an Open FAIR model exported by pyfair and summarise it as pyfair reports it.

``run_fair(doc)`` simulates the model in fixed blocks of :data:`~cyberrx.engine.rng.BLOCK_TRIALS` trials,
groups the blocks into work units and maps them over ``workers`` threads (numpy releases the GIL while
drawing and multiplying) or processes. Per node it keeps only merged moments (mean, stdev, min, max); for
Risk it keeps the per-simulation float64 array (8 bytes a simulation: 80 MB at 10 million) for exact
quantiles. Peak memory is that array plus a few work units, whatever the simulation count.

The same seed gives the same summary, bit for bit, whatever ``workers``, ``executor`` or work-unit size:
each block draws from its own keyed streams and moments are merged in block order.

Statistics match pyfair's reports: per node the mean, standard deviation (``ddof=1``, pandas ``std``),
minimum and maximum (``FairSimpleReport`` parameter table); for Risk also quantiles (linear interpolation,
as pandas ``quantile``; the 90th and 99th are those of pyfair's metamodel table).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cyberrx import ENGINE_VERSION
from cyberrx.domain.fair_model import PROBABILITY_NODES, FairInput, FairModelDocument, load_fair_model
from cyberrx.engine.distributions import Constant, Distribution, Lognormal, Normal, Pert
from cyberrx.engine.executors import Executor, executor_for
from cyberrx.engine.fair import (
    CONTROL_STRENGTH,
    RISK,
    THREAT_CAPABILITY,
    Compound,
    FairPlan,
    Moments,
    NodeSource,
    RawValues,
    evaluate_block,
    vulnerability_hits,
)
from cyberrx.engine.metrics import linear_quantiles
from cyberrx.engine.rng import BLOCK_TRIALS, Block, group_blocks, plan_blocks
from cyberrx.errors import InvalidInput

if TYPE_CHECKING:
    from cyberrx.domain.results import FairResult

#: probabilities of the Risk quantiles reported
RISK_QUANTILES: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99)
#: blocks per work unit: small enough that units in flight stay a few MB, large enough to amortise
UNIT_BLOCKS = 4
#: below this many simulations a single worker is faster than starting others
AUTO_WORKERS_FROM = 400_000

ExecutorKind = Literal["thread", "process"]


@dataclass(frozen=True)
class NodeSummary:
    """Summary of one node over all simulations; in the node's unit (usd, per_year or a share)."""

    node: str
    source: Literal["supplied", "calculated"]
    mean: float
    stdev: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class FairSummary:
    """What ``cyberrx fair`` reports for one model run."""

    name: str
    simulations: int
    seed: int
    nodes: tuple[NodeSummary, ...]
    risk_quantiles: dict[str, float]
    vulnerability_share: float | None = None
    engine_version: str = ENGINE_VERSION
    block_trials: int = BLOCK_TRIALS
    timings_s: dict[str, float] = field(default_factory=dict, compare=False)

    def node(self, name: str) -> NodeSummary:
        """The summary of node ``name``."""
        for n in self.nodes:
            if n.node == name:
                return n
        raise KeyError(name)

    def to_result(self) -> FairResult:
        """The typed result (:class:`~cyberrx.domain.results.FairResult`)."""
        from cyberrx.domain.results import FairResult

        out = asdict(self)
        out["nodes"] = {n["node"]: {k: v for k, v in n.items() if k != "node"} for n in out["nodes"]}
        return FairResult.model_validate(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``--json`` output): :meth:`to_result`'s ``to_dict()``."""
        return self.to_result().to_dict()


@dataclass(frozen=True)
class FairRun:
    """A summary, and the per-simulation Risk values when asked for (float64, ``(simulations,)``)."""

    summary: FairSummary
    risk: np.ndarray | None = None


# -- model document -> engine plan -----------------------------------------------------------------------
def _distribution(spec: FairInput, node: str) -> Distribution:
    kind = spec.kind
    if kind == "constant":
        assert spec.constant is not None
        return Constant(spec.constant)
    if kind == "pert":
        assert spec.low is not None and spec.mode is not None and spec.high is not None
        return Pert(spec.low, spec.mode, spec.high, spec.pert_gamma, convention="pyfair")
    assert spec.mean is not None and spec.stdev is not None
    if kind == "lognormal":
        return Lognormal(spec.mean, spec.stdev)
    hi = 1.0 if node in PROBABILITY_NODES else np.inf
    return Normal(spec.mean, spec.stdev).clipped(0.0, hi)  # pyfair clips (censors) normals


def build_plan(doc: FairModelDocument, simulations: int) -> FairPlan:
    """The engine plan for ``doc``; InvalidInput if a raw input does not have ``simulations`` values."""
    sources: dict[str, NodeSource] = {}
    for node, spec in doc.inputs().items():
        if spec.kind == "raw":
            assert spec.raw is not None
            if len(spec.raw) != simulations:
                raise InvalidInput(
                    f"raw input has {len(spec.raw)} values but {simulations} simulations were asked for",
                    field=f"{node}.raw", allowed=f"--simulations {len(spec.raw)}")
            sources[node] = RawValues(np.asarray(spec.raw, dtype=np.float64))
        else:
            sources[node] = _distribution(spec, node)
    for node, items in doc.multi_inputs().items():
        sources[node] = Compound(tuple(
            (item, tuple((col, _distribution(spec, col)) for col, spec in cols.items()))
            for item, cols in items.items()
        ))
    return FairPlan(sources)


# -- work units (module level so that processes can run them) ---------------------------------------------
def _count_unit(plan: FairPlan, seed: int, unit: tuple[Block, ...]) -> list[tuple[int, dict[str, Moments]]]:
    out = []
    for block in unit:
        hits, drawn = vulnerability_hits(plan, seed, block)
        out.append((hits, {k: Moments.of(v) for k, v in drawn.items()}))
    return out


def _simulate_unit(
    plan: FairPlan, seed: int, unit: tuple[Block, ...], vulnerability: float | None,
    skip: tuple[str, ...], risk_out: np.ndarray | None,
) -> tuple[list[dict[str, Moments]], np.ndarray | None]:
    """Moments per block; Risk written to ``risk_out`` (threads) or returned (processes)."""
    start = unit[0].start
    own = np.empty(unit[-1].stop - start) if risk_out is None else None
    moments = []
    for block in unit:
        values = evaluate_block(plan, seed, block, vulnerability, skip)
        moments.append({k: Moments.of(v) for k, v in values.items()})
        target = own[block.start - start:block.stop - start] if own is not None else risk_out[block.start:block.stop]  # type: ignore[index]
        target[:] = values[RISK]
    return moments, own


def _executor(kind: ExecutorKind | Executor, workers: int) -> Executor:
    # a given executor is the caller's (used as is, not closed here); a kind builds one owned by this run
    return kind if isinstance(kind, Executor) else executor_for(workers, kind)


def _map(pool: Executor, fn: Any, units: list[tuple[Block, ...]], *args: Any) -> Iterator[Any]:
    return pool.map(fn, ((*args[:2], unit, *args[2:]) for unit in units))


def auto_workers(simulations: int) -> int:
    """Workers used when none are asked for: all cores (at most 8) from 400,000 simulations, else 1."""
    if simulations < AUTO_WORKERS_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def run_fair(
    doc: FairModelDocument,
    *,
    simulations: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    executor: ExecutorKind | Executor = "thread",
    unit_blocks: int = UNIT_BLOCKS,
    block_trials: int = BLOCK_TRIALS,
    keep_risk: bool = False,
) -> FairRun:
    """Simulate ``doc`` and summarise it.

    ``simulations`` and ``seed`` default to the model's own ``n_simulations`` and ``random_seed``;
    ``workers`` defaults to :func:`auto_workers`. ``block_trials`` changes the numbers drawn (not their
    distribution); ``workers``, ``executor`` and ``unit_blocks`` never change the result. ``executor`` is
    ``"thread"``, ``"process"`` or an :class:`~cyberrx.engine.executors.Executor` the caller owns (then
    ``workers`` is ignored and the executor is not closed here).
    """
    n = doc.n_simulations if simulations is None else simulations
    seed = doc.random_seed if seed is None else seed
    if n < 1:
        raise InvalidInput("must be at least 1", field="simulations")
    if seed < 0:
        raise InvalidInput("must be a non-negative integer", field="seed")
    n_workers = auto_workers(n) if workers is None else workers
    if n_workers < 1:
        raise InvalidInput("must be at least 1", field="workers")
    t0 = time.perf_counter()
    plan = build_plan(doc, n)
    blocks = plan_blocks(n, block_trials)
    units = group_blocks(blocks, -(-len(blocks) // max(1, unit_blocks)))
    pool = _executor(executor, min(n_workers, len(units)))
    merged: dict[str, Moments] = {}

    def absorb(per_block: dict[str, Moments]) -> None:
        for k, m in per_block.items():
            merged[k] = merged[k].merge(m) if k in merged else m

    try:
        share: float | None = None
        skip: tuple[str, ...] = ()
        if plan.vulnerability_is_calculated:
            hits = 0
            for unit_result in _map(pool, _count_unit, units, plan, seed):
                for h, drawn in unit_result:
                    hits += h
                    absorb(drawn)
            share = hits / n
            skip = (CONTROL_STRENGTH, THREAT_CAPABILITY)
        risk = np.empty(n)
        shared_out = risk if pool.shares_memory else None
        for unit, (per_block, own) in zip(
            units, _map(pool, _simulate_unit, units, plan, seed, share, skip, shared_out), strict=True
        ):
            for m in per_block:
                absorb(m)
            if own is not None:
                risk[unit[0].start:unit[-1].stop] = own
        t1 = time.perf_counter()
        kept = risk.copy() if keep_risk else None
        # numpy.quantile's figures bit for bit, the two halves of the partition on the run's threads
        q = linear_quantiles(risk, RISK_QUANTILES, executor=pool)
        del risk
        t2 = time.perf_counter()
    finally:
        if pool is not executor:
            pool.close()
    summary = FairSummary(
        name=doc.name,
        simulations=n,
        seed=seed,
        block_trials=block_trials,
        vulnerability_share=share,
        nodes=tuple(
            NodeSummary(node, "supplied" if node in plan.sources else "calculated",
                        m.mean, m.stdev, m.minimum, m.maximum)
            for node in plan.nodes
            for m in (merged[node],)
        ),
        risk_quantiles={f"p{round(p * 100):02d}": float(v) for p, v in zip(RISK_QUANTILES, q, strict=True)},
        timings_s={"simulate": t1 - t0, "quantiles": t2 - t1},
    )
    return FairRun(summary, kept)


def run_fair_file(path: str | Path, **options: Any) -> FairSummary:
    """Load the pyfair JSON at ``path`` and :func:`run_fair` it (options as there)."""
    return run_fair(load_fair_model(path), **options).summary


__all__ = [
    "RISK_QUANTILES",
    "FairRun",
    "FairSummary",
    "NodeSummary",
    "auto_workers",
    "build_plan",
    "run_fair",
    "run_fair_file",
]
