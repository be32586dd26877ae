"""One price story (issue 11): rate adequacy (manual / technical) on every shipped example at its standard option,
against whatever loss model is current (re-run scripts/derive-rate-manual after a loss-model change); the pricing
rule at its thresholds; the manual's monotonicity properties; the large-account path."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cyberrx
from cyberrx.app.underwrite import quote
from cyberrx.domain.profile import Controls
from cyberrx.reference import read_data_file
from cyberrx.underwriting import DECLINE, QUOTE, REFER, load_manual, load_rules, parse_rules, standard_option
from cyberrx.underwriting.derive import reference_practice
from cyberrx.underwriting.quote import decide_on_price
from cyberrx.vocab import Control, Training

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("examples/underwriting/*.yaml")])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_rate_adequacy_of_every_shipped_example_is_between_0_8_and_1_25(path):
    profile = cyberrx.load_profile(path)
    manual, rules = load_manual(), load_rules()
    segment, _ = rules.segments.classify(profile)
    limit, retention = standard_option(manual, segment)
    option = quote(profile, limits=[limit], retentions=[retention]).options[0]
    assert option.rate_adequacy is not None
    assert 0.8 <= option.rate_adequacy <= 1.25, (
        f"{path.name}: manual {option.premium:,.0f} / technical {option.technical.technical_premium:,.0f} = "
        f"{option.rate_adequacy:.3f}; re-run scripts/derive-rate-manual after a loss-model change")


@pytest.mark.parametrize(("adequacy", "expected"), [(0.79, REFER), (0.81, QUOTE), (0.49, DECLINE), (0.51, REFER)])
def test_the_pricing_rule_refers_below_0_8_and_declines_below_0_5(adequacy, expected):
    decision, reasons = decide_on_price(QUOTE, [], adequacy, load_rules())
    assert decision == expected
    if expected != QUOTE:
        assert reasons[0].endswith(f"rate adequacy {adequacy:.2f} < {0.8 if expected == REFER else 0.5:g}]")


def test_the_pricing_thresholds_are_edited_in_the_rule_file():
    data = copy.deepcopy(read_data_file("underwriting_rules.yaml"))
    data["pricing"]["rate_adequacy"]["refer_below"]["value"] = 0.9
    rules = parse_rules(data)
    assert decide_on_price(QUOTE, [], 0.85, rules)[0] == REFER
    assert decide_on_price(QUOTE, [], 0.85, load_rules())[0] == QUOTE
    assert decide_on_price(DECLINE, [], 0.85, rules)[0] == DECLINE       # never softens a decline


def test_a_well_controlled_310m_group_gets_priced_options_not_a_flat_decline():
    group = cyberrx.load_profile(ROOT / "examples" / "underwriting" / "large-account-310m.yaml")
    assert group.employees == 1400 and float(group.annual_revenue) == 310_000_000
    q = quote(group, trials=20_000)
    assert all(o.premium > 0 and o.technical.technical_premium > 0 for o in q.options)
    assert any("large-account path" in r for o in q.options for r in o.reasons)
    # the standard option (and above) is referred on the large-account path, never declined
    limit, retention = standard_option(load_manual(), q.segment)
    assert q.option(limit, retention).decision == REFER
    assert all(o.decision == REFER for o in q.options if o.limit >= 2_000_000)
    # no eligibility rule declines it: a decline can come only from the pricing rule, on a low limit whose manual
    # rate falls below half the technical price (known: the manual's ILFs are the reference practice's)
    for o in q.options:
        if o.decision == DECLINE:
            assert o.limit <= 1_000_000 and "RATE-FAR-BELOW-TECHNICAL" in o.reasons[0]
    # without the large-account controls the limits above $1M are declined, and the reasons say what is required
    weak = group.with_controls(group.controls.model_copy(update={"edr": False, "mdr_soc": False}))
    option = quote(weak, limits=[5_000_000], retentions=[25_000], trials=20_000).options[0]
    assert option.decision == DECLINE
    assert any("LARGE-ACCOUNT-CONTROLS" in r and "edr missing" in r for r in option.reasons)


# ---- properties of the manual ---------------------------------------------------------------------------------
CONTROLS = [c for c in Control]
REFERENCE = load_manual().reference


@st.composite
def practices(draw: st.DrawFn):
    revenue = draw(st.sampled_from([200_000, 900_000, 2_400_000, 7_000_000, 30_000_000, 120_000_000, 390_000_000]))
    flags = {c.value: draw(st.booleans()) for c in CONTROLS
             if c not in (Control.SECURITY_TRAINING, Control.PATCH_CRITICAL_DAYS)}
    controls = Controls(**flags, security_training=draw(st.sampled_from(list(Training))),
                        patch_critical_days=draw(st.sampled_from([7, 14, 30, 90, 365])))
    return reference_practice(REFERENCE, revenue, controls=controls,
                              remote_access=draw(st.sampled_from(["none", "vpn", "vendor_portal", "rdp_exposed"])))


LIMITS = [100_000, 250_000, 1_000_000, 1_500_000, 2_000_000, 5_000_000, 10_000_000]
RETENTIONS = [0, 1_000, 2_500, 10_000, 25_000, 50_000]


@settings(max_examples=150, deadline=None)
@given(practices(), st.sampled_from(CONTROLS), st.sampled_from(LIMITS), st.sampled_from(RETENTIONS))
def test_adding_a_control_never_raises_the_manual_premium(p, control, limit, retention):
    manual = load_manual()
    better = p.with_controls(p.controls.improved(control))
    assert manual.premium(better, limit, retention).premium <= manual.premium(p, limit, retention).premium


@settings(max_examples=150, deadline=None)
@given(practices(), st.sampled_from(RETENTIONS))
def test_a_higher_limit_never_costs_less(p, retention):
    manual = load_manual()
    prices = [manual.premium(p, x, retention).premium for x in LIMITS]
    assert prices == sorted(prices)


@settings(max_examples=150, deadline=None)
@given(practices(), st.sampled_from(LIMITS))
def test_a_higher_retention_never_costs_more(p, limit):
    manual = load_manual()
    prices = [manual.premium(p, limit, r).premium for r in RETENTIONS]
    assert prices == sorted(prices, reverse=True)


@settings(max_examples=100, deadline=None)
@given(practices(), st.sampled_from(LIMITS), st.sampled_from(RETENTIONS), st.sampled_from([1.3, 2.0, 5.0]))
def test_a_larger_practice_with_the_same_controls_never_pays_less(p, limit, retention, scale):
    manual = load_manual()
    bigger = reference_practice(REFERENCE, float(p.annual_revenue) * scale, controls=p.controls,
                                remote_access=p.remote_access)
    assert manual.premium(bigger, limit, retention).premium >= manual.premium(p, limit, retention).premium
