"""The public API of the claims package and of engine.terms, pinned (what services and the lead's assess use)."""

from __future__ import annotations

import cyberrx.claims as claims
import cyberrx.engine.terms as terms


def test_claims_exports():
    assert set(claims.__all__) == {"Adjudication", "ClaimLedger", "EntryKind", "LedgerEntry", "LineResult", "Status",
                                   "adjudicate", "adjudicate_files", "adjudicate_sequence", "denial_reasons"}
    for name in claims.__all__:
        assert getattr(claims, name) is not None


def test_terms_exports_the_named_steps():
    for name in ("apply_retention", "apply_sublimit", "apply_coinsurance", "apply_layer", "apply_aggregate",
                 "apply_waiting_period", "apply_policy", "compile_terms", "CompiledTerms", "PolicyResult",
                 "insured_year_totals", "covered_lines", "CoveredLines", "coverage_key", "touched_lines",
                 "denied_events"):
        assert name in terms.__all__
