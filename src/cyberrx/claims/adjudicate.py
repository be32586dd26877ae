"""Adjudication of a claim on a policy, to the cent, with the engine's own arithmetic (``engine.terms``).

A claim and its history (earlier claims on the same policy, in the order they were adjudicated) are laid out as
one period: one row per presented loss line, with the line's amount in its part's column. The engine's step
functions run on that grid in ``Decimal``; this module only screens the claims (step 1), lays out the grid and
explains each line's figures.

Screening (issue 12): the whole claim is denied by an exclusion, a date before the retroactive date or a breached
``on_breach: deny`` warranty; a line alone by its part's trigger (:mod:`cyberrx.claims.trigger`) or by a
breached ``on_breach: deny_caused`` warranty whose control's absence could have caused it
(:data:`cyberrx.domain.policy.CAUSATION`). A claim whose every line is denied is denied.

Order of the lines: within a claim the rows are laid out in the order the retention falls on them. When every
line carries ``incurred`` that is the earliest first (same day: the coverage parts in ``PARTS`` order; lines alike
in both, by their figures, so that no presentation order changes anything); with no dates, the order presented.
Lines are reported in the order presented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from cyberrx.claims.explain import explain_line, money
from cyberrx.claims.trigger import retroactive_denial, verdicts
from cyberrx.claims.trigger import summary as trigger_summary
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
    trigger: str = ""
    incurred: date | None = None
    #: usd left after the part's sublimit and after the layer (the steps between coinsurance and the aggregate;
    #: kept for :mod:`cyberrx.claims.steps`, not part of the result's data)
    after_sublimit: Decimal = ZERO
    after_layer: Decimal = ZERO

    def _data(self) -> dict[str, Any]:
        return {"coverage": self.coverage.value, "claimed": self.claimed, "covered": self.covered,
                "retention": self.retention, "coinsurance": self.coinsurance, "payable": self.payable,
                "reasons": list(self.reasons), "trigger": self.trigger, "incurred": self.incurred}


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
    triggers: tuple[str, ...] = ()
    line_order: str = ""
    settlement_order: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

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
            "triggers": list(self.triggers),
            "line_order": self.line_order,
            "settlement_order": list(self.settlement_order),
            "warnings": list(self.warnings),
        }


def denial_reasons(policy: PolicyTerms, claim: Claim) -> list[str]:
    """Step 1: why the whole claim is denied before its lines are looked at (empty if it is not)."""
    inc = claim.incident
    controls = inc.controls_shown()
    reasons = []
    exclusion = policy.exclusion_for(inc.cause, controls)
    if exclusion is not None:
        why = f"cause {inc.cause}" if exclusion.value == inc.cause else \
            f"cause {inc.cause} with {exclusion.value.replace('_', ' ')}"
        reasons.append(f"excluded: {why} is excluded ({exclusion.value})")
    retro = retroactive_denial(policy, claim)
    if retro is not None:
        reasons.append(retro)
    for c in policy.denying_conditions(controls):
        reasons.append(f"condition_breached: {c.control.value} was not in place at the incident (on breach: deny, "
                       f"which voids the whole claim)")
    return reasons


def line_denials(policy: PolicyTerms, claim: Claim) -> list[list[str]]:
    """Why each line (in the order presented) is denied on its own: its trigger not met, or a breached
    causation warranty whose control's absence could have caused it (empty where it is not)."""
    controls = claim.incident.controls_shown()
    out = []
    for line, v in zip(claim.losses, verdicts(policy, claim), strict=True):
        reasons = [] if v.met else [v.reason]
        for c in policy.causing_conditions(controls, claim.incident.cause, line.coverage):
            parts = ", ".join(p.value for p in PARTS if c.could_have_caused(claim.incident.cause, p))
            reasons.append(f"causation: {c.control.value} was not in place at the incident and the policy denies "
                           f"what its absence could have caused (on breach: deny_caused): in a "
                           f"{claim.incident.cause} incident, {parts}")
        out.append(reasons)
    return out


def settlement_order(claim: Claim) -> list[int]:
    """The indices of ``claim.losses`` in the order the retention falls on them: by ``incurred`` when every line
    carries it (same day: ``PARTS`` order, then the line's figures), else as presented."""
    if not claim.dated:
        return list(range(len(claim.losses)))

    def key(i: int) -> tuple[Any, ...]:
        line = claim.losses[i]
        return (line.incurred, PART_INDEX[line.coverage], line.claimed, line.model_dump_json())
    return sorted(range(len(claim.losses)), key=key)


def _line_order(claim: Claim) -> str:
    if claim.dated:
        return ("by date incurred: the retention falls on the earliest line first (same day: the coverage parts "
                "in vocabulary order)")
    return "as presented: no line carries incurred, so the retention falls on the lines in the order presented"


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


def _layout(policy: PolicyTerms, base: CompiledTerms, claims: Sequence[Claim], orders: Sequence[list[int]],
            denied: Sequence[Sequence[bool]]) -> _Grid:
    """Rows in settlement order (``orders``: each claim's line indices); ``denied`` per claim, per line."""
    rows = [(ci, claim.losses[li]) for ci, claim in enumerate(claims) for li in orders[ci]]
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
    row_denied = np.array([denied[ci][li] for ci in range(len(claims)) for li in orders[ci]], dtype=bool)
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
    screens = [_screen(policy, c) for c in claims]
    orders = [settlement_order(c) for c in claims]
    denied = [[bool(sc.claim or sc.lines[i]) for i in range(len(c.losses))] for c, sc in zip(claims, screens,
                                                                                          strict=True)]
    grid = _layout(policy, base, claims, orders, denied)
    period_starts = np.zeros(len(grid.claim_of_row), dtype=bool)
    period_starts[:1] = True
    s = settle(grid.covered, grid.touched, base, grid.coinsurance, grid.claim_starts, period_starts)
    return _results(policy, base, claims, screens, orders, grid, s)


