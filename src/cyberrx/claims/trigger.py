"""Which loss lines of a claim the policy's triggers let in, and why (issue 12).

Nothing that happened before the retroactive date is covered (the whole claim is denied). Then each line is
tested under its part's trigger (:meth:`~cyberrx.domain.policy.PolicyTerms.trigger_for`):

- ``discovery`` (first party): the incident was first discovered during the period (``start`` to, not including,
  ``end``) and reported to the insurer before the reporting window closes (period end + extended reporting days).
- ``claims_made`` (third party): the incident occurred before the period ended; the claim was first made against
  the insured during the period or its extended reporting period, and reported before the window closes.

Each verdict carries one sentence starting with its code: ``trigger`` (met) or ``not_triggered`` (not met).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cyberrx.domain.claim import Claim, LossLine
from cyberrx.domain.policy import PolicyTerms, Trigger
from cyberrx.vocab import PARTS, THIRD_PARTY_PARTS, CoveragePart


@dataclass(frozen=True)
class TriggerVerdict:
    """One line's trigger: which one, whether it is met, and the sentence saying why."""

    trigger: Trigger
    met: bool
    reason: str


def retroactive_denial(policy: PolicyTerms, claim: Claim) -> str | None:
    """Why the whole claim is denied by the retroactive date (None when it is not)."""
    occurred, retro = claim.incident.occurred, policy.retroactive
    if occurred >= retro:
        return None
    written = "" if policy.retroactive_date is not None else " (none is written: the period start)"
    return (f"before_retroactive_date: the incident occurred {occurred.isoformat()}, before the retroactive date "
            f"{retro.isoformat()}{written}; nothing that happened before it is covered")


def _window(policy: PolicyTerms) -> str:
    ends = policy.reporting_ends.isoformat()
    if policy.extended_reporting_days == 0:
        return f"before the period ended ({ends}; no extended reporting period)"
    return (f"before the reporting window closed ({ends}: the period end plus {policy.extended_reporting_days} "
            f"days of extended reporting)")


def verdict(policy: PolicyTerms, claim: Claim, line: LossLine) -> TriggerVerdict:
    """The trigger test of ``line`` (the retroactive date is tested once for the claim, by
    :func:`retroactive_denial`)."""
    trigger = policy.trigger_for(line.coverage)
    inc, period = claim.incident, policy.period
    # discovery: the incident's report is what counts; claims-made: the report of the claim made on this line
    reported = inc.reported_on if trigger is Trigger.DISCOVERY else line.reported_on(inc)
    closes = policy.reporting_ends
    span = f"the period {period.start.isoformat()} to (not including) {period.end.isoformat()}"
    late = reported >= closes
    if trigger is Trigger.DISCOVERY:
        if not period.contains(inc.discovered):
            return TriggerVerdict(trigger, False, f"not_triggered: discovery: first discovered "
                                  f"{inc.discovered.isoformat()}, outside {span}")
        if late:
            return TriggerVerdict(trigger, False, f"not_triggered: discovery: reported {reported.isoformat()}, "
                                  f"not {_window(policy)}")
        return TriggerVerdict(trigger, True, f"trigger: discovery: first discovered {inc.discovered.isoformat()}, "
                              f"inside {span}; reported {reported.isoformat()}, {_window(policy)}")
    made = line.claim_made_on(inc)
    if inc.occurred >= period.end:
        return TriggerVerdict(trigger, False, f"not_triggered: claims_made: the incident occurred "
                              f"{inc.occurred.isoformat()}, after the period ended ({period.end.isoformat()})")
    if made < period.start:
        return TriggerVerdict(trigger, False, f"not_triggered: claims_made: the claim was first made "
                              f"{made.isoformat()}, before the period started ({period.start.isoformat()})")
    if made >= closes:
        return TriggerVerdict(trigger, False, f"not_triggered: claims_made: the claim was first made "
                              f"{made.isoformat()}, not {_window(policy)}")
    if late:
        return TriggerVerdict(trigger, False, f"not_triggered: claims_made: reported {reported.isoformat()}, "
                              f"not {_window(policy)}")
    where = f"inside {span}" if period.contains(made) else \
        (f"inside the extended reporting period ({period.end.isoformat()} to (not including) {closes.isoformat()}) "
         f"for an incident that occurred {inc.occurred.isoformat()}, before the period ended")
    return TriggerVerdict(trigger, True, f"trigger: claims_made: the claim was first made {made.isoformat()}, "
                          f"{where}; reported {reported.isoformat()}, {_window(policy)}")


def summary(policy: PolicyTerms, claim: Claim) -> list[str]:
    """One sentence per trigger the claim's lines were tested under: the parts, where the trigger comes from and
    what it asks; then the retroactive date."""
    by_trigger: dict[Trigger, list[CoveragePart]] = {}
    for part in PARTS:
        if any(x.coverage is part for x in claim.losses):
            by_trigger.setdefault(policy.trigger_for(part), []).append(part)
    out = []
    for trigger, parts in by_trigger.items():
        named = ", ".join(p.value for p in parts)
        source = "; ".join(sorted({_source(policy, p) for p in parts}))
        if trigger is Trigger.DISCOVERY:
            asks = "the incident first discovered during the period and reported " + _window(policy)
        else:
            asks = ("the claim first made against the insured during the period"
                    + (" or its extended reporting period" if policy.extended_reporting_days else "")
                    + " and reported " + _window(policy))
        out.append(f"{trigger.value} ({named}; {source}): {asks}")
    written = "as written" if policy.retroactive_date is not None else "none written: the period start"
    out.append(f"retroactive date {policy.retroactive.isoformat()} ({written}): nothing that happened before it "
               f"is covered")
    return out


def _source(policy: PolicyTerms, part: CoveragePart) -> str:
    terms = policy.coverages.get(part)
    if terms is not None and terms.trigger is not None:
        return "as the policy writes it"
    return "the default for third-party parts" if part in THIRD_PARTY_PARTS else "the default for first-party parts"


def verdicts(policy: PolicyTerms, claim: Claim) -> Sequence[TriggerVerdict]:
    """:func:`verdict` of each line, in the order presented."""
    return [verdict(policy, claim, line) for line in claim.losses]


__all__ = ["TriggerVerdict", "retroactive_denial", "summary", "verdict", "verdicts"]
