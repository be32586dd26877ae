"""One policy arithmetic (DESIGN.md): underwriting prices with ``engine.terms`` and computes no term itself.

1. A static check of ``src/cyberrx/underwriting/*.py`` (``ast``): no numpy clipping, capping or running sums
   (``np.minimum``, ``np.maximum``, ``np.clip``, ``np.fmin``, ``np.fmax``, ``np.cumsum``, ``np.bincount``, their
   ``.accumulate``/``.reduceat`` and the ``.clip``/``.cumsum`` methods), and no reading of a compiled policy's
   amounts (``retention``, ``coinsurance``, ``limit``, ``aggregate_limit``, ``layer``, waiting hours) from a
   ``CompiledTerms``: a parameter annotated ``CompiledTerms`` or a name bound to ``compile_terms(...)``.
   The check is shown to catch the fast path underwriting used to carry.
2. A property (hypothesis): ``engine.terms.insured_year_totals`` equals summing ``apply_policy``'s payable
   lines per simulated year, for random compiled terms and events, and does not depend on the order of the
   events within a year. Tolerance: ``apply_policy``'s running sums span the whole block, so its figures carry
   ~1e-16 x the block's total (about 1e-8 usd here): agreement within 1e-6 usd, relative 1e-12.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberrx.engine.events import BI_COLUMNS, EventTable
from cyberrx.engine.terms import CompiledTerms, LayerTerms, apply_policy, covered_lines, insured_year_totals
from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS

UNDERWRITING = Path(__file__).resolve().parents[2] / "src" / "cyberrx" / "underwriting"
NUMPY_TERM_CALLS = {"minimum", "maximum", "clip", "fmin", "fmax", "cumsum", "bincount"}
ARRAY_TERM_METHODS = {"clip", "cumsum"}
TERM_AMOUNTS = {"retention", "coinsurance", "limit", "aggregate_limit", "layer", "waiting_hours", "max_hours"}


# ---- 1. the static check -----------------------------------------------------------------------------------
def _numpy_name(node: ast.expr) -> str | None:
    """``minimum`` for ``np.minimum`` / ``numpy.minimum`` / ``np.minimum.accumulate``, else None."""
    if isinstance(node, ast.Attribute) and node.attr in {"accumulate", "reduceat", "reduce", "outer"}:
        node = node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in {"np", "numpy"}:
        return node.attr
    return None


def _terms_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names in ``func`` that hold compiled terms: annotated ``CompiledTerms`` or bound to ``compile_terms()``."""
    names = set()
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.annotation is not None and "CompiledTerms" in ast.unparse(arg.annotation):
            names.add(arg.arg)
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and ast.unparse(node.value.func).split(".")[-1] == "compile_terms":
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def term_arithmetic(source: str, filename: str = "<source>") -> list[str]:
    """Where ``source`` computes policy terms itself: ``file:line what``, empty if nowhere."""
    tree = ast.parse(source, filename)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "numpy":
            found += [f"{filename}:{node.lineno} imports numpy.{a.name}" for a in node.names
                      if a.name in NUMPY_TERM_CALLS]
        if isinstance(node, ast.Call):
            name = _numpy_name(node.func)
            if name in NUMPY_TERM_CALLS:
                found.append(f"{filename}:{node.lineno} calls {ast.unparse(node.func)}")
            elif name is None and isinstance(node.func, ast.Attribute) and node.func.attr in ARRAY_TERM_METHODS:
                found.append(f"{filename}:{node.lineno} calls .{node.func.attr}()")
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            held = _terms_names(func)
            for node in ast.walk(func):
                if isinstance(node, ast.Attribute) and node.attr in TERM_AMOUNTS \
                        and isinstance(node.value, ast.Name) and node.value.id in held:
                    found.append(f"{filename}:{node.lineno} reads {node.value.id}.{node.attr} in {func.name}")
    return sorted(set(found))


#: the fast path underwriting/pricing.py carried before the arithmetic moved to engine.terms (abridged)
OLD_FAST_PATH = '''
def insured_annual(book: YearBook, terms: CompiledTerms) -> np.ndarray:
    lines = book.lines(terms)
    covered_retentions = terms.retention[terms.covered]
    rest = np.clip(lines.through - retention[lines.event], 0.0, lines.covered) * (1.0 - terms.coinsurance[lines.part])
    per_part = np.bincount(lines.cell, weights=rest, minlength=k * n_parts).reshape(k, n_parts)
    return np.minimum(np.minimum(per_part, terms.limit[None, :]).sum(axis=1), terms.aggregate_limit)

def options(form, controls):
    compiled = compile_terms(form, controls)
    return min(compiled.limit.max(), 1.0)
'''


def test_the_check_catches_term_arithmetic():
    found = term_arithmetic(OLD_FAST_PATH)
    assert any("np.clip" in f for f in found) and any("np.minimum" in f for f in found)
    assert any("np.bincount" in f for f in found)
    for amount in ("retention", "coinsurance", "limit", "aggregate_limit"):
        assert any(f"terms.{amount}" in f for f in found), amount
    assert any("compiled.limit" in f for f in found)
    assert term_arithmetic("from numpy import clip\nx = a.cumsum()\n")  # the other spellings


