"""A draft notice letter to affected individuals (or, for a business associate, to the covered entity).

The letter to individuals has the content 45 CFR 164.404(c)(1) requires.

The five required elements: (A) what happened, with the date of the breach and of its discovery; (B) the
types of PHI involved; (C) steps individuals should take to protect themselves; (D) what the entity is doing;
(E) contact procedures, including a toll-free number, an email address, web site or postal address. The
letter must be in plain language (164.404(c)(2)). Text in [square brackets] is for the practice or its breach
coach to complete or delete before sending; nothing here is legal advice.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from cyberrx.breach.obligations import ObligationsReport, Recipient
from cyberrx.breach.rule import breach_contacts
from cyberrx.domain.incident import Incident, Role
from cyberrx.vocab import Scenario

LETTER_DEADLINE_CITATION = "45 CFR 164.404(b)"
_WHAT_HAPPENED: dict[Scenario, str] = {
    Scenario.RANSOMWARE: "an unauthorized person got into our computer systems and locked (encrypted) files "
                         "with harmful software called ransomware",
    Scenario.RANSOMWARE_EXFILTRATION: "an unauthorized person got into our computer systems, copied some "
                                      "files and locked (encrypted) others with harmful software called "
                                      "ransomware",
    Scenario.NETWORK_INTRUSION: "an unauthorized person got into our computer network",
    Scenario.BUSINESS_EMAIL_COMPROMISE: "an unauthorized person got into an email account of one of our staff",
    Scenario.SOCIAL_ENGINEERING: "someone pretending to be a trusted person tricked a member of our staff into "
                                 "sharing information",
    Scenario.LOST_DEVICE: "a [laptop / phone / storage device] holding patient information was [lost / stolen]",
    Scenario.INSIDER_MISUSE: "a member of our workforce looked at patient information without a work-related "
                             "reason",
    Scenario.VENDOR_BREACH: "[vendor name], a company that handles patient information for us, had a security "
                            "incident",
    Scenario.VENDOR_OUTAGE: "[vendor name], a company that handles patient information for us, had a security "
                            "incident",
}


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Letter:
    """The letter as data; render with :func:`render_letter_markdown` or :func:`render_letter_html`."""

    title: str
    editor_note: str
    opening: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: tuple[str, ...]


def _long(d: date) -> str:  # "March 14, 2027": US letter style
    return f"{d:%B} {d.day}, {d.year}"


def _contact_sections(report: ObligationsReport) -> tuple[list[Section], str]:
    """The consumer-reporting-agency and FTC blocks the affected states' rows require, and the editor's note."""
    if not report.letter_blocks:
        return [], ""
    contacts = breach_contacts()
    sections = []
    if "consumer_reporting_agencies" in report.letter_blocks:
        sections.append(Section(
            "Contact the credit bureaus",
            ("You can place a fraud alert or a security freeze on your credit file free of charge, and get "
             "information about both, from the nationwide consumer reporting agencies:",),
            tuple(f"{c.name}: {c.phone}, {c.web}, {c.postal}" for c in contacts.blocks["consumer_reporting_agencies"])))
    if "ftc" in report.letter_blocks:
        sections.append(Section(
            "Contact the Federal Trade Commission",
            ("You can get information about fraud alerts, security freezes and identity theft from the Federal "
             "Trade Commission, and report identity theft to it:",),
            tuple(f"{c.name}: {c.phone}, {c.web}, {c.postal}" for c in contacts.blocks["ftc"])))
    cites = sorted({c for cs in report.letter_blocks.values() for c in cs})
    note = (f" The credit bureau and FTC contact blocks are required by {'; '.join(cites)}: verify the numbers "
            f"and addresses on the agencies' web sites before mailing (contacts {contacts.version}).")
    return sections, note


def _business_associate_letter(incident: Incident, report: ObligationsReport, phone: str) -> Letter:
    """The notice a business associate owes the covered entity (45 CFR 164.410), not a letter to patients."""
    notice = report.first(Recipient.COVERED_ENTITY)
    due = (f"Send by {_long(notice.deadline)} at the latest ({notice.citation}); sooner is better, and the "
           f"business associate agreement may set a shorter time."
           if notice is not None and notice.deadline is not None
           else "Check the obligations report for the sending deadline.")
    when = (f"on {_long(incident.occurred)}" if incident.occurred
            else "on [date of the incident, or 'between [date] and [date]']")
    by_state = ", ".join(f"{state} {n}" for state, n in sorted(incident.affected_by_state.items()))
    assessment = incident.risk_assessment
    phi = (f"The information involved was: {assessment.nature_and_extent}."
           if assessment is not None else "The information involved was: [list exactly what].")
    return Letter(
        title="Notice of Breach of Unsecured Protected Health Information (45 CFR 164.410)",
        editor_note=(f"DRAFT from {incident.entity} (business associate), incident {incident.incident_id}, to the "
                     f"covered entity - not to patients: the covered entity decides and sends the patient, media "
                     f"and HHS notices unless the business associate agreement delegates them. {due} Attach the "
                     f"list identifying each affected individual (164.410(c)(1))."),
        opening=("[Date]", "[Privacy Officer]\n[Covered entity (practice) name]\n[Street address]\n[City, State ZIP]",
                 "Dear [Privacy Officer],",
                 f"As your business associate under our business associate agreement, {incident.entity} is "
                 f"notifying you of a breach of unsecured protected health information that we hold on your "
                 f"behalf, as 45 CFR 164.410 requires."),
        sections=(
            Section("What happened", (f"The incident occurred {when}. We discovered it on "
                                      f"{_long(incident.discovered)}.",)),
            Section("Individuals affected", (
                f"{incident.total_affected} individuals are affected (by state of residence: {by_state}). The "
                f"enclosed list identifies each individual whose information was, or is reasonably believed to "
                f"have been, accessed, acquired, used or disclosed (45 CFR 164.410(c)(1)).",)),
            Section("What information was involved", (phi,)),
            Section("What we are doing", ("We [contained the incident], [engaged outside forensic experts] and "
                                          "[reported it to law enforcement]. We will send you further information "
                                          "you need for your notices as it becomes available (45 CFR "
                                          "164.410(c)(2)).",)),
            Section("Contact", (f"Our contact for this incident: [name, title], {phone}.",)),
        ),
        closing=("Sincerely,", f"[Name, title]\n{incident.entity}"),
    )


def draft_letter(incident: Incident, report: ObligationsReport, *, toll_free: str | None = None,
                 email: str | None = None, website: str | None = None, postal: str | None = None) -> Letter:
    """Draft the notice for ``incident``; ``report`` supplies the deadline, delay and state facts.

    A covered entity's incident gives the letter to affected individuals; a business associate's gives the
    notice to the covered entity (45 CFR 164.410), since the patients are told by the covered entity.
    Contact details left as None become [bracketed] placeholders; the toll-free number is required by
    164.404(c)(1)(E) for the letter, and by 164.404(d)(2)(ii) when substitute notice is used. The credit bureau
    and FTC blocks are added where an affected state's row requires them (``report.letter_blocks``).
    """
    if incident.role is Role.BUSINESS_ASSOCIATE:
        return _business_associate_letter(incident, report, toll_free or "[telephone number]")
    phone = toll_free or "[toll-free number, staffed Monday-Friday, hours]"
    when = (f"On {_long(incident.occurred)}" if incident.occurred
            else "On [date of the incident, or 'between [date] and [date]']")
    what = _WHAT_HAPPENED[incident.type]
    happened = [f"{when}, {what}. We discovered this on {_long(incident.discovered)} and began investigating "
                f"right away with [outside cybersecurity experts]."]
    delay = incident.law_enforcement_delay
    if delay is not None:
        happened.append("Law enforcement asked us to wait before sending this letter so that we would not "
                        "interfere with its investigation. We are writing to you as soon as we were allowed to.")
    assessment = incident.risk_assessment
    phi = (f"The information involved was: {assessment.nature_and_extent}."
           if assessment is not None else
           "The information involved was: [list exactly what, for example your name, address, date of birth, "
           "health insurance information, diagnosis or treatment information, Social Security number].")
    steps = [
        "Read the statements (Explanation of Benefits) you get from your health insurer. If you see care you "
        "did not receive, call the insurer.",
        "Check your credit reports. You can get free reports at www.annualcreditreport.com. You may also "
        "place a fraud alert or a security freeze with the credit bureaus.",
        "Be careful with emails, texts or calls that ask for personal information, even if they appear to come "
        "from us. We will not ask you for your Social Security number or bank details by email or phone.",
        "[If offered: enroll in the free [credit / identity] monitoring we are providing by [date], using code "
        "[code] at [web site or phone].]",
    ]
    if incident.type in (Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.SOCIAL_ENGINEERING):
        steps.insert(2, "If you received an unusual email from our practice recently asking you to pay, click "
                        "a link or share information, do not act on it; call us at the number below.")
    doing = ("We [secured the affected systems / account / device], [are working with outside experts to find "
             "out what happened], [reported the incident to law enforcement] and [are adding protections such "
             "as ...] to help prevent this from happening again.")
    contacts = [f"Call us toll-free at {phone}."]
    contacts.append(f"Email: {email}." if email else "Email: [address].")
    contacts.append(f"Web site: {website}." if website else "Web site: [address of the notice page].")
    contacts.append(f"Write to us at: {postal}." if postal else "Write to us at: [postal address].")
    individuals = report.first(Recipient.INDIVIDUALS)
    cite = LETTER_DEADLINE_CITATION if individuals is None or individuals.basis == "federal" else (
        f"{individuals.citation}, for residents of {', '.join(individuals.states)}")
    if individuals is not None and individuals.applies_if:
        cite += f", only if {individuals.applies_if}"
    due = (f"Send by {_long(individuals.deadline)} at the latest ({cite}); sooner is better."
           if individuals is not None and individuals.deadline is not None
           else "Check the obligations report for the sending deadline.")
    blocks, blocks_note = _contact_sections(report)
    note = (f"DRAFT for {incident.entity}, incident {incident.incident_id}. {due} Complete or delete every "
            f"[bracketed] item and have the breach coach review before sending by first-class mail.{blocks_note}")
    return Letter(
        title="Notice of Data Breach",
        editor_note=note,
        opening=("[Date]", "[Patient name]\n[Street address]\n[City, State ZIP]", "Dear [Patient name],",
                 f"We are writing to tell you about an incident at {incident.entity} that may have involved "
                 f"some of your health information. We take the privacy of your information seriously, and we "
                 f"are sorry this happened."),
        sections=(
            Section("What happened", tuple(happened)),
            Section("What information was involved", (phi,)),
            Section("What you can do", ("We recommend these steps:",), tuple(steps)),
            Section("What we are doing", (doing,)),
            *blocks,
            Section("For more information", ("If you have questions, please contact us:",), tuple(contacts)),
        ),
        closing=("Sincerely,", f"[Name, title]\n{incident.entity}"),
    )


def render_letter_markdown(letter: Letter) -> str:
    """Markdown ready to edit; the editor note is an HTML comment so it does not print."""
    out = [f"<!-- {letter.editor_note.replace('--', '- -')} -->", "", f"# {letter.title}", ""]
    for para in letter.opening:
        out += [para.replace("\n", "  \n"), ""]
    for sec in letter.sections:
        out += [f"## {sec.heading}", ""]
        for para in sec.paragraphs:
            out += [para, ""]
        if sec.bullets:
            out += [f"- {b}" for b in sec.bullets] + [""]
    for para in letter.closing:
        out += [para.replace("\n", "  \n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _mark_placeholders(text: str) -> str:
    """``text`` escaped, each outermost ``[bracketed]`` placeholder (nested brackets included) in ``<mark>``.

    >>> _mark_placeholders("On [date, or 'between [date] and [date]'] & more")
    'On <mark>[date, or &#x27;between [date] and [date]&#x27;]</mark> &amp; more'
    """
    out: list[str] = []
    depth, start, plain = 0, 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            if depth == 0:
                out.append(html.escape(text[plain:i]))
                start = i
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
            if depth == 0:
                out.append(f"<mark>{html.escape(text[start:i + 1])}</mark>")
                plain = i + 1
    out.append(html.escape(text[start if depth else plain:]))
    return "".join(out)


#: the draft banner and the placeholders stand out on screen and on paper
_LETTER_STYLE = ("<style>.draft{border:3px solid #b00020;background:#fdecea;color:#5c0011;padding:.75em 1em;"
                 "margin-bottom:1.5em;font-family:sans-serif}mark{background:#fff59d;color:inherit;"
                 "outline:1px dashed #8d6e00}</style>")


def render_letter_html(letter: Letter) -> str:
    """A standalone HTML page (escaped, no scripts), ready to open in a word processor.

    The editor's note is a visible DRAFT banner at the top (delete it before sending), and every [bracketed]
    item still to complete is highlighted (``<mark>``).
    """
    def para(text: str) -> str:
        return "<p>" + "<br>".join(_mark_placeholders(line) for line in text.split("\n")) + "</p>"

    note = letter.editor_note.removeprefix("DRAFT").lstrip()
    banner = (f'<div class="draft" role="note"><strong>DRAFT</strong> {_mark_placeholders(note)} '
              "<strong>Delete this box before sending.</strong></div>")
    body = [banner, f"<h1>{html.escape(letter.title)}</h1>"]
    body += [para(p) for p in letter.opening]
    for sec in letter.sections:
        body.append(f"<h2>{html.escape(sec.heading)}</h2>")
        body += [para(p) for p in sec.paragraphs]
        if sec.bullets:
            body.append("<ul>" + "".join(f"<li>{_mark_placeholders(b)}</li>" for b in sec.bullets) + "</ul>")
    body += [para(p) for p in letter.closing]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
            f"<title>{html.escape(letter.title)}</title>{_LETTER_STYLE}</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")


__all__ = ["Letter", "Section", "draft_letter", "render_letter_html", "render_letter_markdown"]
