"""Open FAIR models in pyfair's JSON: validation, analytic means, and agreement with pyfair itself.

Tolerances are stated where used: means within 5 standard errors of the difference, shares within 5
binomial standard errors, quantiles through the Dvoretzky-Kiefer-Wolfowitz bound (each empirical CDF within
``eps = sqrt(log(2 / 1e-6) / (2 n))`` of the truth with probability 1 - 1e-6).
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from cyberrx.app.fair import FairSummary, run_fair
from cyberrx.domain.fair_model import NODE_NAMES, FairModelDocument, load_fair_model, parse_fair_model
from cyberrx.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "fair").glob("*.json"))
N = 100_000
DKW = math.sqrt(math.log(2 / 1e-6) / (2 * N))


def model(**nodes: Any) -> FairModelDocument:
    return parse_fair_model({"name": "test", **nodes})


def run(doc: FairModelDocument, n: int = N, seed: int = 1) -> FairSummary:
    return run_fair(doc, simulations=n, seed=seed, workers=1).summary


def pyfair_pert(low: float, mode: float, high: float, gamma: float = 4.0) -> tuple[float, float]:
    """pyfair's PERT (mean, stdev), from its definition: mean (a + g m + b) / (g + 2), stdev (b - a) / (g + 2)."""
    return (low + gamma * mode + high) / (gamma + 2), (high - low) / (gamma + 2)


def within(observed: float, expected: float, stdev: float, n: int = N, k: float = 5.0) -> bool:
    return abs(observed - expected) <= k * stdev / math.sqrt(n) + 1e-9 * abs(expected)


# -- validation ------------------------------------------------------------------------------------------
def test_the_examples_are_pyfair_exports_and_validate() -> None:
    assert len(EXAMPLES) >= 2
    for path in EXAMPLES:
        raw = json.loads(path.read_text())
        assert raw["type"] == "FairModel" and {"model_uuid", "creation_date", "random_seed"} <= set(raw)
        doc = load_fair_model(path)
        assert doc.n_simulations == raw["n_simulations"] and doc.missing() is None


def test_abbreviations_and_full_names_are_the_same_node() -> None:
    a = model(LEF={"constant": 2}, lm={"constant": 3})
    b = model(**{"Loss Event Frequency": {"constant": 2}, "Loss Magnitude": {"constant": 3}})
    assert a.inputs() == b.inputs()
    assert a.inputs()["Loss Event Frequency"].pert_gamma == 4.0


GOOD = {"Loss Event Frequency": {"low": 1, "mode": 2, "high": 5}, "Loss Magnitude": {"constant": 10}}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"Loss Magnitude": {"constant": -1}}, "Loss Magnitude", "less than zero"),
        ({"Loss Event Frequency": {"low": 1, "mode": 2, "high": 5, "mean": 3}}, "Loss Event Frequency", "mixes"),
        ({"Loss Event Frequency": {"low": 1, "mode": 7, "high": 5}}, "Loss Event Frequency", "low <= mode <= high"),
        ({"Loss Event Frequency": {"low": 1, "mode": 2}}, "Loss Event Frequency", "missing high"),
        ({"Loss Event Frequency": {"lo": 1}}, "Loss Event Frequency.lo", "unknown field"),
        ({"Loss Event Frequency": {}}, "Loss Event Frequency", "give constant"),
        ({"Loss Event Frequency": {"constant": "many"}}, "Loss Event Frequency.constant", "number"),
        ({"Loss Magnitud": {"constant": 1}}, "Loss Magnitud", "unknown field"),
        ({"type": "FairMetaModel"}, "type", "FairModel"),
        ({"n_simulations": 0}, "n_simulations", ">= 1"),
        ({"Vulnerability": {"constant": 1.5}, "Threat Event Frequency": {"constant": 1},
          "Loss Event Frequency": None}, "Vulnerability", "between zero and one"),
        ({"Loss Magnitude": None}, "Primary Loss", "cannot be calculated"),
        ({"Loss Event Frequency": None, "Threat Event Frequency": {"constant": 3}}, "Control Strength",
         "cannot be calculated"),
        ({"Loss Magnitude": {"mean": 5, "stdev": -1}}, "Loss Magnitude", "stdev"),
    ],
)
def test_bad_models_name_the_field(change: dict[str, Any], field: str, words: str) -> None:
    data: dict[str, Any] = {"name": "bad", **copy.deepcopy(GOOD)}
    for key, value in change.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    with pytest.raises(InvalidInput) as err:
        parse_fair_model(data, source="m.json")
    assert err.value.field == field
    assert words in str(err.value) and str(err.value).startswith("m.json: ")


