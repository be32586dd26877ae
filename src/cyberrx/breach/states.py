"""State breach-notification laws that differ from HIPAA, read from ``state_breach_laws.yaml``.

Only states the reference cites with a statute are in the table; :func:`state_law_for` answers an
empty tuple for any other state, and callers must then say plainly that the state's law must be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from cyberrx.breach.rule import read_reference
from cyberrx.domain.incident import DataElement
from cyberrx.domain.profile import US_JURISDICTIONS
from cyberrx.errors import RuleFileError

STATES_FILE = "reference/data/state_breach_laws.yaml"
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "the District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "the U.S. Virgin Islands", "AS": "American Samoa", "MP": "the Northern Mariana Islands",
}
TRUSTED = frozenset({"P", "S"})  # primary text or a reputable secondary; anything else is flagged in output
RECIPIENTS = ("individuals", "state_regulator", "consumer_reporting_agencies")
LETTER_BLOCKS = ("consumer_reporting_agencies", "ftc")  # contact blocks a statute requires in the notice
FACILITIES = ("cdph_licensed",)  # the entity kinds a requirement can be limited to
HIPAA_PATHS = ("deemed_compliant", "replaced")


class Anchor(StrEnum):
    """What a state deadline counts from."""

    DISCOVERY = "discovery"
    INDIVIDUAL_NOTICE = "individual_notice"


class DayKind(StrEnum):
    CALENDAR = "calendar"
    BUSINESS = "business"


@dataclass(frozen=True, slots=True)
class Threshold:
    """Residents of the state needed before a requirement applies."""

    residents: int
    comparison: str  # greater_or_equal | greater_than

    def met_by(self, residents: int) -> bool:
        if self.comparison == "greater_than":
            return residents > self.residents
        return residents >= self.residents

    def describe(self) -> str:
        word = "more than" if self.comparison == "greater_than" else "at least"
        return f"{word} {self.residents} residents"


@dataclass(frozen=True, slots=True)
class HipaaPath:
    """What a statute does with a requirement for a HIPAA covered entity that complies with HIPAA.

    ``deemed_compliant``: the requirement is not imposed (HIPAA's notices satisfy it). ``replaced``: the
    statute asks for something else instead (``replacement``), e.g. a copy of the HIPAA notice to a regulator.
    """

    rule: str  # deemed_compliant | replaced
    citation: str
    note: str
    replacement: StateRequirement | None = None


@dataclass(frozen=True, slots=True)
class StateRequirement:
    """One dated duty under a state statute. ``days`` is None where the reference gives no deadline.

    ``citation``: the section and subsection that imposes it. ``facility``: the duty binds only that kind of
    entity (``cdph_licensed``). ``hipaa_covered_entity``: what changes for a HIPAA covered entity.
    """

    recipient: str  # individuals | state_regulator | consumer_reporting_agencies
    days: int | None
    day_kind: DayKind
    anchor: Anchor
    method: str
    regulator: str | None = None
    threshold: Threshold | None = None
    applies_if: str | None = None
    citation: str | None = None
    facility: str | None = None
    hipaa_covered_entity: HipaaPath | None = None

    def deadline(self, discovered: date, individual_notice_by: date) -> date | None:
        """The last permitted day, counting ``days`` from the anchor (business days: Monday-Friday)."""
        start = discovered if self.anchor is Anchor.DISCOVERY else individual_notice_by
        if self.days is None:
            return start
        if self.day_kind is DayKind.CALENDAR:
            return start + timedelta(days=self.days)
        return add_business_days(start, self.days)


@dataclass(frozen=True, slots=True)
class DataElements:
    """The elements that make breached data "personal information" under a statute, and where it says so."""

    elements: frozenset[DataElement]
    citation: str
    note: str | None = None

    def involved(self, given: tuple[DataElement, ...] | None) -> bool | None:
        """Whether any of the statute's elements was breached; None when the incident does not say."""
        if given is None:
            return None
        return bool(self.elements.intersection(given))

    def words(self) -> str:
        return ", ".join(e.value for e in DataElement if e in self.elements)


@dataclass(frozen=True, slots=True)
class LetterBlocks:
    """Contact blocks the statute requires in the notice to residents (``consumer_reporting_agencies``, ``ftc``)."""

    blocks: tuple[str, ...]
    citation: str


@dataclass(frozen=True, slots=True)
class StateLaw:
    """One row of the state table: a statute and what it changes for a HIPAA entity."""

    state: str
    statute: str
    what_differs: str
    hipaa_compliance_deemed: str  # yes | no | reported | unknown
    requirements: tuple[StateRequirement, ...]
    source: str
    trust: str
    individuals_deadline_days: int | None = None
    effective: str | None = None
    data_elements: DataElements | None = None
    letter_blocks: LetterBlocks | None = None

    @property
    def trusted(self) -> bool:
        return self.trust in TRUSTED


@dataclass(frozen=True, slots=True)
class StateTable:
    version: str
    source: str
    rows: tuple[StateLaw, ...]


def add_business_days(start: date, days: int) -> date:
    """``start`` plus ``days`` weekdays. Public holidays are not skipped, so the date is never too late."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _need(item: dict[str, Any], key: str, where: str) -> Any:
    if item.get(key) in (None, ""):
        raise RuleFileError(f"{STATES_FILE}: {where}.{key}: required")
    return item[key]


def _hipaa_path(item: Any, where: str) -> HipaaPath | None:
    if item is None:
        return None
    if not isinstance(item, dict):
        raise RuleFileError(f"{STATES_FILE}: {where}: must be a mapping")
    rule = _need(item, "rule", where)
    if rule not in HIPAA_PATHS:
        raise RuleFileError(f"{STATES_FILE}: {where}.rule: one of {', '.join(HIPAA_PATHS)}, got {rule!r}")
    replacement = None
    if rule == "replaced":
        replacement = _requirement(_need(item, "replacement", where), f"{where}.replacement")
    return HipaaPath(rule=rule, citation=str(_need(item, "citation", where)), note=str(_need(item, "note", where)),
                     replacement=replacement)


def _data_elements(item: Any, where: str) -> DataElements | None:
    if item is None:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("elements"), list):
        raise RuleFileError(f"{STATES_FILE}: {where}: needs elements (a list) and citation")
    try:
        elements = frozenset(DataElement(e) for e in item["elements"])
    except ValueError as exc:
        raise RuleFileError(f"{STATES_FILE}: {where}.elements: {exc}") from None
    return DataElements(elements=elements, citation=str(_need(item, "citation", where)), note=item.get("note"))


def _letter_blocks(item: Any, where: str) -> LetterBlocks | None:
    if item is None:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("blocks"), list):
        raise RuleFileError(f"{STATES_FILE}: {where}: needs blocks (a list) and citation")
    for block in item["blocks"]:
        if block not in LETTER_BLOCKS:
            raise RuleFileError(f"{STATES_FILE}: {where}.blocks: one of {', '.join(LETTER_BLOCKS)}, got {block!r}")
    return LetterBlocks(blocks=tuple(item["blocks"]), citation=str(_need(item, "citation", where)))


def _requirement(item: Any, where: str) -> StateRequirement:
    if not isinstance(item, dict):
        raise RuleFileError(f"{STATES_FILE}: {where}: must be a mapping")
    recipient = _need(item, "recipient", where)
    if recipient not in RECIPIENTS:
        raise RuleFileError(f"{STATES_FILE}: {where}.recipient: one of {', '.join(RECIPIENTS)}, "
                            f"got {recipient!r}")
    facility = item.get("facility")
    if facility is not None and facility not in FACILITIES:
        raise RuleFileError(f"{STATES_FILE}: {where}.facility: one of {', '.join(FACILITIES)}, got {facility!r}")
    days = item.get("days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days <= 0):
        raise RuleFileError(f"{STATES_FILE}: {where}.days: a positive whole number or null, got {days!r}")
    thr = item.get("threshold")
    threshold = None
    if thr is not None:
        if (not isinstance(thr, dict) or not isinstance(thr.get("residents"), int)
                or thr.get("comparison") not in ("greater_or_equal", "greater_than")):
            raise RuleFileError(f"{STATES_FILE}: {where}.threshold: needs residents and comparison")
        threshold = Threshold(residents=thr["residents"], comparison=thr["comparison"])
    try:
        anchor = Anchor(_need(item, "anchor", where))
        day_kind = DayKind(item.get("day_kind", "calendar"))
    except ValueError as exc:
        raise RuleFileError(f"{STATES_FILE}: {where}: {exc}") from None
    return StateRequirement(recipient=recipient, days=days, day_kind=day_kind, anchor=anchor,
                            method=_need(item, "method", where), regulator=item.get("regulator"),
                            threshold=threshold, applies_if=item.get("applies_if"), citation=item.get("citation"),
                            facility=facility,
                            hipaa_covered_entity=_hipaa_path(item.get("hipaa_covered_entity"),
                                                             f"{where}.hipaa_covered_entity"))


def _row(item: Any, index: int) -> StateLaw:
    where = f"states[{index}]"
    if not isinstance(item, dict):
        raise RuleFileError(f"{STATES_FILE}: {where}: must be a mapping")
    state = _need(item, "state", where)
    if state not in US_JURISDICTIONS:
        raise RuleFileError(f"{STATES_FILE}: {where}.state: unknown state code {state!r}")
    reqs = item.get("requirements") or []
    return StateLaw(
        state=state, statute=_need(item, "statute", where), what_differs=_need(item, "what_differs", where),
        hipaa_compliance_deemed=str(item.get("hipaa_compliance_deemed", "unknown")),
        requirements=tuple(_requirement(r, f"{where}.requirements[{i}]") for i, r in enumerate(reqs)),
        source=_need(item, "source", where), trust=str(_need(item, "trust", where)),
        individuals_deadline_days=item.get("individuals_deadline_days"), effective=item.get("effective"),
        data_elements=_data_elements(item.get("data_elements"), f"{where}.data_elements"),
        letter_blocks=_letter_blocks(item.get("letter_blocks"), f"{where}.letter_blocks"),
    )


def parse_state_table(doc: Any) -> StateTable:
    """Check a parsed state table and return it (RuleFileError naming the row when malformed)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("states"), list):
        raise RuleFileError(f"{STATES_FILE}: needs version, source and a list of states")
    version, source = _need(doc, "version", "(document)"), _need(doc, "source", "(document)")
    return StateTable(version=str(version), source=str(source),
                      rows=tuple(_row(item, i) for i, item in enumerate(doc["states"])))


@cache
def state_table() -> StateTable:
    """The table as shipped, read once."""
    return parse_state_table(read_reference(STATES_FILE))


def state_law_for(state: str, table: StateTable | None = None) -> tuple[StateLaw, ...]:
    """The rows for ``state`` (a state may have several statutes); empty when the state is not covered."""
    rows = (table or state_table()).rows
    return tuple(row for row in rows if row.state == state)


__all__ = [
    "STATE_NAMES",
    "Anchor",
    "DataElements",
    "DayKind",
    "HipaaPath",
    "LetterBlocks",
    "StateLaw",
    "StateRequirement",
    "StateTable",
    "Threshold",
    "add_business_days",
    "parse_state_table",
    "state_law_for",
    "state_table",
]
