"""Invariants of the notification deadlines, checked over many generated incidents (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberrx.breach import Recipient, assess_obligations, hhs_annual_deadline
from cyberrx.domain.incident import Incident
from cyberrx.domain.parsing import parse_model

TODAY = date(2045, 1, 1)  # later than every generated date, so no date is "in the future"
STATES = ["LA", "MS", "TX", "FL", "CA", "CO", "WA", "NY", "GU"]

days = st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 12, 31))
counts = st.dictionaries(st.sampled_from(STATES), st.integers(0, 1500), min_size=1, max_size=4).filter(
    lambda d: sum(d.values()) > 0)


@st.composite
def incidents(draw, with_delay: bool | None = None) -> Incident:
    discovered = draw(days)
    by_state = draw(counts)
    total = sum(by_state.values())
    delay = None
    if with_delay is None:
        with_delay = draw(st.booleans())
    if with_delay:
        kind = draw(st.sampled_from(["written", "oral", "both"]))
        offset = draw(st.integers(-30, 240))
        stated = discovered + timedelta(days=draw(st.integers(0, 90)))
        delay = {"until": discovered + timedelta(days=offset)} if kind != "oral" else {}
        if kind != "written":
            delay["oral_statement_on"] = stated
    return parse_model(Incident, {
        "incident_id": "P", "entity": "E", "discovered": discovered, "affected_by_state": by_state,
        "role": draw(st.sampled_from(["covered_entity", "business_associate"])),
        "insufficient_contact_info": draw(st.integers(0, total)),
        "low_probability_of_compromise": draw(st.sampled_from([None, False])),
        "law_enforcement_delay": delay,
    })


@settings(max_examples=300, deadline=None)
@given(incidents())
def test_every_deadline_is_on_or_after_discovery(incident):
    rep = assess_obligations(incident, today=TODAY)
    assert rep.reportable
    for o in rep.obligations:
        assert o.deadline is not None and o.deadline >= incident.discovered


@settings(max_examples=300, deadline=None)
@given(incidents(with_delay=True))
def test_law_enforcement_delay_never_moves_a_deadline_earlier(incident):
    delayed = assess_obligations(incident, today=TODAY)
    plain = assess_obligations(incident.model_copy(update={"law_enforcement_delay": None}), today=TODAY)
    assert len(delayed.obligations) == len(plain.obligations)
    before = {(o.recipient, o.basis, o.citation.split(";")[0]): o.deadline for o in plain.obligations}
    for o in delayed.obligations:
        key = (o.recipient, o.basis, o.citation.split(";")[0])
        assert o.deadline >= before[key]
        assert o.rule_deadline is not None and o.deadline >= o.rule_deadline
        if o.basis == "federal":
            assert o.rule_deadline == before[key]


@settings(max_examples=200, deadline=None)
@given(incidents(with_delay=False))
def test_without_delay_federal_notices_are_due_60_days_after_discovery(incident):
    rep = assess_obligations(incident, today=TODAY)
    for o in rep.obligations:
        if o.basis == "federal" and not (o.recipient is Recipient.HHS and "164.408(c)" in o.citation):
            assert o.deadline - incident.discovered == timedelta(days=60)


@settings(max_examples=300, deadline=None)
@given(days)
def test_hhs_year_end_deadline_is_march_1_or_february_29_of_next_year(discovered):
    due = hhs_annual_deadline(discovered)
    nxt = discovered.year + 1
    leap = nxt % 4 == 0 and (nxt % 100 != 0 or nxt % 400 == 0)
    assert due == (date(nxt, 2, 29) if leap else date(nxt, 3, 1))


@settings(max_examples=300, deadline=None)
@given(incidents(with_delay=False))
def test_triggers_follow_the_counts(incident):
    rep = assess_obligations(incident, today=TODAY)
    fed = {o.recipient: o for o in rep.obligations if o.basis == "federal"}
    if incident.role.value == "business_associate":
        assert set(fed) == {Recipient.COVERED_ENTITY}
        return
    hhs = fed[Recipient.HHS]
    assert ("164.408(b)" in hhs.citation) == (incident.total_affected >= 500)
    media_states = tuple(sorted(s for s, n in incident.affected_by_state.items() if n > 500))
    assert (fed[Recipient.MEDIA].states if Recipient.MEDIA in fed else ()) == media_states
    assert (Recipient.SUBSTITUTE_NOTICE in fed) == (incident.insufficient_contact_info > 0)


@settings(max_examples=200, deadline=None)
@given(incidents())
def test_secured_phi_never_creates_an_obligation(incident):
    rep = assess_obligations(incident.model_copy(update={"phi_secured": True}), today=TODAY)
    assert not rep.reportable and rep.obligations == ()
