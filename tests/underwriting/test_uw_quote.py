"""Quote options: the fast settlement equals the engine's apply_policy, one simulation per quote, the technical
price formula, the option fields, and the generated terms (issue 3 format) that assess and adjudication accept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from cyberrx.app.assess import assess
from cyberrx.app.underwrite import quote, write_terms
from cyberrx.claims import adjudicate_files
from cyberrx.domain import PracticeProfile, load_model
from cyberrx.domain.policy import load_policy
from cyberrx.engine.terms import apply_policy, compile_terms
from cyberrx.reference import load_loss_model
from cyberrx.underwriting import (
    QUOTE,
    TechnicalBasis,
    YearBook,
    insured_annual,
    load_manual,
    technical_price,
)
from cyberrx.underwriting import pricing as pricing_module
from cyberrx.underwriting.pricing import candidate_ceiling, no_controls_twin, simulate_years
from cyberrx.vocab import Control, CoveragePart

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 20_000
START = date(2027, 1, 1)


def profile(name: str) -> PracticeProfile:
    return load_model(PracticeProfile, ROOT / "examples" / name)


def controls_of(p: PracticeProfile) -> dict[str, bool]:
    return {c.value: p.controls.has(c) for c in Control}


@pytest.mark.parametrize(("practice", "policy"), [
    ("lakeside-family-medicine.yaml", "lakeside-primary.yaml"),      # sublimits, waiting periods, own retention
    ("valley-multispecialty-group.yaml", "valley-primary-5m.yaml"),  # large group, coinsurance condition
    ("valley-multispecialty-group.yaml", "valley-excess-5x5.yaml"),  # an excess layer: the engine's own path
    ("exposed-rdp-clinic.yaml", "lakeside-primary.yaml"),            # a breached deny condition pays nothing
])
def test_fast_settlement_equals_apply_policy_year_by_year(practice, policy):
    p = profile(practice)
    events = simulate_years(p, load_loss_model().tables, 8_000, seed=11)
    terms = compile_terms(load_policy(ROOT / "examples" / "policies" / policy), controls_of(p))
    fast = insured_annual(YearBook(events), terms)
    engine = apply_policy(events.in_time_order(), terms).insured_annual
    # the engine's cumulative sums run over the whole block, so its zero years can carry ~1e-16 x the block's total
    # (a few millionths of a dollar for the large group): agreement to a hundredth of a cent
    np.testing.assert_allclose(fast, engine, rtol=1e-9, atol=1e-4)
    assert fast.shape == (8_000,)


def test_the_ceiling_is_the_no_controls_twin_and_never_below_the_practice():
    tables = load_loss_model().tables
    from cyberrx.engine.scenarios import build_parameters

    for name in ("lakeside-family-medicine.yaml", "valley-multispecialty-group.yaml", "solo-therapy-office.yaml"):
        p = profile(name)
        ceiling = candidate_ceiling(p, tables)
        assert np.all(ceiling >= build_parameters(p, tables).frequency)
        assert not any(no_controls_twin(p).controls.has(c) for c in Control)


def test_one_simulation_per_quote(monkeypatch):
    calls = []
    real = pricing_module.simulate

    def counting(*args, **kwargs):
        calls.append(kwargs.get("candidate_rates") is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(pricing_module, "simulate", counting)
    q = quote(profile("lakeside-family-medicine.yaml"), trials=TRIALS, effective=START)
    assert len(q.options) == 15
    assert calls == [True]          # one simulation, under the no-controls ceiling, for all fifteen options


def test_technical_price_formula_by_hand():
    basis = TechnicalBasis.from_manual(load_manual().tables["technical"])
    assert (basis.cost_of_capital, basis.capital_share, basis.expense_ratio, basis.profit_margin) == \
        (0.10, 0.05, 0.30, 0.05)
    losses = np.zeros(1_000)
    losses[-20:] = 50_000.0          # 20 years in 1,000 lose $50,000
    losses[-1] = 400_000.0
    price = technical_price(losses, basis)
    el = (19 * 50_000 + 400_000) / 1_000                     # 1,350
    tvar99 = (9 * 50_000 + 400_000) / 10                     # the worst 10 years: 85,000
    assert price.expected_loss == pytest.approx(el)
    assert price.tvar99 == pytest.approx(tvar99)
    assert price.risk_load == pytest.approx(0.10 * 0.05 * (tvar99 - el))          # 418.25
    assert price.technical_premium == pytest.approx((el + 418.25) / (1 - 0.30 - 0.05))   # 2,720.38


@pytest.fixture(scope="module")
def lakeside_quote():
    return quote(profile("lakeside-family-medicine.yaml"), trials=TRIALS, effective=START)


def test_option_fields_and_consistency(lakeside_quote):
    data = lakeside_quote.to_dict()
    assert data["segment"] == "small_practice"
    assert len(data["options"]) == 15
    for o in data["options"]:
        for key in ("limit", "retention", "premium", "technical_premium", "rate_adequacy", "sublimits", "decision",
                    "reasons", "subjectivities"):
            assert key in o
        assert o["decision"] == QUOTE
        assert o["rate_adequacy"] == pytest.approx(o["premium"] / o["technical_premium"], rel=1e-3)
        assert o["below_technical"] == (o["premium"] < o["technical_premium"])
        assert all(v < o["limit"] for v in o["sublimits"].values())
        # the rule NO-FTV-SOCIAL-ENGINEERING cuts funds-transfer fraud to $50,000 on every option
        assert o["sublimits"]["social_engineering"] == 50_000
        assert any("NO-FTV-SOCIAL-ENGINEERING" in r for r in o["reasons"])


def test_issued_terms_follow_the_form_and_the_rules(lakeside_quote):
    o = lakeside_quote.option(1_000_000, 10_000)
    terms = o.policy()
    assert terms.aggregate_limit == 1_000_000 and terms.retention == 10_000
    c = terms.coverages
    assert c[CoveragePart.EXTORTION].limit == 500_000                     # small practice: half the limit
    assert c[CoveragePart.BUSINESS_INTERRUPTION].waiting_period_hours == 12   # market standard (CAC 2022)
    assert c[CoveragePart.CONTINGENT_BI].limit == 100_000                  # cloud EHR and a critical billing vendor
    assert c[CoveragePart.REGULATORY].limit == 500_000                     # patients in 2 states: half the limit
    assert CoveragePart.BETTERMENT not in c
    # warranties on the controls the application declares, and the encrypted-device exclusion it earns
    assert {w.control.value for w in terms.conditions} == {"mfa_remote_access", "mfa_email", "offline_backups"}
    assert "unencrypted_device" in [e.value for e in terms.exclusions]


def test_round_trip_quote_terms_assess_and_adjudicate(lakeside_quote, tmp_path):
    paths = write_terms(lakeside_quote, tmp_path)
    assert len(paths) == 15
    path = tmp_path / f"{lakeside_quote.option(1_000_000, 10_000).terms['policy_number']}.yaml"
    policy = load_policy(path)
    assert policy.model_dump() == lakeside_quote.option(1_000_000, 10_000).policy().model_dump()
    out = assess(profile("lakeside-family-medicine.yaml"), 5_000, seed=3, policy=policy).to_dict()
    assert 0 < out["insured_loss"]["mean"] < out["annual_loss"]["mean"]
    claim = tmp_path / "claim.yaml"
    claim.write_text(
        f"claim_id: CLM-Q1\npolicy_number: {policy.policy_number}\n"
        "incident: {cause: ransomware, occurred: 2027-03-13, discovered: 2027-03-14, "
        "controls: {mfa_remote_access: true, offline_backups: true}}\n"
        "losses:\n  - {coverage: forensics, amount: 45000}\n  - {coverage: extortion, amount: 600000}\n")
    result = adjudicate_files(path, claim, [])
    # retention $10,000 from the forensics line; the ransom capped at the $500,000 extortion sublimit
    assert float(result.total_payable) == 35_000 + 500_000


def test_quote_is_reproducible_and_depends_on_the_seed():
    p = profile("solo-therapy-office.yaml")
    a = quote(p, limits=[1_000_000], retentions=[2_500], trials=5_000, seed=1, effective=START)
    b = quote(p, limits=[1_000_000], retentions=[2_500], trials=5_000, seed=1, effective=START)
    c = quote(p, limits=[1_000_000], retentions=[2_500], trials=5_000, seed=2, effective=START)
    assert a.to_dict() == b.to_dict()
    assert a.options[0].technical != c.options[0].technical
    assert a.options[0].premium == c.options[0].premium          # the manual premium has no randomness


def _form(p: PracticeProfile, limit: float, retention: float = 10_000) -> dict:
    from cyberrx.underwriting import load_rules, pricing_form

    segment = load_rules().segments.classify(p)[0]
    return pricing_form(p, segment, limit, retention, load_manual().tables["policy_form"], START)


def test_form_differs_by_segment_vendor_reliance_and_states():
    lakeside = profile("lakeside-family-medicine.yaml")
    small = _form(lakeside, 2_000_000)["coverages"]
    group = _form(profile("valley-multispecialty-group.yaml"), 2_000_000)["coverages"]
    # financial crime: higher funds-transfer fraud sublimit for large groups (calibration: $100K-250K typical)
    assert (small["social_engineering"]["limit"], group["social_engineering"]["limit"]) == (100_000, 250_000)
    # system security: ransom half the limit for a small practice, full for a group; BI periods of restoration
    assert (small["extortion"]["limit"], group["extortion"]["limit"]) == (1_000_000, 2_000_000)
    assert (small["business_interruption"]["max_period_days"], group["business_interruption"]["max_period_days"]) \
        == (120, 180)
    # vendor risk: contingent BI for a practice relying on a hosted EHR or a critical vendor, not for one that
    # runs its own EHR with no critical vendor
    assert small["contingent_bi"] == {"limit": 100_000, "waiting_period_hours": 12, "max_period_days": 60}
    self_hosted = lakeside.model_copy(update={"ehr": lakeside.ehr.model_copy(update={"hosting": "on_premises"}),
                                              "business_associates": []})
    assert "contingent_bi" not in _form(self_hosted, 2_000_000)["coverages"]
    # regulatory: half the limit for a small practice in 2 states, the full limit once patients live in 3 or more
    # (simultaneous OCR and state attorney-general proceedings)
    assert small["regulatory"]["limit"] == 1_000_000
    three = lakeside.model_copy(update={"states": {"LA": 9000, "MS": 3000, "TX": 400}})
    assert _form(three, 2_000_000)["coverages"]["regulatory"]["limit"] == 2_000_000
    # no sublimit above the aggregate: at $250K the group's $1M contingent BI and $250K PR are cut to $250K
    low = _form(profile("valley-multispecialty-group.yaml"), 250_000)["coverages"]
    assert max(c["limit"] for c in low.values()) == 250_000
    assert low["contingent_bi"]["limit"] == 250_000


def test_restrictions_are_priced_separately_and_only_lower_the_cost(lakeside_quote):
    """Lakeside lacks payment-change verification: NO-FTV-SOCIAL-ENGINEERING cuts funds-transfer fraud from
    $100,000 to $50,000 in the issued terms. The technical premium prices the standard form (restrictions are not
    credited); the as-issued figure prices the cut cover on the same years and can only be lower."""
    for o in lakeside_quote.to_dict()["options"]:
        assert o["technical_premium_as_issued"] < o["technical_premium"]
        assert o["policy_terms"]["coverages"]["social_engineering"]["limit"] == 50_000
    valley = quote(profile("valley-multispecialty-group.yaml"), limits=[1_000_000], retentions=[25_000],
                   trials=5_000, effective=START).to_dict()["options"][0]
    assert valley["technical_premium_as_issued"] == valley["technical_premium"]     # nothing restricted


def test_quoting_the_default_grid_at_the_default_trial_count_gives_every_option():
    """The default grid at the default trial count (its speed, 2 s per practice at most, is recorded by
    benchmarks/quote_bench.py in a fresh process, not asserted by a timed test)."""
    p = profile("lakeside-family-medicine.yaml")
    quote(p, limits=[1_000_000], retentions=[2_500], trials=2_000, effective=START)    # reference data cached
    q = quote(p, effective=START)
    assert q.trials == 100_000 and len(q.options) == 15


def test_a_coinsurance_rule_on_a_control_is_a_condition_that_bites_only_while_the_control_is_missing(tmp_path):
    """Bayou Family Clinic has no MFA on its VPN: REMOTE-NO-MFA-COINSURANCE (coinsurance 0.5 on extortion and BI,
    control mfa_remote_access) and the REMOTE-NO-MFA subjectivity become one policy condition. Adjudicated on the
    written terms: a ransom of $300,000 pays half while MFA was still missing, all of it once MFA was in place."""
    q = quote(profile("underwriting/clinic-no-mfa.yaml"), limits=[1_000_000], retentions=[10_000], trials=2_000,
              effective=START)
    terms = q.options[0].policy()
    mfa = [c for c in terms.conditions if c.control is Control.MFA_REMOTE_ACCESS]
    assert len(mfa) == 1 and float(mfa[0].on_breach.coinsurance) == 0.5
    assert {p.value for p in mfa[0].on_breach.applies_to} == {"extortion", "business_interruption"}
    assert float(terms.coverages[CoveragePart.EXTORTION].coinsurance) == 0       # no flat coinsurance
    [path] = write_terms(q, tmp_path)
    paid = {}
    for in_place in (False, True):
        claim = tmp_path / f"claim-{in_place}.yaml"
        claim.write_text(
            f"claim_id: CLM-M\npolicy_number: {terms.policy_number}\n"
            "incident: {cause: ransomware, occurred: 2027-04-01, discovered: 2027-04-01, "
            f"controls: {{mfa_remote_access: {str(in_place).lower()}, offline_backups: true}}}}\n"
            "losses:\n  - {coverage: forensics, amount: 40000}\n  - {coverage: extortion, amount: 300000}\n")
        paid[in_place] = float(adjudicate_files(path, claim, []).total_payable)
    # retention $10,000 from forensics; extortion $300,000 x (1 - 0.5) without MFA
    assert paid == {False: 30_000 + 150_000, True: 30_000 + 300_000}
