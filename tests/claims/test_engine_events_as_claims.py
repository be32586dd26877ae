"""The loss engine's own simulated years, presented as claims, are paid exactly as `assess --policy` pays them.

The equivalence tests in test_terms_equivalence.py use constructed random events; this one takes the events the
simulator draws for the shipped examples and their policies (denials, coinsurance raised by a missing control,
BI waiting periods, sublimits, an excess layer). Tolerance: a cent per line plus half a cent for each earlier
line of the year (each exact line is rounded to the cent and eroded limits pass that rounding on).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from claims_support import claims_for_trial

from cyberrx.claims import adjudicate_sequence
from cyberrx.domain import PracticeProfile, load_model
from cyberrx.domain.policy import load_policy
from cyberrx.engine.events import BI_COLUMNS
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import simulate
from cyberrx.engine.terms import apply_policy, compile_terms
from cyberrx.reference import load_loss_model
from cyberrx.vocab import PART_INDEX, Control

ROOT = Path(__file__).resolve().parents[2]


def in_cents(events):
    """The events as a claimant would present them: dollars and cents, hours to the hundredth."""
    hours = np.round(events.downtime_hours, 2)
    rate = np.round(events.income_per_hour, 2)
    extra = np.round(events.extra_expense, 2)
    amount = np.round(events.amount, 2)
    for part, column in BI_COLUMNS.items():
        amount[:, PART_INDEX[part]] = np.where(amount[:, PART_INDEX[part]] > 0,
                                               rate[:, column] * hours[:, column] + extra[:, column], 0.0)
    return replace(events, amount=amount, downtime_hours=hours, income_per_hour=rate, extra_expense=extra)


@pytest.mark.parametrize(("profile", "policy"), [
    ("lakeside-family-medicine.yaml", "lakeside-primary.yaml"),
    ("exposed-rdp-clinic.yaml", "lakeside-primary.yaml"),          # deny condition: no offline backups
    ("valley-multispecialty-group.yaml", "valley-primary-5m.yaml"),
    ("valley-multispecialty-group.yaml", "valley-excess-5x5.yaml"),
    ("exposed-rdp-clinic.yaml", "lakeside-renewal.yaml"),          # causation warranty, BI qualifying period
])
def test_simulated_years_pay_what_adjudication_pays(profile, policy):
    practice = load_model(PracticeProfile, ROOT / "examples" / profile)
    terms_doc = load_policy(ROOT / "examples" / "policies" / policy)
    controls = {c.value: practice.controls.has(c) for c in Control}
    events = in_cents(simulate(build_parameters(practice, load_loss_model().tables), 4_000, seed=31))
    result = apply_policy(events, compile_terms(terms_doc, controls))
    years = np.unique(events.trial)[:60]
    checked = 0
    for trial in years:
        claims, where = claims_for_trial(events, int(trial), controls, policy_number=terms_doc.policy_number)
        adjudicated = adjudicate_sequence(terms_doc, claims)
        exact = [line.payable for claim in adjudicated for line in claim.lines]
        for i, ((row, part), paid) in enumerate(zip(where, exact, strict=True)):
            assert abs(float(paid) - result.payable[row, part]) <= 0.01 + 0.005 * i, (trial, row, part)
            checked += 1
        sim_year = result.insured_by_part[trial].sum()
        assert abs(sim_year - float(sum(exact, start=0))) <= 0.01 * max(1, len(exact)), trial
    assert checked > 100
