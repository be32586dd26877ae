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

from cyberrx.breach.rule import BreachRule, breach_rule, part2_rule
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
from cyberrx.domain.incident import DATA_ELEMENTS_ALLOWED, Incident, LawEnforcementDelay, Role
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
    CONSUMER_REPORTING_AGENCIES = "consumer_reporting_agencies"


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
class StateDuty:
    """One state requirement and what became of it for this incident.

    ``status``: ``scheduled`` (an obligation was listed), ``not_triggered`` (``reason`` says why) or
    ``must_be_checked`` (a fact is missing: ``reason`` is the question; ``deadline_if_applies`` the date it
    would carry).
    """

    statute: str
    citation: str
    recipient: str
    status: str  # scheduled | not_triggered | must_be_checked
    reason: str
    deadline_if_applies: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"statute": self.statute, "citation": self.citation, "recipient": self.recipient,
                "status": self.status, "reason": self.reason,
                "deadline_if_applies": _iso(self.deadline_if_applies)}


@dataclass(frozen=True, slots=True)
class StateStatus:
    """What cyberrx knows about one affected state: ``covered`` False means its law must be checked.

    ``questions``: what must be answered before this state's duties are known (data elements, licence).
    """

    state: str
    residents: int
    covered: bool
    statutes: tuple[str, ...]
    summary: str
    duties: tuple[StateDuty, ...] = ()
    questions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "residents": self.residents, "covered": self.covered,
                "statutes": list(self.statutes), "summary": self.summary,
                "duties": [d.as_dict() for d in self.duties], "questions": list(self.questions)}


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
    questions: tuple[str, ...] = ()
    letter_blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # block -> citations requiring it

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
            "questions": list(self.questions),
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
_RECIPIENT_WORDS = {"individuals": "notice to individuals", "state_regulator": "regulator notice",
                    "consumer_reporting_agencies": "consumer reporting agency notice"}


def _state_obligation(row: StateLaw, req: StateRequirement, incident: Incident, individuals_by: date,
                      note: str | None = None) -> Obligation:
    deadline = req.deadline(incident.discovered, individuals_by)
    who = f"{req.regulator}: " if req.regulator else ""
    start = "discovery" if req.anchor is Anchor.DISCOVERY else "the individual notices"
    days = "" if req.days is None else f" [{req.days} {req.day_kind.value} days after {start}]"
    extra = f" ({note})" if note else ""
    return Obligation(Recipient(req.recipient), deadline, f"{who}{req.method}{days}{extra}", (row.state,),
                      req.citation or row.statute, rule_deadline=deadline, applies_if=req.applies_if,
                      basis="state", trust=row.trust)


@dataclass
class _RowOutcome:
    obligations: list[Obligation] = field(default_factory=list)
    duties: list[StateDuty] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applies: bool = False  # the row's data elements were (or may have been) breached


_FACILITY_QUESTION = ("Is {entity} a clinic, health facility, home health agency or hospice licensed by the "
                      "California Department of Public Health? Set cdph_licensed_facility (true or false) in the "
                      "incident.")


def _elements_question(row: StateLaw) -> str:
    assert row.data_elements is not None
    return (f"Were any of these in the breached records of {STATE_NAMES[row.state]} residents: "
            f"{row.data_elements.words()}? ({row.data_elements.citation}) List them as data_elements in the "
            f"incident.")


def _row_outcome(row: StateLaw, incident: Incident, residents: int, individuals_by: date,
                 reportable: bool) -> _RowOutcome:
    out = _RowOutcome()
    involved = row.data_elements.involved(incident.data_elements) if row.data_elements else True
    out.applies = involved is not False
    # a state's individual deadline, when it is scheduled, is the anchor of its duties counted from the notices
    row_individuals_by = individuals_by
    covered_entity = incident.role is Role.COVERED_ENTITY
    for req in row.requirements:
        if (req.recipient == "individuals" and req.anchor is Anchor.DISCOVERY and req.facility is None
                and not (covered_entity and req.hipaa_covered_entity is not None) and involved is True
                and (req.threshold is None or req.threshold.met_by(residents))):
            row_individuals_by = min(row_individuals_by, req.deadline(incident.discovered, individuals_by) or
                                     individuals_by)
    for req in row.requirements:
        citation = req.citation or row.statute
        what = _RECIPIENT_WORDS[req.recipient]

        def duty(status: str, reason: str, when: date | None = None, *, _c: str = citation,
                 _r: str = req.recipient) -> None:
            out.duties.append(StateDuty(row.statute, _c, _r, status, reason, when))

        if req.threshold is not None and not req.threshold.met_by(residents):
            reason = (f"{req.regulator or what} not triggered: {residents} residents, needs "
                      f"{req.threshold.describe()} ({citation})")
            out.notes.append(f"({reason})")
            duty("not_triggered", reason)
            continue
        if involved is False:
            assert row.data_elements is not None and incident.data_elements is not None
            given = ", ".join(e.value for e in incident.data_elements) or "none"
            reason = (f"{what} not triggered: the breached data ({given}) has none of the elements of "
                      f"{row.data_elements.citation} ({row.data_elements.words()})")
            duty("not_triggered", reason)
            continue
        if req.facility == "cdph_licensed" and incident.cdph_licensed_facility is not True:
            if incident.cdph_licensed_facility is False:
                duty("not_triggered", f"{what} not triggered: the entity is not a CDPH-licensed clinic, health "
                                      f"facility, home health agency or hospice ({citation})")
                continue
            question = _FACILITY_QUESTION.format(entity=incident.entity)
            out.questions.append(question)
            duty("must_be_checked", question, req.deadline(incident.discovered, row_individuals_by))
            continue
        effective, note = req, None
        path = req.hipaa_covered_entity
        if covered_entity and path is not None:
            if path.rule == "deemed_compliant":
                duty("not_triggered", f"{what} not imposed on a HIPAA covered entity: {path.note} "
                                      f"({path.citation}); the HIPAA notices apply")
                out.notes.append(f"({what}: deemed complied with through HIPAA, {path.citation})")
                continue
            assert path.replacement is not None
            effective, note = path.replacement, f"{path.note}, {path.citation}"
            out.notes.append(f"({what}: {path.note}, {path.citation})")
        citation = effective.citation or citation
        if involved is None:
            question = _elements_question(row)
            out.questions.append(question)
            duty("must_be_checked", question, effective.deadline(incident.discovered, row_individuals_by),
                 _c=citation, _r=effective.recipient)
            continue
        if reportable:
            out.obligations.append(_state_obligation(row, effective, incident, row_individuals_by, note))
            duty("scheduled", f"{_RECIPIENT_WORDS[effective.recipient]} listed with its deadline",
                 effective.deadline(incident.discovered, row_individuals_by), _c=citation, _r=effective.recipient)
        else:
            reason = ("shown for the covered entity: a business associate's duty is to notify the covered entity"
                      if not covered_entity else
                      "not a reportable breach under HIPAA on the facts entered; confirm the state law's own "
                      "definition with counsel")
            duty("not_triggered", reason, _c=citation, _r=effective.recipient)
    if involved is False and row.requirements:
        assert row.data_elements is not None
        out.notes.append(f"(not triggered: none of the elements of {row.data_elements.citation} - "
                         f"{row.data_elements.words()} - is in the breached data)")
    return out


