"""Notification deadlines as an iCalendar file (RFC 5545), for Outlook, Google or Apple calendars.

Each deadline is an all-day event on the last permitted day, with a reminder 7 days before
(cyberrx's choice, not a legal figure: a week is the least a mail vendor needs to print and post letters).
Output is deterministic: ``stamp`` (the DTSTAMP) is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from cyberrx.breach.obligations import Obligation, Recipient

REMINDER_DAYS_BEFORE = 7  # see the module docstring: a working assumption, not a rule
_LABEL = {
    Recipient.INDIVIDUALS: "notices to individuals",
    Recipient.SUBSTITUTE_NOTICE: "substitute notice",
    Recipient.MEDIA: "media notice",
    Recipient.HHS: "report to HHS",
    Recipient.COVERED_ENTITY: "notice to the covered entity",
    Recipient.STATE_REGULATOR: "state regulator notice",
    Recipient.CONSUMER_REPORTING_AGENCIES: "consumer reporting agency notice",
}


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    # RFC 5545 3.1: lines longer than 75 octets are folded; a continuation line starts with one space
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _uid_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text)


def _vevents(incident_id: str, entity: str, obligations: Iterable[Obligation], dtstamp: str) -> list[str]:
    lines: list[str] = []
    for i, o in enumerate(obligations):
        if o.deadline is None:
            continue
        states = ", ".join(o.states)
        summary = f"DEADLINE {incident_id}: {_LABEL[o.recipient]} ({states})"
        description = f"{entity}. {o.method} Citation: {o.citation}."
        if o.applies_if:
            description += f" Only if {o.applies_if}."
        if o.not_before:
            description += f" Held by law enforcement until {o.not_before.isoformat()}."
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid_part(incident_id)}-{i}-{o.recipient.value}-{o.basis}@cyberrx",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{o.deadline:%Y%m%d}",
            f"DTEND;VALUE=DATE:{o.deadline + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(summary)}",
            f"TRIGGER:-P{REMINDER_DAYS_BEFORE}D",
            "END:VALARM",
            "END:VEVENT",
        ]
    return lines


def calendar_ics(name: str, incidents: Iterable[tuple[str, str, Iterable[Obligation]]], *, stamp: datetime) -> str:
    """An iCalendar document named ``name`` with the dated obligations of several incidents, each given as
    ``(incident label, entity, obligations)``; the labels must differ (they make the events' UIDs)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cyberrx//breach deadlines//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    for incident_id, entity, obligations in incidents:
        lines += _vevents(incident_id, entity, obligations, dtstamp)
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def deadlines_ics(incident_id: str, entity: str, obligations: Iterable[Obligation], *, stamp: datetime) -> str:
    """An iCalendar document with one all-day VEVENT per dated obligation. Lines end with CRLF."""
    return calendar_ics(f"Breach deadlines {incident_id}", [(incident_id, entity, obligations)], stamp=stamp)


__all__ = ["REMINDER_DAYS_BEFORE", "calendar_ics", "deadlines_ics"]