def test_underwriting_computes_no_policy_term():
    sources = sorted(UNDERWRITING.glob("*.py"))
    assert any(p.name == "pricing.py" for p in sources)
    found = [f for p in sources for f in term_arithmetic(p.read_text(), p.name)]
    assert not found, "underwriting computes policy terms itself; use engine.terms:\n" + "\n".join(found)


def test_pricing_settles_through_engine_terms():
    tree = ast.parse((UNDERWRITING / "pricing.py").read_text())
    func = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "insured_annual")
    called = {ast.unparse(n.func) for n in ast.walk(func) if isinstance(n, ast.Call)}
    assert "insured_year_totals" in called


# ---- 2. the property ---------------------------------------------------------------------------------------
N = len(PARTS)
BI = [PART_INDEX[p] for p in BI_COLUMNS]


@st.composite
def compiled_terms(draw: st.DrawFn) -> CompiledTerms:
    """Random float64 compiled terms: per-part retentions (often one figure, sometimes several), coinsurance
    shares, sublimits, waiting periods, periods of restoration, an aggregate, exclusions, sometimes a layer."""
    covered = np.array(draw(st.lists(st.booleans(), min_size=N, max_size=N)))
    limit = np.array(draw(st.lists(st.sampled_from([0.0, 5_000.0, 40_000.0, 250_000.0, 1e6]), min_size=N,
                                   max_size=N)))
    retentions = st.sampled_from([0.0, 1_000.0, 2_500.0, 10_000.0, 25_000.0])
    if draw(st.booleans()):
        retention = np.full(N, draw(retentions))
    else:
        retention = np.array(draw(st.lists(retentions, min_size=N, max_size=N)))
    shares = st.sampled_from([0.0, 0.1, 0.25, 1 / 3, 0.5])
    coinsurance = np.full(N, draw(shares)) if draw(st.booleans()) else \
        np.array(draw(st.lists(shares, min_size=N, max_size=N)))
    waiting = np.zeros(N)
    max_hours = np.full(N, np.inf)
    for p in BI:
        waiting[p] = draw(st.sampled_from([0.0, 8.0, 24.0]))
        max_hours[p] = draw(st.sampled_from([np.inf, 24.0, 720.0]))
    layer = None
    if draw(st.integers(0, 4)) == 0:
        layer = LayerTerms(draw(st.sampled_from([0.0, 50_000.0, 300_000.0])),
                           draw(st.sampled_from([100_000.0, 1e6])), draw(st.sampled_from([1.0, 0.35])))
    excluded = np.array(draw(st.lists(st.booleans(), min_size=len(SCENARIOS), max_size=len(SCENARIOS))))
    return CompiledTerms(covered, np.where(covered, limit, 0.0), retention, coinsurance, waiting, max_hours,
                         draw(st.sampled_from([10_000.0, 300_000.0, 2e6])), layer,
                         draw(st.integers(0, 9)) == 0, excluded & (np.arange(len(SCENARIOS)) % 3 == 0))


def random_years(seed: int, n_trials: int) -> EventTable:
    """Events sorted by trial: Poisson counts, parts hit with probability 0.4, ties and zeros, BI as income/h x
    hours + extra expense."""
    rng = np.random.default_rng(seed)
    trial = np.repeat(np.arange(n_trials), rng.poisson(1.5, n_trials))
    n = trial.shape[0]
    amount = np.where(rng.random((n, N)) < 0.4, rng.choice([1_000.0, 9_999.99, 60_000.0, 123_456.78], (n, N)) *
                      rng.integers(0, 4, (n, N)), 0.0)
    downtime = rng.choice([0.0, 4.0, 30.0, 400.0], (n, 2))
    income = rng.choice([0.0, 250.0, 1_200.5], (n, 2))
    extra = rng.choice([0.0, 5_000.0], (n, 2))
    for part, c in BI_COLUMNS.items():
        amount[:, PART_INDEX[part]] = income[:, c] * downtime[:, c] + extra[:, c]
    return EventTable(n_trials, trial, rng.integers(0, len(SCENARIOS), n).astype(np.int16), amount, downtime,
                      income, extra, np.zeros(n))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=compiled_terms(), seed=st.integers(0, 2**32 - 1), n_trials=st.integers(1, 40))
def test_year_totals_equal_apply_policy_lines_summed_per_year(terms, seed, n_trials):
    events = random_years(seed, n_trials)
    payable = apply_policy(events, terms).payable
    by_year = np.bincount(events.trial, weights=payable.sum(axis=1), minlength=n_trials)
    totals = insured_year_totals(events, terms)
    np.testing.assert_allclose(totals, by_year, rtol=1e-12, atol=1e-6)
    assert totals.shape == (n_trials,)
    if terms.layer is None:      # the same through a cache of the covered lines
        np.testing.assert_array_equal(insured_year_totals(events, terms, lambda t: covered_lines(events, t)), totals)
        # a year's total does not depend on the order of its events
        order = np.random.default_rng(seed).permutation(events.n_events)
        shuffled = insured_year_totals(events.subset(order), terms)
        np.testing.assert_allclose(shuffled, totals, rtol=1e-12, atol=1e-6)
