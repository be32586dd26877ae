"""Portfolio use cases: the carrier's book of policies in force, its accumulations, and a book run.

The book is read from the unit of work: every policy the scope sees whose period holds ``as_of``, with its
practice's latest profile. A carrier's admins and underwriters may read and run it (``portfolio.read``,
``portfolio.run``); brokers and practices have no book. The CLI's ``--from-db`` reads every carrier's policies
(the operator: no scope).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cyberrx import MODEL_VERSION
from cyberrx.adapters.store import OrgKind, Scope
from cyberrx.adapters.store.repositories import Order
from cyberrx.app.authz import Forbidden, Principal, require
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.policy import parse_policy
from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.executors import Executor
from cyberrx.errors import InvalidInput
from cyberrx.portfolio.book import MAX_POLICIES, Book, BookEntry, build_book
from cyberrx.portfolio.reinsurance import parse_reinsurance
from cyberrx.portfolio.result import PortfolioResult
from cyberrx.portfolio.summary import run_portfolio

#: a run asked over HTTP is computed in the request: policies x years at most (about a minute on one core)
API_MAX_PRACTICE_YEARS = 50_000_000


def _entries_in_force(uow: Any, scope: Scope | None, as_of: date) -> list[BookEntry]:
    entries = []
    with uow.reading(scope) as tx:
        rows, total = tx.policies.list({}, Order("policy_number", False, "id"), MAX_POLICIES + 1, 0)
        if total > MAX_POLICIES:
            raise InvalidInput(f"{total:,} policies bound", field="policies", allowed=f"up to {MAX_POLICIES:,}")
        for row in rows:
            terms = parse_policy(row.terms, source=f"policy {row.policy_number}")
            if not terms.period.start <= as_of < terms.period.end:
                continue
            version = tx.profiles.latest(row.practice_id)
            profile = parse_model(PracticeProfile, version.profile, source=f"practice {row.practice_id}")
            entries.append(BookEntry(profile, terms, f"policy {row.policy_number}"))
    return entries


def book_in_force(uow: Any, scope: Scope | None, as_of: date, name: str = "book in force") -> Book:
    """The policies in force on ``as_of`` that ``scope`` sees (None: every carrier's), ordered by policy
    number, each with its practice's latest profile; none in force is refused (there is nothing to simulate)."""
    entries = _entries_in_force(uow, scope, as_of)
    if not entries:
        raise InvalidInput(f"no policy is in force on {as_of.isoformat()}", field="as_of",
                           allowed="a date inside a bound policy's period")
    return build_book(entries, name)


def _carrier(principal: Principal, action: str) -> None:
    if principal.organisation_kind is not OrgKind.CARRIER:
        raise Forbidden(f"only a carrier's users have a book ({action})")
    require(principal, action)


def summary(uow: Any, principal: Principal, as_of: date) -> dict[str, Any]:
    """The book in force without simulating: policies, aggregate limits, and the dependencies they share (the
    insureds and limits exposed to each vendor or product), largest first."""
    _carrier(principal, "portfolio.read")
    from cyberrx.portfolio.catalogue import load_catalogue
    from cyberrx.reference import load_loss_model

    entries = _entries_in_force(uow, principal.scope, as_of)
    if not entries:     # a carrier with nothing in force has an empty book, not an error
        return {"as_of": as_of.isoformat(), "policies": 0, "aggregate_limits": 0.0, "dependencies": []}
    model = build_book(entries, "book in force").compile(load_catalogue(), load_loss_model().tables)
    import numpy as np

    insureds = np.bincount(model.links_dep, minlength=len(model.dependencies))
    exposed = np.bincount(model.links_dep, weights=model.limits[model.links_practice],
                          minlength=len(model.dependencies))
    order = np.argsort(-exposed, kind="stable")
    return {
        "as_of": as_of.isoformat(), "policies": model.n, "aggregate_limits": round(float(model.limits.sum()), 2),
        "dependencies": [{"dependency": model.dependencies[d][0], "kind": model.dependencies[d][1],
                          "insureds": int(insureds[d]), "limits_exposed": round(float(exposed[d]), 2)}
                         for d in order],
    }


def run(uow: Any, principal: Principal, *, as_of: date, years: int, seed: int,
        reinsurance: dict[str, Any] | None = None, executor: Executor | None = None) -> PortfolioResult:
    """Run the carrier's book in force on ``as_of`` (bounded: policies x years up to
    :data:`API_MAX_PRACTICE_YEARS`)."""
    _carrier(principal, "portfolio.run")
    terms = None
    if reinsurance is not None:
        try:
            terms = parse_reinsurance(reinsurance)
        except InvalidInput as exc:
            raise InvalidInput(exc.args[0], field=f"reinsurance.{exc.field}" if exc.field else "reinsurance",
                               allowed=exc.allowed) from None
    book = book_in_force(uow, principal.scope, as_of)
    if len(book) * years > API_MAX_PRACTICE_YEARS:
        raise InvalidInput(f"{len(book):,} policies x {years:,} years is too large a run for a request",
                           field="years", allowed=f"policies x years up to {API_MAX_PRACTICE_YEARS:,} "
                                                  "(use the command line for more)")
    result, _ = run_portfolio(book, years, seed, executor=executor, reinsurance=terms,
                              model_version=MODEL_VERSION)
    return result


__all__ = ["API_MAX_PRACTICE_YEARS", "book_in_force", "run", "summary"]