def test_raw_inputs_must_match_the_simulations() -> None:
    doc = model(**{"Loss Event Frequency": {"raw": [1.0, 2.0, 3.0, 4.0]}, "Loss Magnitude": {"constant": 10}})
    s = run(doc, n=4)
    assert s.node("Risk").mean == pytest.approx(25.0) and s.node("Risk").maximum == 40.0
    with pytest.raises(InvalidInput) as err:
        run(doc, n=5)
    assert err.value.field == "Loss Event Frequency.raw"


# -- analytic checks (no pyfair needed) --------------------------------------------------------------------
def test_pert_lef_times_constant_lm() -> None:
    s = run(model(**{"Loss Event Frequency": {"low": 1, "mode": 2, "high": 9}, "Loss Magnitude": {"constant": 1e5}}))
    mean, sd = pyfair_pert(1, 2, 9)
    assert within(s.node("Loss Event Frequency").mean, mean, sd)
    assert s.node("Loss Event Frequency").stdev == pytest.approx(sd, rel=0.02)
    assert within(s.node("Risk").mean, 1e5 * mean, 1e5 * sd)
    # Risk quantiles are 1e5 x the beta quantiles (scipy's beta with pyfair's moment-matched shape)
    m = (mean - 1) / 8
    a = m * (m * (1 - m) * 36 - 1)
    beta = stats.beta(a, a * (1 - m) / m, loc=1, scale=8)
    for key, p in (("p10", 0.10), ("p50", 0.50), ("p90", 0.90)):
        assert abs(beta.cdf(s.risk_quantiles[key] / 1e5) - p) <= DKW
    assert s.node("Risk").minimum >= 1e5 and s.node("Risk").maximum <= 9e5


def test_full_tree_mean_is_the_product_of_independent_means() -> None:
    doc = model(**{
        "Contact Frequency": {"low": 10, "mode": 30, "high": 80, "gamma": 3},
        "Probability of Action": {"constant": 0.25},
        "Vulnerability": {"low": 0.1, "mode": 0.2, "high": 0.6},
        "Primary Loss": {"low": 1_000, "mode": 5_000, "high": 40_000},
        "Secondary Loss Event Frequency": {"constant": 0.4},
        "Secondary Loss Event Magnitude": {"mean": 20_000, "stdev": 15_000},
    })
    s = run(doc)
    c, _ = pyfair_pert(10, 30, 80, 3)
    v, _ = pyfair_pert(0.1, 0.2, 0.6)
    pl, _ = pyfair_pert(1_000, 5_000, 40_000)
    z = 20_000 / 15_000
    slem = 20_000 * stats.norm.cdf(z) + 15_000 * stats.norm.pdf(z)  # normal clipped at 0, not truncated
    expected = c * 0.25 * v * (pl + 0.4 * slem)
    assert within(s.node("Secondary Loss Event Magnitude").mean, slem, 15_000)
    assert within(s.node("Risk").mean, expected, s.node("Risk").stdev, k=6)
    assert s.node("Threat Event Frequency").source == "calculated"
    assert s.node("Vulnerability").source == "supplied" and s.vulnerability_share is None
    assert s.node("Secondary Loss Event Magnitude").minimum == 0.0  # the clipped mass


def test_vulnerability_is_the_run_wide_share_of_tcap_above_cs() -> None:
    doc = model(**{
        "Threat Event Frequency": {"constant": 10},
        "Threat Capability": {"low": 0.2, "mode": 0.5, "high": 0.95},
        "Control Strength": {"constant": 0.6},
        "Loss Magnitude": {"constant": 1_000},
    })
    s = run(doc)
    mean, _ = pyfair_pert(0.2, 0.5, 0.95)
    m = (mean - 0.2) / 0.75
    a = m * (m * (1 - m) * 36 - 1)
    p = 1 - special.betainc(a, a * (1 - m) / m, (0.6 - 0.2) / 0.75)
    assert s.vulnerability_share is not None
    assert abs(s.vulnerability_share - p) <= 5 * math.sqrt(p * (1 - p) / N)
    v = s.node("Vulnerability")
    assert v.minimum == v.maximum == s.vulnerability_share  # one number for the whole run, as in pyfair
    assert s.node("Risk").maximum == pytest.approx(10 * 1_000 * s.vulnerability_share)


