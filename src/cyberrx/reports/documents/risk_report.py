"""The practice risk report: what a cyber incident could cost the practice, the cover it needs, what to fix first.

Written for the practice manager (plain language), with the precise term and the result field beside each
summary figure for the broker and the underwriter. Built only from the typed results:
:class:`~cyberrx.domain.results.Assessment` (figures, charts, program and gap) and
:class:`~cyberrx.domain.results.Improvement` (what to fix first); the sources section names the reference data
versions, the model version, the trials and the seed, and each control cost's source in ``control_costs.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import Assessment, Improvement
from cyberrx.reports.charts import coverage_spec, exceedance_spec
from cyberrx.reports.documents.common import Chart, Row, Source, html_to_pdf, render, today_or
from cyberrx.reports.formatting import chance, long_date, money, months, share
from cyberrx.reports.labels import PART_LABELS, control_label, scenario_label
from cyberrx.vocab import PARTS


@dataclass(frozen=True)
class PartRow:
    """A coverage part's cost, usd per year (formatted)."""

    label: str
    expected: str
    worst_1pct: str
    years_hit: str
    typical_claim: str
    recommended_sublimit: str


@dataclass(frozen=True)
class CauseRow:
    label: str
    incidents_per_year: str
    expected: str


@dataclass(frozen=True)
class ProgramRow:
    """One line of the program against the current cover."""

    label: str
    recommended: str
    current: str


@dataclass(frozen=True)
class FixRow:
    """A control to add, in rank order: yearly cost, money saved (premium drop + the loss the practice keeps under
    the standard option avoided), payback."""

    rank: int
    control: str
    cost_per_year: str
    loss_avoided_per_year: str
    premium_drop_per_year: str
    money_saved_per_year: str
    drop_in_1_in_100_year: str
    payback: str
    hicp: str
    insurers_require: str
    cost_source: str


@dataclass(frozen=True)
class RiskReportView:
    """The practice risk report, every figure formatted (see :mod:`cyberrx.reports.formatting`)."""

    practice: str
    prepared: str
    summary: list[Row]
    charts: dict[str, Chart]
    by_part: list[PartRow]
    causes: list[CauseRow]
    program: list[ProgramRow]
    program_rule: str
    gap: list[Row]
    policy: list[Row]
    fixes: list[FixRow]
    best_set: str
    fixes_note: str
    sources: list[Source]
    run: list[Row]
    #: the raw figures the tests and pages key on (usd)
    recommended_limit_usd: float
    recommended_retention_usd: float
    current_limit_usd: float

    @property
    def specs(self) -> dict[str, Any]:
        """The charts' Vega-Lite specs by name, for a page's vega-embed."""
        return {name: chart.spec for name, chart in self.charts.items()}


@lru_cache(maxsize=8)
def _reference_file(name: str) -> dict[str, Any]:
    from cyberrx.reference import read_data_file

    return read_data_file(name)


def _basis(name: str, version: str) -> str:
    """The file's own statement of where its figures come from, when the result's version is the file's."""
    data = _reference_file(name)
    if str(data.get("version")) != version:
        return f"(this result used version {version}; the installed file is version {data.get('version')})"
    basis = data.get("based_on") or data.get("source") or ""
    return " ".join(str(basis).split())


def _cost_source(control: str) -> str:
    """Where ``control_costs.yaml`` says the control's yearly cost comes from (its figures' sources)."""
    entry = _reference_file("control_costs.yaml").get("controls", {}).get(control, {})
    sources = []
    for key in ("per_employee_month", "per_endpoint_month", "fixed_per_year", "minimum_per_year"):
        figure = entry.get(key)
        if isinstance(figure, dict) and figure.get("source"):
            sources.append(str(figure["source"]))
    return "; ".join(dict.fromkeys(sources))


