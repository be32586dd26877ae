"""The incident-response checklist for a practice that has been hit: first 72 hours, next 60 days, after.

Written for a practice manager, not a lawyer: plain words, one action per line, the legal deadlines inline.
Built from the incident (its ``type``, a :class:`cyberrx.vocab.Scenario`), the practice profile (EHR hosting,
remote access, backups, controls, business associates) and the computed obligations. Pure: returns data and
strings, prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cyberrx.breach.obligations import Obligation, ObligationsReport, Recipient
from cyberrx.breach.rule import part2_rule
from cyberrx.domain.incident import Incident, Role
from cyberrx.domain.profile import PracticeProfile
from cyberrx.vocab import Control, Hosting, RemoteAccess, Scenario

HOTLINE_PLACEHOLDER = "[insurer's 24/7 breach hotline - on your cyber policy's declarations page]"

_RANSOM = frozenset({Scenario.RANSOMWARE, Scenario.RANSOMWARE_EXFILTRATION})
_SYSTEMS = _RANSOM | {Scenario.NETWORK_INTRUSION}
_EMAIL = frozenset({Scenario.BUSINESS_EMAIL_COMPROMISE, Scenario.SOCIAL_ENGINEERING})
_VENDOR = frozenset({Scenario.VENDOR_BREACH, Scenario.VENDOR_OUTAGE})

# The controls that would have stopped or shrunk each kind of incident: the "after" phase names the missing ones.
_PREVENTS: dict[Scenario, tuple[Control, ...]] = {
    Scenario.RANSOMWARE: (Control.OFFLINE_BACKUPS, Control.BACKUPS_TESTED, Control.EDR, Control.MFA_REMOTE_ACCESS,
                          Control.MFA_PRIVILEGED, Control.PATCH_CRITICAL_DAYS),
    Scenario.RANSOMWARE_EXFILTRATION: (Control.OFFLINE_BACKUPS, Control.EDR, Control.MDR_SOC,
                                       Control.MFA_REMOTE_ACCESS, Control.MFA_PRIVILEGED),
    Scenario.NETWORK_INTRUSION: (Control.EDR, Control.MDR_SOC, Control.MFA_REMOTE_ACCESS, Control.PATCH_CRITICAL_DAYS),
    Scenario.BUSINESS_EMAIL_COMPROMISE: (Control.MFA_EMAIL, Control.EMAIL_FILTERING, Control.SECURITY_TRAINING,
                                         Control.FUNDS_TRANSFER_VERIFICATION),
    Scenario.SOCIAL_ENGINEERING: (Control.FUNDS_TRANSFER_VERIFICATION, Control.SECURITY_TRAINING),
    Scenario.LOST_DEVICE: (Control.ENCRYPTION_AT_REST,),
    Scenario.INSIDER_MISUSE: (Control.SECURITY_TRAINING, Control.RISK_ANALYSIS_CURRENT),
    Scenario.VENDOR_BREACH: (Control.RISK_ANALYSIS_CURRENT,),
    Scenario.VENDOR_OUTAGE: (Control.OFFLINE_BACKUPS, Control.INCIDENT_RESPONSE_PLAN),
}

_CONTROL_WORDS: dict[Control, str] = {
    Control.MFA_EMAIL: "multi-factor authentication on email",
    Control.MFA_REMOTE_ACCESS: "multi-factor authentication on remote access",
    Control.MFA_PRIVILEGED: "multi-factor authentication on administrator accounts",
    Control.EDR: "endpoint detection and response (EDR) on every computer",
    Control.MDR_SOC: "a 24/7 monitoring service (MDR/SOC)",
    Control.OFFLINE_BACKUPS: "offline or immutable backups",
    Control.BACKUPS_TESTED: "regular test restores of the backups",
    Control.ENCRYPTION_AT_REST: "full-disk encryption on laptops, phones and removable media",
    Control.EMAIL_FILTERING: "advanced email filtering",
    Control.SECURITY_TRAINING: "phishing training for staff",
    Control.PATCH_CRITICAL_DAYS: "critical security updates installed within 14 days",
    Control.INCIDENT_RESPONSE_PLAN: "a written incident response plan",
    Control.FUNDS_TRANSFER_VERIFICATION: "call-back verification of any payment or bank-detail change",
    Control.RISK_ANALYSIS_CURRENT: "an up-to-date HIPAA security risk analysis",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One action. ``due`` is a legal deadline (last permitted day) where there is one."""

    text: str
    due: date | None = None
    citation: str | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Playbook:
    """The checklist, in order. ``deadlines`` are the obligations behind the dated steps (for the calendar)."""

    incident_id: str
    entity: str
    scenario: Scenario
    discovered: date
    reportable: bool
    summary: tuple[str, ...]
    phases: tuple[Phase, ...]
    deadlines: tuple[Obligation, ...]
    warnings: tuple[str, ...]


