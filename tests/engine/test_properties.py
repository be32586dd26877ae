"""Invariants of the loss model (hypothesis).

Comparisons use common random numbers: both profiles are simulated under one candidate-rate ceiling (the larger
of their frequencies), so the events common to both draw the same random numbers. The model is then monotone
year by year, and the statements below hold exactly, not just on average.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberrx.domain.profile import BusinessAssociate, Controls, PracticeProfile
from cyberrx.engine.analytic import expected_annual_loss, expected_event_cost
from cyberrx.engine.metrics import summarize
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import simulate
from cyberrx.reference import load_loss_model
from cyberrx.vocab import PART_INDEX, Control, CoveragePart, Hosting, RemoteAccess, Specialty, Training

TABLES = load_loss_model().tables
N = 20_000

controls_st = st.builds(
    Controls,
    mfa_email=st.booleans(), mfa_remote_access=st.booleans(), mfa_privileged=st.booleans(), edr=st.booleans(),
    mdr_soc=st.booleans(), offline_backups=st.booleans(), backups_tested=st.booleans(),
    encryption_at_rest=st.booleans(), email_filtering=st.booleans(), security_training=st.sampled_from(Training),
    patch_critical_days=st.integers(0, 365), incident_response_plan=st.booleans(),
    funds_transfer_verification=st.booleans(), risk_analysis_current=st.booleans(),
)


@st.composite
def profiles(draw):
    states = draw(st.dictionaries(st.sampled_from(["LA", "MS", "TX", "CA", "NY", "OR"]), st.integers(1, 300_000),
                                  min_size=1, max_size=3))
    employees = draw(st.integers(1, 2000))
    n_ba = draw(st.integers(0, 4))
    return PracticeProfile(
        name="P", specialty=draw(st.sampled_from(Specialty)), states=states,
        annual_revenue=draw(st.floats(50_000, 300_000_000)), providers=draw(st.integers(1, 300)),
        employees=employees, endpoints=draw(st.integers(1, 3000)),
        ehr={"vendor": "x", "hosting": draw(st.sampled_from(Hosting))},
        remote_access=draw(st.sampled_from(RemoteAccess)),
        business_associates=[BusinessAssociate(name=f"v{i}", holds_phi=draw(st.booleans()),
                                               critical=draw(st.booleans())) for i in range(n_ba)],
        controls=draw(controls_st),
    )


def crn_annual(profiles_, seed=1):
    """Annual totals of each profile under one candidate-rate ceiling (common random numbers)."""
    params = [build_parameters(p, TABLES) for p in profiles_]
    ceiling = np.max([p.frequency for p in params], axis=0)
    return [simulate(p, N, seed, candidate_rates=ceiling) for p in params], params


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(profiles(), st.sampled_from(Control))
@SETTINGS
def test_adding_any_control_never_raises_expected_loss(profile, control):
    better = profile.with_controls(profile.controls.improved(control))
    (ev0, ev1), (p0, p1) = crn_annual([profile, better])
    assert expected_annual_loss(p1) <= expected_annual_loss(p0) * (1 + 1e-12)
    a0, a1 = ev0.annual_total(), ev1.annual_total()
    assert np.all(a1 <= a0 + 1e-6)          # year by year, hence in mean and every quantile
    assert a1.mean() <= a0.mean() + 1e-9


@given(profiles(), st.floats(1.0, 20.0))
@SETTINGS
def test_more_records_never_lowers_notification_cost(profile, factor):
    more = profile.model_copy(update={"states": {k: int(np.ceil(v * factor)) for k, v in profile.states.items()}})
    j = PART_INDEX[CoveragePart.NOTIFICATION]
    p0, p1 = build_parameters(profile, TABLES), build_parameters(more, TABLES)
    assert np.all(expected_event_cost(p1)[:, j] >= expected_event_cost(p0)[:, j] - 1e-9)
    (ev0, ev1), _ = crn_annual([profile, more])
    assert np.all(ev1.amount[:, j] >= ev0.amount[:, j] - 1e-9)


@given(profiles(), st.floats(1.0, 10.0))
@SETTINGS
def test_a_larger_practice_never_has_a_smaller_p99(profile, factor):
    """Larger: more records, revenue, staff, endpoints and providers, same specialty, set-up and controls."""
    larger = profile.model_copy(update={
        "states": {k: int(np.ceil(v * factor)) for k, v in profile.states.items()},
        "annual_revenue": profile.annual_revenue * factor,
        "employees": int(np.ceil(profile.employees * factor)),
        "endpoints": int(np.ceil(profile.endpoints * factor)),
        "providers": int(np.ceil(profile.providers * factor)),
    })
    (ev0, ev1), _ = crn_annual([profile, larger])
    s0, s1 = summarize(ev0.annual_total()), summarize(ev1.annual_total())
    for key in ("mean", "p90", "p95", "p99", "p995", "tvar99"):
        assert s1[key] >= s0[key] - 1e-6, key


@given(profiles(), st.integers(0, 2**32))
@SETTINGS
def test_quantiles_are_ordered(profile, seed):
    ev = simulate(build_parameters(profile, TABLES), 5_000, seed)
    s = summarize(ev.annual_total())
    assert 0 <= s["p50"] <= s["p90"] <= s["p95"] <= s["p99"] <= s["p995"]
    assert s["p99"] <= s["tvar99"] + 1e-6


def _numbers(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("source", "trust", "note", "only_if_remote_access", "safe_harbor_lost_device"):
                yield from _numbers(v)
    elif isinstance(node, list):
        for v in node:
            yield from _numbers(v)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield node


def test_every_control_multiplier_is_at_most_one():
    """A control in place can only lower loss: every multiplier in the controls table is in (0, 1]."""
    for name, block in TABLES["controls"].items():
        block = {k: v for k, v in block.items() if k != "bands"}
        for value in _numbers(block):
            assert 0 < value <= 1, name
    bands = TABLES["controls"]["patch_critical_days"]["bands"]
    values = [b["value"] for b in bands]
    assert values == sorted(values) and values[-1] == 1.0   # slower patching never lowers the multiplier


@given(profiles())
@SETTINGS
def test_frequencies_positive_and_costs_non_negative(profile):
    p = build_parameters(profile, TABLES)
    assert np.all(p.frequency > 0)
    assert np.all(expected_event_cost(p) >= 0)
