"""Use cases of threat intelligence (issue 15): import a feed, match a practice, raise and acknowledge alerts,
remind, drain the mail outbox, and what the threats do to an assessment or a quote.

Feeds are public data (no tenant); alerts belong to one practice and are seen, as every tenant-owned row, by the
practice, its brokerage and its carrier (the repositories of the caller's scope hold nothing else). The feed
``match``, ``assess`` and ``quote`` use is the newest imported into the database, else the KEV snapshot shipped
in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cyberrx.adapters.store.tables import Organisation, OutboxMessage, ThreatAlert, ThreatFeed, ThreatImport
from cyberrx.app import audit
from cyberrx.app.authz import Principal, Role, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, order_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.app.practices import visible_practice
from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import Assessment, ThreatSummary
from cyberrx.domain.threats import Feed, FeedEntry, Finding, Match
from cyberrx.errors import InvalidInput
from cyberrx.threats.catalogue import load_catalogue, load_risk
from cyberrx.threats.kev import parse_kev, shipped_kev
from cyberrx.threats.matching import match
from cyberrx.threats.risk import exposed, finding_hicp, is_small
from cyberrx.threats.stix import import_bundle

#: the most practices one alert run looks at, and the most mails one drain sends
MAX_PRACTICES_PER_RUN = 10_000
MAX_SEND = 1_000
MAX_ATTEMPTS = 5
SYSTEM = "system"


# ---- feeds ---------------------------------------------------------------------------------------------------
def parse_feed(data: Any, source: str | None = None) -> Feed:
    """A KEV catalog or a STIX 2.1 bundle, told apart by its shape."""
    if isinstance(data, dict) and data.get("type") == "bundle":
        return import_bundle(data, source=source)
    if isinstance(data, dict) and "vulnerabilities" in data:
        return parse_kev(data, source=source)
    raise InvalidInput("not a threat feed", field="(document)",
                       allowed="a CISA KEV catalog (catalogVersion, vulnerabilities) or a STIX 2.1 bundle",
                       source=source)


def feed_dict(row: ThreatFeed, new: bool | None = None) -> dict[str, Any]:
    out = {"id": row.id, "kind": row.kind, "version": row.version, "released": row.released, "digest": row.digest,
           "entries": row.entry_count, "imported_at": iso(row.imported_at), "imported_by": row.imported_by}
    if new is not None:
        out["new"] = new
    return out


def import_feed(uow: UnitOfWork, principal: Principal | None, data: Any, *, source: str = "upload",
                ports: Ports | None = None) -> dict[str, Any]:
    """Import a feed: validated, versioned, idempotent (the same content is stored once: ``new`` false the second
    time) and recorded (every attempt, new or not). ``principal`` None: the operator's command."""
    ports = ports or default_ports()
    if principal is not None:
        require(principal, "threat.import")
    feed = parse_feed(data, source)
    by = principal.user_id if principal is not None else SYSTEM
    with uow.writing(None) as tx:
        row = tx.threat_feeds.by_digest(feed.digest)
        new = row is None
        if row is None:
            row = tx.threat_feeds.add(ThreatFeed(
                id=ports.ids.new(), kind=feed.kind, version=feed.version[:200], released=feed.released,
                digest=feed.digest, entries={"entries": [e.to_dict() for e in feed.entries]},
                entry_count=len(feed.entries), imported_at=ports.clock.now(), imported_by=by))
        tx.threat_feeds.record(ThreatImport(id=ports.ids.new(), feed_id=row.id, new=new, source=source[:500],
                                            at=ports.clock.now(), by=by))
        tx.commit()
        return feed_dict(row, new)


def feed_of(row: ThreatFeed) -> Feed:
    return Feed(kind=row.kind, version=row.version, released=row.released, digest=row.digest,  # type: ignore[arg-type]
                entries=[FeedEntry.from_dict(e) for e in row.entries["entries"]])


def current_feed(uow: UnitOfWork | None) -> tuple[Feed, str | None]:
    """The newest feed imported into the database and its id, else the shipped KEV snapshot (id None)."""
    if uow is not None:
        with uow.reading(None) as tx:
            row = tx.threat_feeds.newest()
            if row is not None:
                return feed_of(row), row.id
    return shipped_kev(), None


def list_feeds(uow: UnitOfWork, principal: Principal, page: PageRequest) -> Page:
    require(principal, "threat.read")
    with uow.reading(None) as tx:
        rows, total = tx.threat_feeds.list(page.limit, page.offset)
        return Page([feed_dict(r) for r in rows], total, page.limit, page.offset)