def _scenario_words(s: Scenario) -> str:
    return s.value.replace("_", " ")


def _call_first(incident: Incident, profile: PracticeProfile, hotline: str) -> list[Step]:
    steps = [
        Step(f"Call your cyber insurer's breach hotline first: {hotline}. Tell them you have a "
             f"{_scenario_words(incident.type)} incident. They connect you to their pre-approved panel; using "
             f"the panel keeps the costs covered."),
        Step("Through the insurer, engage the panel breach coach (a privacy lawyer). Let the lawyer hire the "
             "forensics firm, so the investigation is run for and reported to your lawyer."),
        Step("The panel forensics firm investigates and contains the attack. Your own IT provider helps, "
             "but does not act alone: anything they change before forensics arrives can destroy evidence."),
        Step("Later, through the breach coach: the panel notification vendor (letters, call centre, credit "
             "monitoring) and, if patients or the press may hear of it, the panel public-relations firm."),
    ]
    if incident.type in _RANSOM | _EMAIL or incident.type is Scenario.NETWORK_INTRUSION:
        steps.append(Step("Report the crime to the FBI (your local field office or ic3.gov), with the breach "
                          "coach's help. If the FBI asks you to hold back notices, get the request in writing."))
    if incident.type in _EMAIL:
        steps.insert(0, Step("If money was sent: call your bank's fraud department NOW and ask them to recall "
                             "the transfer. Every hour counts."))
    if incident.type in _SYSTEMS and profile.ehr.hosting is Hosting.CLOUD:
        steps.append(Step(f"Call your EHR vendor ({profile.ehr.vendor}): ask them to check your accounts for "
                          f"unusual access and to preserve their logs."))
    critical = [ba.name for ba in profile.business_associates if ba.critical or ba.holds_phi]
    if incident.type in _VENDOR and critical:
        steps.append(Step(f"Call the vendor involved ({', '.join(critical)} hold your patient data): ask for a "
                          f"written account of what happened, when they found it, and the list of affected "
                          f"patients."))
    return steps


_ELEMENT_WORDS = ("Social Security numbers, driver's licence or other ID numbers, bank account or card numbers, "
                  "dates of birth, diagnoses or treatment, health insurance member IDs, fingerprints or other "
                  "biometrics, usernames with passwords")


def _facts_to_find(incident: Incident, report: ObligationsReport) -> list[Step]:
    """The questions the state laws turn on, asked in the first hours (issue 12)."""
    steps: list[Step] = []
    if incident.data_elements is None:
        states = [s.state for s in report.states if s.covered]
        which = f" The laws of {', '.join(states)} depend on it." if states else ""
        steps.append(Step(f"Find out exactly what was in the breached records besides names ({_ELEMENT_WORDS}) "
                          f"and record it in the incident as data_elements, then re-run cyberrx: state notice "
                          f"duties apply only when their listed kinds of data were involved.{which}"))
    else:
        listed = ", ".join(e.value for e in incident.data_elements) or "none"
        steps.append(Step(f"Confirm with forensics what was in the breached records (recorded: {listed}); if it "
                          f"changes, update data_elements and re-run cyberrx: state duties depend on it."))
    for question in report.questions:
        if "data_elements" not in question:
            steps.append(Step(f"Answer for the breach coach: {question}"))
    if incident.part2_records:
        p2 = part2_rule()
        steps.append(Step("Substance use disorder program records (42 CFR Part 2) were involved: tell the breach "
                          "coach now; the HIPAA breach notices apply to them too.", citation=p2.citation))
    return steps


