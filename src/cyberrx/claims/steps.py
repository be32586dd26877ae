"""An adjudication laid out as the adjuster reads it: one row per loss line, one column per step, each step with
the adjudication's reason and the policy clause that makes it.

Columns, in the order the steps run (usd, each a deduction except the subtotal and the result)::

    claimed - denied or not covered - waiting period = after waiting period
            - retention - coinsurance - sublimit - layer - aggregate = payable

so every row, and the total row, adds up to the cent: ``claimed - deductions == payable``
(:meth:`StepRow.balances`). The figures are the adjudication's own (:class:`cyberrx.claims.LineResult`); nothing
is computed again here but the differences between them.

>>> from decimal import Decimal as D
>>> row = StepRow(0, CoveragePart.FORENSICS, D("45000.00"), D(0), D(0), D("10000.00"), D(0), D(0), D(0), D(0),
...               D("35000.00"), ())
>>> row.after_waiting, row.deductions, row.balances
(Decimal('45000.00'), Decimal('10000.00'), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cyberrx.claims.adjudicate import Adjudication, LineResult
from cyberrx.domain.claim import Claim
from cyberrx.domain.policy import PolicyTerms
from cyberrx.vocab import CoveragePart

ZERO = Decimal(0)
#: reason codes that take the whole line off (the line is denied, not triggered or not covered)
DENIAL_CODES = frozenset({"denied", "not_triggered", "causation", "not_covered"})
#: the deduction columns in the order the steps run, with their headings
STEP_LABELS: dict[str, str] = {
    "denied": "Denied or not covered",
    "waiting_period": "Waiting period",
    "retention": "Retention",
    "coinsurance": "Coinsurance",
    "sublimit": "Sublimit",
    "layer": "Layer",
    "aggregate": "Aggregate",
}


def _usd(x: Decimal) -> str:
    return f"${x:,.2f}"


def _pct(x: Decimal) -> str:
    return f"{(x * 100).normalize():f}%"


@dataclass(frozen=True)
class Step:
    """One step that touched a line: its column (``code``), the usd it took off, why, and the clause."""

    code: str
    amount: Decimal
    reason: str
    clause: str

    @property
    def label(self) -> str:
        return STEP_LABELS[self.code]


@dataclass(frozen=True)
class StepRow:
    """One loss line (``index``: its place as presented) across the step columns, usd to the cent; the total
    row has index -1 and no coverage part."""

    index: int
    coverage: CoveragePart | None
    claimed: Decimal
    denied: Decimal
    waiting_period: Decimal
    retention: Decimal
    coinsurance: Decimal
    sublimit: Decimal
    layer: Decimal
    aggregate: Decimal
    payable: Decimal
    steps: tuple[Step, ...]

    @property
    def after_waiting(self) -> Decimal:
        """usd covered: what is left once the line is screened and the waiting period is applied."""
        return self.claimed - self.denied - self.waiting_period

    @property
    def deductions(self) -> Decimal:
        return (self.denied + self.waiting_period + self.retention + self.coinsurance + self.sublimit + self.layer
                + self.aggregate)

    @property
    def balances(self) -> bool:
        """True when ``claimed - deductions == payable`` to the cent."""
        return self.claimed - self.deductions == self.payable


@dataclass(frozen=True)
class StepTable:
    """Every line's row and the total row; ``has_layer``: show the layer column (an excess policy)."""

    rows: tuple[StepRow, ...]
    total: StepRow
    has_layer: bool

    @property
    def balances(self) -> bool:
        return all(r.balances for r in self.rows) and self.total.balances


def _code(reason: str) -> str:
    return reason.split(":", 1)[0].strip()


def denial_clause(policy: PolicyTerms, reason: str, part: CoveragePart) -> str:
    """The clause behind a denial reason (``denied: excluded: ...``, ``not_triggered: ...``, ...)."""
    code = _code(reason)
    inner = _code(reason.split(":", 1)[1]) if code == "denied" and ":" in reason else code
    if inner == "excluded":
        return "Exclusions: " + ", ".join(e.value for e in policy.exclusions)
    if inner == "before_retroactive_date":
        return f"Retroactive date: {policy.retroactive.isoformat()}"
    if inner == "condition_breached":
        named = [c.control.value for c in policy.conditions if c.denies]
        return "Conditions (on breach: deny): " + ", ".join(named)
    if inner == "causation":
        named = [c.control.value for c in policy.conditions if c.denies_caused]
        return "Conditions (on breach: deny_caused): " + ", ".join(named)
    if inner == "not_triggered":
        return (f"Trigger of {part.value}: {policy.trigger_for(part).value}; period {policy.period.start.isoformat()}"
                f" to {policy.period.end.isoformat()}, extended reporting {policy.extended_reporting_days} days")
    if inner == "not_covered":
        return "Coverages: " + ", ".join(p.value for p in policy.coverages)
    return "Policy terms"


