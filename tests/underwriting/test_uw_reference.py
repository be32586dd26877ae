"""The underwriting reference files: versioned, every figure sourced, assumptions say why; the public API pinned."""

from __future__ import annotations

import pytest

import cyberrx.underwriting as uw
from cyberrx.reference import iter_figures, read_data_file
from cyberrx.vocab import Control


@pytest.mark.parametrize("name", ["underwriting_rules.yaml", "rate_manual.yaml", "control_costs.yaml"])
def test_every_figure_is_sourced_and_every_assumption_says_why(name):
    data = read_data_file(name)
    assert data["version"]
    figures = list(iter_figures(data))
    assert figures
    for path, fig in figures:
        assert str(fig.get("source", "")).strip(), path
        if fig.get("trust") == "A":
            assert fig["source"].startswith("assumption: ") and len(fig["source"]) > 25, path


def test_every_rule_and_every_control_cost_cites_a_source():
    for rule in read_data_file("underwriting_rules.yaml")["rules"]:
        assert len(rule["source"]) > 20, rule["id"]
    costs = read_data_file("control_costs.yaml")["controls"]
    assert set(costs) == {c.value for c in Control}
    for name, row in costs.items():
        assert row["hicp"]["source"].startswith("calibration controls."), name
        assert row["insurer_baseline"]["source"].startswith("calibration controls."), name


def test_public_api_is_pinned():
    assert sorted(uw.__all__) == sorted([
        "DECLINE", "DEFAULT_LIMITS", "DEFAULT_RETENTIONS", "QUOTE", "REFER", "ControlCosts", "Finding",
        "ImprovementPlan", "ManualPremium", "Quote", "QuoteOption", "RateManual", "Rule", "RuleSet", "Segment",
        "TechnicalBasis", "TechnicalPrice", "YearBook", "build_options", "improvement_plan", "insured_annual",
        "issued_form", "load_control_costs", "load_manual", "load_rules", "market_estimates", "parse_manual",
        "parse_rules", "pricing_form", "standard_option", "technical_price"])
    for name in uw.__all__:
        assert hasattr(uw, name)


def test_docstring_examples_run():
    import doctest

    from cyberrx.underwriting import pricing

    result = doctest.testmod(pricing)
    assert result.attempted >= 3 and result.failed == 0