def _first_72_hours(incident: Incident, profile: PracticeProfile) -> list[Step]:
    steps = [Step(f"Write down when and how the incident was first noticed, and by whom. The notification "
                  f"clock started on {incident.discovered:%A %d %B %Y} (the discovery date), not when the "
                  f"investigation ends.", citation="45 CFR 164.404(a)(2)")]
    if not profile.controls.incident_response_plan:
        steps.append(Step("You have no written incident response plan on file: use this checklist as the plan, "
                          "and name one person to coordinate and keep a log of every action and call."))
    else:
        steps.append(Step("Open your incident response plan and name the person who coordinates; keep a log "
                          "of every action and call."))
    t = incident.type
    if t in _SYSTEMS:
        steps.append(Step("Disconnect affected computers from the network (unplug the cable, turn off Wi-Fi). "
                          "Leave them switched ON: memory holds evidence."))
        if profile.ehr.hosting is Hosting.ON_PREMISES:
            steps.append(Step("Your EHR runs on your own server: isolate it from the network but do not switch "
                              "it off or rebuild it until forensics says so."))
        if profile.remote_access is RemoteAccess.RDP_EXPOSED:
            steps.append(Step("Remote desktop is open to the internet on your network: have it closed as soon "
                              "as forensics has recorded how it was used."))
        elif profile.remote_access in (RemoteAccess.VPN, RemoteAccess.VENDOR_PORTAL):
            steps.append(Step("Reset remote-access (VPN or vendor portal) passwords and keep its logs."))
        steps.append(Step("Switch to downtime procedures (paper forms, printed schedules) so patients can "
                          "still be seen; note the hours the systems are down for the business-interruption "
                          "claim."))
    if t in _EMAIL:
        steps.append(Step("Reset the password of the affected mailbox and every account that used the same "
                          "password; sign the account out everywhere; check for forwarding rules the attacker "
                          "added (keep a screenshot first)."))
    if t is Scenario.LOST_DEVICE:
        if profile.controls.encryption_at_rest:
            steps.append(Step("Your profile says devices are encrypted: confirm with IT that THIS device was "
                              "encrypted and that the password or key was not with it. If so the data may be "
                              "'secured' and patient notices may not be needed."))
        else:
            steps.append(Step("Your profile does not show device encryption: assume the patient data on the "
                              "device was unsecured until IT proves otherwise."))
        steps.append(Step("Report the loss or theft to the police and keep the report number; have IT lock or "
                          "remote-wipe the device (this protects data that is no longer in your hands)."))
    if t is Scenario.INSIDER_MISUSE:
        steps.append(Step("Suspend the person's access to the EHR and email (do not delete the account); "
                          "involve HR and the breach coach before any interview."))
    if t in _VENDOR:
        steps.append(Step("Read your business associate agreement with the vendor: who sends patient notices, "
                          "who pays, and how fast the vendor must tell you."))
    if t is Scenario.VENDOR_OUTAGE:
        steps.append(Step("Record the hours your practice cannot work because the vendor is down: contingent "
                          "business interruption cover may pay for them after the waiting period."))
    steps.append(Step("Start the four-factor risk assessment with the breach coach: what information, who "
                      "got it, was it actually viewed or taken, and what has been done to limit harm. Until it "
                      "is written down, the incident is treated as a breach.",
                      citation="45 CFR 164.402"))
    return steps


def _evidence(incident: Incident) -> list[Step]:
    items = ["Logs: firewall, VPN/remote access, EHR audit trail, email sign-ins, server and antivirus alerts. "
             "Ask IT to stop any automatic deletion of logs.",
             "A list of every computer, account and system involved, and what was done to each, with times.",
             "Copies of any messages from the attacker, pop-ups or ransom notes (photograph the screen).",
             "Emails, invoices and bank records relevant to the incident; do not delete anything."]
    if incident.type in _RANSOM:
        items.append("Do not delete encrypted files: they may be needed to recover data or prove what was "
                     "taken.")
    return [Step(i) for i in items]