# ---- a practice against a feed ----------------------------------------------------------------------------------
def summary(feed: Feed, m: Match, profile: PracticeProfile) -> ThreatSummary:
    """What the practice's inventory meets in ``feed`` and the multipliers its open urgent findings put on."""
    largest: dict[str, float] = {}
    for e in profile.exposures:
        for s in e.scenarios:
            largest[s.value] = max(largest.get(s.value, 1.0), e.frequency_multiplier)
    return ThreatSummary.model_validate({
        "feed": f"{feed.kind} {feed.version}", "findings": len(m.findings),
        "urgent": [f"{f.cve} on {f.product}" for f in m.findings if f.urgent], "frequency_multipliers": largest,
        "unknown": len(m.unknown)})


def with_threats(profile: PracticeProfile, feed: Feed) -> tuple[PracticeProfile, ThreatSummary | None, Match | None]:
    """The profile carrying the exposures of its open urgent findings in ``feed``, with their summary; a profile
    that lists no ``technology`` is returned as it is (None, None): its figures are the model's without threats."""
    if not profile.technology:
        return profile, None, None
    m = match(profile, feed)
    p = exposed(profile, m.findings)
    return p, summary(feed, m, p), m


def threats_for(uow: UnitOfWork, profile: PracticeProfile) -> tuple[PracticeProfile, ThreatSummary | None]:
    """:func:`with_threats` against the current feed of ``uow``'s database (the database is not read for a
    profile without ``technology``)."""
    if not profile.technology:
        return profile, None
    feed, _ = current_feed(uow)
    p, s, _ = with_threats(profile, feed)
    return p, s


def assess_with_threats(profile: PracticeProfile, feed: Feed, **kwargs: Any) -> Assessment:
    """:func:`cyberrx.app.assess.assess` on the profile with its open urgent findings, the summary attached."""
    from cyberrx.app.assess import assess

    p, s, _ = with_threats(profile, feed)
    result = assess(p, **kwargs)
    return result if s is None else result.model_copy(update={"threats": s})


def findings_dict(m: Match, profile: PracticeProfile) -> dict[str, Any]:
    """The match as the API returns it: ``findings`` (each with its HICP practices sized for the practice) and
    ``unknown``."""
    small = is_small(profile)
    cat = load_catalogue()
    return {"findings": [{**f.to_dict(), "hicp": [h.to_dict() for h in finding_hicp(f, small, cat)]}
                         for f in m.findings],
            "unknown": [u.to_dict() for u in m.unknown]}


def practice_findings(uow: UnitOfWork, principal: Principal, practice_id: str) -> dict[str, Any]:
    """The practice's findings against the current feed (its latest profile)."""
    feed, feed_id = current_feed(uow)
    with uow.reading(principal.scope) as tx:
        visible_practice(tx, practice_id)
        require(principal, "threat.read")
        profile = PracticeProfile.model_validate(tx.profiles.latest(practice_id).profile)
    m = match(profile, feed)
    return {"practice_id": practice_id, "feed": {"id": feed_id, "kind": feed.kind, "version": feed.version},
            **findings_dict(m, profile)}


# ---- alerts -----------------------------------------------------------------------------------------------------
def alert_dict(a: ThreatAlert) -> dict[str, Any]:
    return {"id": a.id, "practice_id": a.practice_id, "brokerage_id": a.brokerage_id, "feed_id": a.feed_id,
            "cve": a.cve, "product": a.product, "urgent": a.urgent, "finding": a.finding,
            "created_at": iso(a.created_at), "acknowledged_at": iso(a.acknowledged_at),
            "acknowledged_by": a.acknowledged_by, "reminded_at": iso(a.reminded_at), "reminders": a.reminders}


@dataclass(frozen=True)
class Recipient:
    address: str
    who: str          # "practice", "broker" or "underwriter"


def _recipients(tx: Any, org: Organisation) -> list[Recipient]:
    """The practice's users, its brokerage's brokers and admins, the carrier's underwriters (active users)."""
    out: list[Recipient] = []
    wanted = [(org.id, {Role.PRACTICE_MANAGER, Role.ADMIN}, "practice")]
    if org.brokerage_id:
        wanted.append((org.brokerage_id, {Role.BROKER, Role.ADMIN}, "broker"))
    wanted.append((org.carrier_id, {Role.UNDERWRITER}, "underwriter"))
    from cyberrx.adapters.store import Order

    for org_id, roles, who in wanted:
        users, _ = tx.users.list({"organisation_id": org_id, "active": True}, Order("email", False, "id"), 500, 0)
        out += [Recipient(u.email, who) for u in users if u.role in {r.value for r in roles}]
    return out


