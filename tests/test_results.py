"""The typed results: one serialisation (``to_dict``) shared by the library, the CLI and the API; money to the
cent as JSON numbers; every result type reads back what it wrote."""

from __future__ import annotations

import doctest
import json
import math
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

import cyberrx
from cyberrx.domain import results

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def lakeside():
    return cyberrx.load_profile(EXAMPLES / "lakeside-family-medicine.yaml")


@pytest.fixture(scope="module")
def every_result(lakeside) -> dict[str, results.Result]:
    """One instance of every result type, built through the library API."""
    policy = cyberrx.load_policy(EXAMPLES / "policies" / "lakeside-primary.yaml")
    q = cyberrx.quote(lakeside, limits=[1_000_000], retentions=[10_000])
    return {
        "assessment": cyberrx.assess(lakeside, trials=5_000, seed=11),
        "assessment_with_policy": cyberrx.assess(lakeside, trials=5_000, seed=11, policy=policy),
        "quote": q,
        "quote_option": q.options[0],
        "improvement": cyberrx.improve(cyberrx.load_profile(EXAMPLES / "underwriting" / "clinic-no-mfa.yaml")),
        "adjudication": cyberrx.adjudicate(policy,
                                           cyberrx.load_claim(EXAMPLES / "claims" / "lakeside-ransomware.yaml")),
        "obligations": cyberrx.breach_obligations(
            cyberrx.load_incident(EXAMPLES / "incidents" / "lakeside-family-medicine.yaml", today=date(2027, 6, 1)),
            as_of=date(2027, 6, 1)),
        "fair": cyberrx.run_fair(cyberrx.load_fair_model(EXAMPLES / "fair" / "ransomware_small_practice.json"),
                                 simulations=5_000, seed=3),
    }


def test_the_public_api_is_pinned():
    assert sorted(cyberrx.__all__) == sorted([
        "ENGINE_VERSION", "MODEL_VERSION", "Adjudication", "Assessment", "Conflict", "CyberRxError", "FairResult",
        "Improvement", "InvalidInput", "NotFound", "Obligations", "Quote", "QuoteOption", "Result", "RuleFileError",
        "__version__", "adjudicate", "assess", "breach_obligations", "improve", "load_claim", "load_fair_model",
        "load_incident", "load_policy", "load_profile", "quote", "run_fair",
    ])
    for name in cyberrx.__all__:
        assert getattr(cyberrx, name) is not None


def test_every_result_type_is_covered_and_round_trips(every_result):
    assert {type(r) for r in every_result.values()} == set(results.RESULT_TYPES)
    for name, r in every_result.items():
        data = r.to_dict()
        json.dumps(data, allow_nan=False)                       # strict JSON: no NaN, no Decimal, no date
        back = type(r).from_dict(data)
        assert back == r, name
        assert back.to_dict() == data, name
        # and through JSON text, as the API and the store hand it back
        assert type(r).from_dict(json.loads(json.dumps(data))) == r, name


def test_attributes_not_keys(every_result):
    a = every_result["assessment"]
    assert a.annual_loss.p99 == a.to_dict()["annual_loss"]["p99"]
    assert a.by_coverage["forensics"].mean == a.to_dict()["by_coverage"]["forensics"]["mean"]
    assert a.recommended.aggregate_limit == a.to_dict()["recommended"]["aggregate_limit"] > 0
    assert a.insured_loss is None and "insured_loss" not in a.to_dict()
    w = every_result["assessment_with_policy"]
    assert w.insured_loss is not None and w.retained_loss is not None and w.policy_number
    adj = every_result["adjudication"]
    assert isinstance(adj.total_payable, Decimal)
    assert adj.total_payable == sum((line.payable for line in adj.lines), Decimal(0))


def _cents(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and round(x, 2) == x


def _walk_money(value: Any, model: Any, where: str) -> int:
    """Check every money field reachable from ``model`` in ``value`` (its to_dict) is a number to the cent."""
    checked = 0
    for name, f in model.model_fields.items():
        if name not in value:
            continue
        v = value[name]
        metadata = " ".join(repr(m) for m in f.metadata)
        is_money = "_cents_float" in metadata or "to_cents" in metadata
        ann = f.annotation
        args = getattr(ann, "__args__", ())
        inner = [a for a in args if isinstance(a, type) and issubclass(a, results.Result)]
        if is_money:
            assert _cents(v), f"{where}.{name} = {v!r} is not a number to the cent"
            checked += 1
        elif not inner and isinstance(v, dict | list) and ("_cents_float" in repr(ann) or "to_cents" in repr(ann)):
            for x in v.values() if isinstance(v, dict) else v:       # dict[str, Usd], list[Usd]
                assert _cents(x), f"{where}.{name} holds {x!r}, not a number to the cent"
                checked += 1
        elif isinstance(ann, type) and issubclass(ann, results.Result) and v is not None:
            checked += _walk_money(v, ann, f"{where}.{name}")
        elif inner and isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()):
            for k, x in v.items():
                checked += _walk_money(x, inner[0], f"{where}.{name}[{k}]")
        elif inner and isinstance(v, list):
            for i, x in enumerate(v):
                checked += _walk_money(x, inner[0], f"{where}.{name}[{i}]")
    return checked


