"""`assess --policy`: the policy's terms applied to every simulated incident, insured plus retained = ground-up."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from cyberrx.app.assess import assess
from cyberrx.cli.main import app
from cyberrx.domain import load_model, parse_model
from cyberrx.domain.policy import PolicyTerms

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "examples" / "policies" / "lakeside-primary.yaml"


def policy_with(**changes) -> PolicyTerms:
    data = yaml.safe_load(POLICY.read_text())
    data.update(changes)
    return parse_model(PolicyTerms, data)


def test_insured_plus_retained_is_ground_up_and_capped_by_the_aggregate(lakeside):
    terms = load_model(PolicyTerms, POLICY)
    out = assess(lakeside, 60_000, seed=4, policy=terms).to_dict()
    plain = assess(lakeside, 60_000, seed=4).to_dict()
    # the ground-up figures do not change when a policy is applied (same random numbers)
    assert out["annual_loss"] == plain["annual_loss"]
    # (each figure is rounded to the cent: within half a cent per term)
    assert out["insured_loss"]["mean"] + out["retained_loss"]["mean"] == pytest.approx(out["annual_loss"]["mean"],
                                                                                       abs=0.01)
    # a year never pays more than the aggregate limit, nor more than the ground-up 1-in-100 year
    assert out["insured_loss"]["p995"] <= float(terms.aggregate_limit) + 1e-6
    assert out["insured_loss"]["p99"] <= out["annual_loss"]["p99"] + 1e-6
    parts = out["insured_loss"]["by_coverage"]
    assert sum(v["mean"] for v in parts.values()) == pytest.approx(out["insured_loss"]["mean"], abs=0.005 * len(parts))
    for part, cover in terms.coverages.items():
        assert parts[part.value]["p99"] <= float(cover.limit) + 1e-6
    # parts the policy does not list pay nothing
    for part, v in parts.items():
        if part not in {p.value for p in terms.coverages}:
            assert v["mean"] == 0.0


def test_a_higher_retention_never_pays_more(lakeside):
    low = assess(lakeside, 40_000, seed=9, policy=policy_with(retention=1000)).to_dict()
    high = assess(lakeside, 40_000, seed=9, policy=policy_with(retention=50_000)).to_dict()
    assert high["insured_loss"]["mean"] < low["insured_loss"]["mean"]
    assert high["retained_loss"]["mean"] > low["retained_loss"]["mean"]


def test_a_breached_deny_condition_pays_nothing(exposed):
    """The exposed-RDP clinic has no offline backups: a policy that denies claims without them pays zero."""
    terms = policy_with(conditions=[{"control": "offline_backups", "on_breach": "deny"}])
    out = assess(exposed, 20_000, seed=1, policy=terms).to_dict()
    assert out["insured_loss"]["mean"] == 0.0
    assert out["retained_loss"]["mean"] == pytest.approx(out["annual_loss"]["mean"])
    assert any("offline_backups" in n for n in out["policy_notes"])


def test_cli_policy_option(tmp_path):
    r = CliRunner().invoke(app, ["assess", str(ROOT / "examples" / "lakeside-family-medicine.yaml"), "--trials",
                                 "20000", "--policy", str(POLICY), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {"insured_loss", "retained_loss", "policy_number"} <= set(out)
    assert np.isfinite(out["insured_loss"]["p99"])
    text = CliRunner().invoke(app, ["assess", str(ROOT / "examples" / "lakeside-family-medicine.yaml"),
                                    "--trials", "20000", "--policy", str(POLICY)])
    assert "What the given policy pays" in text.output
    bad = tmp_path / "p.yaml"
    bad.write_text("policy_number: X\n")
    r = CliRunner().invoke(app, ["assess", str(ROOT / "examples" / "lakeside-family-medicine.yaml"),
                                 "--policy", str(bad)])
    assert r.exit_code == 2


def test_two_workers_give_exactly_the_serial_answer(lakeside):
    """Each block draws from its own keyed stream, so mapping groups of blocks over processes changes nothing."""
    terms = load_model(PolicyTerms, POLICY)
    serial = assess(lakeside, 200_000, seed=77, policy=terms).to_dict()
    parallel = assess(lakeside, 200_000, seed=77, policy=terms, workers=2).to_dict()
    assert parallel == serial


def test_insured_loss_gains_the_claim_probability():
    """Issue 11: the share of simulated years in which the policy pays anything."""

    import cyberrx
    from cyberrx.app.assess import assess as run

    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    profile = cyberrx.load_profile(root / "examples" / "lakeside-family-medicine.yaml")
    policy = cyberrx.load_policy(root / "examples" / "policies" / "lakeside-primary.yaml")
    result = run(profile, trials=5_000, seed=3, policy=policy)
    assert result.insured_loss is not None
    p = result.insured_loss.claim_probability
    assert p is not None and 0 < p <= result.event_probability
    assert p <= 1.0
