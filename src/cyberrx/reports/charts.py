"""The one chart specification: Vega-Lite specs built with altair from the typed results.

Each ``*_spec`` function returns a Vega-Lite spec as a JSON-ready ``dict``. The same dict is rendered
interactively in a page (``vegaEmbed(el, spec)`` with the vendored Vega bundle) and statically in a PDF
(:func:`to_svg` / :func:`to_png`, through vl-convert, offline). Labels are plain language from
:mod:`cyberrx.reports.labels`; no vocabulary id appears in a spec. The specs carry no ``$schema`` URL, so a page
that embeds one references no other host.

Data are inline (``data.values``): every figure in a chart is a figure of the result it was built from.

>>> import json
>>> spec = premium_spec([])
>>> spec["title"]["text"], "$schema" in spec, json.loads(json.dumps(spec)) == spec
('Premium for each option', False, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cyberrx.domain.results import Assessment, QuoteOption
from cyberrx.reports.formatting import money
from cyberrx.reports.labels import DECISION_LABELS, PART_LABELS
from cyberrx.vocab import PARTS

Spec = dict[str, Any]

#: chart size in CSS pixels (a PDF page's text column is ~680 px wide at 96 dpi)
WIDTH, HEIGHT = 560, 260
_INK, _GREEN, _RED, _LIGHT = "#1f4e79", "#2e7d32", "#c62828", "#90caf9"
_FONT = "DejaVu Sans"
_DECISION_COLOURS = {"quote": _GREEN, "refer": "#ef6c00", "decline": _RED}


def _altair() -> Any:
    import altair as alt  # here, not at import: importing cyberrx.reports stays cheap

    return alt


def _finish(chart: Any, title: str, subtitle: str = "") -> Spec:
    alt = _altair()
    titled = chart.properties(title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start"))
    spec: Spec = titled.configure(font=_FONT).configure_view(stroke=None).to_dict()
    spec.pop("$schema", None)
    return spec


def _money_axis(title: str) -> Any:
    return _altair().Axis(title=title, format="$,.2~s", labelFlush=False)


def option_label(option: QuoteOption) -> str:
    """``$1,000,000 limit / $10,000 retention``: how every document names a quote option."""
    return f"{money(option.limit)} limit / {money(option.retention)} retention"


# -------------------------------------------------------------------------------------------- exceedance
def exceedance_spec(assessment: Assessment, *, width: int = WIDTH, height: int = HEIGHT) -> Spec:
    """"How often a year costs at least this much": the annual-loss exceedance curve (usd, chance per year).

    x: loss of a year, usd (log scale); y: the chance per year that a year costs at least that (log scale).
    Vertical rules, each labelled with its amount, mark the recommended aggregate limit
    (``assessment.recommended.aggregate_limit``) and the current cover (``assessment.gap.existing_limit``,
    when the practice has one); a dotted line marks the 1-in-100 year.
    """
    alt = _altair()
    curve = [{"loss_usd": level, "chance_per_year": p, "loss": money(level), "chance": f"{p:.2%}"}
             for level, p in zip(assessment.exceedance.levels, assessment.exceedance.probability, strict=True)
             if level > 0 and p > 0]
    recommended = assessment.recommended.aggregate_limit
    marks: list[dict[str, Any]] = [{"loss_usd": recommended, "text": f"Recommended limit {money(recommended)}",
                                    "colour": _GREEN}]
    current = assessment.gap.existing_limit
    if current > 0:
        marks.append({"loss_usd": current, "text": f"Current cover {money(current)}", "colour": _RED})
    for i, mark in enumerate(marks):
        mark["label_y_px"] = 12 + 16 * i    # the labels stack at the top of the plot
    x_values = [level for level in assessment.exceedance.levels if level > 0] + [recommended, current]
    x_values = [x for x in x_values if x > 0]
    # room to the right of the last rule for its label
    x_scale = alt.Scale(type="log", domain=[min(x_values), max(x_values) * 4] if x_values else alt.Undefined)
    y_scale = alt.Scale(type="log")
    x = alt.X("loss_usd:Q", scale=x_scale, axis=_money_axis("Cost of a year (usd)"))
    line = alt.Chart(alt.Data(values=curve)).mark_line(color=_INK, strokeWidth=2).encode(
        x=x, y=alt.Y("chance_per_year:Q", scale=y_scale, axis=alt.Axis(title="Chance per year", format=".2~%")),
        tooltip=[alt.Tooltip("loss:N", title="A year costing at least"), alt.Tooltip("chance:N", title="Chance")])
    one_in_100 = alt.Chart(alt.Data(values=[{"chance_per_year": 0.01}])).mark_rule(
        color="#777", strokeDash=[2, 2]).encode(y=alt.Y("chance_per_year:Q", scale=y_scale))
    marks_data = alt.Data(values=marks)
    rules = alt.Chart(marks_data).mark_rule(strokeWidth=2, strokeDash=[6, 3]).encode(
        x=alt.X("loss_usd:Q", scale=x_scale), color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("text:N", title="Marked")])
    labels = []
    for i, mark in enumerate(marks):
        # the recommended limit's label to the right of its rule, the current cover's to the left of its own
        align, dx = ("left", 4) if i == 0 or mark["loss_usd"] > recommended else ("right", -4)
        labels.append(alt.Chart(alt.Data(values=[mark])).mark_text(
            align=align, dx=dx, fontSize=11, fontWeight="bold").encode(
            x=alt.X("loss_usd:Q", scale=x_scale), y=alt.Y("label_y_px:Q", scale=None, axis=None),
            text="text:N", color=alt.Color("colour:N", scale=None)))
    chart = alt.layer(line, one_in_100, rules, *labels).properties(width=width, height=height)
    return _finish(chart, "How often a year costs at least this much",
                   f"{assessment.trials:,} simulated years; the dotted line is a 1-in-100 year")


# ----------------------------------------------------------------------------------------- by coverage
def coverage_spec(assessment: Assessment, *, width: int = WIDTH) -> Spec:
    """Cost by coverage part, usd per year: the expected (average) cost and the average of the worst 1% of
    years (``by_coverage[part].mean`` and ``.tvar99``), one pair of bars per part, parts by their labels."""
    alt = _altair()
    rows = []
    for part in PARTS:
        stats = assessment.by_coverage[part]
        for measure, value in (("Expected per year", stats.mean), ("Worst 1% of years (average)", stats.tvar99)):
            rows.append({"part_label": PART_LABELS[part], "measure": measure, "usd": value, "amount": money(value),
                         "chance_hit": f"{stats.probability:.1%}"})
    order = [PART_LABELS[p] for p in PARTS]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        y=alt.Y("part_label:N", sort=order, axis=alt.Axis(title=None, labelLimit=260)),
        yOffset=alt.YOffset("measure:N"),
        x=alt.X("usd:Q", axis=_money_axis("usd per year")),
        color=alt.Color("measure:N", scale=alt.Scale(range=[_INK, _LIGHT]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("part_label:N", title="Cover"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("amount:N", title="Cost"), alt.Tooltip("chance_hit:N", title="Years it is hit")],
    ).properties(width=width - 260, height=alt.Step(9))
    return _finish(chart, "Cost by what a cyber policy pays for", "usd per year")


# ------------------------------------------------------------------------------------------- premiums
def premium_spec(options: Sequence[QuoteOption], *, width: int = WIDTH, height: int = 200) -> Spec:
    """The quote options' premiums (usd per policy year), one bar per option, coloured by the decision."""
    alt = _altair()
    rows = [{"option": option_label(o), "premium_usd": o.premium, "premium": money(o.premium),
             "decision": DECISION_LABELS[o.decision], "colour": _DECISION_COLOURS[o.decision]} for o in options]
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("option:N", sort=None, axis=alt.Axis(title=None, labelAngle=0, labelLimit=140,
                                                        labelExpr="split(datum.label, ' / ')")),
        y=alt.Y("premium_usd:Q", axis=alt.Axis(title="Premium, usd per year", format="$,.0f")),
        color=alt.Color("decision:N", scale=alt.Scale(domain=list(DECISION_LABELS.values()),
                                                      range=list(_DECISION_COLOURS.values())),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("option:N", title="Option"), alt.Tooltip("premium:N", title="Premium"),
                 alt.Tooltip("decision:N", title="Decision")],
    ).properties(width=min(width, 40 + 130 * max(len(rows), 1)), height=height)
    text = chart.mark_text(dy=-6, fontSize=10, color="#222").encode(text="premium:N", color=alt.value("#222"))
    return _finish(alt.layer(chart, text), "Premium for each option", "usd per policy year")


# ---------------------------------------------------------------------------------------- static render
def to_svg(spec: Spec) -> str:
    """The spec drawn as SVG (vl-convert, offline): what the PDF embeds."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def to_png(spec: Spec, *, scale: float = 2.0) -> bytes:
    """The spec drawn as PNG (vl-convert, offline), ``scale`` x its CSS pixel size."""
    import vl_convert

    png: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return png


__all__ = ["HEIGHT", "WIDTH", "Spec", "coverage_spec", "exceedance_spec", "option_label", "premium_spec", "to_png",
           "to_svg"]