def test_money_in_every_output_is_a_number_rounded_to_cents(every_result):
    for name, r in every_result.items():
        checked = _walk_money(r.to_dict(), type(r), name)
        assert checked > 0 or isinstance(r, results.Obligations), name     # notices carry dates, not money
    a = every_result["assessment"].to_dict()
    for v in [*a["recommended"]["sublimits"].values(), *a["exceedance"]["levels"]]:
        assert _cents(v)
    # the raw float the review found (27215.864264422606) cannot appear: no amount has more than 2 decimals
    text = json.dumps(a)
    for m in re.finditer(r'"(mean|p\d+|tvar99|median_when_hit)": (-?\d+\.\d+)', text):
        assert len(m.group(2).split(".")[1]) <= 2, m.group(0)


def test_library_json_equals_the_cli_json(lakeside):
    from cyberrx.cli.main import app

    path = EXAMPLES / "lakeside-family-medicine.yaml"
    out = CliRunner().invoke(app, ["assess", str(path), "--trials", "20000", "--seed", "5", "--json"])
    assert out.exit_code == 0, out.output
    library = cyberrx.assess(cyberrx.load_profile(path), trials=20_000, seed=5).to_dict()
    assert json.loads(out.stdout) == library
    assert out.stdout.strip() == json.dumps(library, indent=2)


def test_the_readme_python_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README shows a Python example"
    namespace: dict[str, Any] = {}
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(blocks[0], "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert isinstance(namespace["a"], cyberrx.Assessment)


@pytest.mark.parametrize("module", ["cyberrx", "cyberrx.domain.results", "cyberrx.engine.metrics",
                                    "cyberrx.engine.rng"])
def test_docstring_examples_run(module, monkeypatch):
    import importlib

    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=2))
def test_a_decimal_string_is_parsed_exactly(amount):
    line = results.LineResult.from_dict({"coverage": "legal", "claimed": str(amount), "covered": 0, "retention": 0,
                                         "coinsurance": 0, "payable": 0, "reasons": []})
    assert line.claimed == amount
    assert results.LineResult.from_dict(line.to_dict()) == line


@given(st.floats(min_value=-1e11, max_value=1e11, allow_nan=False))
def test_a_statistic_is_rounded_to_the_cent(x):
    s = results.PriorClaim(claim_id="c", status="paid", total_payable=Decimal(0))
    assert s.total_payable == 0
    stats = results.ScenarioStats(frequency=0.1, simulated_frequency=0.1, mean=x)
    assert stats.mean == round(x, 2) and _cents(stats.to_dict()["mean"])


@pytest.mark.parametrize("bad", [True, "12,3x", float("nan"), "inf", None])
def test_bad_amounts_are_refused_with_the_field(bad):
    with pytest.raises(ValidationError) as err:
        results.LineResult.from_dict({"coverage": "legal", "claimed": bad, "covered": 0, "retention": 0,
                                      "coinsurance": 0, "payable": 0, "reasons": []})
    assert "claimed" in str(err.value)


def test_unknown_keys_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        results.ScenarioStats.from_dict({"frequency": 0.1, "simulated_frequency": 0.1, "mean": 1, "other": 2})


@pytest.mark.parametrize("groups", [1, 3, 64])
def test_an_assessment_is_the_same_through_every_executor_and_chunking(lakeside, groups):
    """Same seed, same figures: serial or process pool, in 1, 3 or 64 chunks (blocks of 500 trials here, so 64
    chunks exist without simulating 17M years)."""
    from cyberrx.app.assess import summarize_assessment
    from cyberrx.engine.annual import simulate_annual
    from cyberrx.engine.executors import ProcessPoolExecutor, SerialExecutor
    from cyberrx.engine.scenarios import build_parameters
    from cyberrx.reference import load_loss_model

    ref = load_loss_model()
    params = build_parameters(lakeside, ref.tables)
    n = 64 * 500

    def run(executor):
        losses = simulate_annual(params, n, 9, executor=executor, groups=groups, block_trials=500)
        return summarize_assessment(lakeside, ref, params, losses, 9).to_dict()

    serial = run(SerialExecutor())
    with ProcessPoolExecutor(2) as pool:
        assert run(pool) == serial
    baseline = simulate_annual(params, n, 9, executor=SerialExecutor(), groups=1, block_trials=500)
    assert summarize_assessment(lakeside, ref, params, baseline, 9).to_dict() == serial


def test_the_library_assess_takes_an_executor(lakeside):
    from cyberrx.engine.executors import ProcessPoolExecutor

    plain = cyberrx.assess(lakeside, trials=300_000, seed=4)
    with ProcessPoolExecutor(2) as pool:
        pooled = cyberrx.assess(lakeside, trials=300_000, seed=4, executor=pool)
    assert pooled == plain
