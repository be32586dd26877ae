"""Control ROI: MFA's return for a practice without it (and why, from the reference figures), costs worked by
hand, non-negative reductions, the ranking, payback, and the best set under a budget with interactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberrx.app.underwrite import improve
from cyberrx.domain import PracticeProfile, load_model
from cyberrx.engine.analytic import expected_annual_loss, expected_event_cost
from cyberrx.engine.scenarios import build_parameters
from cyberrx.reference import load_loss_model
from cyberrx.underwriting import Segment, load_control_costs
from cyberrx.underwriting.roi import candidates, with_controls
from cyberrx.vocab import SCENARIOS, Control, Scenario

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 10_000
IT = (Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION, Scenario.NETWORK_INTRUSION)


def profile(name: str) -> PracticeProfile:
    return load_model(PracticeProfile, ROOT / "examples" / name)


@pytest.fixture(scope="module")
def no_mfa_plan():
    return improve(profile("underwriting/clinic-no-mfa.yaml"), trials=TRIALS).to_dict()


def by_control(plan) -> dict[str, dict]:
    return {r["control"]: r for r in plan["recommendations"]}


def test_mfa_is_first_and_pays_back_within_a_year_and_the_figures_say_why(no_mfa_plan):
    """Bayou Family Clinic: Lakeside's shape (4 providers, 18 staff, 25 endpoints, VPN, patches in 30 days) with
    no MFA anywhere. Both MFA controls cost $3 per employee per month (PropertyCasualty360 2021, S):
    18 x 3 x 12 = $648 a year each.

    MFA on email (loss_model.yaml controls.mfa_email): business e-mail compromise x 0.3, network intrusion x 0.85,
    data-theft extortion x 0.9. E-mail compromise is this practice's most frequent costly incident (BEC is 0.44% of
    Coalition's policyholders a year, 2025 report, S; more for a practice without MFA), so MFA on email saves the
    most per dollar and ranks first.

    MFA on remote access (controls.mfa_remote_access): ransomware, data-theft extortion and intrusion x 0.714
    (= 1/1.4, Marsh McLennan 2023: comprehensive MFA makes an incident 1.4 times less likely, S). It pays back
    within two years (within one before model 2026.12.2) and cuts the 1-in-100 year by more than 25 times its
    cost. Patching within
    7 days instead of 30 acts on the same three scenarios more strongly (x 0.85 -> x 0.5, Marsh 2023 relative
    likelihood 2.0, S), so it ranks above MFA on remote access.
    """
    ref = load_loss_model()
    clinic = profile("underwriting/clinic-no-mfa.yaml")
    params = build_parameters(clinic, ref.tables)
    per_event = expected_event_cost(params).sum(axis=1)

    def el(s: Scenario) -> float:
        return float(params.frequency[SCENARIOS.index(s)] * per_event[SCENARIOS.index(s)])

    it_loss = sum(el(s) for s in IT)
    email_freq = ref.tables["controls"]["mfa_email"]["freq"]
    remote_freq = ref.tables["controls"]["mfa_remote_access"]["freq"]["ransomware"]
    assert (email_freq["business_email_compromise"], remote_freq) == (0.3, 0.714)
    recs = by_control(no_mfa_plan)
    order = [r["control"] for r in no_mfa_plan["recommendations"]]

    email = recs["mfa_email"]
    assert email["annual_cost"] == 648
    expected_email = sum((1 - email_freq[s.value]) * el(s) for s in (
        Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.NETWORK_INTRUSION, Scenario.RANSOMWARE_EXFILTRATION))
    assert email["loss_reduction_mean"] == pytest.approx(expected_email, abs=0.01)          # to the cent
    assert order[0] == "mfa_email"
    assert email["payback_months"] < 12 and email["net_benefit"] > 0
    assert email["insurer_baseline"] is True and email["premium_reduction"] > 0

    remote = recs["mfa_remote_access"]
    assert remote["annual_cost"] == 648
    assert remote["loss_reduction_mean"] == pytest.approx((1 - remote_freq) * it_loss, abs=0.01)   # to the cent
    # (2026.12.2: the ransomware family is half as frequent, recalibrated to the OCR portal's large-breach rate, so
    # on expected ground-up loss alone MFA on remote access pays back in about 17 months. Since issue 11 payback is
    # on the practice's money, premium saved + retained loss avoided (about $950 + $120 a year against $648): about
    # 7 months. The bound stays at 24 months, the figure this test has always allowed)
    assert remote["payback_months"] < 24
    assert remote["insurer_baseline"] is True
    assert remote["hicp_practice"] == {"practice": 3, "name": "Identity and Access Management",
                                       "sub_practice": "3.M.D Multifactor authentication for remote access"}
    assert remote["premium_reduction"] > 0
    # large: MFA on remote access cuts the 1-in-100 year by more than 25 times its yearly cost (about 29x since
    # model 2026.12.2, over 30x before: the ransomware family it acts on is half as frequent). Before 2026.12.2 it
    # cut the tail more than MFA on email or training did; now e-mail compromise is sized from the mailbox
    # (OCR's e-mail/server median ratio 0.41) and is this practice's largest tail driver, so MFA on email cuts
    # the 1-in-100 year most (about $41K against $19K)
    assert remote["loss_reduction_p99"] > 25 * remote["annual_cost"]
    assert email["loss_reduction_p99"] > remote["loss_reduction_p99"]
    patch = recs["patch_critical_days"]
    assert patch["loss_reduction_mean"] == pytest.approx((1 - 0.5 / 0.85) * it_loss, abs=0.01)
    assert patch["annual_cost"] == 900
    # near first: only patching and training (controls on the same or more frequent incidents) come between
    assert set(order[1:order.index("mfa_remote_access")]) <= {"patch_critical_days", "security_training"}
    # and MFA on email is in the best set of up to three controls for the default budget
    assert "mfa_email" in no_mfa_plan["best_set"]["controls"]


def test_mfa_ranks_in_the_top_three_for_the_exposed_rdp_clinic():
    plan = improve(profile("exposed-rdp-clinic.yaml"), trials=TRIALS).to_dict()
    order = [r["control"] for r in plan["recommendations"]]
    assert order.index("mfa_remote_access") <= 2


def test_reductions_are_never_negative_and_the_ranking_is_by_net_benefit(no_mfa_plan):
    """Issue 11: net benefit is the practice's money, premium saved + retained loss avoided - cost (it was ground-up
    loss avoided - cost, which counted the insurer's share of the loss as the practice's), exactly from the figures
    shown, to the cent; payback on the same saving. Bayou has no decline to lift and no legally required control
    missing, so its ranking is by net benefit alone."""
    recs = no_mfa_plan["recommendations"]
    for r in recs:
        for key in ("loss_reduction_mean", "loss_reduction_p99", "premium_reduction", "technical_premium_reduction",
                    "retained_loss_reduction"):
            assert r[key] >= 0, (r["control"], key)
        saving = r["premium_reduction"] + r["retained_loss_reduction"]
        assert r["net_benefit"] == round(saving - r["annual_cost"], 2)                  # exactly, to the cent
        if saving > 0:
            assert r["payback_months"] == pytest.approx(12 * r["annual_cost"] / saving, abs=0.05)
        assert r["required"] is False and r["required_by"] is None
    nets = [r["net_benefit"] for r in recs]
    assert nets == sorted(nets, reverse=True)
    best = no_mfa_plan["best_set"]
    assert best["net_benefit"] == round(best["premium_reduction"] + best["retained_loss_reduction"]
                                        - best["annual_cost"], 2)


def test_candidates_are_the_missing_or_weak_controls():
    solo = profile("solo-therapy-office.yaml")     # no remote access, MFA on email, no training, 30-day patching
    found = candidates(solo)
    assert Control.MFA_REMOTE_ACCESS not in found and Control.MFA_EMAIL not in found
    assert Control.SECURITY_TRAINING in found and Control.PATCH_CRITICAL_DAYS in found
    lakeside = profile("lakeside-family-medicine.yaml")   # annual training is weak: phishing simulation is better
    assert Control.SECURITY_TRAINING in candidates(lakeside)


def test_annual_costs_worked_by_hand():
    costs = load_control_costs()
    clinic = profile("exposed-rdp-clinic.yaml")        # 24 employees, 30 endpoints
    assert costs.annual_cost(Control.MFA_EMAIL, clinic) == 24 * 3 * 12                  # 864
    assert costs.annual_cost(Control.EDR, clinic) == 30 * 6 * 12                         # 2,160
    assert costs.annual_cost(Control.MDR_SOC, clinic) == 6000                            # 4,320 -> the minimum
    assert costs.annual_cost(Control.OFFLINE_BACKUPS, clinic) == 1200 + 30 * 2 * 12      # 1,920
    assert costs.annual_cost(Control.INCIDENT_RESPONSE_PLAN, clinic) == 2500 + 24 * 12   # 2,788
    assert costs.default_budget(clinic) == 0.0025 * 3_100_000                            # 7,750
    assert costs.insurer_baseline(Control.EDR, Segment.SMALL_PRACTICE)[0] is False
    assert costs.insurer_baseline(Control.EDR, Segment.LARGE_GROUP)[0] is True
    assert costs.hicp(Control.MFA_EMAIL)["name"] == "Email Protection Systems"


def test_best_set_respects_the_budget_and_counts_interactions():
    clinic = profile("underwriting/clinic-no-mfa.yaml")
    plan = improve(clinic, budget=2_000, trials=TRIALS).to_dict()
    best = plan["best_set"]
    assert 1 <= len(best["controls"]) <= 3 and best["annual_cost"] <= 2_000
    singles = by_control(plan)
    affordable = [r for r in singles.values() if r["annual_cost"] <= 2_000]
    assert best["net_benefit"] >= max(r["net_benefit"] for r in affordable) - 0.01
    # patching and MFA on remote access act on the same scenarios: together they avoid less than the sum
    ref = load_loss_model()
    both = with_controls(clinic, [Control.PATCH_CRITICAL_DAYS, Control.MFA_REMOTE_ACCESS])
    together = expected_annual_loss(build_parameters(clinic, ref.tables)) - \
        expected_annual_loss(build_parameters(both, ref.tables))
    apart = singles["patch_critical_days"]["loss_reduction_mean"] + singles["mfa_remote_access"]["loss_reduction_mean"]
    assert together < apart
    # no budget, no set
    assert improve(clinic, budget=0, trials=TRIALS).to_dict()["best_set"] is None


def test_a_large_group_is_told_edr_and_mdr_are_insurer_baseline():
    group = profile("underwriting/large-group-no-edr.yaml")
    recs = by_control(improve(group, trials=TRIALS).to_dict())
    assert recs["edr"]["insurer_baseline"] is True and recs["mdr_soc"]["insurer_baseline"] is True
    # the 15% surcharge (LARGE-NO-EDR) and the +0.05 schedule debit go with EDR in place
    assert recs["edr"]["premium_reduction"] > 0


def test_a_practice_with_every_control_has_nothing_to_add():
    from cyberrx.domain import Controls
    from cyberrx.vocab import Training

    lakeside = profile("lakeside-family-medicine.yaml")
    best = lakeside.with_controls(Controls(
        mfa_email=True, mfa_remote_access=True, mfa_privileged=True, edr=True, mdr_soc=True, offline_backups=True,
        backups_tested=True, encryption_at_rest=True, email_filtering=True,
        security_training=Training.PHISHING_SIMULATION, patch_critical_days=7, incident_response_plan=True,
        funds_transfer_verification=True, risk_analysis_current=True))
    plan = improve(best, trials=2_000).to_dict()
    assert plan["recommendations"] == [] and plan["best_set"] is None


def test_controls_move_the_exposed_clinics_premium():
    """Issue 11: the schedule multiplies each control's modelled effect (cap x10 debits), so the exposed clinic's
    debits no longer hit a cap and MFA on remote access alone lowers its manual premium (under the old +40% cap it
    left the premium unchanged)."""
    plan = improve(profile("exposed-rdp-clinic.yaml"), trials=2_000).to_dict()
    assert plan["current"]["schedule_debits_capped"] is False
    assert by_control(plan)["mfa_remote_access"]["premium_reduction"] > 0
    lakeside = improve(profile("lakeside-family-medicine.yaml"), trials=2_000)
    assert lakeside.current.schedule_debits_capped is False


def test_mfa_on_email_and_on_remote_access_share_one_licence():
    """One MFA service covers e-mail and VPN: $3 per employee per month once (PropertyCasualty360 2021, S),
    plus $300 a year (assumption) to extend it to the second system."""
    costs = load_control_costs()
    clinic = profile("underwriting/clinic-no-mfa.yaml")                 # 18 employees, no MFA anywhere
    assert costs.annual_cost(Control.MFA_REMOTE_ACCESS, clinic) == 18 * 3 * 12             # 648: a new licence
    assert costs.set_cost([Control.MFA_REMOTE_ACCESS, Control.MFA_EMAIL], clinic) == 648 + 300
    assert costs.set_cost([Control.MFA_EMAIL, Control.MFA_REMOTE_ACCESS, Control.PATCH_CRITICAL_DAYS], clinic) \
        == 648 + 300 + 25 * 3 * 12
    # a practice with MFA on e-mail already pays only the extension for remote access, and the other way round
    email_only = clinic.with_controls(clinic.controls.improved(Control.MFA_EMAIL))
    assert costs.annual_cost(Control.MFA_REMOTE_ACCESS, email_only) == 300
    remote_only = clinic.with_controls(clinic.controls.improved(Control.MFA_REMOTE_ACCESS))
    assert costs.annual_cost(Control.MFA_EMAIL, remote_only) == 300
    plan = improve(email_only, trials=2_000).to_dict()
    remote = by_control(plan)["mfa_remote_access"]
    assert remote["annual_cost"] == 300
    assert remote["shared_licence"] == {"control": "mfa_email", "annual_cost_with_it": 300.0}
    assert by_control(plan)["patch_critical_days"]["shared_licence"] is None


def test_the_best_set_counts_the_shared_licence_once(no_mfa_plan):
    best = no_mfa_plan["best_set"]
    chosen = set(best["controls"])
    costs = load_control_costs()
    clinic = profile("underwriting/clinic-no-mfa.yaml")
    assert best["annual_cost"] == costs.set_cost([Control(c) for c in chosen], clinic)
    if {"mfa_email", "mfa_remote_access"} <= chosen:
        assert best["annual_cost"] == pytest.approx(sum(
            costs.annual_cost(Control(c), clinic) for c in chosen) - 648 + 300)


def test_a_licence_partner_that_is_not_a_control_is_refused_at_load():
    import copy

    from cyberrx.errors import RuleFileError
    from cyberrx.reference import read_data_file
    from cyberrx.underwriting.roi import parse_control_costs

    data = copy.deepcopy(read_data_file("control_costs.yaml"))
    data["controls"]["mfa_email"]["same_licence_as"]["control"] = "mfa_everywhere"
    with pytest.raises(RuleFileError, match="mfa_email.same_licence_as: control must be one of"):
        parse_control_costs(data)
    data = copy.deepcopy(read_data_file("control_costs.yaml"))
    del data["controls"]["mfa_remote_access"]["extension_per_year"]
    with pytest.raises(RuleFileError, match="same_licence_as needs extension_per_year"):
        parse_control_costs(data)


def test_retained_loss_is_ground_up_less_insured_under_the_standard_option_as_issued():
    """Worked through the engine's own split: the practice keeps ground-up - insured, the insured part from
    ``engine.terms.insured_year_totals`` (``pricing.insured_annual``) with the standard option's issued terms."""
    from cyberrx.engine.terms import compile_terms
    from cyberrx.reference import load_loss_model as llm
    from cyberrx.underwriting import load_manual, load_rules
    from cyberrx.underwriting.forms import issued_form, pricing_form, to_terms
    from cyberrx.underwriting.pricing import YearBook, insured_annual, simulate_years
    from cyberrx.underwriting.roi import _PERIOD_START

    clinic = profile("underwriting/clinic-no-mfa.yaml")
    plan = improve(clinic, trials=TRIALS).to_dict()
    manual, rules = load_manual(), load_rules()
    segment, _, findings = rules.evaluate(clinic)
    limit, retention = plan["standard_option"]["limit"], plan["standard_option"]["retention"]
    seed = plan["seed"]
    events = simulate_years(clinic, llm().tables, TRIALS, seed)
    form = pricing_form(clinic, segment, limit, retention, manual.tables["policy_form"], _PERIOD_START)
    issued = issued_form(form, findings, manual.tables["policy_form"])
    terms = compile_terms(to_terms(issued), {c.value: clinic.controls.has(c) for c in Control})
    kept = float((events.annual_total() - insured_annual(YearBook(events), terms)).mean())
    assert plan["current"]["retained_loss"] == pytest.approx(kept, abs=0.01)
    # the practice keeps a share of its ground-up loss, not all of it and not none
    assert 0 < plan["current"]["retained_loss"] < plan["current"]["expected_annual_loss"]


