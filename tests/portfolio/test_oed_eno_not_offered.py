"""``errors_and_omissions`` (OED's ENO) is a part policy terms carry, and nothing a practice sees starts offering
or showing it: not the simulated parts, the rate manual's quote form, a quote's options and terms, the
recommended program, the assessment's coverage table, the web questionnaire or the seeded figures."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

import cyberrx
from cyberrx.domain.policy import load_policy, parse_policy
from cyberrx.reports.assessment import render_assessment
from cyberrx.underwriting import load_manual
from cyberrx.vocab import EXCHANGE_ONLY_PARTS, PARTS, THIRD_PARTY_PARTS, CoveragePart

ROOT = Path(__file__).resolve().parents[2]
ENO = CoveragePart.ERRORS_AND_OMISSIONS


def test_the_part_is_third_party_and_outside_the_simulated_columns():
    assert ENO in THIRD_PARTY_PARTS and ENO in EXCHANGE_ONLY_PARTS
    assert ENO not in PARTS and len(PARTS) == 12
    assert PARTS[-1] is CoveragePart.PRIVACY_LIABILITY            # the column order is unchanged


def test_policy_terms_carry_it():
    doc = {"policy_number": "P", "insured": "I", "period": {"start": "2027-01-01", "end": "2028-01-01"},
           "aggregate_limit": 1000000, "coverages": {"errors_and_omissions": {"limit": 250000, "deductible": 5000}}}
    policy = parse_policy(doc)
    assert policy.covers(ENO) and policy.trigger_for(ENO) == "claims_made"


def test_no_quote_form_offers_it():
    form = load_manual().tables["policy_form"]
    assert "errors_and_omissions" not in form["coverages"]
    profile = cyberrx.load_profile(ROOT / "examples" / "lakeside-family-medicine.yaml")
    q = cyberrx.quote(profile, limits=[1_000_000], retentions=[10_000])
    for option in q.options:
        assert ENO not in option.sublimits
        assert "errors_and_omissions" not in option.policy_terms["coverages"]


def test_no_assessment_recommends_or_shows_it():
    profile = cyberrx.load_profile(ROOT / "examples" / "lakeside-family-medicine.yaml")
    policy = load_policy(ROOT / "examples" / "policies" / "lakeside-primary.yaml")
    a = cyberrx.assess(profile, trials=2_000, seed=1, policy=policy)
    assert "errors_and_omissions" not in a.by_coverage and ENO not in a.recommended.sublimits
    assert a.insured_loss is not None and "errors_and_omissions" not in a.insured_loss.by_coverage
    buf = io.StringIO()
    render_assessment(a.to_dict(), Console(file=buf, width=120))
    text = buf.getvalue()
    assert "Patient lawsuits" in text                              # the table is there
    assert "rrors and omissions" not in text and "errors_and_omissions" not in text


def test_the_web_questionnaire_does_not_ask_about_it():
    from cyberrx.web.routes.manager.questionnaire import steps

    asked = " ".join(f"{q.name} {q.label} {q.help}" for s in steps() for q in s.questions).lower()
    assert "errors" not in asked and "omission" not in asked
