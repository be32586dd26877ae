"""Reasons for an adjudicated line: one sentence per step that changed the amount, with the step's figures.

Each reason starts with a code (``not_covered``, ``waiting_period``, ``retention``, ``coinsurance``,
``sublimit``, ``layer``, ``aggregate``, ``denied``, and for a line denied on its own ``not_triggered`` or
``causation``) so a reader or a program can pick it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from cyberrx.domain.claim import Claim, LossLine
from cyberrx.domain.policy import PolicyTerms
from cyberrx.vocab import CoveragePart


def money(x: Decimal) -> str:
    """``1234.5`` -> ``'1,234.50'``."""
    return f"{x:,.2f}"


def _share(x: Decimal) -> str:
    return f"{(x * 100).normalize():f}%"


def _hours(x: Decimal) -> str:
    return f"{x.normalize():f}" if x.is_finite() else "unlimited"


def explain_line(policy: PolicyTerms, claim: Claim, line: LossLine, figures: Mapping[str, Decimal],
                 before: Mapping[str, Decimal], denials: list[str], share: Decimal,
                 claim_retention: Decimal, *, ordered: Sequence[LossLine] | None = None,
                 line_denials: Sequence[str] = ()) -> list[str]:
    """Reasons for one line.

    Args:
        figures: the line's ``covered``, ``retention``, ``coinsurance``, ``after_sublimit``, ``after_layer``,
            ``payable`` (usd, cents).
        before: ``sublimit_used`` on the line's part and ``aggregate_paid`` in the period before this line.
        denials: the claim's denial reasons (step 1).
        share: the coinsurance share applied to the line.
        claim_retention: the claim's retention (usd).
        ordered: the claim's lines that count for its retention (covered, claimed above zero, not denied), in
            the order the retention falls on them (default: those of ``claim.losses`` as presented).
        line_denials: why this line alone is denied (its trigger, a causation warranty).
    """
    part = line.coverage
    if denials:
        return [f"denied: {d}" for d in denials]
    if line_denials:
        return list(line_denials)
    if not policy.covers(part):
        return [f"not_covered: the policy does not list {part.value}"]
    lines = [x for x in claim.losses if policy.covers(x.coverage) and x.claimed > 0] if ordered is None \
        else list(ordered)
    reasons: list[str] = []
    if line.is_bi:
        reasons.append(_waiting(policy, line, figures["covered"]))
    deductible = figures.get("deductible", Decimal(0))
    if deductible > 0:
        reasons.append(f"deductible: {money(deductible)} of the {part.value} deductible of "
                       f"{money(policy.coverages[part].deductible or Decimal(0))} (per claim, before the retention)")
    if figures["retention"] > 0:
        if _first_with_retention(lines, line):
            reasons.append(_retention(policy, claim, lines, figures["retention"], claim_retention))
        else:
            reasons.append(f"retention: {money(figures['retention'])} more of the claim's single retention "
                           f"of {money(claim_retention)}")
    if figures["coinsurance"] > 0:
        reasons.append(_coinsurance(policy, claim, line, share, figures))
    after_coins = figures["covered"] - deductible - figures["retention"] - figures["coinsurance"]
    if figures["after_sublimit"] < after_coins:
        limit = policy.coverages[part].limit
        left = max(Decimal(0), limit - before["sublimit_used"])
        reasons.append(f"sublimit: the {part.value} limit of {money(limit)} had {money(left)} left in the "
                       f"period; {money(after_coins - figures['after_sublimit'])} is above it")
    if policy.layer is not None:
        lay = policy.layer
        reasons.append(f"layer: this policy pays {_share(lay.participation)} of the period's covered loss between "
                       f"{money(lay.attachment)} and {money(lay.attachment + lay.limit)}: "
                       f"{money(figures['after_layer'])} of this line's {money(figures['after_sublimit'])}"
                       + ("; the claim's layer payout shared among its lines pro rata to their covered loss after "
                          "deductibles" if lay.allocation == "pro_rata" else ""))
    if figures["payable"] < figures["after_layer"]:
        agg = policy.aggregate_limit
        left = max(Decimal(0), agg - before["aggregate_paid"])
        reasons.append(f"aggregate: the aggregate limit of {money(agg)} had {money(left)} left; "
                       f"{money(figures['after_layer'] - figures['payable'])} is above it")
    return reasons


def _waiting(policy: PolicyTerms, line: LossLine, covered: Decimal) -> str:
    assert line.downtime_hours is not None and line.income_loss_per_hour is not None
    wait, cap = policy.waiting_hours(line.coverage), policy.max_hours(line.coverage)
    counted = min(line.downtime_hours, cap)
    capped = f" (downtime {_hours(line.downtime_hours)} h capped at the {_hours(cap)} h period of restoration)" \
        if line.downtime_hours > cap else ""
    extra = money(line.extra_expense or Decimal(0))
    if policy.qualifying_period(line.coverage):
        if line.downtime_hours > wait:
            return (f"waiting_period: qualifying period: the outage of {_hours(line.downtime_hours)} h passed the "
                    f"{_hours(wait)} h qualifying period, so it counts from hour zero: "
                    f"{money(line.income_loss_per_hour)}/h x {_hours(counted)} h + {extra} extra expense = "
                    f"{money(covered)}{capped}")
        return (f"waiting_period: qualifying period: the outage of {_hours(line.downtime_hours)} h did not pass the "
                f"{_hours(wait)} h qualifying period, so nothing is covered (income nor extra expense)")
    return (f"waiting_period: {money(line.income_loss_per_hour)}/h x max(0, {_hours(counted)} h - {_hours(wait)} h "
            f"waiting) + {extra} extra expense = {money(covered)}{capped}")


def _first_with_retention(counting: Sequence[LossLine], line: LossLine) -> bool:
    return bool(counting) and counting[0] is line


def _retention(policy: PolicyTerms, claim: Claim, lines: Sequence[LossLine], taken: Decimal,
               claim_retention: Decimal) -> str:
    touched: list[CoveragePart] = []
    for x in lines:
        if x.coverage not in touched:
            touched.append(x.coverage)
    listed = ", ".join(f"{p.value} {money(policy.retention_for(p))}" for p in touched)
    order = "by date incurred, the earliest first" if claim.dated else "in the order presented"
    return (f"retention: {money(taken)} of the claim's single retention of {money(claim_retention)}, the largest "
            f"among the covered parts claimed ({listed}), taken from the lines {order}")


def _coinsurance(policy: PolicyTerms, claim: Claim, line: LossLine, share: Decimal,
                 figures: Mapping[str, Decimal]) -> str:
    own, raised_by = policy.coinsurance_for(line.coverage, claim.incident.controls_shown())
    why = (f"raised from the part's {_share(policy.coverages[line.coverage].coinsurance)} because "
           f"{raised_by.control.value} was not in place at the incident") if raised_by is not None \
        else "the part's own coinsurance"
    base = figures["covered"] - figures["retention"]
    return f"coinsurance: the practice keeps {_share(share)} of {money(base)} = {money(figures['coinsurance'])} ({why})"


__all__ = ["explain_line", "money"]
