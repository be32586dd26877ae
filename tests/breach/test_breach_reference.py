"""The breach reference data: every figure cited, the state table limited to cited rows, malformed files refused."""

from __future__ import annotations

import copy

import pytest
import yaml

import cyberrx.breach
from cyberrx.breach.rule import RULE_FILE, breach_rule, parse_rule, read_reference
from cyberrx.breach.states import STATES_FILE, parse_state_table, state_law_for, state_table
from cyberrx.errors import RuleFileError


def test_rule_figures_and_citations():
    rule = breach_rule()
    expected = {
        "individuals_deadline_days": (60, "45 CFR 164.404(b)"),
        "substitute_notice_threshold_individuals": (10, "45 CFR 164.404(d)(2)"),
        "substitute_web_posting_days": (90, "45 CFR 164.404(d)(2)(ii)(A)"),
        "substitute_toll_free_days": (90, "45 CFR 164.404(d)(2)(ii)(B)"),
        "media_threshold_residents_per_state": (500, "45 CFR 164.406(a)"),
        "media_deadline_days": (60, "45 CFR 164.406(b)"),
        "hhs_contemporaneous_threshold_individuals": (500, "45 CFR 164.408(b)"),
        "hhs_annual_log_days_after_year_end": (60, "45 CFR 164.408(c)"),
        "business_associate_deadline_days": (60, "45 CFR 164.410(b)"),
        "law_enforcement_oral_max_days": (30, "45 CFR 164.412(b)"),
    }
    for name, (value, citation) in expected.items():
        fig = getattr(rule, name)
        assert (fig.value, fig.citation) == (value, citation), name
        assert fig.source.strip()
    assert rule.version and rule.source


def test_rule_file_declares_comparisons():
    doc = read_reference(RULE_FILE)
    assert doc["media_threshold_residents_per_state"]["comparison"] == "greater_than"
    assert doc["hhs_contemporaneous_threshold_individuals"]["comparison"] == "greater_or_equal"
    assert doc["substitute_notice_threshold_individuals"]["comparison"] == "greater_or_equal"


@pytest.mark.parametrize(("path", "value"), [
    (("individuals_deadline_days", "value"), -60),
    (("individuals_deadline_days", "value"), True),
    (("media_deadline_days", "citation"), ""),
    (("hhs_annual_log_days_after_year_end", "source"), None),
])
def test_malformed_rule_file_is_refused(path, value):
    doc = copy.deepcopy(read_reference(RULE_FILE))
    doc[path[0]][path[1]] = value
    with pytest.raises(RuleFileError) as err:
        parse_rule(doc)
    assert path[0] in str(err.value)


def test_state_rows_are_cited_and_sourced():
    table = state_table()
    assert table.version and table.source
    for row in table.rows:
        assert row.statute.strip() and row.source.strip() and row.what_differs.strip()
        assert row.trust in {"P", "S", "W", "C", "?"}
        assert row.hipaa_compliance_deemed in {"yes", "no", "reported", "unknown"}


def test_only_states_citable_from_the_reference_ship():
    shipped = {row.state for row in state_table().rows}
    # MS, OK and OR were added 2026-12 from statute text and secondary sources (state table 2026-12-01)
    assert shipped == {"TX", "LA", "CO", "FL", "CA", "WA", "MS", "OK", "OR"}
    # no statute citation (VT, PR), weak single source (IL), not retrieved (NY, AL): must be checked, not guessed
    for state in ("VT", "PR", "IL", "NY", "AL"):
        assert state_law_for(state) == ()


def test_malformed_state_table_is_refused():
    doc = yaml.safe_load(yaml.safe_dump(read_reference(STATES_FILE)))
    doc["states"][0].pop("statute")
    with pytest.raises(RuleFileError, match=r"states\[0\]\.statute"):
        parse_state_table(doc)
    doc = read_reference(STATES_FILE)
    doc = copy.deepcopy(doc)
    doc["states"][1]["state"] = "ZZ"
    with pytest.raises(RuleFileError, match="unknown state code"):
        parse_state_table(doc)


def test_public_api_is_pinned():
    assert sorted(cyberrx.breach.__all__) == sorted([
        "BreachRule", "Figure", "Letter", "Obligation", "ObligationsReport", "Playbook", "Recipient", "StateLaw",
        "StateStatus", "StateTable", "add_business_days", "assess_obligations", "breach_rule", "build_playbook",
        "days_after", "deadlines_ics", "delay_end", "delayed", "draft_letter", "hhs_annual_deadline",
        "render_letter_html", "render_letter_markdown", "render_playbook_markdown", "render_playbook_text",
        "state_law_for", "state_table",
    ])
    for name in cyberrx.breach.__all__:
        assert getattr(cyberrx.breach, name) is not None


def test_every_row_maps_its_data_elements_and_cites_each_duty():
    # issue 12: a row applies only when its statute's elements are involved, and each duty cites its subsection
    for row in state_table().rows:
        assert row.data_elements is not None and row.data_elements.elements, row.statute
        assert "(" in row.data_elements.citation or row.data_elements.citation[-1].isdigit(), row.statute
        for req in row.requirements:
            assert req.citation and req.citation.strip(), (row.statute, req.recipient)
    (la,) = state_law_for("LA")
    assert "medical" not in {e.value for e in la.data_elements.elements}   # La. R.S. 51:3073(4)(a)


def test_part2_entry_and_letter_contacts_are_sourced():
    from cyberrx.breach.rule import breach_contacts, part2_rule

    p2 = part2_rule()
    assert p2.citation.startswith("42 CFR 2.16") and p2.source.strip() and p2.trust in {"P", "S"}
    contacts = breach_contacts()
    assert contacts.source.strip() and contacts.version
    assert [c.name for c in contacts.blocks["consumer_reporting_agencies"]] == ["Equifax", "Experian", "TransUnion"]
    assert all(c.phone and c.web and c.postal for cs in contacts.blocks.values() for c in cs)
