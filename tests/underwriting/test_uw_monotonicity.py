"""Monotonicity of quotes, as properties over generated practices and option grids (hypothesis).

- a higher limit is never cheaper (premium and technical premium);
- a higher retention is never dearer;
- adding a control never raises the premium nor the technical premium;
- the premium is never below the minimum.

Why these hold exactly, not statistically: every option of a quote is settled on the same simulated years, and
two quotes of a practice that differ only in controls are simulated under the same candidate-rate ceiling (the
no-controls twin), so each simulated year of the better-controlled practice has a subset of the events, each no
larger (common random numbers). The settlement is monotone in every amount, the limit and the retention, and the
price ``((1 - c) EL + c TVaR99) / (1 - e - p)`` is monotone in the year-by-year losses. The only slack allowed is
float rounding of sums over different numbers of years (1e-12 relative).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberrx.domain import BusinessAssociate, Controls, Ehr, PracticeProfile
from cyberrx.engine.terms import compile_terms
from cyberrx.reference import load_loss_model
from cyberrx.underwriting import YearBook, build_options, insured_annual, load_manual, load_rules, pricing_form
from cyberrx.underwriting.forms import to_terms
from cyberrx.underwriting.pricing import simulate_years
from cyberrx.vocab import Control, Hosting, RemoteAccess, Specialty, Training

TRIALS = 20_000
START = date(2027, 1, 1)
REL = 1e-12
LIMITS = [100_000, 250_000, 500_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000, 5_000_000, 10_000_000]
RETENTIONS = [0, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000]
STATES = ["LA", "MS", "TX", "FL", "NY", "CA", "OR"]

controls_st = st.builds(
    Controls,
    mfa_email=st.booleans(), mfa_remote_access=st.booleans(), mfa_privileged=st.booleans(), edr=st.booleans(),
    mdr_soc=st.booleans(), offline_backups=st.booleans(), backups_tested=st.booleans(),
    encryption_at_rest=st.booleans(), email_filtering=st.booleans(), security_training=st.sampled_from(Training),
    patch_critical_days=st.sampled_from([3, 7, 14, 30, 60, 120, 365]), incident_response_plan=st.booleans(),
    funds_transfer_verification=st.booleans(), risk_analysis_current=st.booleans(),
)
associate_st = st.builds(BusinessAssociate, name=st.just("Vendor"), holds_phi=st.booleans(), baa=st.booleans(),
                         critical=st.booleans())
profile_st = st.builds(
    PracticeProfile,
    name=st.just("Generated Practice"),
    specialty=st.sampled_from(Specialty),
    states=st.dictionaries(st.sampled_from(STATES), st.integers(1, 150_000), min_size=1, max_size=4),
    annual_revenue=st.sampled_from([150_000, 600_000, 2_400_000, 7_000_000, 30_000_000, 120_000_000, 300_000_000]),
    employees=st.integers(1, 600),
    endpoints=st.integers(1, 800),
    ehr=st.builds(Ehr, hosting=st.sampled_from(Hosting)),
    remote_access=st.sampled_from(RemoteAccess),
    business_associates=st.lists(associate_st, max_size=3),
    controls=controls_st,
)


def grid_st():
    return st.tuples(st.lists(st.sampled_from(LIMITS), min_size=2, max_size=4, unique=True),
                     st.lists(st.sampled_from(RETENTIONS[:5]), min_size=2, max_size=3, unique=True))


def run(profile, limits, retentions, seed=5):
    return build_options(profile, load_rules(), load_manual(), load_loss_model(), limits, retentions, TRIALS, seed,
                         START)


def by_option(q):
    return {(o.limit, o.retention): o for o in q.options}


def no_more_than(a: float, b: float) -> bool:
    return a <= b + REL * abs(b)


SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(profile_st, grid_st())
def test_higher_limit_never_cheaper_higher_retention_never_dearer_and_the_minimum(profile, grid):
    limits, retentions = grid
    q = run(profile, limits, retentions)
    opts = by_option(q)
    minimum = load_manual().minimum
    ls, rs = sorted(limits), sorted(retentions)
    for r in rs:
        for lo, hi in zip(ls, ls[1:], strict=False):
            assert opts[(lo, r)].premium <= opts[(hi, r)].premium
            assert no_more_than(opts[(lo, r)].technical.technical_premium, opts[(hi, r)].technical.technical_premium)
    for limit in ls:
        for lo, hi in zip(rs, rs[1:], strict=False):
            assert opts[(limit, hi)].premium <= opts[(limit, lo)].premium
            assert no_more_than(opts[(limit, hi)].technical.technical_premium,
                                opts[(limit, lo)].technical.technical_premium)
    for o in q.options:
        assert o.premium >= minimum
        assert o.technical.technical_premium >= 0


@SETTINGS
@given(profile_st, st.sampled_from(Control), grid_st())
def test_adding_a_control_never_raises_the_premium_nor_the_technical_premium(profile, control, grid):
    limits, retentions = grid
    better = profile.with_controls(profile.controls.improved(control))
    base, improved = by_option(run(profile, limits, retentions)), by_option(run(better, limits, retentions))
    for key, o in base.items():
        assert improved[key].premium <= o.premium
        assert no_more_than(improved[key].technical.technical_premium, o.technical.technical_premium)
        assert no_more_than(improved[key].technical.expected_loss, o.technical.expected_loss)


def test_adding_every_missing_control_one_by_one_to_the_exposed_clinic_only_lowers_prices(exposed):
    """A worked chain on the shipped high-risk example: each step adds one control to the last."""
    limits, retentions = [1_000_000, 5_000_000], [2_500, 25_000]
    current = exposed
    last = by_option(run(current, limits, retentions))
    for control in Control:
        current = current.with_controls(current.controls.improved(control))
        now = by_option(run(current, limits, retentions))
        for key, o in now.items():
            assert o.premium <= last[key].premium, control
            assert no_more_than(o.technical.technical_premium, last[key].technical.technical_premium), control
        last = now
    first = by_option(run(exposed, limits, retentions))
    assert last[(1_000_000, 2_500)].technical.technical_premium < 0.2 * \
        first[(1_000_000, 2_500)].technical.technical_premium


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(profile_st, st.sampled_from(Control))
def test_year_by_year_a_control_never_adds_loss(profile, control):
    """The mechanism behind the price property: on the shared ceiling every simulated year of the improved
    practice costs no more, ground-up and insured (a quote simulated on its own rates would fail this)."""
    tables = load_loss_model().tables
    better = profile.with_controls(profile.controls.improved(control))
    base, improved = simulate_years(profile, tables, 5_000, 9), simulate_years(better, tables, 5_000, 9)
    assert np.all(improved.annual_total() <= base.annual_total() * (1 + REL))
    form = pricing_form(profile, load_rules().segments.classify(profile)[0], 1_000_000, 10_000,
                        load_manual().tables["policy_form"], START)
    terms = compile_terms(to_terms(form), {c.value: True for c in Control})
    assert np.all(insured_annual(YearBook(improved), terms) <= insured_annual(YearBook(base), terms) * (1 + REL)
                  + 1e-9)
