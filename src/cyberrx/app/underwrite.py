"""Use cases of underwriting: quote a practice, rank its control improvements, estimate market premiums.

Each takes its reference data as arguments (the rule set, the rate manual, the loss model, the control costs),
loading the shipped files only when none is given, so tests pass their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cyberrx.app.assess import MAX_TRIALS
from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import Improvement
from cyberrx.errors import InvalidInput
from cyberrx.reference import LossModelReference, load_loss_model
from cyberrx.underwriting import (
    DEFAULT_LIMITS,
    DEFAULT_RETENTIONS,
    ControlCosts,
    Quote,
    RateManual,
    RuleSet,
    build_options,
    improvement_plan,
    load_control_costs,
    load_manual,
    load_rules,
    market_estimates,
)
from cyberrx.underwriting.rules import load_rules_file


def rules_from(path: Path | None) -> RuleSet:
    """The rule set in ``path`` (an underwriter's edited copy), or the shipped one."""
    return load_rules() if path is None else load_rules_file(path)


def technical_trials() -> int:
    """The rate manual's trials of a quote (``technical.trials``), used when a quote names none."""
    return int(load_manual().tables["technical"]["trials"]["value"])


def _check_run(trials: int | None, seed: int | None) -> None:
    if trials is not None and not 1_000 <= trials <= MAX_TRIALS:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {MAX_TRIALS:,}")
    if seed is not None and not 0 <= seed < 2**63:
        raise InvalidInput(f"{seed} is out of range", field="seed", allowed="an integer from 0 to 2^63-1")


def quote(profile: PracticeProfile, *, limits: Sequence[float] = DEFAULT_LIMITS,
          retentions: Sequence[float] = DEFAULT_RETENTIONS, trials: int | None = None, seed: int | None = None,
          effective: date | None = None, rules: RuleSet | None = None, manual: RateManual | None = None,
          loss_model: LossModelReference | None = None) -> Quote:
    """Quote options for ``profile``: one per limit x retention (usd). Trials and seed default to the rate
    manual's (``technical.trials``, ``technical.seed``); ``effective`` is the policy period's first day."""
    _check_run(trials, seed)
    return build_options(profile, rules or load_rules(), manual or load_manual(), loss_model or load_loss_model(),
                         limits, retentions, trials, seed, effective or date.today())


def write_terms(result: Quote, directory: Path) -> list[Path]:
    """Write each option's issued policy terms to ``directory/<policy_number>.yaml``; returns the paths.

    Every document was validated when the quote was built, so ``cyberrx assess --policy`` and
    ``cyberrx claim adjudicate`` accept it unchanged."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for option in result.options:
        path = directory / f"{option.terms['policy_number']}.yaml"
        header = (f"# {result.practice}: quote option limit {option.limit:,.0f} / retention "
                  f"{option.retention:,.0f} usd, decision {option.decision}, premium {option.premium:,.0f} usd\n")
        path.write_text(header + yaml.safe_dump(option.terms, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def improve(profile: PracticeProfile, *, budget: float | None = None, trials: int | None = None,
            seed: int | None = None, rules: RuleSet | None = None, manual: RateManual | None = None,
            loss_model: LossModelReference | None = None, costs: ControlCosts | None = None) -> Improvement:
    """Control ROI for ``profile``: recommendations in rank order and the best set within ``budget`` (usd/yr)."""
    _check_run(trials, seed)
    if budget is not None and budget < 0:
        raise InvalidInput(f"{budget} is negative", field="budget", allowed="usd per year >= 0")
    plan = improvement_plan(profile, rules or load_rules(), manual or load_manual(), loss_model or load_loss_model(),
                            costs or load_control_costs(), budget=budget, trials=trials, seed=seed)
    return plan.to_result()


def estimates(*, specialty: str | None = None, rules: RuleSet | None = None,
              manual: RateManual | None = None) -> dict[str, Any]:
    """Market premium ranges by specialty and practice size at the standard option."""
    return market_estimates(manual or load_manual(), rules or load_rules(), specialty)


__all__ = ["estimates", "improve", "quote", "rules_from", "technical_trials", "write_terms"]
