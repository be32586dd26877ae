"""Playbook, calendar and patient letter: built from the incident type, the profile and the deadlines."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from cyberrx.breach import (
    assess_obligations,
    build_playbook,
    deadlines_ics,
    draft_letter,
    render_letter_html,
    render_letter_markdown,
    render_playbook_markdown,
    render_playbook_text,
)
from cyberrx.domain.incident import Incident
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.profile import PracticeProfile

TODAY = date(2027, 3, 20)
STAMP = datetime(2027, 3, 20, 9, 0, 0)


def incident(**changes: Any) -> Incident:
    base: dict[str, Any] = {
        "incident_id": "INC-2027-014", "entity": "Lakeside Family Medicine", "discovered": "2027-03-14",
        "affected_by_state": {"LA": 420, "MS": 130}, "insufficient_contact_info": 12,
        "data_elements": ["ssn", "medical"],
        "risk_assessment": {"nature_and_extent": "names, dates of birth, diagnosis codes",
                            "unauthorized_person": "unknown external actor", "acquired_or_viewed": True,
                            "mitigated": False},
    }
    base.update(changes)
    return parse_model(Incident, base)


def profile(**changes: Any) -> PracticeProfile:
    base: dict[str, Any] = {"name": "Lakeside Family Medicine",
    "specialty": "primary_care", "states": {"LA": 9000, "MS": 3000},
                            "annual_revenue": 2_400_000, "ehr": {"vendor": "athenahealth", "hosting": "cloud"}}
    base.update(changes)
    return parse_model(PracticeProfile, base)


def book(inc: Incident | None = None, prof: PracticeProfile | None = None, **kw: Any):
    inc = inc or incident()
    rep = assess_obligations(inc, today=TODAY)
    return build_playbook(inc, prof or profile(), rep, **kw)


def all_text(pb) -> str:
    return render_playbook_text(pb)


# ---------------------------------------------------------------------------------------- playbook
def test_three_horizons_and_who_to_call_first():
    pb = book()
    titles = [p.title for p in pb.phases]
    assert titles[0].startswith("Call first")
    assert "First 72 hours" in titles and any(t.startswith("Next 60 days") for t in titles) and "After" in titles
    first = pb.phases[0].steps[0].text
    assert "insurer's breach hotline" in first  # the insurer first, not the practice's own IT alone
    call = " ".join(s.text for s in pb.phases[0].steps)
    assert "breach coach" in call and "forensics" in call and "notification vendor" in call
    assert "public-relations" in call
    assert "does not act alone" in call


def test_hotline_is_filled_in_when_given():
    assert "1-800-555-0100" in all_text(book(hotline="1-800-555-0100"))


def test_deadlines_inline():
    text = all_text(book())
    # 2027-03-14 + 60 = Thursday 2027-05-13; Louisiana AG 10 days later = Sunday 2027-05-23
    assert "BY Thu 13 May 2027: Letters to affected patients (LA, MS)" in text
    assert "BY Thu 13 May 2027: Report to HHS" in text
    assert "BY Sun 23 May 2027: Notice to the state regulator (LA)" in text
    # Mississippi has a row since state table 2026-12-01, so the playbook no longer sends it to the breach
    # coach as unknown; a state without a row (NY) still is
    assert "check the breach-notification law of MS" not in text
    ny = all_text(book(incident(affected_by_state={"LA": 420, "NY": 130})))
    assert "check the breach-notification law of NY" in ny


def test_small_breach_year_end_hhs_report_is_in_after():
    pb = book(incident(affected_by_state={"MS": 40}, insufficient_contact_info=0))
    after = next(p for p in pb.phases if p.title == "After")
    hhs = [s for s in after.steps if s.due is not None]
    assert [s.due for s in hhs] == [date(2028, 2, 29)]  # 2027-12-31 + 60, leap year 2028


def test_evidence_and_what_not_to_do():
    pb = book(incident(type="ransomware"))
    evidence = next(p for p in pb.phases if p.title == "Evidence to preserve")
    assert any("Logs" in s.text for s in evidence.steps)
    dont = " ".join(s.text for s in next(p for p in pb.phases if p.title == "What not to do").steps)
    assert "Do not wipe, reimage" in dont
    assert "Do not pay a ransom" in dont and "breach coach and the insurer" in dont


@pytest.mark.parametrize(("kind", "expected"), [
    ("ransomware", "Leave them switched ON"),
    ("business_email_compromise", "call your bank's fraud department NOW"),
    ("lost_device", "Report the loss or theft to the police"),
    ("insider_misuse", "Suspend the person's access"),
    ("vendor_breach", "business associate agreement"),
    ("vendor_outage", "contingent business interruption"),
    ("network_intrusion", "Disconnect affected computers"),
])
def test_steps_follow_the_incident_type(kind, expected):
    assert expected in all_text(book(incident(type=kind)))


def test_steps_follow_the_profile():
    on_prem = all_text(book(incident(type="ransomware"), profile(ehr={"vendor": "x", "hosting": "on_premises"},
                                                                  remote_access="rdp_exposed")))
    assert "EHR runs on your own server" in on_prem and "Remote desktop is open to the internet" in on_prem
    cloud = all_text(book(incident(type="ransomware")))
    assert "Call your EHR vendor (athenahealth)" in cloud
    encrypted = all_text(book(incident(type="lost_device"), profile(controls={"encryption_at_rest": True})))
    assert "confirm with IT that THIS device was encrypted" in encrypted
    plain = all_text(book(incident(type="lost_device")))
    assert "does not show device encryption" in plain
    assert "full-disk encryption" in plain  # the missing control, named in "After"
    bec = all_text(book(incident(type="business_email_compromise"),
                        profile(controls={"mfa_email": True, "funds_transfer_verification": True})))
    assert "multi-factor authentication on email" not in bec
    assert "no written incident response plan" in all_text(book())
    assert "Open your incident response plan" in all_text(book(prof=profile(
        controls={"incident_response_plan": True})))


def test_not_reportable_playbook_keeps_the_proof():
    pb = book(incident(phi_secured=True, type="lost_device"))
    assert not pb.reportable and pb.deadlines == ()
    assert "keep the proof" in " ".join(pb.summary)


def test_markdown_has_task_lists_and_bold_deadlines():
    md = render_playbook_markdown(book())
    assert md.startswith("# Incident playbook: Lakeside Family Medicine (INC-2027-014)")
    assert "## First 72 hours" in md
    assert "- [ ] **by Thu 13 May 2027** - Letters to affected patients" in md


def test_profile_for_another_practice_is_flagged():
    assert any("profile is for" in w for w in book(prof=profile(name="Other Clinic")).warnings)


# ---------------------------------------------------------------------------------------- calendar
def test_ics_has_one_all_day_event_per_deadline():
    pb = book()
    ics = deadlines_ics(pb.incident_id, pb.entity, pb.deadlines, stamp=STAMP)
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == len(pb.deadlines) == 4
    assert "DTSTART;VALUE=DATE:20270513\r\nDTEND;VALUE=DATE:20270514" in ics
    assert "DTSTART;VALUE=DATE:20270523" in ics
    assert "DTSTAMP:20270320T090000Z" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert "\n" not in ics.replace("\r\n", "")  # only CRLF line ends
    uids = re.findall(r"^UID:(.*)$", ics.replace("\r\n ", ""), flags=re.M)
    assert len(set(uids)) == len(uids)
    unfolded = ics.replace("\r\n ", "")
    assert "Citation: 45 CFR 164.408(b)." in unfolded
    assert "(LA\\, MS)" in unfolded  # commas escaped


def test_ics_is_deterministic():
    pb = book()
    assert deadlines_ics("A", "B", pb.deadlines, stamp=STAMP) == deadlines_ics("A", "B", pb.deadlines, stamp=STAMP)


# ---------------------------------------------------------------------------------------- letter
def test_letter_has_the_five_required_elements():
    inc = incident(occurred="2027-03-10")
    letter = draft_letter(inc, assess_obligations(inc, today=TODAY), toll_free="1-888-555-0199")
    md = render_letter_markdown(letter)
    # (A) what happened, with the dates of the breach and of its discovery
    assert "## What happened" in md and "March 10, 2027" in md and "March 14, 2027" in md
    # (B) the PHI involved, from the risk assessment
    assert "names, dates of birth, diagnosis codes" in md
    # (C) steps individuals should take
    assert "## What you can do" in md and "Explanation of Benefits" in md
    # (D) what the entity is doing
    assert "## What we are doing" in md
    # (E) contact procedures, including a toll-free number
    assert "toll-free at 1-888-555-0199" in md and "Email:" in md and "Write to us at:" in md
    # the sending deadline is in the editor note, not in the letter body
    assert md.startswith("<!-- DRAFT") and "Send by May 13, 2027" in md


def test_letter_placeholders_when_facts_are_missing():
    inc = incident(risk_assessment=None)
    md = render_letter_markdown(draft_letter(inc, assess_obligations(inc, today=TODAY)))
    assert "[toll-free number" in md and "[list exactly what" in md and "[date of the incident" in md


def test_letter_mentions_law_enforcement_delay():
    inc = incident(law_enforcement_delay={"until": "2027-06-30"})
    md = render_letter_markdown(draft_letter(inc, assess_obligations(inc, today=TODAY)))
    assert "Law enforcement asked us to wait" in md
    assert "Send by June 30, 2027" in md  # the deadline moved by the written statement


def test_letter_html_is_escaped_and_complete():
    inc = incident(entity="Smith & Jones <Pediatrics>")
    page = render_letter_html(draft_letter(inc, assess_obligations(inc, today=TODAY)))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "Smith &amp; Jones &lt;Pediatrics&gt;" in page and "<Pediatrics>" not in page
    assert page.count("<h2>") == 5
    # the DRAFT notice is a visible banner, not a comment, and every placeholder left to fill is highlighted
    assert "<!--" not in page
    banner = page[page.index('<div class="draft"'): page.index("</div>")]
    assert banner.startswith('<div class="draft" role="note"><strong>DRAFT</strong> for Smith &amp; Jones')
    assert "<strong>Delete this box before sending.</strong>" in banner
    assert "<mark>[Patient name]</mark>" in page
    assert "<mark>[date of the incident, or &#x27;between [date] and [date]&#x27;]</mark>" in page


def test_letter_deadline_is_the_earliest_including_a_shorter_state_law():
    inc = incident(affected_by_state={"CO": 40, "MS": 10}, insufficient_contact_info=0)
    md = render_letter_markdown(draft_letter(inc, assess_obligations(inc, today=TODAY)))
    # Colorado: 2027-03-14 + 30 = 2027-04-13, earlier than HIPAA's 2027-05-13
    assert "Send by April 13, 2027 at the latest (C.R.S. 6-1-716" in md and "residents of CO" in md