def step_clause(policy: PolicyTerms, claim: Claim, code: str, part: CoveragePart) -> str:
    """The clause of ``policy`` that makes step ``code`` on a line of ``part``, with its figure."""
    terms = policy.coverages.get(part)
    if code == "waiting_period" and terms is not None:
        form = "qualifying period" if policy.qualifying_period(part) else "deductible"
        days = "no period of restoration" if terms.max_period_days is None else \
            f"period of restoration {terms.max_period_days.normalize():f} days"
        return f"Coverage {part.value}: waiting period {policy.waiting_hours(part).normalize():f} h ({form}), {days}"
    if code == "retention":
        own = terms is not None and terms.retention is not None
        where = f"coverage {part.value} retention" if own else "policy retention"
        return f"Retention: {where} {_usd(policy.retention_for(part))}, one per claim (the largest part's)"
    if code == "coinsurance":
        share, raised_by = policy.coinsurance_for(part, claim.incident.controls_shown())
        if raised_by is not None:
            return f"Condition {raised_by.control.value}: on breach, coinsurance {_pct(share)} on {part.value}"
        return f"Coverage {part.value}: coinsurance {_pct(share)}"
    if code == "sublimit" and terms is not None:
        return f"Coverage {part.value}: limit {_usd(terms.limit)} per period"
    if code == "layer" and policy.layer is not None:
        lay = policy.layer
        return (f"Layer: {_pct(lay.participation)} of {_usd(lay.limit)} excess of {_usd(lay.attachment)}")
    if code == "aggregate":
        return f"Aggregate limit: {_usd(policy.aggregate_limit)} per period"
    return "Policy terms"


def _row(policy: PolicyTerms, claim: Claim, index: int, line: LineResult) -> StepRow:
    reasons = list(line.reasons)
    denied_line = any(_code(r) in DENIAL_CODES for r in reasons)
    lost = line.claimed - line.covered
    denied, waiting = (lost, ZERO) if denied_line else (ZERO, lost)
    after_coins = line.covered - line.retention - line.coinsurance
    amounts = {"denied": denied, "waiting_period": waiting, "retention": line.retention,
               "coinsurance": line.coinsurance,
               "sublimit": ZERO if denied_line else after_coins - line.after_sublimit,
               "layer": ZERO if denied_line else line.after_sublimit - line.after_layer,
               "aggregate": ZERO if denied_line else line.after_layer - line.payable}
    steps = []
    for reason in reasons:
        code = _code(reason)
        if code in DENIAL_CODES:
            steps.append(Step("denied", denied, reason, denial_clause(policy, reason, line.coverage)))
        elif code in STEP_LABELS:
            steps.append(Step(code, amounts[code], reason, step_clause(policy, claim, code, line.coverage)))
    return StepRow(index, line.coverage, line.claimed, denied, waiting, line.retention, line.coinsurance,
                   amounts["sublimit"], amounts["layer"], amounts["aggregate"], line.payable, tuple(steps))


def step_table(policy: PolicyTerms, claim: Claim, result: Adjudication) -> StepTable:
    """``result`` (the adjudication of ``claim`` on ``policy``) as rows of steps, lines as presented."""
    rows = tuple(_row(policy, claim, i, line) for i, line in enumerate(result.lines))

    def total(name: str) -> Decimal:
        return sum((getattr(r, name) for r in rows), ZERO)

    total_row = StepRow(-1, None, total("claimed"), total("denied"), total("waiting_period"), total("retention"),
                        total("coinsurance"), total("sublimit"), total("layer"), total("aggregate"),
                        total("payable"), ())
    return StepTable(rows, total_row, policy.layer is not None)


__all__ = ["DENIAL_CODES", "STEP_LABELS", "Step", "StepRow", "StepTable", "denial_clause", "step_clause",
           "step_table"]