def _do_not(incident: Incident) -> list[Step]:
    items = ["Do not wipe, reimage, rebuild or restore any system before the forensics firm says so.",
             "Do not pay a ransom, and do not contact the attacker, before the breach coach and the insurer are "
             "involved (payments need the insurer's consent and a sanctions check).",
             "Do not use the possibly compromised email system to discuss the incident; use phone calls.",
             "Do not tell patients, staff outside the response team, the press or social media anything "
             "before the breach coach approves the wording.",
             "Do not guess in writing about who did it or what was taken; stick to facts."]
    if incident.type in _VENDOR:
        items.append("Do not assume the vendor will notify your patients; confirm in writing who does what.")
    return [Step(i) for i in items]


def _deadline_text(o: Obligation) -> str:
    who = {
        Recipient.INDIVIDUALS: "Letters to affected patients",
        Recipient.SUBSTITUTE_NOTICE: "Substitute notice for patients you cannot reach",
        Recipient.MEDIA: "Press notice to major media",
        Recipient.HHS: "Report to HHS (breach portal)",
        Recipient.COVERED_ENTITY: "Notice to the practice (covered entity) with the list of affected patients",
        Recipient.STATE_REGULATOR: "Notice to the state regulator",
        Recipient.CONSUMER_REPORTING_AGENCIES: "Notice to the nationwide consumer reporting agencies",
    }[o.recipient]
    where = f" ({', '.join(o.states)})" if o.states else ""
    cond = f" Only if {o.applies_if}." if o.applies_if else ""
    held = f" Hold until {o.not_before:%d %B %Y} at law enforcement's request." if o.not_before else ""
    return f"{who}{where}: {o.method}{cond}{held}"


def _next_60_days(report: ObligationsReport) -> list[Step]:
    if not report.reportable:
        return [Step("Keep the written reasons why no notification is needed (encryption details or the "
                     "four-factor assessment). You must be able to prove it.", citation="45 CFR 164.414")]
    steps = [Step("Send notices as soon as the facts are known: 60 days is the latest allowed, not a target.",
                  citation="45 CFR 164.404(b)")]
    if any(o.recipient is Recipient.INDIVIDUALS for o in report.obligations):
        steps.append(Step("Have the breach coach finalise the patient letter (cyberrx drafts one) and the "
                          "notification vendor mail it first-class; set up the toll-free call centre before the "
                          "letters arrive."))
    for state in report.states:
        if not state.covered:
            steps.append(Step(f"Ask the breach coach to check the breach-notification law of {state.state} "
                              f"({state.residents} residents affected): cyberrx has no cited rule for it."))
    for o in report.obligations:
        if o.deadline is not None and (o.recipient is not Recipient.HHS or "164.408(b)" in o.citation
                                       or o.basis == "state"):
            steps.append(Step(_deadline_text(o), due=o.deadline, citation=o.citation))
    return steps


def _after(incident: Incident, profile: PracticeProfile, report: ObligationsReport) -> list[Step]:
    steps = []
    for o in report.obligations:
        if o.recipient is Recipient.HHS and "164.408(c)" in o.citation and o.deadline is not None:
            steps.append(Step(_deadline_text(o), due=o.deadline, citation=o.citation))
    steps += [
        Step("Send the insurer the proof of loss and invoices the policy asks for; keep every receipt."),
        Step("Keep the full incident file (timeline, assessment, copies of notices, proof of mailing): OCR or "
             "a state attorney general may ask for it.", citation="45 CFR 164.414"),
        Step("Update the HIPAA security risk analysis to include what happened; regulators ask for it first.",
             citation="45 CFR 164.308(a)(1)(ii)(A)"),
    ]
    missing = [c for c in _PREVENTS.get(incident.type, ()) if not profile.controls.has(c)]
    if missing:
        words = "; ".join(_CONTROL_WORDS[c] for c in missing)
        steps.append(Step(f"Fix what let this happen. Missing on your profile: {words}."))
    if incident.type in _VENDOR:
        steps.append(Step("Review the business associate agreement and the vendor's security before renewing."))
    steps.append(Step("Hold a short lessons-learned meeting and write (or update) the incident response plan."))
    return steps