def test_a_control_that_lifts_a_decline_ranks_first_for_the_exposed_rdp_clinic_and_says_so():
    """RDP open without MFA is declined (RDP-NO-MFA): MFA on remote access turns every option into a referral (RDP
    is still exposed, RDP-EXPOSED) and removes the 50% coinsurance on ransom and lost income. Without it no policy
    is on offer, so it ranks first whatever other controls save in money."""
    plan = improve(profile("exposed-rdp-clinic.yaml"), trials=TRIALS).to_dict()
    first = plan["recommendations"][0]
    assert first["control"] == "mfa_remote_access"
    assert first["insurability"].startswith("Makes the practice insurable")
    assert "decline into refer" in first["insurability"] and "REMOTE-NO-MFA-COINSURANCE" in first["insurability"]
    # the others are money first, each with its exact net benefit
    for r in plan["recommendations"][1:]:
        assert r["insurability"] is None or "decline" not in r["insurability"]
    # and the best set within the budget includes it: a set without it would save premium on a policy not offered
    assert "mfa_remote_access" in plan["best_set"]["controls"]


def test_the_hipaa_risk_analysis_is_required_for_the_mental_health_solo_whatever_its_payback():
    """The solo therapist has no current risk analysis: 45 CFR 164.308(a)(1)(ii)(A) requires one of every covered
    entity. Its payback is decades on the practice's money, yet it is marked required, with the citation, and
    ranked first (issue 11: it ranked last)."""
    plan = improve(profile("solo-therapy-office.yaml"), trials=TRIALS).to_dict()
    ra = by_control(plan)["risk_analysis_current"]
    assert ra["required"] is True and "45 CFR 164.308(a)(1)(ii)(A)" in ra["required_by"]
    assert ra["net_benefit"] < 0                                     # it does not pay for itself
    assert plan["recommendations"][0]["control"] == "risk_analysis_current"
    assert all(r["required"] is False for r in plan["recommendations"][1:])