def risk_report_view(assessment: Assessment, improvement: Improvement, profile: PracticeProfile, *,
                     prepared: date | None = None) -> RiskReportView:
    """The risk report of ``profile`` from its assessment and its control ranking (same practice)."""
    a, rec, gap = assessment.annual_loss, assessment.recommended, assessment.gap
    summary = [
        Row("Chance of at least one costly incident in a year", chance(assessment.event_probability),
            "annual probability of one or more loss events", "Assessment.event_probability"),
        Row("Expected cost per year (the long-run average)", money(a.mean), "expected annual loss (mean)",
            "Assessment.annual_loss.mean"),
        Row("A bad year (1 in 20)", money(a.p95), "95th percentile of annual loss (p95)",
            "Assessment.annual_loss.p95"),
        Row("A very bad year (1 in 100)", money(a.p99), "99th percentile of annual loss (p99)",
            "Assessment.annual_loss.p99"),
        Row("Average of the worst 1% of years", money(a.tvar99), "TVaR99 of annual loss",
            "Assessment.annual_loss.tvar99"),
        Row("Recommended cover", f"{money(rec.aggregate_limit)} limit, {money(rec.retention)} retention",
            "aggregate limit / per-claim retention", "Assessment.recommended"),
    ]
    charts = {
        "exceedance": Chart(exceedance_spec(assessment),
                            "Chart: the chance per year that a year costs at least a given amount, with the "
                            f"recommended limit {money(rec.aggregate_limit)} and the current cover "
                            f"{money(gap.existing_limit)} marked."),
        "coverage": Chart(coverage_spec(assessment), "Chart: expected cost per year and the average of the worst 1% "
                                                      "of years, by what a cyber policy pays for."),
    }
    by_part = []
    for part in PARTS:
        s = assessment.by_coverage[part]
        sub = rec.sublimits.get(part)
        by_part.append(PartRow(PART_LABELS[part], money(s.mean), money(s.tvar99), share(s.probability),
                               money(s.median_when_hit) if s.probability > 0 else "-",
                               money(sub) if sub else "full limit"))
    causes = [CauseRow(scenario_label(name), f"{s.frequency:.3f}", money(s.mean))
              for name, s in sorted(assessment.by_scenario.items(), key=lambda kv: -kv[1].mean)]
    has_cover = gap.existing_limit > 0
    program = [
        ProgramRow("Aggregate limit (the most the policy pays in a year)", money(rec.aggregate_limit),
                   money(gap.existing_limit) if has_cover else "no cyber cover"),
        ProgramRow("Retention (what you pay first on each claim)", money(rec.retention),
                   money(gap.existing_retention) if has_cover else "-"),
        *[ProgramRow(f"Sublimit: {PART_LABELS[p]}", money(v), "-") for p, v in rec.sublimits.items()],
    ]
    gap_rows = [
        Row("Part of a 1-in-100 year you would pay yourself today", f"{share(gap.uncovered_p99)} "
            f"({money(gap.uncovered_p99_usd)})", "uncovered share of the p99 annual loss", "Assessment.gap"),
        Row("Extra limit needed to reach the recommendation",
            money(max(rec.aggregate_limit - gap.existing_limit, 0.0)), "recommended minus current aggregate limit",
            "Assessment.recommended.aggregate_limit - Assessment.gap.existing_limit"),
    ]
    policy_rows = []
    if assessment.insured_loss is not None and assessment.retained_loss is not None:
        ins, ret = assessment.insured_loss, assessment.retained_loss
        policy_rows = [
            Row("Policy", assessment.policy_number or "-", "", "Assessment.policy_number"),
            Row("Paid by the policy: average / 1-in-100 year", f"{money(ins.mean)} / {money(ins.p99)}",
                "insured annual loss mean / p99", "Assessment.insured_loss"),
            Row("Kept by the practice: average / 1-in-100 year", f"{money(ret.mean)} / {money(ret.p99)}",
                "retained annual loss mean / p99", "Assessment.retained_loss"),
        ]
    fixes = []
    for i, r in enumerate(improvement.recommendations, 1):
        saved = r.retained_loss_reduction + r.premium_reduction
        fixes.append(FixRow(
            rank=i, control=control_label(r.control), cost_per_year=money(r.annual_cost),
            loss_avoided_per_year=money(r.retained_loss_reduction), premium_drop_per_year=money(r.premium_reduction),
            money_saved_per_year=money(round(saved, 2)), drop_in_1_in_100_year=money(r.loss_reduction_p99),
            payback=months(r.payback_months),
            hicp=(f"{r.hicp_practice.practice}. " if r.hicp_practice.practice is not None else "")
            + f"{r.hicp_practice.name} ({r.hicp_practice.sub_practice})",
            insurers_require="yes" if r.insurer_baseline else "no", cost_source=_cost_source(r.control)))
    best = improvement.best_set
    if best is not None:
        best_set = (f"Best set within a budget of {money(improvement.budget)} a year: "
                    f"{', '.join(control_label(c) for c in best.controls)}. It costs {money(best.annual_cost)} a "
                    f"year and saves {money(best.premium_reduction)} of premium and "
                    f"{money(best.retained_loss_reduction)} of the cost you keep a year (net "
                    f"{money(best.net_benefit)}).")
    else:
        best_set = f"No control pays for itself within a budget of {money(improvement.budget)} a year."
    fixes_note = (f"Money saved = premium drop + the expected cost you keep (retention, coinsurance, uncovered "
                  f"parts, above the limits) avoided, usd per year. Premium at the standard "
                  f"option {money(improvement.standard_option.limit)} limit / "
                  f"{money(improvement.standard_option.retention)} retention: "
                  f"{money(improvement.current.premium)} today. 405(d) HICP: the HHS Health Industry "
                  "Cybersecurity Practices.")
    sources = [
        Source("Loss model (loss_model.yaml)", assessment.reference_version,
               _basis("loss_model.yaml", assessment.reference_version)),
        Source("Control costs (control_costs.yaml)", improvement.control_costs_version,
               _basis("control_costs.yaml", improvement.control_costs_version)),
    ]
    run = [
        Row("Model version", assessment.engine_version, "", "Assessment.engine_version"),
        Row("Simulated years (assessment)", f"{assessment.trials:,}", "trials", "Assessment.trials"),
        Row("Random seed (assessment)", str(assessment.seed), "", "Assessment.seed"),
        Row("Simulated years / seed (what to fix first)", f"{improvement.trials:,} / {improvement.seed}", "",
            "Improvement.trials, Improvement.seed"),
        Row("How the recommended program was chosen", rec.rule, "", "Assessment.recommended.rule"),
        Row("How the control ranking was made", improvement.method, "", "Improvement.method"),
        Row("Chance of a costly incident, modelled (not simulated)", chance(assessment.event_probability_model),
            "", "Assessment.event_probability_model"),
        Row("Patient records held", f"{assessment.records:,}", "", "Assessment.records"),
    ]
    return RiskReportView(
        practice=profile.name, prepared=long_date(today_or(prepared)), summary=summary, charts=charts,
        by_part=by_part, causes=causes, program=program, program_rule=rec.rule, gap=gap_rows, policy=policy_rows,
        fixes=fixes, best_set=best_set, fixes_note=fixes_note, sources=sources, run=run,
        recommended_limit_usd=rec.aggregate_limit, recommended_retention_usd=rec.retention,
        current_limit_usd=gap.existing_limit)


def render_html(view: RiskReportView) -> str:
    """The risk report as one self-contained HTML document."""
    return render("risk_report.html", view)


def render_pdf(view: RiskReportView) -> bytes:
    """The risk report as PDF bytes (US Letter)."""
    return html_to_pdf(render_html(view))


__all__ = ["CauseRow", "FixRow", "PartRow", "ProgramRow", "RiskReportView", "render_html", "render_pdf",
           "risk_report_view"]