def build_playbook(incident: Incident, profile: PracticeProfile, report: ObligationsReport, *,
                   hotline: str | None = None) -> Playbook:
    """The checklist for ``incident`` at the practice described by ``profile``, with ``report``'s deadlines.

    ``hotline``: the insurer's breach hotline as printed on the policy (a placeholder is used when None).
    """
    hotline = hotline or HOTLINE_PLACEHOLDER
    summary = [f"{incident.entity}: {_scenario_words(incident.type)} incident {incident.incident_id}, "
               f"discovered {incident.discovered:%d %B %Y}, {incident.total_affected} patients affected."]
    summary.append("This is treated as a reportable breach: patients and others must be notified by the dates "
                   "below." if report.reportable else
                   "On the facts entered this is not a reportable breach; keep the proof.")
    if incident.role is Role.BUSINESS_ASSOCIATE:
        summary.append("You are the vendor (business associate): your legal duty is to tell the practice.")
    warnings = list(report.warnings)
    ca = "CA" in incident.affected_by_state
    if ca and profile.cdph_licensed_facility and incident.cdph_licensed_facility is not True:
        warnings.append("The profile says the practice is licensed by CDPH but the incident does not "
                        "(cdph_licensed_facility): set it to true in the incident and re-run, so the 15-business-"
                        "day dates of Cal. Health & Safety Code 1280.15 are scheduled.")
    elif ca and incident.cdph_licensed_facility is True and not profile.cdph_licensed_facility:
        warnings.append("The incident says the entity is CDPH-licensed but the profile does not "
                        "(cdph_licensed_facility): correct whichever is wrong.")
    if profile.name.strip().lower() != incident.entity.strip().lower():
        warnings.append(f"The profile is for {profile.name!r} but the incident names {incident.entity!r}.")
    phases = (
        Phase("Call first (the first hour)", tuple(_call_first(incident, profile, hotline))),
        Phase("First 72 hours", tuple(_first_72_hours(incident, profile) + _facts_to_find(incident, report))),
        Phase("Evidence to preserve", tuple(_evidence(incident))),
        Phase("What not to do", tuple(_do_not(incident))),
        Phase("Next 60 days: notices and deadlines", tuple(_next_60_days(report))),
        Phase("After", tuple(_after(incident, profile, report))),
    )
    return Playbook(incident_id=incident.incident_id, entity=incident.entity, scenario=incident.type,
                    discovered=incident.discovered, reportable=report.reportable, summary=tuple(summary),
                    phases=phases, deadlines=tuple(o for o in report.obligations if o.deadline is not None),
                    warnings=tuple(warnings))


# ------------------------------------------------------------------------------------------------ rendering
def _due(step: Step) -> str:
    return f"BY {step.due:%a %d %b %Y}: " if step.due else ""


def render_playbook_text(pb: Playbook) -> str:
    """Plain text, one checkbox per line, deadlines first on their line."""
    lines = [f"INCIDENT PLAYBOOK - {pb.entity} - {pb.incident_id}", ""]
    lines += list(pb.summary)
    for phase in pb.phases:
        lines += ["", phase.title.upper(), "-" * len(phase.title)]
        for step in phase.steps:
            cite = f" [{step.citation}]" if step.citation else ""
            lines.append(f"[ ] {_due(step)}{step.text}{cite}")
    if pb.warnings:
        lines += ["", "WARNINGS", "--------"] + [f"! {w}" for w in pb.warnings]
    return "\n".join(lines) + "\n"


def render_playbook_markdown(pb: Playbook) -> str:
    """Markdown with task-list checkboxes; deadlines in bold."""
    lines = [f"# Incident playbook: {pb.entity} ({pb.incident_id})", ""]
    lines += [f"{s}  " for s in pb.summary]
    for phase in pb.phases:
        lines += ["", f"## {phase.title}", ""]
        for step in phase.steps:
            due = f"**by {step.due:%a %d %b %Y}** - " if step.due else ""
            cite = f" _({step.citation})_" if step.citation else ""
            lines.append(f"- [ ] {due}{step.text}{cite}")
    if pb.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in pb.warnings]
    return "\n".join(lines) + "\n"


__all__ = ["HOTLINE_PLACEHOLDER", "Phase", "Playbook", "Step", "build_playbook", "render_playbook_markdown",
           "render_playbook_text"]