def test_the_large_group_is_told_edr_and_mdr_together_make_its_five_million_option_insurable():
    """Gulf Coast Orthopaedic Partners has neither EDR nor MDR/SOC: LARGE-NO-EDR-MDR declines limits above $2M, so
    its standard $5M option is declined. Neither control alone lifts the rule; each is told that together with the
    other it turns the $5M decline into a quote (before issue 11 it read only "no control pays for itself")."""
    recs = by_control(improve(profile("underwriting/large-group-no-edr.yaml"), trials=TRIALS).to_dict())
    for control, partner in (("edr", "mdr_soc"), ("mdr_soc", "edr")):
        text = recs[control]["insurability"]
        assert text.startswith(f"Together with {partner}: makes the practice insurable"), text
        assert "decline into quote at $5,000,000" in text


def test_insurability_breaks_a_tie_in_money_and_required_outranks_money():
    """Hand-made figures: equal net benefit, the control with an insurability effect goes first; a required
    control goes ahead of a better-paying one; a lifted decline ahead of both."""
    from cyberrx.underwriting.roi import Recommendation

    def rec(net: float, **kw) -> Recommendation:
        return Recommendation((Control.EDR,), 100.0, 0.0, 0.0, 100.0 + net, 0.0, **kw)

    plain, insurable = rec(50.0), rec(50.0, insurability="removes X")
    required, lifting = rec(-900.0, required_by="45 CFR 164.308(a)(1)(ii)(A): risk analysis"), rec(
        -10.0, insurability="Makes the practice insurable", lifts_decline=True)
    richer = rec(60.0)
    ranked = sorted([plain, richer, insurable, required, lifting], key=Recommendation.rank_key)
    assert ranked == [lifting, required, richer, insurable, plain]
    assert plain.net_benefit == 50.0 and plain.figures()["net_benefit"] == 50.0