@dataclass(frozen=True)
class _Screen:
    """A claim's screening: whole-claim denial reasons (step 1) and each line's own (in the order presented)."""

    claim: list[str]
    lines: list[list[str]]
    triggers: list[str]

    @property
    def all_lines_denied(self) -> bool:
        return all(self.lines)

    @property
    def denial_reasons(self) -> list[str]:
        """The claim's denial reasons: step 1's, or, when every line is denied on its own, theirs (once each)."""
        if self.claim or not self.all_lines_denied:
            return self.claim
        return list(dict.fromkeys(r for reasons in self.lines for r in reasons))


def _screen(policy: PolicyTerms, claim: Claim) -> _Screen:
    return _Screen(denial_reasons(policy, claim), line_denials(policy, claim), trigger_summary(policy, claim))


def _results(policy: PolicyTerms, base: CompiledTerms, claims: Sequence[Claim], screens: list[_Screen],
             orders: list[list[int]], grid: _Grid, s: Settlement) -> list[Adjudication]:
    rows = np.arange(len(grid.part_of_row))
    col = grid.part_of_row
    fig = {name: to_cents(getattr(s, name)[rows, col]) for name in
           ("covered", "retention", "coinsurance", "after_sublimit", "after_layer", "payable")}
    if s.deductible is not None:
        fig["deductible"] = to_cents(s.deductible[rows, col])
    sub_used = {p: ZERO for p in PARTS}
    paid_so_far = ZERO
    out: list[Adjudication] = []
    history: list[tuple[str, str, Decimal]] = []
    for ci, claim in enumerate(claims):
        sc = screens[ci]
        tests = verdicts(policy, claim)
        ordered = [claim.losses[li] for li in orders[ci] if not sc.lines[li] and policy.covers(
            claim.losses[li].coverage) and claim.losses[li].claimed > 0]
        by_line: dict[int, LineResult] = {}
        claim_rows = rows[grid.claim_of_row == ci]
        for r, li in zip(claim_rows, orders[ci], strict=True):
            line = claim.losses[li]
            part = line.coverage
            before = {"sublimit_used": sub_used[part], "aggregate_paid": paid_so_far}
            figures = {k: v[r] for k, v in fig.items()}
            reasons = explain_line(policy, claim, line, figures, before, sc.claim, grid.coinsurance[r, col[r]],
                                   to_cents(s.claim_retention[r]), ordered=ordered, line_denials=sc.lines[li])
            sub_used[part] += figures["after_sublimit"]
            paid_so_far += figures["payable"]
            by_line[li] = LineResult(part, to_cents(grid.claimed[r]), figures["covered"], figures["retention"],
                                     figures["coinsurance"], figures["payable"], tuple(reasons), tests[li].reason,
                                     line.incurred, figures["after_sublimit"], figures["after_layer"])
        lines = [by_line[li] for li in range(len(claim.losses))]
        status = _status(sc.denial_reasons, lines)
        retention = to_cents(s.claim_retention[claim_rows[0]]) if len(claim_rows) else ZERO
        remaining = {p: to_cents(max(ZERO, policy.coverages[p].limit - sub_used[p])) for p in PARTS if policy.covers(p)}
        warnings = whole_claim_warnings(policy, claim, sc.denial_reasons, lines) if status == Status.DENIED else []
        out.append(Adjudication(claim.claim_id, policy.policy_number, status, tuple(sc.denial_reasons), retention,
                                tuple(lines), to_cents(base.aggregate_limit - paid_so_far), remaining,
                                tuple(history), tuple(sc.triggers), _line_order(claim), tuple(orders[ci]),
                                tuple(warnings)))
        history.append((claim.claim_id, status, out[-1].total_payable))
    return out


def whole_claim_warnings(policy: PolicyTerms, claim: Claim, reasons: Sequence[str],
                         lines: Sequence[LineResult]) -> list[str]:
    """The warning a denied claim carries: nothing is paid on what was claimed, and why; where a breached
    ``on_breach: deny`` warranty voids it, the lines its control's absence could not have caused (which the
    causation form, ``deny_caused``, would not deny)."""
    claimed = sum((x.claimed for x in lines), ZERO)
    out = [f"whole_claim_denied: nothing is paid on the {money(claimed)} claimed ("
           + "; ".join(dict.fromkeys(r.split(":", 1)[0] for r in reasons)) + ")"]
    cause = claim.incident.cause
    for c in policy.denying_conditions(claim.incident.controls_shown()):
        spared = [x for x in lines if not c.could_have_caused(cause, x.coverage)]
        if spared:
            named = ", ".join(f"{x.coverage.value} {money(x.claimed)}" for x in spared)
            out.append(f"whole_claim_denied: {c.control.value} is warranted with on_breach: deny, which voids every "
                       f"part, including those its absence could not have caused in a {cause} incident ({named}); "
                       f"under the causation form (deny_caused) those would not be denied: check the wording")
        else:
            out.append(f"whole_claim_denied: {c.control.value} is warranted with on_breach: deny; its absence could "
                       f"have caused every part claimed in a {cause} incident")
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
           "check_claims", "denial_reasons", "line_denials", "money", "settlement_order", "whole_claim_warnings"]
