"""The broker's proposal to the practice: its exposure in one chart, the quote options side by side, what each
covers and excludes, the subjectivities, the carrier, and a signature block.

Built only from the typed results: :class:`~cyberrx.domain.results.Quote` (options, decisions, reasons,
subjectivities and each option's ``policy_terms``) and :class:`~cyberrx.domain.results.Assessment` (the exposure
chart). A declined or referred option says why first: its decision row carries the reasons of the rules that
declined or referred it, before any figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import Assessment, Quote, QuoteOption
from cyberrx.reports.charts import exceedance_spec, option_label, premium_spec
from cyberrx.reports.documents.common import Chart, Party, Row, Source, html_to_pdf, render, today_or
from cyberrx.reports.formatting import long_date, money, share
from cyberrx.reports.labels import DECISION_LABELS, PART_LABELS, control_label, exclusion_label
from cyberrx.vocab import BI_PARTS, PARTS

#: at most this many options side by side in one table (a Letter page's width)
COLUMNS_PER_TABLE = 4
_REASON = re.compile(r"^(?P<message>.*?)\s*\[(?P<rule>[A-Z0-9-]+)(?::\s*(?P<facts>.*))?\]\s*$")


@dataclass(frozen=True)
class Reason:
    """A rule's sentence for the broker, the rule's id, and whether it declined or referred the option."""

    message: str
    rule: str
    decisive: bool


@dataclass(frozen=True)
class OptionColumn:
    """One quote option (a column of the comparison)."""

    label: str
    policy_number: str
    decision: str
    decision_label: str
    why: list[Reason]        # the reasons that declined or referred it (empty when offered): shown first
    limit: str
    retention: str
    premium: str
    sublimits: dict[str, str]
    other_reasons: list[Reason]
    subjectivities: list[str]
    limit_usd: float
    retention_usd: float
    premium_usd: float


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    cells: list[str]
    kind: str = ""           # "decision" for the row that says why first


@dataclass(frozen=True)
class ComparisonTable:
    headers: list[str]
    rows: list[ComparisonRow]
    columns: list[OptionColumn]


@dataclass(frozen=True)
class TermsSection:
    """What a group of options (with the same terms apart from the amounts) covers and excludes."""

    applies_to: str
    covers: list[str]
    not_covered: list[str]
    conditions: list[str]
    exclusions: list[str]
    period: str


@dataclass(frozen=True)
class ProposalView:
    practice: str
    prepared: str
    carrier: Party
    producer: Party
    exposure: list[Row]
    charts: dict[str, Chart]
    options: list[OptionColumn]
    tables: list[ComparisonTable]
    expiring: str
    terms: list[TermsSection]
    subjectivities: list[str]
    sources: list[Source]
    notes: list[str]

    @property
    def specs(self) -> dict[str, Any]:
        """The charts' Vega-Lite specs by name, for a page's vega-embed."""
        return {name: chart.spec for name, chart in self.charts.items()}


def parse_reason(text: str, decisive_rules: set[str]) -> Reason:
    """``"message [RULE-ID: facts]"`` (how the underwriting rules write a reason) as a :class:`Reason`."""
    found = _REASON.match(text)
    if found is None:
        return Reason(text, "", False)
    return Reason(found["message"], found["rule"], found["rule"] in decisive_rules)


def _decisive_rules(quote: Quote) -> set[str]:
    return {f.rule for f in quote.findings if f.outcome in ("decline", "refer", "max_limit")}


def _column(option: QuoteOption, decisive: set[str]) -> OptionColumn:
    reasons = [parse_reason(r, decisive) for r in option.reasons]
    why = [r for r in reasons if r.decisive] if option.decision != "quote" else []
    if option.decision != "quote" and not why:
        why = reasons[:1]   # no rule named as decisive: the first reason is the one the rules gave first
    return OptionColumn(
        label=option_label(option), policy_number=option.policy_number, decision=option.decision,
        decision_label=DECISION_LABELS[option.decision], why=why,
        limit=money(option.limit), retention=money(option.retention), premium=money(option.premium),
        sublimits={PART_LABELS[p]: money(v) for p, v in option.sublimits.items()},
        other_reasons=[r for r in reasons if r not in why],
        subjectivities=[str(s.get("message", "")) for s in option.subjectivities],
        limit_usd=option.limit, retention_usd=option.retention, premium_usd=option.premium)


def _table(columns: list[OptionColumn], options: list[QuoteOption]) -> ComparisonTable:
    headers = [f"Option {c.label}" for c in columns]
    why = []
    for c in columns:
        text = c.decision_label
        if c.why:
            text += ": " + " ".join(r.message for r in c.why)
        why.append(text)
    rows = [ComparisonRow("Decision", why, kind="decision"),
            ComparisonRow("Aggregate limit (the most paid in the year)", [c.limit for c in columns]),
            ComparisonRow("Retention (paid by the practice on each claim)", [c.retention for c in columns])]
    for part in PARTS:
        cells = []
        for o in options:
            terms = o.policy_terms.get("coverages", {}).get(part.value)
            cells.append("not covered" if terms is None else money(terms["limit"]))
        rows.append(ComparisonRow(f"Limit: {PART_LABELS[part]}", cells))
    rows.append(ComparisonRow("Premium per year", [c.premium + (" (not offered)" if c.decision == "decline" else "")
                                                   for c in columns], kind="premium"))
    rows.append(ComparisonRow("Reasons", ["; ".join(r.message for r in c.other_reasons) or "-" for c in columns]))
    rows.append(ComparisonRow("Subjectivities (to do before or after binding)",
                              ["; ".join(c.subjectivities) or "none" for c in columns]))
    rows.append(ComparisonRow("Quote reference", [c.policy_number for c in columns]))
    return ComparisonTable(headers=headers, rows=rows, columns=columns)


def _covers(terms: dict[str, Any]) -> list[str]:
    out = []
    for part in PARTS:
        t = terms.get("coverages", {}).get(part.value)
        if t is None:
            continue
        bits = []
        if t.get("retention") is not None:
            bits.append(f"its own retention {money(t['retention'])}")
        if float(t.get("coinsurance") or 0) > 0:
            bits.append(f"the practice pays {share(float(t['coinsurance']))} of each claim")
        if part in BI_PARTS:
            bits.append(f"after a waiting period of {t.get('waiting_period_hours') or 0} hours")
            if t.get("max_period_days") is not None:
                bits.append(f"for up to {t['max_period_days']} days")
        out.append(PART_LABELS[part] + (f" ({', '.join(bits)})" if bits else ""))
    return out


def _condition(c: dict[str, Any]) -> str:
    on = c.get("on_breach", {})
    control = control_label(str(c.get("control", "")))
    if on == "deny" or (isinstance(on, dict) and on.get("deny")):
        return f"{control} must be in place when an incident happens, or the claim is refused."
    parts = on.get("applies_to") if isinstance(on, dict) else None
    where = ", ".join(PART_LABELS[p] for p in parts) if parts else "every part"
    return (f"If {control[0].lower() + control[1:]} is not in place when an incident happens, the practice pays "
            f"{share(float(on.get('coinsurance', 0)))} of {where}.")


def _terms_sections(options: list[QuoteOption], labels: list[str]) -> list[TermsSection]:
    groups: dict[tuple[Any, ...], tuple[list[str], TermsSection]] = {}
    for option, label in zip(options, labels, strict=True):
        t = option.policy_terms
        covered = set(t.get("coverages", {}))
        period = t.get("period", {})
        dates = (f"{long_date(date.fromisoformat(period['start']))} to "
                 f"{long_date(date.fromisoformat(period['end']))}") if period else "-"
        section = TermsSection(
            applies_to="", covers=_covers(t), not_covered=[PART_LABELS[p] for p in PARTS if p.value not in covered],
            conditions=[_condition(c) for c in t.get("conditions", [])],
            exclusions=[exclusion_label(e) for e in t.get("exclusions", [])],
            period=dates)
        key = (tuple(section.covers), tuple(section.not_covered), tuple(section.conditions),
               tuple(section.exclusions), section.period)
        groups.setdefault(key, ([], section))[0].append(label)
    out = []
    for names, section in groups.values():
        applies = "Every option" if len(names) == len(options) else "Options " + "; ".join(names)
        out.append(TermsSection(applies, section.covers, section.not_covered, section.conditions,
                                section.exclusions, section.period))
    return out


def proposal_view(quote: Quote, profile: PracticeProfile, carrier: Party | str, producer: Party | str, *,
                  assessment: Assessment, options: Sequence[QuoteOption] | None = None,
                  prepared: date | None = None) -> ProposalView:
    """The proposal of ``quote`` (for ``profile``) from ``producer`` with ``carrier``; ``options``: the quote
    options to show side by side (default every option of the quote), ``assessment``: the practice's exposure."""
    chosen = list(quote.options if options is None else options)
    decisive = _decisive_rules(quote)
    columns = [_column(o, decisive) for o in chosen]
    existing = profile.existing_coverage
    expiring = (f"Expiring program: {money(existing.aggregate_limit)} limit, {money(existing.retention)} retention."
                if existing is not None and existing.aggregate_limit > 0 else "The practice has no cyber cover today.")
    tables = [_table(columns[i:i + COLUMNS_PER_TABLE], chosen[i:i + COLUMNS_PER_TABLE])
              for i in range(0, len(columns), COLUMNS_PER_TABLE)]
    a = assessment.annual_loss
    exposure = [
        Row("Expected cost of cyber incidents per year", money(a.mean), "expected annual loss",
            "Assessment.annual_loss.mean"),
        Row("A very bad year (1 in 100)", money(a.p99), "p99 annual loss", "Assessment.annual_loss.p99"),
        Row("Recommended limit", money(assessment.recommended.aggregate_limit), "aggregate limit",
            "Assessment.recommended.aggregate_limit"),
    ]
    charts = {"exposure": Chart(exceedance_spec(assessment, height=220),
                                "Chart: the chance per year that a year costs at least a given amount, with the "
                                f"recommended limit {money(assessment.recommended.aggregate_limit)} marked."),
              "premiums": Chart(premium_spec(chosen, height=150), "Chart: the premium of each option.",
                                      width_pct=80)}
    subjectivities = list(dict.fromkeys(s for c in columns for s in c.subjectivities))
    files = {"rules": "underwriting_rules.yaml", "rate_manual": "rate_manual.yaml", "loss_model": "loss_model.yaml"}
    sources = [Source(f"{name.replace('_', ' ').capitalize()} ({files.get(name, name)})", version)
               for name, version in quote.versions.items()]
    notes = [f"Premiums are the carrier's rate manual; the technical price checks them: {quote.technical_formula} "
             f"({quote.trials:,} simulated years, seed {quote.seed}).",
             f"Exposure from {assessment.trials:,} simulated years (seed {assessment.seed}, model "
             f"{assessment.engine_version}, loss model {assessment.reference_version})."]
    if quote.segment_reasons:
        notes.append("Segment: " + "; ".join(quote.segment_reasons))
    return ProposalView(
        practice=profile.name, prepared=long_date(today_or(prepared)), carrier=Party.of(carrier),
        producer=Party.of(producer), exposure=exposure, charts=charts, options=columns, tables=tables,
        expiring=expiring, terms=_terms_sections(chosen, [c.label for c in columns]), subjectivities=subjectivities,
        sources=sources, notes=notes)


def render_html(view: ProposalView) -> str:
    """The proposal as one self-contained HTML document."""
    return render("proposal.html", view)


def render_pdf(view: ProposalView) -> bytes:
    """The proposal as PDF bytes (US Letter)."""
    return html_to_pdf(render_html(view))


__all__ = ["COLUMNS_PER_TABLE", "ComparisonRow", "ComparisonTable", "OptionColumn", "ProposalView", "Reason",
           "TermsSection", "parse_reason", "proposal_view", "render_html", "render_pdf"]