def _mail(finding: Finding, practice: str, reminder: bool, patch_days: int) -> tuple[str, str]:
    first = "Reminder: " if reminder else ""
    urgency = "URGENT: " if finding.urgent else ""
    subject = f"{first}{urgency}{finding.cve} concerns {practice}"[:300]
    lines = [
        f"{practice} runs {finding.product} ({finding.vendor}), which has a known exploited vulnerability: "
        f"{finding.cve}.",
        ("It faces the internet and ransomware groups use this flaw: patch it, or take it off the internet, within "
         f"{patch_days} days." if finding.urgent else "Plan the update with your IT provider."),
        f"What to do: {finding.required_action}",
        f"CISA's due date for federal agencies: {finding.due_date.isoformat() if finding.due_date else 'none'}.",
        "Acknowledge the alert in cyberrx once it is handled.",
    ]
    return subject, "\n\n".join(lines)


def run_alerts(uow: UnitOfWork, principal: Principal, *, practice_ids: Sequence[str] | None = None,
               ports: Ports | None = None) -> dict[str, Any]:
    """Match every practice the caller sees (or ``practice_ids``) against the current feed; a finding not yet
    alerted becomes an alert, and a mail for the practice, its broker and the carrier's underwriters goes to the
    outbox. Running it again adds nothing for the same findings."""
    if practice_ids:                 # what the caller cannot see is not found, before any permission is told
        with uow.reading(principal.scope) as tx:
            for pid in practice_ids:
                visible_practice(tx, pid)
    require(principal, "threat.alert")
    return _run_alerts(uow, principal.scope, principal, practice_ids, ports or default_ports())


def run_alerts_system(uow: UnitOfWork, *, ports: Ports | None = None) -> dict[str, Any]:
    """The operator's run over every carrier's practices (``cyberrx threats alerts --run``)."""
    return _run_alerts(uow, None, None, None, ports or default_ports())


def _run_alerts(uow: UnitOfWork, scope: Any, principal: Principal | None, practice_ids: Sequence[str] | None,
                ports: Ports) -> dict[str, Any]:
    from cyberrx.adapters.store import Order

    feed, feed_id = current_feed(uow)
    patch_days = load_risk().patch_within_days
    created, mails, practices = 0, 0, 0
    with uow.writing(scope) as tx:
        if practice_ids is not None:
            orgs = [visible_practice(tx, pid) for pid in practice_ids]
        else:
            orgs, _ = tx.organisations.list({"kind": "practice"}, Order("created_at", False, "id"),
                                            MAX_PRACTICES_PER_RUN, 0)
        for org in orgs:
            practices += 1
            profile = PracticeProfile.model_validate(tx.profiles.latest(org.id).profile)
            if not profile.technology and profile.remote_access.value != "rdp_exposed":
                continue
            recipients: list[Recipient] | None = None
            for f in match(profile, feed).findings:
                if tx.threat_alerts.find(org.id, f.cve, f.product) is not None:
                    continue
                row = tx.threat_alerts.add(ThreatAlert(
                    id=ports.ids.new(), carrier_id=org.carrier_id, brokerage_id=org.brokerage_id,
                    practice_id=org.id, feed_id=feed_id, cve=f.cve, product=f.product, urgent=f.urgent,
                    finding=f.to_dict(), created_at=ports.clock.now(), acknowledged_at=None, acknowledged_by=None,
                    reminded_at=None, reminders=0))
                created += 1
                recipients = _recipients(tx, org) if recipients is None else recipients
                subject, body = _mail(f, org.name, False, patch_days)
                for r in recipients:
                    tx.outbox.add(OutboxMessage(id=ports.ids.new(), carrier_id=org.carrier_id, alert_id=row.id,
                                                kind="alert", to_address=r.address, subject=subject, body=body,
                                                created_at=ports.clock.now(), sent_at=None, attempts=0,
                                                last_error=None))
                    mails += 1
        if principal is not None and created:
            audit.record(tx, ports.clock, principal, "threat.alerts", "feed", feed_id or "shipped", None,
                         {"alerts": created, "mails": mails, "practices": practices})
        tx.commit()
    return {"feed": {"id": feed_id, "kind": feed.kind, "version": feed.version}, "practices": practices,
            "alerts": created, "mails": mails}


