"""``cyberrx threats ...``: known exploited vulnerabilities matched to a practice, HC3-form publications, alerts.

``match`` (and ``assess`` and ``quote`` for a profile that lists ``technology``) use the newest feed imported
into the configured database, else the CISA KEV snapshot shipped in the package: nothing downloads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberrx.cli import CONTEXT_SETTINGS

if TYPE_CHECKING:
    from cyberrx.domain.profile import PracticeProfile
    from cyberrx.domain.results import ThreatSummary
    from cyberrx.domain.threats import Feed

app = typer.Typer(name="threats", help="Threats: known exploited vulnerabilities matched to a practice, HC3-form "
                                       "publications, alerts.", no_args_is_help=True,
                  context_settings=CONTEXT_SETTINGS)

#: the findings the text output lists (every urgent one, then the earliest due); --json lists all
TEXT_ROWS = 25
#: the most bytes ``threats import`` reads from a file or an address
MAX_FEED_BYTES = 50 * 1024 * 1024


def _database_exists(url: str) -> bool:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).exists()
    return True


def configured_feed() -> tuple[Feed, str]:
    """The newest feed in the configured database, else the shipped KEV snapshot; and where it came from."""
    from sqlalchemy.exc import SQLAlchemyError

    from cyberrx.app.threats import current_feed
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings
    from cyberrx.threats.kev import shipped_kev

    settings = load_settings()
    url = settings.resolved_database_url()
    if not _database_exists(url):
        return shipped_kev(), "the KEV snapshot shipped with cyberrx"
    store = build_store(settings)
    try:
        feed, feed_id = current_feed(store)
    except SQLAlchemyError:           # a database without the threat tables (not migrated yet)
        return shipped_kev(), "the KEV snapshot shipped with cyberrx (the database holds no feed table)"
    finally:
        store.dispose()
    return feed, ("the KEV snapshot shipped with cyberrx" if feed_id is None else f"feed {feed_id} in the database")


def threat_profile(profile: PracticeProfile) -> tuple[PracticeProfile, ThreatSummary | None]:
    """For ``assess`` and ``quote``: the profile with the exposures of its open urgent findings and their
    summary; a profile without ``technology`` is returned as it is (its figures are today's)."""
    if not profile.technology:
        return profile, None
    from cyberrx.app.threats import with_threats

    feed, _ = configured_feed()
    p, summary, _ = with_threats(profile, feed)
    return p, summary


def summary_lines(summary: ThreatSummary) -> list[str]:
    """The summary in words, for the text outputs of ``assess`` and ``quote``."""
    lines = [f"Known exploited vulnerabilities ({summary.feed}): {summary.findings} finding(s) on your systems"
             + (f", {summary.unknown} system(s) not recognised" if summary.unknown else "") + "."]
    if summary.urgent:
        raised = ", ".join(f"{s.value} x{m:g}" for s, m in summary.frequency_multipliers.items())
        lines.append(f"Urgent (internet-facing, used by ransomware): {'; '.join(summary.urgent)}.")
        lines.append(f"While open they raise the yearly frequency of: {raised}.")
    return lines


@app.command("import")
def import_cmd(
    file: Path | None = typer.Argument(None, help="A CISA KEV JSON catalog or a STIX 2.1 bundle (JSON). Without "
                                                  "it: the address in CYBERRX_THREAT_FEED_URL."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import a threat feed into the configured database: validated, versioned, idempotent and recorded."""
    from cyberrx.app.threats import import_feed
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings
    from cyberrx.errors import InvalidInput

    settings = load_settings()
    if file is not None:
        source = str(file)
        try:
            if file.stat().st_size > MAX_FEED_BYTES:
                raise InvalidInput(f"{file.stat().st_size:,} bytes", field="FILE",
                                   allowed=f"at most {MAX_FEED_BYTES:,} bytes", source=source)
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInput("file not found", source=source) from None
    elif settings.threat_feed_url:
        source = settings.threat_feed_url
        text = _fetch(source)
    else:
        raise InvalidInput("no feed given", field="FILE", allowed="a file, or CYBERRX_THREAT_FEED_URL set")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: {exc}", source=source) from None
    store = build_store(settings)
    try:
        store.upgrade()
        out = import_feed(store, None, data, source=source)
    finally:
        store.dispose()
    if json_out:
        typer.echo(json.dumps(out, indent=2))
        return
    state = "imported" if out["new"] else "already held (nothing changed; the import is recorded)"
    typer.echo(f"{out['kind'].upper()} feed {out['version']}: {out['entries']:,} entries, {state}.")
    typer.echo(f"feed id {out['id']}, sha256 {out['digest'][:16]}...")


def _fetch(url: str) -> str:
    """The body at ``url`` (http or https only, at most MAX_FEED_BYTES)."""
    import urllib.request

    from cyberrx.errors import InvalidInput

    if not url.startswith(("https://", "http://")):
        raise InvalidInput(f"{url!r} is not an http(s) address", field="CYBERRX_THREAT_FEED_URL")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body: bytes = response.read(MAX_FEED_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot fetch the feed: {exc}", field="CYBERRX_THREAT_FEED_URL") from None
    if len(body) > MAX_FEED_BYTES:
        raise InvalidInput("the feed is too large", field="CYBERRX_THREAT_FEED_URL",
                           allowed=f"at most {MAX_FEED_BYTES:,} bytes")
    return body.decode("utf-8")


@app.command("match")
def match_cmd(
    profile: Path = typer.Argument(..., help="Practice profile (YAML or JSON) with its technology inventory."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: {\"findings\": [...], \"unknown\": [...]}."),
    feed_file: Path | None = typer.Option(None, "--feed", help="Match against this KEV or STIX file instead."),
) -> None:
    """Which known exploited vulnerabilities concern the practice's systems: one finding per system and CVE."""
    from cyberrx.domain import PracticeProfile, load_model
    from cyberrx.threats.matching import match

    practice = load_model(PracticeProfile, profile)
    if feed_file is not None:
        from cyberrx.app.threats import parse_feed
        from cyberrx.domain.parsing import read_document

        feed, where = parse_feed(read_document(feed_file), source=str(feed_file)), str(feed_file)
    else:
        feed, where = configured_feed()
    result = match(practice, feed)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    _render_match(practice, result.to_dict(), f"{feed.kind.upper()} {feed.version} ({where})")


def _render_match(practice: PracticeProfile, data: dict[str, Any], where: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from cyberrx.domain.threats import Finding
    from cyberrx.threats.risk import finding_hicp, is_small

    out = Console()
    findings = data["findings"]
    shown = [f for f in findings if f["urgent"]]
    shown += [f for f in findings if not f["urgent"]][:max(0, TEXT_ROWS - len(shown))]
    urgent = [f for f in findings if f["urgent"]]
    out.print(f"[bold]{practice.name}[/bold]: {len(findings)} finding(s), {len(urgent)} urgent, against {where}.",
              highlight=False)
    if findings:
        table = Table(show_lines=False)
        for col in ("CVE", "product", "how", "version", "urgent", "due"):
            table.add_column(col, no_wrap=col in ("CVE", "due"))
        for f in shown:
            version = {True: "affected", None: "unknown"}.get(f["version_affected"], "no")
            table.add_row(f["cve"], f["product"], f["matched_by"], version,
                          "URGENT" if f["urgent"] else ("ransomware" if f["known_ransomware"] else ""),
                          f["due_date"] or "")
        out.print(table)
        if len(shown) < len(findings):
            out.print(f"... and {len(findings) - len(shown)} more (--json lists them all)", highlight=False)
        small = is_small(practice)
        first = Finding.from_dict(urgent[0] if urgent else findings[0])
        hicp = "; ".join(f"{h.practice} {h.name} ({h.sub_practice})" for h in finding_hicp(first, small))
        out.print(f"What to do: {first.required_action}", highlight=False)
        out.print(f"405(d) HICP ({'small' if small else 'medium/large'} practices): {hicp}", highlight=False)
    for u in data["unknown"]:
        out.print(f"[yellow]not recognised[/yellow] {u['field']}: {u['reason']}", highlight=False)


@app.command("publish")
def publish_cmd(
    doc: Path | None = typer.Argument(None, help="A publication in Markdown with front matter (see README)."),
    draft: str | None = typer.Option(None, "--draft", help="Draft a sector alert from this KEV CVE instead (the "
                                                          "insureds it concerns are read from the database)."),
    out: Path | None = typer.Option(None, "--out", help="Write here: .html or .pdf (default: HTML to stdout)."),
    json_out: bool = typer.Option(False, "--json", help="Print the publication as JSON."),
) -> None:
    """Render an HC3-form publication (threat briefing, sector alert, analyst note) as HTML or PDF."""
    from cyberrx.errors import InvalidInput
    from cyberrx.reports.documents.publication import publication_view, render_html, render_pdf
    from cyberrx.threats.publications import parse_markdown

    names: dict[str, str] = {}
    if (doc is None) == (draft is None):
        raise InvalidInput("give a Markdown document or --draft CVE (one of them)", field="DOC")
    if doc is not None:
        try:
            pub = parse_markdown(doc.read_text(encoding="utf-8"), source=str(doc))
        except FileNotFoundError:
            raise InvalidInput("file not found", source=str(doc)) from None
        if pub.cves and not pub.insureds:       # the insureds it concerns: those whose systems its CVEs hit
            names = _concerned(set(pub.cves))
            pub = pub.model_copy(update={"insureds": sorted(names)})
    else:
        pub, names = _draft(str(draft))
    if json_out:
        typer.echo(json.dumps(pub.to_dict(), indent=2))
        return
    view = publication_view(pub, names)
    if out is None:
        typer.echo(render_html(view))
        return
    if out.suffix.lower() == ".pdf":
        out.write_bytes(render_pdf(view))
    elif out.suffix.lower() in (".html", ".htm"):
        out.write_text(render_html(view), encoding="utf-8")
    else:
        raise InvalidInput(f"{out.suffix or 'no suffix'}", field="--out", allowed=".html or .pdf")
    typer.echo(f"{pub.tlp} {pub.form} {pub.identifier} written to {out} ({len(pub.sections)} sections, "
               f"{len(pub.insureds)} insured(s))")


def _draft(cve: str) -> tuple[Any, dict[str, str]]:
    """A sector alert from the KEV entry ``cve`` with the insureds whose latest profile it concerns."""
    from datetime import date

    from cyberrx.errors import InvalidInput
    from cyberrx.threats.publications import draft_from_kev
    from cyberrx.threats.risk import hicp_link

    feed, _ = configured_feed()
    entry = next((e for e in feed.entries if e.cve == cve.strip().upper()), None)
    if entry is None:
        raise InvalidInput(f"{cve} is not in the feed", field="--draft", allowed="a CVE of the current feed")
    names = _concerned({entry.cve}, feed)
    pub = draft_from_kev(entry, sorted(names), [hicp_link("vulnerability", True), hicp_link("vulnerability", False)],
                         day=date.today())
    return pub, names


def _concerned(cves: set[str], feed: Any = None) -> dict[str, str]:
    """The insured practices (id -> name) in the configured database whose latest profile meets one of ``cves``."""
    from cyberrx.domain.profile import PracticeProfile
    from cyberrx.threats.matching import match

    feed = feed if feed is not None else configured_feed()[0]
    return {pid: name for pid, name, profile in _insureds()
            if any(f.cve in cves for f in match(PracticeProfile.model_validate(profile), feed).findings)}


def _insureds() -> list[tuple[str, str, dict[str, Any]]]:
    """Every practice in the configured database with its latest profile (none when there is no database)."""
    from sqlalchemy.exc import SQLAlchemyError

    from cyberrx.adapters.store import Order
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings

    settings = load_settings()
    if not _database_exists(settings.resolved_database_url()):
        return []
    store = build_store(settings)
    try:
        with store.reading(None) as tx:
            orgs, _ = tx.organisations.list({"kind": "practice"}, Order("name", False, "id"), 10_000, 0)
            return [(o.id, o.name, tx.profiles.latest(o.id).profile) for o in orgs]
    except SQLAlchemyError:
        return []
    finally:
        store.dispose()


@app.command("alerts")
def alerts_cmd(
    run: bool = typer.Option(False, "--run", help="Match every practice against the newest feed first: new "
                                                 "findings become alerts, mailed through the outbox."),
    remind: bool = typer.Option(False, "--remind", help="Queue reminders for urgent alerts not acknowledged."),
    days: int | None = typer.Option(None, "--days", min=0, max=365, help="Remind after this many days (default "
                                                                          "threats_risk.yaml)."),
    send: bool = typer.Option(False, "--send", help="Send the outbox over SMTP (CYBERRX_SMTP_HOST/PORT)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Alerts of every carrier (the operator): run the matching, queue reminders, send the outbox, list them."""
    from cyberrx.adapters.mail import SmtpSender
    from cyberrx.adapters.store import Order
    from cyberrx.app import threats as uc
    from cyberrx.app.threats import alert_dict
    from cyberrx.bootstrap import build_store
    from cyberrx.config import load_settings

    settings = load_settings()
    store = build_store(settings)
    report: dict[str, Any] = {}
    try:
        store.upgrade()
        if run:
            report["run"] = uc.run_alerts_system(store)
        if remind:
            report["reminders"] = uc.remind(store, days=days)
        if send:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
            report["sent"] = uc.drain_outbox(store, SmtpSender(
                settings.smtp_host, settings.smtp_port, settings.mail_from, settings.smtp_starttls,
                settings.smtp_username, password))
        with store.reading(None) as tx:
            rows, total = tx.threat_alerts.list({}, Order("created_at", True, "id"), 200, 0)
            report["alerts"] = [alert_dict(a) for a in rows]
            report["total"] = total
    finally:
        store.dispose()
    if json_out:
        typer.echo(json.dumps(report, indent=2))
        return
    for key in ("run", "reminders", "sent"):
        if key in report:
            typer.echo(f"{key}: " + ", ".join(f"{k} {v}" for k, v in report[key].items() if k != "feed"))
    typer.echo(f"{report['total']} alert(s){' (newest 200 shown)' if report['total'] > 200 else ''}")
    for a in report["alerts"]:
        state = "acknowledged" if a["acknowledged_at"] else ("URGENT, open" if a["urgent"] else "open")
        typer.echo(f"  {a['created_at'][:10]}  {a['cve']:<16} {a['product']:<24} {state:<14} practice "
                   f"{a['practice_id'][:8]}")
