"""Helpers for the claims tests: random policies and event tables, and a plain-Python reference adjudicator.

The reference is written straight from the text of issue 3 with loops and ``Decimal``, sharing no code with
``engine.terms`` or ``claims.adjudicate`` (not even the policy's own helper methods), so agreement is a check.
Its rounding follows the documented rule: BI covered, the amount left after coinsurance and the layer's
participated share are rounded half-up to the cent where they are formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from cyberrx.domain.claim import Claim, parse_claim
from cyberrx.domain.policy import PolicyTerms, parse_policy
from cyberrx.engine.events import BI_COLUMNS, EventTable
from cyberrx.vocab import BI_PARTS, PARTS, SCENARIOS, Control

D = Decimal
CENT = D("0.01")
START = date(2027, 1, 1)


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# ---- random inputs -----------------------------------------------------------------------------------------
def random_policy(rng: np.random.Generator, *, layer: bool = False, friendly: bool = False) -> PolicyTerms:
    """A policy with a random subset of parts, limits, retentions, coinsurance, conditions and exclusions.

    ``friendly``: every figure a multiple of $10 and shares multiples of 0.05, so no rounding ever happens.
    """
    unit = 10 if friendly else 1
    def money(lo: int, hi: int) -> int:
        return int(rng.integers(lo // unit, hi // unit + 1)) * unit
    shares = [0.0, 0.1, 0.25, 0.5] if friendly else [0.0, 0.1, 0.25, 0.333, 0.5]
    coverages = {}
    for p in PARTS:
        if rng.random() < 0.8:
            terms: dict[str, object] = {"limit": money(5_000, 400_000)}
            if rng.random() < 0.25:
                terms["retention"] = money(0, 30_000)
            if rng.random() < 0.3:
                terms["coinsurance"] = float(rng.choice(shares))
            if p in BI_PARTS:
                terms["waiting_period_hours"] = int(rng.choice([0, 4, 8, 12, 24]))
                if rng.random() < 0.7:
                    terms["max_period_days"] = int(rng.choice([1, 3, 30, 120]))
            coverages[p.value] = terms
    conditions = []
    for control in rng.choice([c.value for c in Control], size=3, replace=False):
        if rng.random() < 0.15:
            conditions.append({"control": str(control), "on_breach": "deny"})
        else:
            applies = [str(x) for x in rng.choice([p.value for p in PARTS], size=3, replace=False)]
            conditions.append({"control": str(control), "on_breach": {
                "coinsurance": float(rng.choice(shares[1:])), "applies_to": applies}})
    data = {
        "policy_number": "P-1", "insured": "Test Practice", "period": {"start": "2027-01-01", "end": "2028-01-01"},
        "aggregate_limit": money(50_000, 1_500_000), "retention": money(0, 25_000), "coverages": coverages,
        "conditions": conditions, "exclusions": ["war", "unencrypted_device"] if rng.random() < 0.5 else [],
    }
    if layer:
        data["layer"] = {"attachment": money(0, 300_000), "limit": money(50_000, 800_000),
                         "participation": float(rng.choice([1.0, 0.5] if friendly else [1.0, 0.5, 0.35]))}
    return parse_policy(data)


def random_controls(rng: np.random.Generator) -> dict[str, bool]:
    """Every control, each in place with probability 0.7."""
    return {c.value: bool(rng.random() < 0.7) for c in Control}


def random_events(rng: np.random.Generator, n_trials: int, *, friendly: bool = False,
                  mean_events: float = 2.0) -> EventTable:
    """Random years: Poisson events per trial, each part hit with probability 0.4.

    Amounts are whole cents (``friendly``: multiples of $10); BI is income/h x hours + extra expense with hours
    in quarter hours (``friendly``: income a multiple of $4, so hours x income is whole dollars).
    """
    counts = rng.poisson(mean_events, n_trials)
    trial = np.repeat(np.arange(n_trials), counts)
    n = int(trial.shape[0])
    scenario = rng.integers(0, len(SCENARIOS), n).astype(np.int16)
    hit = rng.random((n, len(PARTS))) < 0.4
    if friendly:
        amount = rng.integers(0, 30_000, (n, len(PARTS))) * 10.0
    else:
        amount = rng.integers(0, 30_000_000, (n, len(PARTS))) / 100.0
    amount = np.where(hit, amount * (rng.random((n, len(PARTS))) < 0.9), 0.0)
    downtime = rng.integers(0, 400, (n, 2)) / 4.0
    income = (rng.integers(0, 500, (n, 2)) * 4.0) if friendly else rng.integers(0, 300_000, (n, 2)) / 100.0
    extra = (rng.integers(0, 500, (n, 2)) * 10.0) if friendly else rng.integers(0, 1_000_000, (n, 2)) / 100.0
    for part, c in BI_COLUMNS.items():
        on = hit[:, PARTS.index(part)]
        downtime[~on, c] = income[~on, c] = extra[~on, c] = 0.0
        amount[:, PARTS.index(part)] = income[:, c] * downtime[:, c] + extra[:, c]
    return EventTable(n_trials, trial, scenario, amount, downtime, income, extra, np.zeros(n))


def _dec(x: float) -> Decimal:
    return D(repr(float(x)))


def claims_for_trial(events: EventTable, trial: int, controls: dict[str, bool],
                     policy_number: str = "P-1") -> tuple[list[Claim], list[tuple[int, int]]]:
    """The trial's events as claims (one per event, lines for the parts hit, in PARTS order), and for each line
    its ``(event row, part index)``."""
    claims, where = [], []
    for k, row in enumerate(np.flatnonzero(events.trial == trial)):
        losses = []
        for p, part in enumerate(PARTS):
            if events.amount[row, p] <= 0:
                continue
            if part in BI_PARTS:
                c = BI_COLUMNS[part]
                losses.append({"coverage": part.value, "downtime_hours": _dec(events.downtime_hours[row, c]),
                               "income_loss_per_hour": _dec(events.income_per_hour[row, c]),
                               "extra_expense": _dec(events.extra_expense[row, c])})
            else:
                losses.append({"coverage": part.value, "amount": _dec(events.amount[row, p])})
            where.append((int(row), p))
        if not losses:
            continue
        day = START + timedelta(days=k)
        claims.append(parse_claim({
            "claim_id": f"T{trial}-E{row}", "policy_number": policy_number,
            "incident": {"cause": SCENARIOS[events.scenario[row]].value, "occurred": day, "discovered": day,
                         "controls": controls},
            "losses": losses}))
    return claims, where


# ---- the reference adjudicator ---------------------------------------------------------------------------
@dataclass
class RefLine:
    covered: Decimal
    retention: Decimal
    coinsurance: Decimal
    payable: Decimal


def _denied(policy: PolicyTerms, claim: Claim) -> bool:
    inc = claim.incident
    shown = {c.value: v for c, v in inc.controls.items()}
    excl = [e.value for e in policy.exclusions]
    if inc.cause in excl:
        return True
    if "unencrypted_device" in excl and inc.cause == "lost_device" and shown.get("encryption_at_rest") is False:
        return True
    if not (policy.period.start <= inc.occurred < policy.period.end):
        return True
    return any(c.on_breach.deny and shown.get(c.control.value) is False for c in policy.conditions)


def _slice(cumulative: Decimal, layer) -> Decimal:
    return min(max(cumulative - layer.attachment, D(0)), layer.limit)


def reference_adjudicate(policy: PolicyTerms, claims: list[Claim]) -> list[list[RefLine]]:
    """Adjudicate ``claims`` in order on ``policy``, line by line, with loops (issue 3's six steps)."""
    sub_used = {p: D(0) for p in PARTS}
    agg_used = D(0)
    tower = D(0)  # cumulative amount after sublimits in the period, for the layer
    out = []
    for claim in claims:
        shown = {c.value: v for c, v in claim.incident.controls.items()}
        denied = _denied(policy, claim)
        covered_parts = set(policy.coverages)
        def own_retention(part):
            r = policy.coverages[part].retention
            return policy.retention if r is None else r
        touched = [own_retention(x.coverage) for x in claim.losses
                   if x.coverage in covered_parts and x.claimed > 0]
        retention_left = max(touched) if touched and not denied else D(0)
        lines = []
        for line in claim.losses:
            part = line.coverage
            if denied or part not in covered_parts:
                lines.append(RefLine(D(0), D(0), D(0), D(0)))
                continue
            terms = policy.coverages[part]
            if line.is_bi:
                hours = line.downtime_hours
                if terms.max_period_days is not None:
                    hours = min(hours, terms.max_period_days * 24)
                wait = terms.waiting_period_hours or D(0)
                covered = cents(line.income_loss_per_hour * max(D(0), hours - wait) + (line.extra_expense or 0))
            else:
                covered = line.amount
            taken = min(covered, retention_left)
            retention_left -= taken
            share = terms.coinsurance
            for c in policy.conditions:
                ob = c.on_breach
                if ob.coinsurance is not None and shown.get(c.control.value) is False \
                        and (ob.applies_to is None or part in ob.applies_to):
                    share = max(share, ob.coinsurance)
            rest = cents((covered - taken) * (1 - share))
            kept = covered - taken - rest
            x = min(rest, terms.limit - sub_used[part])
            sub_used[part] += x
            if policy.layer is not None:
                lay = policy.layer
                before, tower = tower, tower + x
                x = cents((_slice(tower, lay) - _slice(before, lay)) * lay.participation)
            pay = min(x, policy.aggregate_limit - agg_used)
            agg_used += pay
            lines.append(RefLine(covered, taken, kept, pay))
        out.append(lines)
    return out