def list_alerts(uow: UnitOfWork, principal: Principal, page: PageRequest, *, practice_id: str | None = None,
                urgent: bool | None = None, acknowledged: bool | None = None) -> Page:
    require(principal, "threat.read")
    order = order_of(page, {"created_at": "created_at", "cve": "cve"}, "id")
    where: dict[str, Any] = {}
    if practice_id:
        where["practice_id"] = practice_id
    if urgent is not None:
        where["urgent"] = urgent
    with uow.reading(principal.scope) as tx:
        rows, total = tx.threat_alerts.list(where, order, page.limit, page.offset)
        items = [alert_dict(a) for a in rows]
    if acknowledged is not None:      # a filter on a nullable column: applied to the page
        items = [a for a in items if (a["acknowledged_at"] is not None) == acknowledged]
    return Page(items, total, page.limit, page.offset)


def acknowledge(uow: UnitOfWork, principal: Principal, alert_id: str, *, ports: Ports | None = None) -> dict[str, Any]:
    """The practice says the alert is handled (patched, taken off the internet, or not applicable). Idempotent:
    a second acknowledgement keeps the first one's time and author."""
    ports = ports or default_ports()
    with uow.writing(principal.scope) as tx:
        row = tx.threat_alerts.get(alert_id, lock=True)
        if row is None:
            raise not_found("alert", alert_id)
        require(principal, "threat.acknowledge")
        if row.acknowledged_at is None:
            row.acknowledged_at = ports.clock.now()
            row.acknowledged_by = principal.user_id
            audit.record(tx, ports.clock, principal, "threat.acknowledge", "alert", row.id, None,
                         {"practice_id": row.practice_id, "cve": row.cve, "product": row.product})
        out = alert_dict(row)
        tx.commit()
        return out


def remind(uow: UnitOfWork, *, days: int | None = None, ports: Ports | None = None,
           scope: Any = None) -> dict[str, Any]:
    """Queue a reminder for every urgent alert not acknowledged ``days`` after it was raised (default
    threats_risk.yaml ``alerts.reminder_after_days``), again every ``days`` until acknowledged."""
    ports = ports or default_ports()
    n_days = load_risk().reminder_after_days if days is None else days
    if not 0 <= n_days <= 365:
        raise InvalidInput(f"{n_days} days", field="days", allowed="0 to 365")
    now = ports.clock.now()
    cutoff = now - timedelta(days=n_days)
    patch_days = load_risk().patch_within_days
    queued = 0
    with uow.writing(scope) as tx:
        for a in tx.threat_alerts.due_reminders(cutoff, cutoff):
            org = tx.organisations.get(a.practice_id)
            finding = Finding.from_dict(a.finding)
            subject, body = _mail(finding, org.name if org else a.practice_id, True, patch_days)
            for r in _recipients(tx, org) if org else []:
                tx.outbox.add(OutboxMessage(id=ports.ids.new(), carrier_id=a.carrier_id, alert_id=a.id,
                                            kind="reminder", to_address=r.address, subject=subject, body=body,
                                            created_at=now, sent_at=None, attempts=0, last_error=None))
                queued += 1
            a.reminded_at = now
            a.reminders = (a.reminders or 0) + 1
        tx.commit()
    return {"reminders": queued, "after_days": n_days}


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def drain_outbox(uow: UnitOfWork, send: Callable[[Mail], None], *, limit: int = MAX_SEND,
                 ports: Ports | None = None) -> dict[str, int]:
    """Send the unsent mails (oldest first) through ``send`` (the SMTP adapter, or a fake); each is marked sent
    in its own transaction, so a failure part-way never sends one twice nor loses one."""
    ports = ports or default_ports()
    sent = failed = 0
    with uow.reading(None) as tx:
        pending = [(m.id, Mail(m.to_address, m.subject, m.body)) for m in tx.outbox.unsent(limit, MAX_ATTEMPTS)]
    for mail_id, mail in pending:
        error: str | None = None
        try:
            send(mail)
        except OSError as exc:          # smtplib's errors are OSErrors
            error = f"{exc.__class__.__name__}: {exc}"[:1000]
        with uow.writing(None) as tx:
            row = tx.outbox.get(mail_id)
            row.attempts = (row.attempts or 0) + 1
            if error is None:
                row.sent_at = ports.clock.now()
                sent += 1
            else:
                row.last_error = error
                failed += 1
            tx.commit()
    return {"sent": sent, "failed": failed}


__all__ = ["Mail", "acknowledge", "alert_dict", "assess_with_threats", "current_feed", "drain_outbox", "feed_of",
           "findings_dict", "import_feed", "list_alerts", "list_feeds", "parse_feed", "practice_findings", "remind",
           "run_alerts", "run_alerts_system", "summary", "threats_for", "with_threats"]
