"""Alerts through the API: a carrier imports a feed (idempotent), raises alerts; the practice, its broker and the
carrier's underwriters see them, nobody else; the practice acknowledges; urgent alerts not acknowledged are
reminded; the outbox is drained over SMTP into a local sink on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.service.world import PASSWORD, auth, fast_ports, ok, profile

from cyberrx.adapters.mail import SmtpSender
from cyberrx.adapters.store import Store
from cyberrx.app import accounts
from cyberrx.app import threats as uc
from cyberrx.domain.threats import Feed
from cyberrx.threats.kev import digest, shipped_kev, to_kev

CVES = ("CVE-2024-21762", "CVE-2018-13379", "CVE-2023-43208", "CVE-2019-19781", "CVE-2024-1709")


def small_kev() -> dict[str, Any]:
    entries = [e for e in shipped_kev().entries if e.cve in CVES]
    feed = Feed(kind="kev", version="2025.08.25-test", released="2025-08-25T00:00:00.000Z", digest=digest(entries),
                entries=entries)
    return to_kev(feed)


FORTIGATE = {"vendor": "Fortinet", "product": "FortiGate", "version": "7.2.6", "internet_facing": True}
MIRTH = {"vendor": "NextGen Healthcare", "product": "Mirth Connect", "version": "4.3.0"}
SCREENCONNECT = {"vendor": "ConnectWise", "product": "ScreenConnect", "version": "23.9.7"}


@dataclass
class Carrier:
    id: str
    tokens: dict[str, str] = field(default_factory=dict)
    practices: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def h(self, role: str) -> dict[str, str]:
        return auth(self.tokens[role])


def _user(client: TestClient, c: Carrier, admin: str, org: str, role: str, key: str, tag: str) -> None:
    email = f"{key}-{tag}@example.org"
    ok(client.post("/users", headers=auth(admin), json={"organisation_id": org, "email": email, "name": key,
                                                        "role": role, "password": PASSWORD}), 201)
    c.tokens[key] = ok(client.post("/auth/login", json={"email": email, "password": PASSWORD}))["token"]
    c.emails[key] = email


def make_carrier(client: TestClient, store: Store) -> Carrier:
    """A carrier with an underwriter, a brokerage with a broker, a brokered practice running an internet-facing
    FortiGate and its IT provider's ScreenConnect, a direct practice running Mirth Connect inside its network;
    a manager per practice."""
    tag = uuid.uuid4().hex[:10]
    carrier = accounts.create_carrier(store, f"Carrier {tag}")
    admin_email = f"admin-{tag}@carrier.example"
    accounts.create_user_unchecked(store, carrier["id"], admin_email, "Admin", "admin", PASSWORD, ports=fast_ports())
    admin = ok(client.post("/auth/login", json={"email": admin_email, "password": PASSWORD}))["token"]
    c = Carrier(carrier["id"])
    c.tokens["admin"] = admin
    brokerage = ok(client.post("/organisations", headers=auth(admin), json={"kind": "brokerage",
                                                                          "name": f"Brokers {tag}"}), 201)
    _user(client, c, admin, carrier["id"], "underwriter", "underwriter", tag)
    _user(client, c, admin, brokerage["id"], "broker", "broker", tag)
    brokered = profile(f"Brokered {tag}") | {"technology": [FORTIGATE, SCREENCONNECT]}
    direct = profile(f"Direct {tag}") | {"technology": [MIRTH]}
    c.practices["brokered"] = ok(client.post("/practices", headers=c.h("broker"), json={"profile": brokered}),
                                 201)["id"]
    c.practices["direct"] = ok(client.post("/practices", headers=c.h("underwriter"), json={"profile": direct}),
                               201)["id"]
    _user(client, c, admin, c.practices["brokered"], "practice_manager", "manager_b", tag)
    _user(client, c, admin, c.practices["direct"], "practice_manager", "manager_d", tag)
    return c


@pytest.fixture(scope="module")
def world(client: TestClient, store: Store) -> tuple[Carrier, Carrier]:
    a, b = make_carrier(client, store), make_carrier(client, store)
    first = client.post("/threats/feeds", headers=a.h("underwriter"), json={"feed": small_kev(), "source": "test"})
    assert first.status_code in (200, 201), first.text          # 200: another module's store already holds it
    for carrier in (a, b):
        ok(client.post("/threats/alerts/run", headers=carrier.h("underwriter"), json={}))
    return a, b


def alerts(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    return ok(client.get("/threats/alerts", headers=headers, params={"limit": 200, **params}))["items"]


def test_a_feed_import_is_validated_idempotent_and_recorded(client: TestClient, world: tuple[Carrier, Carrier],
                                                            store: Store) -> None:
    a, _ = world
    again = ok(client.post("/threats/feeds", headers=a.h("admin"), json={"feed": small_kev(), "source": "again"}))
    assert again["new"] is False and again["entries"] == len(CVES)
    with store.reading(None) as tx:
        sources = [i.source for i in tx.threat_feeds.imports(again["id"])]
    assert "again" in sources and len(sources) >= 2
    bad = small_kev()
    bad["vulnerabilities"][0]["dueDate"] = "soon"
    r = client.post("/threats/feeds", headers=a.h("admin"), json={"feed": bad})
    assert r.status_code == 422 and "vulnerabilities[0].dueDate" in r.text
    assert client.post("/threats/feeds", headers=a.h("broker"), json={"feed": small_kev()}).status_code == 403


def test_each_practice_sees_only_its_own_alerts(client: TestClient, world: tuple[Carrier, Carrier]) -> None:
    a, b = world
    mine = alerts(client, a.h("manager_b"))
    assert mine and {x["practice_id"] for x in mine} == {a.practices["brokered"]}
    assert {x["cve"] for x in mine} >= {"CVE-2024-21762"}
    fortios = next(x for x in mine if x["cve"] == "CVE-2024-21762")
    assert fortios["urgent"] is True and fortios["finding"]["version_affected"] is True
    other = alerts(client, a.h("manager_d"))
    assert [(x["practice_id"], x["cve"], x["urgent"]) for x in other] == [
        (a.practices["direct"], "CVE-2023-43208", False)]                    # Mirth inside the network
    # the broker sees its client, not the carrier's direct practice; the underwriter sees both
    assert {x["practice_id"] for x in alerts(client, a.h("broker"))} == {a.practices["brokered"]}
    assert {x["practice_id"] for x in alerts(client, a.h("underwriter"))} == set(a.practices.values())
    # the other carrier's people see none of them
    theirs = {x["id"] for role in b.tokens for x in alerts(client, b.h(role))}
    assert not theirs & {x["id"] for x in alerts(client, a.h("underwriter"))}


def test_findings_of_a_practice_are_hidden_from_others(client: TestClient, world: tuple[Carrier, Carrier]) -> None:
    a, b = world
    own = ok(client.get(f"/practices/{a.practices['brokered']}/threats", headers=a.h("manager_b")))
    assert own["feed"]["version"] == "2025.08.25-test" or own["feed"]["kind"] == "kev"
    f = next(x for x in own["findings"] if x["cve"] == "CVE-2024-21762")
    assert [h["practice"] for h in f["hicp"]] == [7, 6]
    for headers in (a.h("manager_d"), b.h("underwriter"), b.h("manager_b"), b.h("broker")):
        r = client.get(f"/practices/{a.practices['brokered']}/threats", headers=headers)
        assert r.status_code == 404 and "CVE-" not in r.text


def test_acknowledgement_is_the_practices_own(client: TestClient, world: tuple[Carrier, Carrier]) -> None:
    a, b = world
    target = next(x for x in alerts(client, a.h("manager_b")) if x["urgent"])
    for headers in (a.h("manager_d"), b.h("manager_b"), b.h("underwriter"), b.h("admin")):
        r = client.post(f"/threats/alerts/{target['id']}/acknowledge", headers=headers)
        assert r.status_code == 404, r.text
    assert client.post(f"/threats/alerts/{target['id']}/acknowledge", headers=a.h("broker")).status_code == 403
    done = ok(client.post(f"/threats/alerts/{target['id']}/acknowledge", headers=a.h("manager_b")))
    assert done["acknowledged_at"] is not None
    again = ok(client.post(f"/threats/alerts/{target['id']}/acknowledge", headers=a.h("manager_b")))
    assert again["acknowledged_at"] == done["acknowledged_at"]
    seen_by_uw = next(x for x in alerts(client, a.h("underwriter")) if x["id"] == target["id"])
    assert seen_by_uw["acknowledged_at"] == done["acknowledged_at"]


def test_running_alerts_again_adds_nothing(client: TestClient, world: tuple[Carrier, Carrier]) -> None:
    a, _ = world
    before = len(alerts(client, a.h("underwriter")))
    run = ok(client.post("/threats/alerts/run", headers=a.h("underwriter"), json={}))
    assert run["alerts"] == 0 and len(alerts(client, a.h("underwriter"))) == before
    assert client.post("/threats/alerts/run", headers=a.h("manager_b"), json={}).status_code == 403


class Sink:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture()
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:            # a free port (aiosmtpd checks its own port on start)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_urgent_alerts_not_acknowledged_are_reminded_and_mails_go_out_over_smtp(
        client: TestClient, world: tuple[Carrier, Carrier], store: Store, smtp_sink: tuple[Sink, int]) -> None:
    a, _ = world
    sink, port = smtp_sink
    send = SmtpSender("127.0.0.1", port, "alerts@carrier.example")
    first = uc.drain_outbox(store, send)
    assert first["failed"] == 0 and first["sent"] > 0
    to_brokered = [m for m in sink.messages if any(a.emails[k] in m[1] for k in ("manager_b", "broker"))]
    assert to_brokered and all("CVE-" in m[2] for m in to_brokered)
    assert any(a.emails["underwriter"] in m[1] for m in sink.messages)
    assert not any(a.emails["manager_d"] in m[1] and "CVE-2024-21762" in m[2] for m in sink.messages)
    assert uc.drain_outbox(store, send) == {"sent": 0, "failed": 0}           # each mail once
    # reminders: the urgent alerts of carrier A not acknowledged (one was acknowledged above)
    urgent_open = [x for x in alerts(client, a.h("underwriter"), urgent=True) if x["acknowledged_at"] is None]
    run = ok(client.post("/threats/reminders/run", headers=a.h("underwriter"), json={"days": 0}))
    assert run["after_days"] == 0 and run["reminders"] >= len(urgent_open) > 0
    reminded = {x["id"] for x in alerts(client, a.h("underwriter")) if x["reminders"] == 1}
    assert reminded == {x["id"] for x in urgent_open}
    sink.messages.clear()
    uc.drain_outbox(store, send)
    assert sink.messages and all("Reminder:" in m[2] for m in sink.messages)
    assert client.post("/threats/reminders/run", headers=a.h("manager_b"), json={}).status_code == 403


def test_the_alerts_page_shows_each_practice_its_own_and_acknowledges(client: TestClient,
                                                                       world: tuple[Carrier, Carrier]) -> None:
    from tests.web.conftest import BROWSER, csrf_of, sign_in

    a, b = world
    with TestClient(client.app, headers=BROWSER) as web:
        sign_in(web, a.emails["manager_d"], PASSWORD)
        page = web.get("/alerts?show=all")
        assert page.status_code == 200 and "CVE-2023-43208" in page.text and "CVE-2024-21762" not in page.text
        assert 'href="/alerts"' in page.text                      # in the navigation
        direct_alert = next(x for x in alerts(client, a.h("manager_d")) if x["cve"] == "CVE-2023-43208")
        r = web.post(f"/alerts/{direct_alert['id']}/acknowledge", data={"csrf_token": csrf_of(page.text)},
                     follow_redirects=False)
        assert r.status_code == 303
        assert "Acknowledged" in web.get("/alerts?show=all").text
        assert "CVE-2023-43208" not in web.get("/alerts").text    # open only: it is handled
        other = next(x for x in alerts(client, a.h("manager_b")) if x["cve"] == "CVE-2024-1709")
        r = web.post(f"/alerts/{other['id']}/acknowledge", data={"csrf_token": csrf_of(page.text)},
                     follow_redirects=False)
        assert r.status_code == 404 and "CVE-2024-1709" not in r.text
    names_a = [ok(client.get(f"/practices/{p}", headers=a.h("underwriter")))["name"] for p in a.practices.values()]
    with TestClient(client.app, headers=BROWSER) as web:
        sign_in(web, b.emails["underwriter"], PASSWORD)
        theirs = web.get("/alerts?show=all").text
        assert "CVE-2024-21762" in theirs                            # carrier B's own book ...
        assert not any(n in theirs for n in names_a)                 # ... and nothing of carrier A's


def test_the_apis_assessment_and_quote_carry_the_open_urgent_findings(client: TestClient,
                                                                      world: tuple[Carrier, Carrier]) -> None:
    a, _ = world
    pid = a.practices["brokered"]
    done = ok(client.post(f"/practices/{pid}/assessments", headers=a.h("underwriter"),
                          json={"trials": 2000, "seed": 7}), 201)
    threats = done["result"]["threats"]
    assert "CVE-2024-21762 on fortios" in threats["urgent"] and threats["frequency_multipliers"]["ransomware"] == 2.5
    q = ok(client.post(f"/practices/{pid}/quotes", headers=a.h("underwriter"),
                       json={"trials": 2000, "seed": 3, "effective": "2026-12-01"}), 201)
    subj = [s for s in q["result"]["options"][0]["subjectivities"] if s["rule"] == "OPEN-URGENT-KEV"]
    assert subj and "CVE-2024-21762" in subj[0]["message"]
