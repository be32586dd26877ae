"""The certificate of insurance for a bound policy, in cyberrx's own layout (not ACORD's).

Built from the policy as issued (:class:`~cyberrx.domain.policy.PolicyTerms`) and the parties' names: producer,
insured, insurer, policy number, effective and expiry dates, limits by coverage part, retention, the certificate
holder and the description of operations, with the statement that the certificate confers no rights beyond the
policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cyberrx.domain.policy import PolicyTerms
from cyberrx.reports.documents.common import Party, html_to_pdf, render, today_or
from cyberrx.reports.formatting import long_date, money, share
from cyberrx.reports.labels import PART_LABELS
from cyberrx.vocab import BI_PARTS, PARTS

STATEMENT = ("This certificate is issued as a matter of information only and confers no rights upon the certificate "
             "holder beyond those of the policy. It does not amend, extend or alter the cover afforded by the policy "
             "named above, which is subject to all its terms, conditions, exclusions and limits; the limits shown "
             "may have been reduced by paid claims.")


@dataclass(frozen=True)
class LimitRow:
    part: str
    limit: str
    retention: str
    terms: str


@dataclass(frozen=True)
class CertificateView:
    certificate_number: str
    issued: str
    producer: Party
    insured: Party
    insurer: Party
    holder: Party
    policy_number: str
    policy_type: str
    effective: str
    expiry: str
    aggregate_limit: str
    retention: str
    limits: list[LimitRow]
    not_covered: list[str]
    limits_note: str
    operations: str
    statement: str
    #: raw figures for tests and pages
    effective_date: date
    expiry_date: date


def certificate_view(policy_terms: PolicyTerms, insured: Party | str | None, producer: Party | str,
                     insurer: Party | str, holder: Party | str, operations: str, *, issued: date | None = None,
                     certificate_number: str | None = None) -> CertificateView:
    """The certificate of ``policy_terms`` for ``holder``; ``insured`` defaults to the policy's named insured."""
    day = today_or(issued)
    limits = []
    for part in PARTS:
        t = policy_terms.coverages.get(part)
        if t is None:
            continue
        notes = []
        if t.coinsurance > 0:
            notes.append(f"coinsurance {share(t.coinsurance)}")
        if part in BI_PARTS:
            notes.append(f"waiting period {policy_terms.waiting_hours(part).normalize():f} hours")
            if t.max_period_days is not None:
                notes.append(f"up to {t.max_period_days.normalize():f} days")
        limits.append(LimitRow(PART_LABELS[part], money(t.limit), money(policy_terms.retention_for(part)),
                               "; ".join(notes)))
    layer = policy_terms.layer
    note = "Each part's limit is within the aggregate limit, not in addition to it."
    if layer is None:
        kind = "Cyber liability insurance (primary)"
    else:
        kind = (f"Excess cyber liability insurance: {money(layer.limit)} excess of {money(layer.attachment)}"
                + (f", {share(layer.participation)} participation" if layer.participation < 1 else ""))
        note = ("An excess policy: each part's limit is the most the whole tower pays on that part (following the "
                "primary's form); this policy pays within its own aggregate limit above the attachment.")
    return CertificateView(
        certificate_number=certificate_number or f"COI-{policy_terms.policy_number}-{day:%Y%m%d}",
        issued=long_date(day), producer=Party.of(producer),
        insured=Party.of(insured if insured is not None else policy_terms.insured), insurer=Party.of(insurer),
        holder=Party.of(holder), policy_number=policy_terms.policy_number, policy_type=kind,
        effective=long_date(policy_terms.period.start), expiry=long_date(policy_terms.period.end),
        aggregate_limit=money(policy_terms.aggregate_limit), retention=money(policy_terms.retention),
        limits=limits, limits_note=note, not_covered=[PART_LABELS[p] for p in PARTS if p not in policy_terms.coverages],
        operations=operations, statement=STATEMENT, effective_date=policy_terms.period.start,
        expiry_date=policy_terms.period.end)


def render_html(view: CertificateView) -> str:
    """The certificate as one self-contained HTML document."""
    return render("certificate.html", view)


def render_pdf(view: CertificateView) -> bytes:
    """The certificate as PDF bytes (US Letter)."""
    return html_to_pdf(render_html(view))


__all__ = ["STATEMENT", "CertificateView", "LimitRow", "certificate_view", "render_html", "render_pdf"]
