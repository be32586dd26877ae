"""Run a book end to end and summarise it as a :class:`~cyberrx.portfolio.result.PortfolioResult`.

:func:`run_portfolio` compiles the book, simulates the year loss table (pass 1), simulates again the blocks around
the 1-in-200 loss for the contributions (pass 2), and computes the figures. Vendor contributions plus the
attritional remainder add up to the 1-in-200 gross loss; policy contributions add up to it too (each is the
policy's mean loss over the years ranked 1-in-150 to 1-in-250, scaled by the 1-in-200 loss over their mean).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cyberrx.engine.executors import Executor
from cyberrx.portfolio.book import Book, BookModel
from cyberrx.portfolio.catalogue import SystemicCatalogue, load_catalogue
from cyberrx.portfolio.metrics import EP_RETURN_PERIODS, PML_RETURN_PERIODS, aal, ep_curve, pml, tvar
from cyberrx.portfolio.reinsurance import ReinsuranceTerms
from cyberrx.portfolio.result import Accumulation, Contribution, EpPoint, LossFigures, PortfolioResult
from cyberrx.portfolio.run import BookRun, Progress, contributions, simulate_book

#: policies listed in ``policy_contributions`` (the largest; the rest are summed in the attritional figures)
TOP_POLICIES = 50
#: dependencies listed in ``accumulations`` and ``vendor_contributions``
TOP_DEPENDENCIES = 25


def net_occurrence(occurrence: np.ndarray, reinsurance: ReinsuranceTerms | None) -> np.ndarray:
    """The year's largest net occurrence: kept share minus the XoL recovery on it (a non-decreasing function of
    the gross occurrence, so it applies to the year's largest); annual caps and stop-loss are aggregate terms."""
    if reinsurance is None:
        return occurrence
    kept = occurrence * (1.0 - reinsurance.ceded_share)
    x = reinsurance.per_event_xol
    if x is not None:
        kept = kept - np.minimum(x.limit, np.maximum(0.0, kept - x.retention))
    return kept


def figures(annual: np.ndarray, occurrence: np.ndarray | None) -> LossFigures:
    """AAL, PML, TVaR of ``annual`` and the PML of ``occurrence`` (the year's largest event; None: not known)."""
    periods = [t for t in PML_RETURN_PERIODS if annual.shape[0] >= t]
    return LossFigures(aal=aal(annual), pml={str(t): pml(annual, t) for t in periods},
                       tvar={str(t): tvar(annual, t) for t in periods},
                       oep={} if occurrence is None else {str(t): pml(occurrence, t) for t in periods})


def summarise(book: Book, model: BookModel, run: BookRun, catalogue: SystemicCatalogue | None,
              reinsurance: ReinsuranceTerms | None, loss_model_version: str, executor: Executor | None = None,
              with_contributions: bool = True, model_version: str = "") -> PortfolioResult:
    net_occ = net_occurrence(run.occurrence, reinsurance)
    curve_g, curve_o = ep_curve(run.gross), ep_curve(run.occurrence)
    curve_n, curve_no = ep_curve(run.net), ep_curve(net_occ)
    ep = [EpPoint(return_period=t, aep_gross=g, oep_gross=o, aep_net=n, oep_net=no)
          for (t, g), (_, o), (_, n), (_, no) in zip(curve_g, curve_o, curve_n, curve_no, strict=True)]
    notes = []
    vendor_rows: list[Contribution] = []
    policy_rows: list[Contribution] = []
    attritional = 0.0
    pml200 = pml(run.gross, 200)
    if with_contributions and run.gross.any():
        c = contributions(model, catalogue, run, executor=executor)
        scale = pml200 / c.book if c.book > 0 else 0.0
        attritional = c.attritional * scale
        order = np.argsort(-c.vendors, kind="stable")[:TOP_DEPENDENCIES]
        vendor_rows = [Contribution(id=model.dependencies[d][0], label=model.dependencies[d][0],
                                    contribution=c.vendors[d] * scale,
                                    share=float(c.vendors[d] / c.book) if c.book else 0.0)
                       for d in order if c.vendors[d] * scale >= 0.005]
        order = np.argsort(-c.policies, kind="stable")[:TOP_POLICIES]
        policy_rows = [Contribution(id=model.policy_numbers[i], label=model.names[i],
                                    contribution=c.policies[i] * scale,
                                    share=float(c.policies[i] / c.book) if c.book else 0.0)
                       for i in order if c.policies[i] * scale >= 0.005]
        notes.append(f"contributions: mean loss over the {c.years.shape[0]} years ranked 1-in-150 to 1-in-250, "
                     f"scaled to the 1-in-200 loss ({pml200:,.2f})")
    insureds = np.bincount(model.links_dep, minlength=len(model.dependencies))
    exposed = np.bincount(model.links_dep, weights=model.limits[model.links_practice],
                          minlength=len(model.dependencies))
    order = np.lexsort((-exposed, -run.vendors.largest))[:TOP_DEPENDENCIES]
    accumulations = [Accumulation(dependency=model.dependencies[d][0], kind=model.dependencies[d][1],
                                  insureds=int(insureds[d]), limits_exposed=float(exposed[d]),
                                  events=int(run.vendors.events[d]), aal=run.vendors.total[d] / run.n_years,
                                  largest_event=float(run.vendors.largest[d])) for d in order]
    if catalogue is None:
        notes.append("no systemic catalogue: the book is a sum of independent practices")
    return PortfolioResult(
        book=book.name, policies=model.n, years=run.n_years, seed=run.seed, model_version=model_version,
        loss_model_version=loss_model_version, catalogue_version=catalogue.version if catalogue else None,
        reinsurance=reinsurance.model_dump(mode="json") if reinsurance is not None else None,
        gross=figures(run.gross, run.occurrence), net=figures(run.net, net_occ),
        independent=figures(run.independent, None), systemic_aal=aal(run.systemic), ep_curve=ep,
        vendor_contributions=vendor_rows, attritional_contribution=attritional, policy_contributions=policy_rows,
        accumulations=accumulations, notes=notes)


def run_portfolio(book: Book, years: int, seed: int, *, executor: Executor | None = None,
                  reinsurance: ReinsuranceTerms | None = None, catalogue: SystemicCatalogue | None | bool = True,
                  ylt_out: str | Path | None = None, progress: Progress | None = None,
                  with_contributions: bool = True, model_version: str = "") -> tuple[PortfolioResult, BookRun]:
    """Simulate ``book`` for ``years`` years with ``seed`` and summarise it.

    ``catalogue``: True for the shipped catalogue, None/False for none (independent practices), or a catalogue.
    ``executor``: serial when None (the caller owns it). The result is the same on every executor.
    ``model_version``: ``cyberrx.MODEL_VERSION``, recorded in the result (given by the caller: this package sits
    below the library's root).
    """
    from cyberrx.reference import load_loss_model

    cat = load_catalogue() if catalogue is True else (catalogue or None)
    ref = load_loss_model()
    model = book.compile(cat, ref.tables)
    run = simulate_book(model, cat, years, seed, executor=executor, reinsurance=reinsurance, ylt_out=ylt_out,
                        progress=progress)
    result = summarise(book, model, run, cat, reinsurance, ref.version, executor, with_contributions,
                       model_version)
    return result, run


__all__ = ["EP_RETURN_PERIODS", "net_occurrence", "run_portfolio", "summarise"]
