"""cyberrx: cyber risk and cyber liability insurance for US medical practices, as a Python library.

Three lines assess a practice (the README's example; it runs as a test)::

    >>> import cyberrx
    >>> a = cyberrx.assess(cyberrx.load_profile("examples/lakeside-family-medicine.yaml"), trials=20_000, seed=7)
    >>> a.recommended.aggregate_limit >= a.annual_loss.p99 > a.annual_loss.mean > 0
    True

Every answer is a typed result (:mod:`cyberrx.domain.results`) with attributes and one serialisation,
``to_dict()``, which is exactly what the command line's ``--json`` prints and what the API returns; money is usd
rounded to cents. Bad input raises :class:`InvalidInput` (a :class:`CyberRxError`) naming the field.

``load_*`` take a path (YAML or JSON) or a mapping. Importing the package is cheap: the functions import the
model only when called.

Layers (imports point down only; see ../shared/DESIGN.md and the import-linter contract in pyproject.toml):
vocab/errors -> reference -> domain -> engine -> claims/breach/underwriting -> application -> cli/api/reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
#: the version of the loss model and engine that seeded figures come from; bumped whenever a seeded result
#: changes (tests/test_model_version.py pins a checksum of a small seeded run to it)
MODEL_VERSION = "2026.12.4"
#: kept for stored results and older callers: the same as :data:`MODEL_VERSION`
ENGINE_VERSION = MODEL_VERSION

if TYPE_CHECKING:  # pragma: no cover
    from cyberrx.domain.claim import Claim
    from cyberrx.domain.fair_model import FairModelDocument
    from cyberrx.domain.incident import Incident
    from cyberrx.domain.policy import PolicyTerms
    from cyberrx.domain.profile import PracticeProfile
    from cyberrx.domain.results import (
        Adjudication,
        Assessment,
        FairResult,
        Improvement,
        Obligations,
        Quote,
        QuoteOption,
        Result,
    )
    from cyberrx.engine.executors import Executor
    from cyberrx.errors import Conflict, CyberRxError, InvalidInput, NotFound, RuleFileError

Source = str | Path | Mapping[str, Any]

_LAZY = {
    **{n: "cyberrx.domain.results" for n in ("Adjudication", "Assessment", "FairResult", "Improvement",
                                               "Obligations", "Quote", "QuoteOption", "Result")},
    **{n: "cyberrx.errors" for n in ("Conflict", "CyberRxError", "InvalidInput", "NotFound", "RuleFileError")},
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cyberrx' has no attribute {name!r}")


def load_profile(source: Source) -> PracticeProfile:
    """A practice profile from a YAML/JSON file or a mapping.

    >>> p = load_profile({"name": "Solo", "specialty": "mental_health", "states": {"OR": 800},
    ...                   "annual_revenue": 300000, "providers": 1, "employees": 2, "endpoints": 3})
    >>> p.name, p.records
    ('Solo', 800)
    """
    from cyberrx.domain.parsing import load_model, parse_model
    from cyberrx.domain.profile import PracticeProfile

    if isinstance(source, str | Path):
        return load_model(PracticeProfile, source)
    return parse_model(PracticeProfile, source)


def load_policy(source: Source) -> PolicyTerms:
    """Policy terms (limits, sublimits, retention, conditions) from a YAML/JSON file or a mapping."""
    from cyberrx.domain.policy import load_policy as _load
    from cyberrx.domain.policy import parse_policy

    if isinstance(source, str | Path):
        return _load(source)
    return parse_policy(source)


def load_claim(source: Source) -> Claim:
    """A claim (its incident and loss lines) from a YAML/JSON file or a mapping."""
    from cyberrx.domain.claim import load_claim as _load
    from cyberrx.domain.claim import parse_claim

    if isinstance(source, str | Path):
        return _load(source)
    return parse_claim(source)


def load_incident(source: Source, *, today: date | None = None) -> Incident:
    """A breach incident from a YAML/JSON file or a mapping (``today``: the date relative dates count from)."""
    from cyberrx.domain.incident import incident_from_dict
    from cyberrx.domain.incident import load_incident as _load

    if isinstance(source, str | Path):
        return _load(source, today=today)
    return incident_from_dict(source, today=today)


def load_fair_model(source: Source) -> FairModelDocument:
    """An Open FAIR model (pyfair's JSON) from a file or a mapping."""
    from cyberrx.domain.fair_model import load_fair_model as _load
    from cyberrx.domain.fair_model import parse_fair_model

    if isinstance(source, str | Path):
        return _load(source)
    return parse_fair_model(source)


def assess(profile: PracticeProfile, *, trials: int | None = None, seed: int | None = None,
           policy: PolicyTerms | None = None, executor: Executor | None = None) -> Assessment:
    """What a cyber incident is likely to cost ``profile`` in a year, by coverage part, and the cover it needs.

    ``trials`` simulated years (default 200,000; 1,000 to 50,000,000), ``seed`` (the same seed gives the same
    figures whatever the executor), ``policy``: apply its terms to every simulated incident and add
    ``insured_loss`` and ``retained_loss``. ``executor`` maps the simulation's blocks (default: in this
    process; ``cyberrx.engine.executors.ProcessPoolExecutor(n)`` for several cores; the caller closes it).
    """
    from cyberrx.app.assess import DEFAULT_SEED, DEFAULT_TRIALS
    from cyberrx.app.assess import assess as _assess

    return _assess(profile, DEFAULT_TRIALS if trials is None else trials, DEFAULT_SEED if seed is None else seed,
                   policy=policy, executor=executor)


def quote(profile: PracticeProfile, *, limits: Sequence[float] | None = None,
          retentions: Sequence[float] | None = None, effective: date | None = None) -> Quote:
    """Quote options for ``profile``, one per limit x retention (usd): manual and technical premium, decision,
    reasons, subjectivities and the policy terms each is issued on."""
    from cyberrx.app.underwrite import quote as _quote
    from cyberrx.underwriting import DEFAULT_LIMITS, DEFAULT_RETENTIONS

    built = _quote(profile, limits=DEFAULT_LIMITS if limits is None else limits,
                   retentions=DEFAULT_RETENTIONS if retentions is None else retentions, effective=effective)
    return built.to_result()


def improve(profile: PracticeProfile, *, budget: float | None = None) -> Improvement:
    """Which missing or weak controls pay back first, and the best set within ``budget`` (usd per year)."""
    from cyberrx.app.underwrite import improve as _improve

    return _improve(profile, budget=budget)


def adjudicate(policy: PolicyTerms, claim: Claim, *, history: Sequence[Claim] = ()) -> Adjudication:
    """What ``policy`` pays on ``claim`` (usd, exact to the cent), after the earlier claims in ``history``."""
    from cyberrx.claims import adjudicate_sequence

    results = adjudicate_sequence(policy, [*history, claim])
    return results[-1].to_result()


def breach_obligations(incident: Incident, *, as_of: date | None = None) -> Obligations:
    """Whom the practice must notify about ``incident``, by which date (HIPAA and the state rows cyberrx can
    cite; other states are flagged "must be checked")."""
    from cyberrx.app.obligations import obligations_of

    return obligations_of(incident, today=as_of).to_result()


def run_fair(model: FairModelDocument, *, simulations: int | None = None, seed: int | None = None) -> FairResult:
    """Run an Open FAIR model: each node's summary and the risk quantiles (usd per year)."""
    from cyberrx.app.fair import run_fair as _run

    options: dict[str, Any] = {}
    if simulations is not None:
        options["simulations"] = simulations
    if seed is not None:
        options["seed"] = seed
    return _run(model, **options).summary.to_result()


__all__ = [
    "ENGINE_VERSION",
    "MODEL_VERSION",
    "Adjudication",
    "Assessment",
    "Conflict",
    "CyberRxError",
    "FairResult",
    "Improvement",
    "InvalidInput",
    "NotFound",
    "Obligations",
    "Quote",
    "QuoteOption",
    "Result",
    "RuleFileError",
    "__version__",
    "adjudicate",
    "assess",
    "breach_obligations",
    "improve",
    "load_claim",
    "load_fair_model",
    "load_incident",
    "load_policy",
    "load_profile",
    "quote",
    "run_fair",
]