def test_multi_secondary_loss_sums_item_products() -> None:
    doc = model(**{
        "Loss Event Frequency": {"constant": 2},
        "Primary Loss": {"constant": 100},
        "multi_Secondary Loss": {
            "Notification": {"SLEF": {"constant": 0.5}, "SLEM": {"low": 10, "mode": 20, "high": 60}},
            "Regulator": {"SLEF": {"low": 0.1, "mode": 0.2, "high": 0.3}, "SLEM": {"constant": 1_000}},
        },
    })
    s = run(doc)
    expected_sl = 0.5 * pyfair_pert(10, 20, 60)[0] + 1_000 * pyfair_pert(0.1, 0.2, 0.3)[0]
    assert within(s.node("Secondary Loss").mean, expected_sl, s.node("Secondary Loss").stdev)
    assert within(s.node("Risk").mean, 2 * (100 + expected_sl), s.node("Risk").stdev)
    assert s.node("Secondary Loss").source == "supplied"


def test_lognormal_extension_mean() -> None:
    doc = model(**{"Loss Event Frequency": {"constant": 1},
                   "Loss Magnitude": {"distribution": "lognormal", "mean": 50_000, "stdev": 80_000}})
    s = run(doc, n=200_000)
    assert within(s.node("Risk").mean, 50_000, 80_000, n=200_000)


def test_quantiles_are_ordered_and_inside_the_range() -> None:
    for path in EXAMPLES:
        s = run(load_fair_model(path), n=20_000)
        q = list(s.risk_quantiles.values())
        r = s.node("Risk")
        assert q == sorted(q) and r.minimum <= q[0] and q[-1] <= r.maximum
        assert set(s.to_dict()["nodes"]) <= set(NODE_NAMES)


# -- agreement with pyfair ---------------------------------------------------------------------------------
def _pyfair_results(path: Path, n: int) -> Any:
    pyfair = pytest.importorskip("pyfair")
    data = json.loads(path.read_text())
    if any(k.startswith("multi_") for k in data):
        pytest.skip("pyfair 0.1a13 multi_ inputs call np.sum(generator), which numpy >= 2.4 refuses")
    data["n_simulations"] = n
    return pyfair.FairModel.read_json(json.dumps(data)).export_results().dropna(axis=1, how="all")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_cyberrx_agrees_with_pyfair_within_sampling_error(path: Path) -> None:
    ref = _pyfair_results(path, N)
    s = run(load_fair_model(path))
    assert set(ref.columns) == {n.node for n in s.nodes}
    share = s.vulnerability_share
    # a calculated Vulnerability is one share per run: its own sampling error scales LEF and Risk
    share_rel_se = math.sqrt(2 * (1 - share) / (share * N)) if share else 0.0
    for node in s.nodes:
        if node.node == "Vulnerability" and share is not None:
            continue
        col = ref[node.node].to_numpy()
        # difference of two independent means: standard error sqrt(sd1^2 / n + sd2^2 / n)
        se = math.sqrt((col.std(ddof=1) ** 2 + node.stdev ** 2) / N)
        if node.node in ("Loss Event Frequency", "Risk"):
            se = math.hypot(se, node.mean * share_rel_se)
        assert abs(node.mean - col.mean()) <= 5 * se + 1e-12 * abs(col.mean()), node.node
        if node.node != "Vulnerability":
            assert node.stdev == pytest.approx(col.std(ddof=1), rel=0.05), node.node
    if s.vulnerability_share is not None:
        p = float(ref["Vulnerability"].iloc[0])
        assert abs(s.vulnerability_share - p) <= 5 * math.sqrt(2 * p * (1 - p) / N)
    risk = np.sort(ref["Risk"].to_numpy())
    for key, value in s.risk_quantiles.items():
        p = int(key[1:]) / 100
        # pyfair's empirical CDF at cyberrx's quantile: each sample's ECDF is within DKW of the truth
        f_ref = np.searchsorted(risk, value, side="right") / N
        assert abs(f_ref - p) <= 2 * DKW, key
