"""Who must be notified of a breach, by when, how, and under which section (45 CFR 164.400-414 + state table).

Dates are calendar dates; a deadline is the last permitted day (discovery + 60 days: discovered 2027-03-14
gives 2027-05-13). Sixty days is an outer limit: notice is due "without unreasonable delay".

Law-enforcement delay (164.412). The rule says notices are delayed "for the time period specified" (written)
or at most 30 days from an oral statement; it grants no extra time once the delay ends. cyberrx therefore
moves a deadline to the later of the rule's date and the day the delay ends, never earlier, and never adds
days after the delay (a tolling reading would give later dates; we do not assume it). The delay moves the
notices of 164.404-164.410, including the year-end HHS log report of 164.408(c) (164.412 covers every
"notification, notice, or posting required under this subpart"). A delay stated after a deadline has passed
does not move that deadline. State deadlines are not moved: whether a state law allows the same delay is
state law, so the state dates shown stay the earliest defensible ones.

>>> from datetime import date
>>> from cyberrx.domain.incident import Incident
>>> inc = Incident(incident_id="X", entity="E", discovered=date(2027, 3, 14), affected_by_state={"MS": 30})
>>> report = assess_obligations(inc, today=date(2027, 3, 20))
>>> [(o.recipient.value, o.deadline.isoformat()) for o in report.obligations]
[('individuals', '2027-05-13'), ('hhs', '2028-02-29')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from cyberrx.breach.rule import BreachRule, breach_rule
from cyberrx.breach.states import (
    STATE_NAMES,
    Anchor,
    StateLaw,
    StateRequirement,
    StateTable,
    state_law_for,
    state_table,
)
from cyberrx.domain import results
from cyberrx.domain.incident import Incident, LawEnforcementDelay, Role
from cyberrx.vocab import Scenario

BREACH_DEFINITION = "45 CFR 164.402 (definition of breach, paragraph (2))"
UNSECURED_PHI = "45 CFR 164.402 (definition of unsecured PHI); HHS guidance 74 FR 19006"
RANSOMWARE_GUIDANCE = "OCR Fact Sheet 'Your Money or Your PHI' (2016-07-11)"
LAW_ENFORCEMENT = "45 CFR 164.412"


class Recipient(StrEnum):
    """Who receives a notice. Ordered as the obligations are listed."""

    INDIVIDUALS = "individuals"
    SUBSTITUTE_NOTICE = "substitute_notice"
    MEDIA = "media"
    HHS = "hhs"
    COVERED_ENTITY = "covered_entity"
    STATE_REGULATOR = "state_regulator"


@dataclass(frozen=True, slots=True)
class Obligation:
    """One notice to give.

    ``deadline``: last permitted day (after any law-enforcement delay); ``rule_deadline``: the same before the
    delay; ``not_before``: notices are held until this day by a law-enforcement delay. ``basis`` is
    ``federal`` (HIPAA) or ``state``; ``trust`` is the reference-data trust mark of the row it comes from.
    """

    recipient: Recipient
    deadline: date | None
    method: str
    states: tuple[str, ...]
    citation: str
    rule_deadline: date | None = None
    not_before: date | None = None
    applies_if: str | None = None
    basis: str = "federal"
    trust: str = "P"

    def as_dict(self) -> dict[str, Any]:
        return {
            "recipient": self.recipient.value,
            "deadline": _iso(self.deadline),
            "method": self.method,
            "states": list(self.states),
            "citation": self.citation,
            "rule_deadline": _iso(self.rule_deadline),
            "not_before": _iso(self.not_before),
            "applies_if": self.applies_if,
            "basis": self.basis,
            "trust": self.trust,
        }


@dataclass(frozen=True, slots=True)
class StateStatus:
    """What cyberrx knows about one affected state: ``covered`` False means its law must be checked."""

    state: str
    residents: int
    covered: bool
    statutes: tuple[str, ...]
    summary: str

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "residents": self.residents, "covered": self.covered,
                "statutes": list(self.statutes), "summary": self.summary}


@dataclass(frozen=True, slots=True)
class ObligationsReport:
    """The answer to "must we notify, whom, by when": obligations sorted by deadline, with reasons."""

    incident_id: str
    entity: str
    role: Role
    scenario: Scenario
    discovered: date
    as_of: date
    total_affected: int
    reportable: bool
    reasons: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    warnings: tuple[str, ...]
    states: tuple[StateStatus, ...]
    delay_ends: date | None = None
    reference_versions: dict[str, str] = field(default_factory=dict)

    def first(self, recipient: Recipient) -> Obligation | None:
        """The earliest obligation to ``recipient`` (federal before state on the same day), if any."""
        found = [o for o in self.obligations if o.recipient is recipient]
        return found[0] if found else None

    def to_result(self) -> results.Obligations:
        """The typed result (:class:`~cyberrx.domain.results.Obligations`)."""
        return results.Obligations.model_validate(self._data())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (dates as ISO strings): :meth:`to_result`'s ``to_dict()``."""
        return self.to_result().to_dict()

    def to_dict(self) -> dict[str, Any]:
        return self.as_dict()

    def _data(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "entity": self.entity,
            "role": self.role.value,
            "type": self.scenario.value,
            "discovered": self.discovered.isoformat(),
            "as_of": self.as_of.isoformat(),
            "total_affected": self.total_affected,
            "reportable": self.reportable,
            "reasons": list(self.reasons),
            "obligations": [o.as_dict() for o in self.obligations],
            "warnings": list(self.warnings),
            "states": [s.as_dict() for s in self.states],
            "law_enforcement_delay_ends": _iso(self.delay_ends),
            "reference_versions": dict(self.reference_versions),
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


# ------------------------------------------------------------------------------------------------ dates
def days_after(start: date, days: int) -> date:
    """The last permitted day ``days`` calendar days after ``start`` (2027-03-14 + 60 = 2027-05-13)."""
    return start + timedelta(days=days)


def hhs_annual_deadline(discovered: date, rule: BreachRule | None = None) -> date:
    """Small-breach report to HHS: 60 days after 31 December of the discovery year (164.408(c)).

    >>> hhs_annual_deadline(date(2027, 3, 14)).isoformat()   # 2028 is a leap year
    '2028-02-29'
    >>> hhs_annual_deadline(date(2026, 12, 31)).isoformat()
    '2027-03-01'
    """
    rule = rule or breach_rule()
    return days_after(date(discovered.year, 12, 31), rule.hhs_annual_log_days_after_year_end.value)


def delay_end(delay: LawEnforcementDelay | None, rule: BreachRule | None = None) -> date | None:
    """The day a law-enforcement delay ends: a written statement's date, else the oral statement + 30 days."""
    if delay is None:
        return None
    if delay.until is not None:  # a written statement governs, also when it follows an oral one
        return delay.until
    assert delay.oral_statement_on is not None  # the model requires one of the two
    rule = rule or breach_rule()
    return days_after(delay.oral_statement_on, rule.law_enforcement_oral_max_days.value)


def delayed(deadline: date, delay: LawEnforcementDelay | None, rule: BreachRule | None = None) -> date:
    """``deadline`` as moved by a law-enforcement delay: the later of the two days, never earlier.

    A delay stated after the deadline had already passed does not move it.
    """
    end = delay_end(delay, rule)
    if end is None or delay is None:
        return deadline
    stated = delay.oral_statement_on
    if stated is not None and delay.until is None and stated > deadline:
        return deadline
    return max(deadline, end)


# ------------------------------------------------------------------------------------------------ reportable
def _reportability(incident: Incident) -> tuple[bool, list[str], list[str]]:
    reasons: list[str] = []
    warnings: list[str] = []
    if incident.phi_secured:
        reasons.append(f"Not a reportable breach: the PHI was secured (encrypted or destroyed as HHS guidance "
                       f"specifies, key not compromised), so it is not unsecured PHI ({UNSECURED_PHI}); the "
                       f"notices of 45 CFR 164.404-164.410 apply only to unsecured PHI.")
        warnings.append("If the decryption key was stored with the device or data, or may have been exposed, "
                        "the PHI was not secured: set phi_secured to false and re-run.")
        return False, reasons, warnings
    assessment = incident.risk_assessment
    if incident.low_probability_of_compromise is True and assessment is not None:
        reasons.append(f"Not a reportable breach: the documented four-factor risk assessment shows a low "
                       f"probability that the PHI has been compromised ({BREACH_DEFINITION}).")
        warnings.append("Keep the written four-factor assessment: the entity bears the burden of showing that "
                        "no breach occurred (45 CFR 164.414).")
        if assessment.acquired_or_viewed and not assessment.mitigated:
            warnings.append("The recorded factors say the PHI was acquired or viewed and the risk was not "
                            "mitigated; make sure the assessment explains why compromise is still unlikely.")
        return False, reasons, warnings
    if incident.low_probability_of_compromise is True:
        reasons.append(f"Breach presumed: low_probability_of_compromise is true but no four-factor risk "
                       f"assessment is recorded; the presumption stands until the assessment is documented "
                       f"({BREACH_DEFINITION}).")
    elif incident.low_probability_of_compromise is False:
        reasons.append(f"Reportable breach of unsecured PHI: the four-factor risk assessment did not show a "
                       f"low probability of compromise ({BREACH_DEFINITION}).")
    elif assessment is not None:
        reasons.append(f"Breach presumed: the four factors are recorded but no conclusion "
                       f"(low_probability_of_compromise) is stated, so the incident is presumed to be a "
                       f"breach ({BREACH_DEFINITION}).")
    else:
        reasons.append(f"Breach presumed: the PHI was unsecured and the four-factor risk assessment has not "
                       f"been done yet, so the incident is presumed to be a breach ({BREACH_DEFINITION}).")
    if incident.type in (Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION):
        reasons.append(f"Ransomware that encrypts PHI is an acquisition of it, so a breach is presumed unless a "
                       f"low probability of compromise is shown ({RANSOMWARE_GUIDANCE}).")
    return True, reasons, warnings


# ------------------------------------------------------------------------------------------------ federal
def _held(rule_deadline: date, incident: Incident, rule: BreachRule) -> tuple[date, date | None]:
    deadline = delayed(rule_deadline, incident.law_enforcement_delay, rule)
    end = delay_end(incident.law_enforcement_delay, rule)
    not_before = end if end is not None and deadline >= end and end > incident.discovered else None
    return deadline, not_before


def _covered_entity_notices(incident: Incident, rule: BreachRule) -> list[Obligation]:
    states = tuple(sorted(incident.affected_by_state))
    le = f"; {LAW_ENFORCEMENT}" if incident.law_enforcement_delay else ""
    base = days_after(incident.discovered, rule.individuals_deadline_days.value)
    deadline, not_before = _held(base, incident, rule)
    out = [Obligation(
        Recipient.INDIVIDUALS, deadline,
        "Written notice by first-class mail to each individual's last known address (email only if the "
        "individual agreed), or to next of kin if deceased; plain language; content of 164.404(c): what "
        "happened with dates, the PHI involved, steps to take, what the entity is doing, contact procedures "
        "including a toll-free number.",
        states, f"45 CFR 164.404(a)-(d); deadline {rule.individuals_deadline_days.citation}{le}",
        rule_deadline=base, not_before=not_before)]

    unreachable = incident.insufficient_contact_info
    if unreachable > 0:
        threshold = rule.substitute_notice_threshold_individuals.value
        if unreachable < threshold:
            method = (f"{unreachable} individual(s) cannot be reached (fewer than {threshold}): an "
                      f"alternative form of written notice, telephone or other means.")
            cite = "45 CFR 164.404(d)(2)(i)"
        else:
            posting, phone = rule.substitute_web_posting_days.value, rule.substitute_toll_free_days.value
            method = (f"{unreachable} individuals cannot be reached ({threshold} or more): a conspicuous "
                      f"posting on the home page of the web site for {posting} days, or conspicuous notice in "
                      f"major print or broadcast media where they likely live; plus a toll-free number active "
                      f"for at least {phone} days.")
            cite = "45 CFR 164.404(d)(2)(ii)"
        out.append(Obligation(Recipient.SUBSTITUTE_NOTICE, deadline, method, states, cite + le,
                              rule_deadline=base, not_before=not_before))

    media_threshold = rule.media_threshold_residents_per_state
    media_states = tuple(s for s in states if incident.affected_by_state[s] > media_threshold.value)
    if media_states:
        media_base = days_after(incident.discovered, rule.media_deadline_days.value)
        media_deadline, media_nb = _held(media_base, incident, rule)
        out.append(Obligation(
            Recipient.MEDIA, media_deadline,
            f"Notice to prominent media outlets serving each State with more than {media_threshold.value} "
            f"affected residents, with the content of 164.404(c).",
            media_states, f"{media_threshold.citation}; deadline {rule.media_deadline_days.citation}{le}",
            rule_deadline=media_base, not_before=media_nb))

    hhs_threshold = rule.hhs_contemporaneous_threshold_individuals
    if incident.total_affected >= hhs_threshold.value:
        out.append(Obligation(
            Recipient.HHS, deadline,
            f"Breach report on the HHS breach portal at the same time as the individual notices "
            f"({hhs_threshold.value} or more individuals in total).",
            states, hhs_threshold.citation + le, rule_deadline=base, not_before=not_before))
    else:
        year_end = hhs_annual_deadline(incident.discovered, rule)
        year_deadline, year_nb = _held(year_end, incident, rule)
        out.append(Obligation(
            Recipient.HHS, year_deadline,
            f"Fewer than {hhs_threshold.value} individuals: log the breach and report it on the HHS breach "
            f"portal within {rule.hhs_annual_log_days_after_year_end.value} days after the end of "
            f"{incident.discovered.year}.",
            states, rule.hhs_annual_log_days_after_year_end.citation + le,
            rule_deadline=year_end, not_before=year_nb))
    return out


def _business_associate_notice(incident: Incident, rule: BreachRule) -> Obligation:
    base = days_after(incident.discovered, rule.business_associate_deadline_days.value)
    deadline, not_before = _held(base, incident, rule)
    le = f"; {LAW_ENFORCEMENT}" if incident.law_enforcement_delay else ""
    return Obligation(
        Recipient.COVERED_ENTITY, deadline,
        "Notice to the covered entity (the practice) without unreasonable delay, identifying each individual "
        "affected, with the other 164.404(c) information as it becomes available.",
        tuple(sorted(incident.affected_by_state)),
        f"45 CFR 164.410(a)-(c); deadline {rule.business_associate_deadline_days.citation}{le}",
        rule_deadline=base, not_before=not_before)


# ------------------------------------------------------------------------------------------------ states
def _state_obligation(row: StateLaw, req: StateRequirement, incident: Incident,
                      individuals_by: date) -> Obligation:
    deadline = req.deadline(incident.discovered, individuals_by)
    who = f"{req.regulator}: " if req.regulator else ""
    start = "discovery" if req.anchor is Anchor.DISCOVERY else "the individual notices"
    days = "" if req.days is None else f" [{req.days} {req.day_kind.value} days after {start}]"
    return Obligation(Recipient(req.recipient), deadline, f"{who}{req.method}{days}", (row.state,),
                      row.statute, rule_deadline=deadline, applies_if=req.applies_if, basis="state",
                      trust=row.trust)


def _state_overlay(incident: Incident, individuals_by: date, table: StateTable,
                   reportable: bool) -> tuple[list[Obligation], list[StateStatus], list[str]]:
    obligations: list[Obligation] = []
    statuses: list[StateStatus] = []
    warnings: list[str] = []
    for state in sorted(incident.affected_by_state):
        residents = incident.affected_by_state[state]
        name = STATE_NAMES[state]
        rows = state_law_for(state, table)
        if not rows:
            summary = (f"cyberrx has no cited row for {name}: {name}'s breach-notification law must be "
                       f"checked (regulator notice, thresholds, deadlines, whether HIPAA compliance counts).")
            statuses.append(StateStatus(state, residents, False, (), summary))
            warnings.append(f"{state}: {summary}")
            continue
        parts = []
        for row in rows:
            parts.append(f"{row.statute}: {row.what_differs}")
            if not row.trusted:
                warnings.append(f"{state}: the sources for {row.statute} conflict or are weak (trust "
                                f"{row.trust}); verify the statute text before relying on these dates.")
            for req in row.requirements:
                if req.threshold is not None and not req.threshold.met_by(residents):
                    parts.append(f"({req.regulator or req.recipient} notice not triggered: {residents} "
                                 f"residents, needs {req.threshold.describe()})")
                    continue
                if reportable:
                    obligations.append(_state_obligation(row, req, incident, individuals_by))
        statuses.append(StateStatus(state, residents, True, tuple(r.statute for r in rows), " ".join(parts)))
    if statuses and any(s.covered for s in statuses):
        warnings.append("State rows list only what cyberrx's reference data cites; they are not a complete "
                        "statement of any state's law. State clocks are counted from the HIPAA discovery date "
                        "(never later than the state's 'determination').")
    return obligations, statuses, warnings


# ------------------------------------------------------------------------------------------------ entry
def assess_obligations(incident: Incident, *, today: date | None = None, rule: BreachRule | None = None,
                       table: StateTable | None = None) -> ObligationsReport:
    """Decide whether the incident is a reportable breach and list every notice with its deadline.

    ``today`` (default: the system date) is used to refuse a discovery date in the future and to flag
    deadlines already passed. ``rule`` and ``table`` default to the shipped reference data.
    """
    today = today or date.today()
    incident.check_dates(today)
    rule = rule or breach_rule()
    table = table or state_table()
    reportable, reasons, warnings = _reportability(incident)
    obligations: list[Obligation] = []
    individuals_by = delayed(days_after(incident.discovered, rule.individuals_deadline_days.value),
                             incident.law_enforcement_delay, rule)

    if reportable and incident.role is Role.BUSINESS_ASSOCIATE:
        obligations.append(_business_associate_notice(incident, rule))
        reasons.append("As a business associate, the duty is to notify the covered entity (45 CFR 164.410); "
                       "the covered entity then owes the notices to individuals, media and HHS.")
        warnings.append("The business associate agreement may delegate the individual, media and HHS notices "
                        "to the business associate; if it does, those deadlines apply to you as well.")
    elif reportable:
        obligations.extend(_covered_entity_notices(incident, rule))
        warnings.append("60 days is an outer limit: notices are due without unreasonable delay, and waiting "
                        "until day 60 can itself be unreasonable (45 CFR 164.404(b); HHS 2013 commentary).")
        if incident.type is Scenario.VENDOR_BREACH:
            warnings.append("If the vendor is your agent, its discovery date may be yours: enter the earliest "
                            "day anyone at the vendor knew of the breach as the discovery date.")

    state_obligations, statuses, state_warnings = _state_overlay(
        incident, individuals_by, table, reportable and incident.role is Role.COVERED_ENTITY)
    obligations.extend(state_obligations)
    warnings.extend(state_warnings)
    if not reportable:
        warnings.append("State laws define breach and safe harbors their own way: confirm with counsel that "
                        "no state law still requires notice.")
    if incident.role is Role.BUSINESS_ASSOCIATE:
        warnings.append("State rows are shown for the covered entity's information; state laws may also "
                        "require a vendor that maintains data to notify its owner.")
    warnings.extend(_delay_warnings(incident, reportable, rule))
    obligations.sort(key=lambda o: (o.deadline or date.max, list(Recipient).index(o.recipient), o.basis))
    for o in obligations:
        if o.deadline is not None and o.deadline < today:
            warnings.append(f"Deadline passed: {o.recipient.value} notice was due {o.deadline.isoformat()} "
                            f"({o.citation}); notify now and record why it is late.")
    return ObligationsReport(
        incident_id=incident.incident_id, entity=incident.entity, role=incident.role, scenario=incident.type,
        discovered=incident.discovered, as_of=today, total_affected=incident.total_affected,
        reportable=reportable, reasons=tuple(reasons), obligations=tuple(obligations),
        warnings=tuple(warnings), states=tuple(statuses),
        delay_ends=delay_end(incident.law_enforcement_delay, rule),
        reference_versions={"breach_rule": rule.version, "state_breach_laws": table.version},
    )


def _delay_warnings(incident: Incident, reportable: bool, rule: BreachRule) -> list[str]:
    delay = incident.law_enforcement_delay
    if delay is None or not reportable:
        return []
    end = delay_end(delay, rule)
    out = [f"Law-enforcement delay ({LAW_ENFORCEMENT}) ends {end}: prepare the notices now so they can go out "
           f"as soon as it ends; deadlines are not extended beyond the end of the delay. State deadlines are "
           f"not moved: check whether each state law allows the same delay."]
    if delay.until is None:
        out.append(f"Oral statement: document it and the official's identity; the delay lasts at most "
                   f"{rule.law_enforcement_oral_max_days.value} days unless a written statement follows "
                   f"({rule.law_enforcement_oral_max_days.citation}).")
    if not delay.official:
        out.append("Record the law-enforcement official's name and agency (law_enforcement_delay.official).")
    base = days_after(incident.discovered, rule.individuals_deadline_days.value)
    if delay.oral_statement_on is not None and delay.until is None and delay.oral_statement_on > base:
        out.append("The oral statement came after the 60-day deadline had passed; it does not excuse a late "
                   "notice.")
    return out


__all__ = [
    "Obligation",
    "ObligationsReport",
    "Recipient",
    "StateStatus",
    "assess_obligations",
    "days_after",
    "delay_end",
    "delayed",
    "hhs_annual_deadline",
]
