"""The one chart specification: plain-language labels, JSON round trip, static render, the marked limits."""

from __future__ import annotations

import doctest
import json

import cyberrx.reports.charts
import cyberrx.reports.formatting
from cyberrx.reports.charts import coverage_spec, exceedance_spec, premium_spec, to_png, to_svg
from cyberrx.reports.formatting import money
from cyberrx.vocab import Control, CoveragePart, Scenario

INTERNAL_IDS = {x.value for x in (*CoveragePart, *Scenario, *Control)} | {"quote", "refer", "decline"}


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_doctests():
    for module in (cyberrx.reports.formatting, cyberrx.reports.charts):
        assert doctest.testmod(module).failed == 0


def test_specs_show_no_internal_id_and_round_trip(lakeside, valley):
    _, assessment, _ = lakeside
    for spec in (exceedance_spec(assessment), coverage_spec(assessment), premium_spec(valley[2].options)):
        text = json.dumps(spec)
        assert json.loads(text) == spec
        assert not INTERNAL_IDS & set(_strings(spec))
        assert "$schema" not in spec and "http" not in text      # a page embedding it references no other host


def test_coverage_spec_uses_the_labels(lakeside):
    values = set(_strings(coverage_spec(lakeside[1])))
    assert {"Forensic investigation", "Patient lawsuits", "Ransom and negotiation"} <= values


def test_exceedance_marks_the_recommended_limit_and_current_cover(lakeside):
    _, assessment, _ = lakeside
    spec = exceedance_spec(assessment)
    text = json.dumps(spec)
    assert f"Recommended limit {money(assessment.recommended.aggregate_limit)}" in text
    assert f"Current cover {money(assessment.gap.existing_limit)}" in text
    marks = [d for layer in spec["layer"] for d in layer.get("data", {}).get("values", []) if "text" in d]
    assert assessment.recommended.aggregate_limit in [m["loss_usd"] for m in marks]


def test_static_render(lakeside, valley):
    svg = to_svg(exceedance_spec(lakeside[1]))
    assert svg.lstrip().startswith("<svg") and "Recommended limit" in svg
    assert to_png(premium_spec(valley[2].options), scale=1).startswith(b"\x89PNG")
