"""Issue 11: ``assess`` states insurability up front (the underwriting rules' eligibility on the profile) and
recommends only coverage parts a policy offers (the parts of the practice's quote form, ``forms.offered_parts``)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

import cyberrx
from cyberrx.domain.results import Assessment
from cyberrx.reports.assessment import render_assessment
from cyberrx.underwriting import load_manual, load_rules
from cyberrx.underwriting.forms import offered_parts, pricing_form

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TRIALS = 5_000


def run(name: str) -> Assessment:
    return cyberrx.assess(cyberrx.load_profile(EXAMPLES / name), trials=TRIALS, seed=1)


@pytest.fixture(scope="module")
def exposed() -> Assessment:
    return run("exposed-rdp-clinic.yaml")


def test_the_exposed_rdp_clinic_is_not_insurable_and_says_why(exposed):
    """RDP open to the internet without MFA: RDP-NO-MFA declines every option (before issue 11 the assessment
    recommended a $1M-class program with no warning)."""
    standing = exposed.insurability
    assert standing is not None and standing.insurable is False
    assert standing.rules == ["RDP-NO-MFA"]
    assert "Remote desktop (RDP) is open to the internet without multi-factor authentication" in standing.refusals[0]
    out = io.StringIO()
    render_assessment(exposed.to_dict(), Console(file=out, width=200))
    lines = [ln.strip("│ ") for ln in out.getvalue().splitlines() if ln.strip("│ ")]
    assert lines[1].startswith("An insurer would refuse today: Remote desktop (RDP)")   # first, under the title
    assert "[RDP-NO-MFA]" in out.getvalue()


def test_lakeside_is_insurable():
    standing = run("lakeside-family-medicine.yaml").insurability
    assert standing is not None
    assert (standing.insurable, standing.refusals, standing.rules) == (True, [], [])


def test_a_group_without_edr_is_insurable_but_told_the_limits_it_would_be_refused():
    a = run("underwriting/large-group-no-edr.yaml")
    assert a.insurability is not None and a.insurability.insurable is True
    if a.recommended.aggregate_limit > 2_000_000:
        assert a.insurability.rules == ["LARGE-NO-EDR-MDR"]


@pytest.mark.parametrize("name", ["exposed-rdp-clinic.yaml", "lakeside-family-medicine.yaml",
                                  "solo-therapy-office.yaml", "valley-multispecialty-group.yaml",
                                  "underwriting/large-group-no-edr.yaml"])
def test_no_recommended_sublimit_names_a_part_quotes_never_offer(name):
    """Every recommended sublimit is a part of the practice's own quote form (``pricing_form``, what ``quote``
    prices and issues); betterment, which no form carries, is dropped and the rule says so."""
    profile = cyberrx.load_profile(EXAMPLES / name)
    a = cyberrx.assess(profile, trials=TRIALS, seed=1)
    segment, _ = load_rules().segments.classify(profile)
    form = load_manual().tables["policy_form"]
    quoted = set(pricing_form(profile, segment, a.recommended.aggregate_limit, a.recommended.retention, form,
                              date(2027, 1, 1))["coverages"])
    assert set(a.recommended.sublimits) <= quoted
    assert "betterment" not in a.recommended.sublimits
    assert offered_parts(profile, segment, form)["betterment"] is not None
    assert "dropped betterment: no quote form offers it" in a.recommended.rule


def test_insurability_survives_the_typed_round_trip(exposed):
    data = exposed.to_dict()
    assert data["insurability"]["insurable"] is False
    assert Assessment.from_dict(data) == exposed
