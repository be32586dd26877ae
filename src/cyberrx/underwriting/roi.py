"""Control ROI: which missing or weak control buys the most, and the best set of up to three within a budget.

For each control the practice lacks (or has weakly: training without phishing simulation, patching slower than
7 days), the practice is compared with itself with that control put in place (``Controls.improved``):

- ``annual_cost`` usd/yr, from ``control_costs.yaml`` for the practice's employees and endpoints (MFA on e-mail
  and on remote access share one licence: the second costs only its extension);
- ``loss_reduction_mean`` usd/yr: drop in expected annual ground-up loss, noise-free (``engine.analytic``), shown
  for the whole picture (most of it is the insurer's once the practice is insured);
- ``loss_reduction_p99`` usd: drop in the 1-in-100-year annual loss, simulated with common random numbers (both
  profiles under the no-controls ceiling, so every year's loss can only fall);
- ``premium_reduction`` usd/yr: drop in the manual premium at the segment's standard option (the rate manual
  derived from the loss model, rules' surcharges included), and ``technical_premium_reduction`` on the same years;
- ``retained_loss_reduction`` usd/yr: drop in the expected loss the practice keeps under the standard option as it
  would be issued to it (the rules' sublimits and coinsurance, its controls as they are): retention, coinsurance,
  uncovered parts and anything above the limits. Retained = ground-up - insured on each simulated year, the
  insured part from ``engine.terms.insured_year_totals`` (``pricing.insured_annual``) with the option's compiled
  terms, on common random numbers;
- ``net_benefit`` usd/yr = premium_reduction + retained_loss_reduction - annual_cost: the practice's money (the
  premium it stops paying and the loss it stops keeping; the insurer's share of the loss avoided comes back to it
  only through the premium, so it is not counted twice);
- ``payback_months`` = 12 x annual_cost / (premium_reduction + retained_loss_reduction).

Insurability (``insurability``, a sentence or None): the underwriting rules are run on the twin with the control.
A control that turns a decline or a referral into a quote at any limit of the quote grid (at the standard
retention; rule decisions, the pricing rule on rate adequacy left to ``quote``), removes a coinsurance or lifts a
sublimit says so; where a rule needs two missing controls together (EDR and MDR/SOC) the sentence names the
partner. Ranking: a control that lifts a decline of the standard option first (without it there is no policy to
save premium or retention on), then legally required controls (``required_by`` in ``control_costs.yaml``: the
HIPAA risk analysis, 45 CFR 164.308(a)(1)(ii)(A)) whatever their payback, then net benefit, and at equal net
benefit (to the cent) a control with an insurability effect ahead of one without.

Controls interact (their multipliers compound on the same scenarios), so the best set is found by evaluating
every set of one to three of the top candidates together, not by adding single figures; a control that lifts a
decline of the standard option is in every set considered (where the budget allows it).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cyberrx.domain import results
from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.analytic import expected_annual_loss
from cyberrx.engine.metrics import quantiles
from cyberrx.engine.scenarios import build_parameters
from cyberrx.engine.simulate import simulate
from cyberrx.engine.terms import compile_terms
from cyberrx.errors import RuleFileError
from cyberrx.reference import LossModelReference, check_sources, read_data_file
from cyberrx.underwriting.forms import issued_form, pricing_form, to_terms
from cyberrx.underwriting.pricing import TechnicalBasis, YearBook, candidate_ceiling, insured_annual, technical_price
from cyberrx.underwriting.quote import DECLINE, DEFAULT_LIMITS, QUOTE, REFER, decide, standard_option
from cyberrx.underwriting.rating import RateManual
from cyberrx.underwriting.rules import RuleSet
from cyberrx.underwriting.segments import Segment
from cyberrx.vocab import Control, RemoteAccess, Training

#: how many single-control leaders enter the search for the best set (sets of 1-3 among them)
SET_CANDIDATES = 8
MAX_SET = 3


def _fig(node: Any) -> float:
    return float(node["value"]) if isinstance(node, Mapping) else 0.0


@dataclass(frozen=True)
class ControlCosts:
    """Control costs and facts (``control_costs.yaml``)."""

    version: str
    controls: Mapping[str, Mapping[str, Any]]
    budget_share: float
    budget_minimum: float
    trials: int

    def annual_cost(self, control: Control, profile: PracticeProfile, alongside: Sequence[Control] = ()) -> float:
        """usd per year for this practice (employees and endpoints), at least the control's minimum; only the
        extension cost when it shares a licence with a control the practice has or buys ``alongside``."""
        row = self.controls[control.value]
        partner = self.licence_partner(control)
        if partner is not None and (profile.controls.has(partner) or partner in alongside):
            return self.extension_cost(control)
        cost = _fig(row.get("fixed_per_year")) + 12.0 * (_fig(row.get("per_employee_month")) * profile.employees
                                                         + _fig(row.get("per_endpoint_month")) * profile.endpoints)
        return round(max(cost, _fig(row.get("minimum_per_year"))), 2)

    def extension_cost(self, control: Control) -> float:
        """usd per year to extend a licence the practice already has to this control (0 if it has no partner)."""
        return round(_fig(self.controls[control.value].get("extension_per_year")), 2)

    def licence_partner(self, control: Control) -> Control | None:
        shared = self.controls[control.value].get("same_licence_as")
        return None if shared is None else Control(shared["control"])

    def set_cost(self, controls: Sequence[Control], profile: PracticeProfile) -> float:
        """usd per year for a set bought together: of two controls sharing a licence, the first in ``Control``
        order carries the licence and the other the extension."""
        chosen = sorted(set(controls), key=list(Control).index)
        total = 0.0
        for i, control in enumerate(chosen):
            total += self.annual_cost(control, profile, alongside=chosen[:i])
        return round(total, 2)

    def hicp(self, control: Control) -> dict[str, Any]:
        h = self.controls[control.value]["hicp"]
        return {"practice": h["practice"], "name": h["name"], "sub_practice": h["sub_practice"]}

    def required_by(self, control: Control) -> str | None:
        """The law that requires this control of every covered entity (citation: text), or None."""
        req = self.controls[control.value].get("required_by")
        return None if req is None else f"{req['citation']}: {req['text']}"

    def insurer_baseline(self, control: Control, segment: Segment) -> tuple[bool, str]:
        b = self.controls[control.value]["insurer_baseline"]
        return bool(b[segment.value]), str(b["note"])

    def default_budget(self, profile: PracticeProfile) -> float:
        """usd per year: a share of revenue, at least the minimum."""
        return round(max(self.budget_share * float(profile.annual_revenue), self.budget_minimum), 2)


def parse_control_costs(data: Mapping[str, Any], file: str = "control_costs.yaml") -> ControlCosts:
    check_sources(data, "", file)
    if not data.get("version"):
        raise RuleFileError(f"{file}: missing version")
    controls = data.get("controls") or {}
    for c in Control:
        row = controls.get(c.value)
        if not isinstance(row, Mapping):
            raise RuleFileError(f"{file}: controls.{c.value} is missing")
        for key in ("hicp", "insurer_baseline"):
            if key not in row:
                raise RuleFileError(f"{file}: controls.{c.value}: missing {key}")
        if not any(k in row for k in ("fixed_per_year", "per_employee_month", "per_endpoint_month")):
            raise RuleFileError(f"{file}: controls.{c.value}: no cost figure")
        req = row.get("required_by")
        if req is not None and not (isinstance(req, Mapping) and req.get("citation") and req.get("text")):
            raise RuleFileError(f"{file}: controls.{c.value}.required_by needs citation and text")
        shared = row.get("same_licence_as")
        if shared is not None:
            allowed = {k.value for k in Control} - {c.value}
            if not isinstance(shared, Mapping) or shared.get("control") not in allowed:
                raise RuleFileError(f"{file}: controls.{c.value}.same_licence_as: control must be one of "
                                    f"{', '.join(sorted(allowed))}")
            if "extension_per_year" not in row:
                raise RuleFileError(f"{file}: controls.{c.value}: same_licence_as needs extension_per_year")
    budget = data["default_budget"]
    return ControlCosts(str(data["version"]), controls, _fig(budget["revenue_share"]), _fig(budget["minimum"]),
                        int(_fig(data["roi"]["trials"])))


@lru_cache(maxsize=2)
def load_control_costs(name: str = "control_costs.yaml") -> ControlCosts:
    return parse_control_costs(read_data_file(name), name)


def candidates(profile: PracticeProfile) -> list[Control]:
    """Controls missing or weak for this practice (MFA on remote access only where there is remote access)."""
    c = profile.controls
    out = []
    for control in Control:
        if control is Control.MFA_REMOTE_ACCESS and profile.remote_access is RemoteAccess.NONE:
            continue
        weak = ((control is Control.SECURITY_TRAINING and c.security_training is not Training.PHISHING_SIMULATION)
                or (control is Control.PATCH_CRITICAL_DAYS and c.patch_critical_days > 7))
        if weak or not c.has(control):
            out.append(control)
    return out


def with_controls(profile: PracticeProfile, controls: Sequence[Control]) -> PracticeProfile:
    improved = profile.controls
    for control in controls:
        improved = improved.improved(control)
    return profile.with_controls(improved)


@dataclass(frozen=True)
class _Measure:
    """One profile's figures: expected annual loss, p99 (usd), manual and technical premium (usd/yr), and the
    expected loss it keeps under the standard option as issued to it (usd/yr)."""

    expected_loss: float
    p99: float
    premium: float
    technical: float
    retained: float


class _Evaluator:
    """Measures a practice and its improved twins on common random numbers (one ceiling for all)."""

    def __init__(self, profile: PracticeProfile, rules: RuleSet, manual: RateManual,
                 loss_model: LossModelReference, trials: int, seed: int) -> None:
        self.profile, self.rules, self.manual, self.tables = profile, rules, manual, loss_model.tables
        self.trials, self.seed = trials, seed
        self.segment, _ = rules.segments.classify(profile)
        self.limit, self.retention = standard_option(manual, self.segment)
        self.ceiling = candidate_ceiling(profile, self.tables)
        self.basis = TechnicalBasis.from_manual(manual.tables["technical"])

    def expected_loss(self, profile: PracticeProfile) -> float:
        return expected_annual_loss(build_parameters(profile, self.tables))

    def premium(self, profile: PracticeProfile) -> float:
        _, _, found = self.rules.evaluate(profile)
        sur = {f.rule.id: f.rule.params["rate"] for f in found if f.rule.outcome == "surcharge"}
        return self.manual.premium(profile, self.limit, self.retention, sur).premium

    def measure(self, profile: PracticeProfile) -> _Measure:
        params = build_parameters(profile, self.tables)
        events = simulate(params, self.trials, self.seed, candidate_rates=self.ceiling, ordered=False)
        ground_up = events.annual_total()
        p99 = float(quantiles(ground_up, [0.99])[0])
        policy_form = self.manual.tables["policy_form"]
        form = pricing_form(profile, self.segment, self.limit, self.retention, policy_form, _PERIOD_START)
        controls = {c.value: profile.controls.has(c) for c in Control}
        book = YearBook(events)
        terms = compile_terms(to_terms(form), controls)
        technical = technical_price(insured_annual(book, terms), self.basis).technical_premium
        # what the practice keeps: the option as it would be issued to it (the rules' sublimits and coinsurance),
        # its warranties judged on the controls it has
        _, _, findings = self.rules.evaluate(profile)
        issued = compile_terms(to_terms(issued_form(form, findings, policy_form)), controls)
        retained = float((ground_up - insured_annual(book, issued)).mean())
        return _Measure(expected_annual_loss(params), p99, self.premium(profile), technical, retained)

    def insurability(self, profile: PracticeProfile) -> _Standing:
        """The rules' standing of ``profile``: decision per limit of the grid at the standard retention, and the
        ids of the coinsurance and sublimit rules that fire."""
        _, _, found = self.rules.evaluate(profile)
        grid = sorted({*DEFAULT_LIMITS, self.limit})
        decisions = tuple((float(x), decide(x, found)[0]) for x in grid if x > self.retention)
        restrictions = {f.rule.id: f.rule.message for f in found if f.rule.outcome in ("coinsurance", "sublimit")}
        return _Standing(decisions, restrictions)


_RANK = {QUOTE: 0, REFER: 1, DECLINE: 2}


@dataclass(frozen=True)
class _Standing:
    decisions: tuple[tuple[float, str], ...]     # (limit usd, quote | refer | decline)
    restrictions: Mapping[str, str]              # coinsurance and sublimit rule id -> message

    def improved_limits(self, other: _Standing) -> list[tuple[float, str, str]]:
        """The limits whose decision is better in ``other``: (limit, this decision, that decision)."""
        theirs = dict(other.decisions)
        return [(x, d, theirs[x]) for x, d in self.decisions if _RANK[theirs[x]] < _RANK[d]]


def _usd(x: float) -> str:
    return f"${x:,.0f}"


def insurability_text(base: _Standing, twin: _Standing, standard_limit: float,
                      partner: Control | None = None) -> tuple[str | None, bool]:
    """What the twin gains in insurability over the base (a sentence, or None) and whether it lifts a decline of
    the standard option. ``partner``: the other control the twin also has (named in the sentence)."""
    parts = []
    changed = base.improved_limits(twin)
    lifts_standard_decline = any(x == standard_limit and before == DECLINE for x, before, _ in changed)
    every = len(changed) == len(base.decisions)
    for after in (QUOTE, REFER):
        for before in (DECLINE, REFER):
            limits = [x for x, b, a in changed if b == before and a == after]
            if limits and before != after:
                where = "every limit" if every and len(limits) == len(changed) else \
                    ", ".join(_usd(x) for x in limits)
                parts.append(f"turns {before} into {after} at {where}")
    for rid in (rid for rid in base.restrictions if rid not in twin.restrictions):
        parts.append(f"removes {rid} ({base.restrictions[rid].rstrip('.')})")
    if not parts:
        return None, False
    lead = "Makes the practice insurable: " if any(b == DECLINE for _, b, _ in changed) else ""
    if partner is not None:
        lead = f"Together with {partner.value}: {lead[0].lower() + lead[1:] if lead else ''}"
    return lead + "; ".join(parts) + ".", lifts_standard_decline and partner is None


#: the period written on the forms priced here (only the terms' amounts matter to the price)
_PERIOD_START = date(2027, 1, 1)


@dataclass(frozen=True)
class Recommendation:
    """A control (or set) and its figures. The money figures are rounded to the cent first, so the net benefit
    shown is exactly premium_reduction + retained_loss_reduction - annual_cost of the figures shown."""

    controls: tuple[Control, ...]
    annual_cost: float
    loss_reduction_mean: float
    loss_reduction_p99: float
    premium_reduction: float
    technical_premium_reduction: float
    retained_loss_reduction: float = 0.0
    insurability: str | None = None
    lifts_decline: bool = False       # lifts a decline of the standard option
    required_by: str | None = None

    @property
    def saving(self) -> float:
        """usd/yr the practice keeps: premium saved + retained loss avoided (to the cent)."""
        return round(round(self.premium_reduction, 2) + round(self.retained_loss_reduction, 2), 2)

    @property
    def net_benefit(self) -> float:
        return round(self.saving - round(self.annual_cost, 2), 2)

    @property
    def payback_months(self) -> float | None:
        return None if self.saving <= 0 else 12.0 * self.annual_cost / self.saving

    def rank_key(self) -> tuple[int, int, float, int]:
        return (not self.lifts_decline, self.required_by is None, -self.net_benefit, self.insurability is None)

    def figures(self) -> dict[str, Any]:
        payback = self.payback_months
        return {"annual_cost": self.annual_cost, "loss_reduction_mean": round(self.loss_reduction_mean, 2),
                "loss_reduction_p99": round(self.loss_reduction_p99, 2),
                "premium_reduction": round(self.premium_reduction, 2),
                "technical_premium_reduction": round(self.technical_premium_reduction, 2),
                "retained_loss_reduction": round(self.retained_loss_reduction, 2),
                "payback_months": None if payback is None else round(payback, 1),
                "net_benefit": self.net_benefit, "insurability": self.insurability,
                "required": self.required_by is not None, "required_by": self.required_by}


@dataclass(frozen=True)
class ImprovementPlan:
    practice: str
    segment: Segment
    standard_option: tuple[float, float]
    base: _Measure
    recommendations: tuple[Recommendation, ...]
    best_set: Recommendation | None
    budget: float
    costs: ControlCosts
    trials: int
    seed: int
    debits_capped: bool = False      # the rate manual's debits exceed their cap: one control may not move the price

    def to_result(self) -> results.Improvement:
        """The typed result (:class:`~cyberrx.domain.results.Improvement`)."""
        return results.Improvement.model_validate(self._data())

    def to_dict(self) -> dict[str, Any]:
        return self.to_result().to_dict()

    def _data(self) -> dict[str, Any]:
        recs = []
        for r in self.recommendations:
            control = r.controls[0]
            baseline, note = self.costs.insurer_baseline(control, self.segment)
            partner = self.costs.licence_partner(control)
            shared = None
            if partner is not None:
                shared = {"control": partner.value, "annual_cost_with_it": self.costs.extension_cost(control)}
            recs.append({"control": control.value, **r.figures(), "hicp_practice": self.costs.hicp(control),
                         "insurer_baseline": baseline, "insurer_baseline_note": note, "shared_licence": shared})
        best = None
        if self.best_set is not None:
            best = {"controls": [c.value for c in self.best_set.controls], **self.best_set.figures()}
        return {
            "practice": self.practice, "segment": self.segment.value,
            "standard_option": {"limit": self.standard_option[0], "retention": self.standard_option[1]},
            "current": {"expected_annual_loss": round(self.base.expected_loss, 2), "p99": round(self.base.p99, 2),
                        "premium": self.base.premium, "technical_premium": round(self.base.technical, 2),
                        "retained_loss": round(self.base.retained, 2),
                        "schedule_debits_capped": self.debits_capped},
            "recommendations": recs, "budget": self.budget, "best_set": best,
            "method": ("net_benefit = premium_reduction + retained_loss_reduction - annual_cost (the practice's "
                       "money: manual premium at the standard option, and the loss it keeps under that option as "
                       "issued, retained = ground-up - insured on common random numbers); payback_months = 12 x "
                       "annual_cost / (premium_reduction + retained_loss_reduction); loss_reduction_mean (ground "
                       "up, analytic) and loss_reduction_p99 shown, not added; ranked: lifts a decline of the "
                       "standard option, then legally required, then net_benefit, then an insurability effect"),
            "trials": self.trials, "seed": self.seed, "control_costs_version": self.costs.version,
        }


def improvement_plan(profile: PracticeProfile, rules: RuleSet, manual: RateManual, loss_model: LossModelReference,
                     costs: ControlCosts, budget: float | None = None, trials: int | None = None,
                     seed: int | None = None) -> ImprovementPlan:
    """Rank the practice's missing or weak controls and find the best set of up to three within ``budget``
    (usd/yr; default a share of revenue from ``control_costs.yaml``)."""
    trials = costs.trials if trials is None else trials
    seed = int(manual.tables["technical"]["seed"]["value"]) if seed is None else seed
    ev = _Evaluator(profile, rules, manual, loss_model, trials, seed)
    base = ev.measure(profile)
    budget = costs.default_budget(profile) if budget is None else float(budget)

    standing = ev.insurability(profile)
    pool = candidates(profile)

    def insurability(controls: Sequence[Control]) -> tuple[str | None, bool]:
        text, lifts = insurability_text(standing, ev.insurability(with_controls(profile, controls)), ev.limit)
        if text is not None or len(controls) != 1:
            return text, lifts
        for other in pool:        # a rule that needs two missing controls together (EDR and MDR/SOC)
            if other not in controls:
                pair = ev.insurability(with_controls(profile, [*controls, other]))
                alone = ev.insurability(with_controls(profile, [other]))
                if standing.improved_limits(pair) and not standing.improved_limits(alone):
                    return insurability_text(standing, pair, ev.limit, partner=other)[0], False
        return None, False

    def recommend(controls: Sequence[Control], measured: _Measure | None = None) -> Recommendation:
        twin = with_controls(profile, controls)
        m = measured or ev.measure(twin)
        text, lifts = insurability(controls)
        required = [r for r in (costs.required_by(c) for c in controls) if r is not None]
        return Recommendation(tuple(controls), costs.set_cost(controls, profile),
                              base.expected_loss - m.expected_loss, base.p99 - m.p99, base.premium - m.premium,
                              base.technical - m.technical, base.retained - m.retained, text, lifts,
                              "; ".join(required) or None)

    singles = sorted((recommend([c]) for c in pool), key=Recommendation.rank_key)
    best_set = _best_set(profile, ev, costs, singles, budget, recommend)
    items = manual.schedule_items(profile)
    capped = manual.schedule_modification(items, float(profile.annual_revenue)) >= manual.cap_debit
    return ImprovementPlan(profile.name, ev.segment, (ev.limit, ev.retention), base, tuple(singles), best_set,
                           budget, costs, trials, seed, capped)


def _best_set(profile: PracticeProfile, ev: _Evaluator, costs: ControlCosts, singles: Sequence[Recommendation],
              budget: float, recommend: Any) -> Recommendation | None:
    """The set of 1-3 controls with the largest net benefit (premium saved + retained loss avoided - cost, each set
    measured together: controls interact) within budget, among the leading singles with a positive net benefit.
    A control that lifts a decline of the standard option is in every set considered where the budget allows it
    (without it no policy is on offer, so no premium is saved): the best set is then the best set with it."""
    must = [r.controls[0] for r in singles if r.lifts_decline][:1]
    if must and costs.set_cost(must, profile) > budget:
        must = []
    pool = [r.controls[0] for r in sorted(singles, key=lambda r: -r.net_benefit) if r.net_benefit > 0]
    pool = [*must, *[c for c in pool if c not in must]][:SET_CANDIDATES]
    best: Recommendation | None = None
    for size in range(1, MAX_SET + 1):
        for combo in itertools.combinations(pool, size):
            if costs.set_cost(combo, profile) > budget or not set(must) <= set(combo):
                continue
            r = recommend(list(combo))
            if r.net_benefit > 0 and (best is None or r.net_benefit > best.net_benefit + 1e-9):
                best = r
    return best


__all__ = ["ControlCosts", "ImprovementPlan", "Recommendation", "candidates", "improvement_plan",
           "load_control_costs", "parse_control_costs", "with_controls"]
