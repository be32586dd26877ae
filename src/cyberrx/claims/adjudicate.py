"""Adjudication of a claim on a policy, to the cent, with the engine's own arithmetic (``engine.terms``).

A claim and its history (earlier claims on the same policy, in the order they were adjudicated) are laid out as
one period: one row per presented loss line, with the line's amount in its part's column. The engine's step
functions run on that grid in ``Decimal``; this module only screens the claims (step 1), lays out the grid and
explains each line's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from cyberrx.claims.explain import explain_line, money
from cyberrx.domain import results
from cyberrx.domain.claim import Claim, load_claim
from cyberrx.domain.policy import PolicyTerms, load_policy
from cyberrx.engine.events import BI_COLUMNS
from cyberrx.engine.terms import (
    CompiledTerms,
    Settlement,
    compile_terms,
    covered_grid,
    settle,
    to_cents,
    touched_lines,
)
from cyberrx.errors import InvalidInput
from cyberrx.vocab import PART_INDEX, PARTS, CoveragePart

ZERO = Decimal(0)


class Status:
    DENIED = "denied"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"


@dataclass(frozen=True)
class LineResult:
    """One loss line's figures, usd to the cent, and why (one reason per step that changed the amount)."""

    coverage: CoveragePart
    claimed: Decimal
    covered: Decimal
    retention: Decimal
    coinsurance: Decimal
    payable: Decimal
    reasons: tuple[str, ...]

    def _data(self) -> dict[str, Any]:
        return {"coverage": self.coverage.value, "claimed": self.claimed, "covered": self.covered,
                "retention": self.retention, "coinsurance": self.coinsurance, "payable": self.payable,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Adjudication:
    """The outcome of one claim: status, lines, totals (usd) and what remains of the limits afterwards."""

    claim_id: str
    policy_number: str
    status: str
    denial_reasons: tuple[str, ...]
    retention_applied: Decimal
    lines: tuple[LineResult, ...]
    aggregate_remaining: Decimal
    sublimit_remaining: dict[CoveragePart, Decimal]
    history: tuple[tuple[str, str, Decimal], ...] = field(default=())

    @property
    def total_claimed(self) -> Decimal:
        return sum((x.claimed for x in self.lines), ZERO)

    @property
    def total_covered(self) -> Decimal:
        return sum((x.covered for x in self.lines), ZERO)

    @property
    def total_retention(self) -> Decimal:
        return sum((x.retention for x in self.lines), ZERO)

    @property
    def total_coinsurance(self) -> Decimal:
        return sum((x.coinsurance for x in self.lines), ZERO)

    @property
    def total_payable(self) -> Decimal:
        return sum((x.payable for x in self.lines), ZERO)

    def to_result(self) -> results.Adjudication:
        """The typed result (:class:`~cyberrx.domain.results.Adjudication`): money exact to the cent."""
        return results.Adjudication.model_validate(self._data())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (money as numbers rounded to cents): :meth:`to_result`'s ``to_dict()``."""
        return self.to_result().to_dict()

    def _data(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "policy_number": self.policy_number,
            "status": self.status,
            "denial_reasons": list(self.denial_reasons),
            "retention_applied": self.retention_applied,
            "lines": [x._data() for x in self.lines],
            "total_claimed": self.total_claimed,
            "total_covered": self.total_covered,
            "total_retention": self.total_retention,
            "total_coinsurance": self.total_coinsurance,
            "total_payable": self.total_payable,
            "aggregate_remaining": self.aggregate_remaining,
            "sublimit_remaining": {p.value: v for p, v in self.sublimit_remaining.items()},
            "history": [{"claim_id": c, "status": s, "total_payable": v} for c, s, v in self.history],
        }


def denial_reasons(policy: PolicyTerms, claim: Claim) -> list[str]:
    """Step 1: why the whole claim is denied (empty if it is not)."""
    inc = claim.incident
    controls = inc.controls_shown()
    reasons = []
    exclusion = policy.exclusion_for(inc.cause, controls)
    if exclusion is not None:
        why = f"cause {inc.cause}" if exclusion.value == inc.cause else \
            f"cause {inc.cause} with {exclusion.value.replace('_', ' ')}"
        reasons.append(f"excluded: {why} is excluded ({exclusion.value})")
    if not policy.period.contains(inc.occurred):
        reasons.append(f"outside_period: occurred {inc.occurred.isoformat()}, the period runs from "
                       f"{policy.period.start.isoformat()} to (not including) {policy.period.end.isoformat()}")
    for c in policy.denying_conditions(controls):
        reasons.append(f"condition_breached: {c.control.value} was not in place at the incident (on breach: deny)")
    return reasons


def check_claims(policy: PolicyTerms, claims: Sequence[Claim]) -> None:
    """Refuse claims on another policy and a claim id given twice, before anything is adjudicated."""
    seen: set[str] = set()
    for claim in claims:
        if claim.policy_number != policy.policy_number:
            raise InvalidInput(f"claim {claim.claim_id} is on policy {claim.policy_number!r}, not on "
                               f"{policy.policy_number!r}", field="policy_number", allowed=policy.policy_number)
        if claim.claim_id in seen:
            raise InvalidInput(f"claim {claim.claim_id} is given twice", field="claim_id",
                               allowed="each claim once: earlier claims in --history, the claim itself last")
        seen.add(claim.claim_id)


@dataclass(frozen=True)
class _Grid:
    """The claims laid out as rows (one per loss line), with the inputs of ``engine.terms.settle``."""

    claim_of_row: np.ndarray
    part_of_row: np.ndarray
    claimed: np.ndarray
    covered: np.ndarray
    touched: np.ndarray
    coinsurance: np.ndarray
    claim_starts: np.ndarray


def _layout(policy: PolicyTerms, base: CompiledTerms, claims: Sequence[Claim], denied: Sequence[bool]) -> _Grid:
    rows = [(ci, line) for ci, claim in enumerate(claims) for line in claim.losses]
    n = len(rows)
    amount = np.full((n, len(PARTS)), ZERO, dtype=object)
    hours, rate, extra = (np.full((n, 2), ZERO, dtype=object) for _ in range(3))
    claimed = np.full(n, ZERO, dtype=object)
    for r, (_, line) in enumerate(rows):
        claimed[r] = line.claimed
        if line.is_bi:
            c = BI_COLUMNS[line.coverage]
            hours[r, c], rate[r, c] = line.downtime_hours, line.income_loss_per_hour
            extra[r, c] = line.extra_expense or ZERO
        amount[r, PART_INDEX[line.coverage]] = line.claimed
    claim_of_row = np.array([ci for ci, _ in rows], dtype=np.int64)
    part_of_row = np.array([PART_INDEX[line.coverage] for _, line in rows], dtype=np.int64)
    row_denied = np.asarray(denied, dtype=bool)[claim_of_row]
    covered = covered_grid(amount, hours, rate, extra, base, row_denied)
    touched = touched_lines(amount, base, row_denied)
    # coinsurance depends on each claim's own incident (which warranties were breached then)
    per_claim = [compile_terms(policy, c.incident.controls_shown(), exact=True).coinsurance for c in claims]
    coinsurance = np.stack([per_claim[ci] for ci in claim_of_row]) if n else np.zeros((0, len(PARTS)), object)
    claim_starts = np.ones(n, dtype=bool)
    claim_starts[1:] = claim_of_row[1:] != claim_of_row[:-1]
    return _Grid(claim_of_row, part_of_row, claimed, covered, touched, coinsurance, claim_starts)


def adjudicate_sequence(policy: PolicyTerms, claims: Sequence[Claim]) -> list[Adjudication]:
    """Adjudicate ``claims`` in order as one period: each one's limits eroded by those before it."""
    check_claims(policy, claims)
    base = compile_terms(policy, {}, exact=True)
    denials = [denial_reasons(policy, c) for c in claims]
    grid = _layout(policy, base, claims, [bool(d) for d in denials])
    period_starts = np.zeros(len(grid.claim_of_row), dtype=bool)
    period_starts[:1] = True
    s = settle(grid.covered, grid.touched, base, grid.coinsurance, grid.claim_starts, period_starts)
    return _results(policy, base, claims, denials, grid, s)


def _results(policy: PolicyTerms, base: CompiledTerms, claims: Sequence[Claim], denials: list[list[str]],
             grid: _Grid, s: Settlement) -> list[Adjudication]:
    rows = np.arange(len(grid.part_of_row))
    col = grid.part_of_row
    fig = {name: to_cents(getattr(s, name)[rows, col]) for name in
           ("covered", "retention", "coinsurance", "after_sublimit", "after_layer", "payable")}
    sub_used = {p: ZERO for p in PARTS}
    paid_so_far = ZERO
    out: list[Adjudication] = []
    history: list[tuple[str, str, Decimal]] = []
    for ci, claim in enumerate(claims):
        lines = []
        claim_rows = rows[grid.claim_of_row == ci]
        for r, line in zip(claim_rows, claim.losses, strict=True):
            part = line.coverage
            before = {"sublimit_used": sub_used[part], "aggregate_paid": paid_so_far}
            figures = {k: v[r] for k, v in fig.items()}
            reasons = explain_line(policy, claim, line, figures, before, denials[ci],
                                   grid.coinsurance[r, col[r]], to_cents(s.claim_retention[r]))
            sub_used[part] += figures["after_sublimit"]
            paid_so_far += figures["payable"]
            lines.append(LineResult(part, to_cents(grid.claimed[r]), figures["covered"], figures["retention"],
                                    figures["coinsurance"], figures["payable"], tuple(reasons)))
        status = _status(denials[ci], lines)
        retention = to_cents(s.claim_retention[claim_rows[0]]) if len(claim_rows) else ZERO
        remaining = {p: to_cents(max(ZERO, policy.coverages[p].limit - sub_used[p])) for p in PARTS if policy.covers(p)}
        out.append(Adjudication(claim.claim_id, policy.policy_number, status, tuple(denials[ci]), retention,
                                tuple(lines), to_cents(base.aggregate_limit - paid_so_far), remaining,
                                tuple(history)))
        history.append((claim.claim_id, status, out[-1].total_payable))
    return out


def _status(denials: list[str], lines: list[LineResult]) -> str:
    """denied (step 1); paid when nothing but the retention reduced any line; else partially_paid."""
    if denials:
        return Status.DENIED
    only_retention = all(x.payable == x.claimed - x.retention for x in lines)
    return Status.PAID if only_retention else Status.PARTIALLY_PAID


def adjudicate(policy: PolicyTerms, claim: Claim, history: Sequence[Claim] = ()) -> Adjudication:
    """Adjudicate ``claim`` after the earlier claims ``history`` (in the order given) on ``policy``."""
    return adjudicate_sequence(policy, [*history, claim])[-1]


def adjudicate_files(policy_path: str | Path, claim_path: str | Path,
                     history_paths: Sequence[str | Path] = ()) -> Adjudication:
    """Read a policy, a claim and earlier claims (YAML or JSON) and adjudicate. Every file is read and checked
    before anything is computed; a bad one raises InvalidInput naming the file and the field."""
    policy = load_policy(policy_path)
    paths = [*history_paths, claim_path]
    claims = [load_claim(p) for p in paths]
    for path, claim in zip(paths, claims, strict=True):
        try:
            check_claims(policy, [claim])
        except InvalidInput as exc:
            raise InvalidInput(exc.args[0], field=exc.field, allowed=exc.allowed, source=str(path)) from None
    return adjudicate(policy, claims[-1], claims[:-1])


__all__ = ["Adjudication", "LineResult", "Status", "adjudicate", "adjudicate_files", "adjudicate_sequence",
           "check_claims", "denial_reasons", "money"]