def _state_overlay(incident: Incident, individuals_by: date, table: StateTable, reportable: bool
                   ) -> tuple[list[Obligation], list[StateStatus], list[str], dict[str, tuple[str, ...]]]:
    obligations: list[Obligation] = []
    statuses: list[StateStatus] = []
    warnings: list[str] = []
    blocks: dict[str, list[str]] = {}
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
        parts: list[str] = []
        duties: list[StateDuty] = []
        questions: list[str] = []
        for row in rows:
            parts.append(f"{row.statute}: {row.what_differs}")
            if not row.trusted:
                warnings.append(f"{state}: the sources for {row.statute} conflict or are weak (trust "
                                f"{row.trust}); verify the statute text before relying on these dates.")
            outcome = _row_outcome(row, incident, residents, individuals_by, reportable)
            parts.extend(outcome.notes)
            duties.extend(outcome.duties)
            questions.extend(q for q in outcome.questions if q not in questions)
            obligations.extend(outcome.obligations)
            if outcome.applies and row.letter_blocks is not None:
                for block in row.letter_blocks.blocks:
                    blocks.setdefault(block, []).append(f"{row.letter_blocks.citation} ({state})")
        for question in questions:
            warnings.append(f"{state}: must be checked - {question}")
        statuses.append(StateStatus(state, residents, True, tuple(r.statute for r in rows), " ".join(parts),
                                    tuple(duties), tuple(questions)))
    if statuses and any(s.covered for s in statuses):
        warnings.append("State rows list only what cyberrx's reference data cites; they are not a complete "
                        "statement of any state's law. State clocks are counted from the HIPAA discovery date "
                        "(never later than the state's 'determination').")
    return obligations, statuses, warnings, {k: tuple(v) for k, v in blocks.items()}


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

    if incident.part2_records:
        part2_reasons, part2_warnings = _part2(incident, reportable)
        reasons.extend(part2_reasons)
        warnings.extend(part2_warnings)

    state_obligations, statuses, state_warnings, letter_blocks = _state_overlay(
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
        questions=tuple(_questions(incident, statuses)), letter_blocks=letter_blocks,
    )


def _questions(incident: Incident, statuses: list[StateStatus]) -> list[str]:
    """The facts still missing, most consequential first: the data elements, then each state's own."""
    out: list[str] = []
    waiting = [s.state for s in statuses if any("data_elements" in q for q in s.questions)]
    if incident.data_elements is None and waiting:
        out.append(f"What was in the breached records (data_elements: {DATA_ELEMENTS_ALLOWED})? The state "
                   f"duties of {', '.join(waiting)} depend on it and are not scheduled until it is answered.")
    for status in statuses:
        for q in status.questions:
            if "data_elements" not in q and q not in out:
                out.append(f"{status.state}: {q}")
    return out


def _part2(incident: Incident, reportable: bool) -> tuple[list[str], list[str]]:
    """What 42 CFR 2.16 (2024 final rule) adds when substance use disorder program records were involved."""
    p2 = part2_rule()
    reasons = [f"Records of a substance use disorder program under 42 CFR Part 2 were involved: {p2.rule} "
               f"({p2.citation}; compliance required from {p2.compliance_date.isoformat()})."]
    warnings = ["Part 2 records: keep the Part 2 records' breach assessment and notices with the HIPAA file, "
                "and check that the notices describe the substance use disorder information involved "
                f"({p2.citation})."]
    if reportable:
        reasons.append("The dates listed for the HIPAA notices are therefore also the dates for the Part 2 "
                       "records.")
    if incident.discovered < p2.compliance_date:
        warnings.append(f"The breach was discovered before {p2.compliance_date.isoformat()}, the compliance date "
                        f"of the 2024 Part 2 rule: whether 42 CFR 2.16 as amended applied to it must be checked "
                        f"with counsel.")
    return reasons, warnings


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
    "StateDuty",
    "StateStatus",
    "assess_obligations",
    "days_after",
    "delay_end",
    "delayed",
    "hhs_annual_deadline",
]
