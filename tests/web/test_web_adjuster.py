"""The claims adjuster's pages over the demo world (TestClient): the step table adds up to the cent, a first
notice opens a claim with its deadlines, two adjusters paying at once pay once (409 for the stale form), a
resent form is recorded once, and a broker or a practice manager gets 403 or 404 on every adjuster page (GET and
POST), never data."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import BROWSER, WebWorld, csrf_of, sign_in

ADJUSTER = "adjuster@pelican-mutual.example"
D = Decimal
COLS = ("claimed", "denied", "waiting_period", "after_waiting", "retention", "coinsurance", "sublimit", "layer",
        "aggregate", "payable")


def _money(text: str) -> Decimal:
    return D(unescape(text).strip().replace("$", "").replace(",", ""))


def step_rows(html: str) -> dict[str, dict[str, Decimal]]:
    """The step table's rows (by line index, and "total"), each column's figure."""
    out: dict[str, dict[str, Decimal]] = {}
    for line, body in re.findall(r'<tr data-line="([^"]+)">(.*?)</tr>', html, flags=re.S):
        out[line] = {c: _money(v) for c, v in re.findall(r'data-col="([a-z_]+)">([^<]*)<', body)}
    return out


def adds_up(row: dict[str, Decimal]) -> bool:
    deductions = sum(row.get(c, D(0)) for c in ("denied", "waiting_period", "retention", "coinsurance", "sublimit",
                                                  "layer", "aggregate"))
    return (row["claimed"] - deductions == row["payable"]
            and row["claimed"] - row["denied"] - row["waiting_period"] == row["after_waiting"])


@pytest.fixture()
def adjuster(web_app: Any) -> Any:
    with TestClient(web_app, headers=BROWSER) as c:
        sign_in(c, ADJUSTER)
        yield c


def open_claim(c: TestClient, world: WebWorld, lines: list[dict[str, str]]) -> str:
    """A first notice on the demo policy with a new incident, then ``lines``; the claim's id."""
    form = c.get(f"/claims/new?policy_id={world.demo.policy_id}")
    assert form.status_code == 200
    today = date.today()
    r = c.post("/claims/new", data={
        "csrf_token": csrf_of(form.text), "policy_id": world.demo.policy_id, "cause": "network_intrusion",
        "occurred": (today - timedelta(days=6)).isoformat(), "discovered": (today - timedelta(days=5)).isoformat(),
        "reported": (today - timedelta(days=4)).isoformat(), "description": "Server intrusion found by the MSP.",
        "incident": "new", "type": "network_intrusion", "state-0": "LA", "count-0": "700", "phi_secured": "no"},
        follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]
    claim_id = r.headers["location"].split("/")[2]
    page = c.get(r.headers["location"])
    assert "is open" in page.text and "Breach deadlines" in page.text
    # the deadlines that run from discovery: 60 days for the patients and HHS (700 >= 500 also the media)
    due = (today - timedelta(days=5) + timedelta(days=60))
    assert f"{due.day} {due:%b %Y}" in page.text and "55 days left" in page.text
    data = {"csrf_token": csrf_of(page.text), "version": re.search(r'name="version" value="(\d+)"', page.text)[1],
            "key": re.search(r'name="key" value="([^"]+)"', page.text)[1]}
    for i, line in enumerate(lines):
        data.update({f"{k}-{i}": v for k, v in line.items()})
    for i in range(len(lines), len(lines) + 3):
        data[f"coverage-{i}"] = ""
    saved = c.post(f"/claims/{claim_id}/adjudication", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    return claim_id


def test_the_step_table_of_the_demo_claim_adds_up_to_the_cent(adjuster: TestClient, web_world: WebWorld) -> None:
    html = adjuster.get(f"/claims/{web_world.demo.claim_id}/adjudication").text
    rows = step_rows(html)
    assert set(rows) == {"0", "1", "2", "3", "total"}
    for name, row in rows.items():
        assert adds_up(row), (name, row)
    for col in COLS:
        if col in rows["total"]:
            assert sum(rows[str(i)][col] for i in range(4)) == rows["total"][col], col
    # CLM-DEMO-001 on the demo policy: forensics 45,000 less the 10,000 retention; extortion and BI at 50%
    # coinsurance (MFA on remote access missing); notices paid as claimed
    assert rows["0"]["retention"] == D("10000.00") and rows["0"]["payable"] == D("35000.00")
    assert rows["1"]["coinsurance"] == D("150000.00") and rows["3"]["payable"] == D("21000.00")
    assert "Clause: Condition mfa_remote_access: on breach, coinsurance 50% on extortion" in html


def test_a_first_notice_then_lines_then_two_adjusters_paying_at_once_pay_once(adjuster: TestClient,
                                                                                web_app: Any,
                                                                                web_world: WebWorld) -> None:
    claim_id = open_claim(adjuster, web_world, [{"coverage": "forensics", "amount": "30,000.00"},
                                                {"coverage": "notification", "amount": "12500"}])
    rows = step_rows(adjuster.get(f"/claims/{claim_id}/adjudication").text)
    assert all(adds_up(r) for r in rows.values())
    # forensics 30,000 - 10,000 retention; notification 12,500: 32,500 allowed
    assert rows["total"]["payable"] == D("32500.00")
    with TestClient(web_app, headers=BROWSER) as other:
        sign_in(other, ADJUSTER)
        mine, theirs = adjuster.get(f"/claims/{claim_id}/money").text, other.get(f"/claims/{claim_id}/money").text

        def pay(client: TestClient, page: str, amount: str) -> Any:
            form = page[page.index('action="/claims/' + claim_id + '/money/payment"'):]
            return client.post(f"/claims/{claim_id}/money/payment", follow_redirects=False, data={
                "csrf_token": csrf_of(page), "amount": amount, "note": "forensics firm",
                "version": re.search(r'name="version" value="(\d+)"', form)[1],
                "key": re.search(r'name="key" value="([^"]+)"', form)[1]})

        first = pay(adjuster, mine, "5000")
        assert first.status_code == 303
        second = pay(other, theirs, "5000")
        assert second.status_code == 409
        text = unescape(second.text)
        assert "Conflict (409)" in text and "it is now at version 3" in text and "Nothing was recorded" in text
        assert 'name="version" value="3"' in second.text            # the form to send again is current
        again = pay(adjuster, mine, "5000")                          # the same form sent twice: recorded once
        assert again.status_code == 303 and again.headers["location"].endswith("done=replayed#ledger")
    ledger = adjuster.get(f"/claims/{claim_id}/money").text
    assert ledger.count('class="entry-payment"') == 1
    assert "1 payment, $5,000.00 paid" in ledger


def test_the_deadlines_list_puts_the_overdue_first_and_the_calendar_holds_them(adjuster: TestClient) -> None:
    html = adjuster.get("/deadlines").text
    cells = re.findall(r'<tr(?: class="is-overdue")?><td data-label="Days left">(.*?)</td>', html, flags=re.S)
    days = [unescape(d) for d in cells]
    assert days and "Overdue by" in days[0]                      # the demo's e-mail compromise: 75 days ago
    seen_current = False
    for d in days:
        seen_current = seen_current or "Overdue" not in d
        assert not (seen_current and "Overdue" in d), days
    ics = adjuster.get("/deadlines.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") >= 3 and "CLM-DEMO-001" in ics.text


def test_the_audit_trail_reads_as_a_timeline_with_the_chain_verified(adjuster: TestClient,
                                                                     web_world: WebWorld) -> None:
    claim = unescape(adjuster.get(f"/claims/{web_world.demo.noticed_claim_id}/audit").text)
    assert "Verified." in claim
    order = ["Incident recorded", "First notice of loss", "Loss lines entered", "Reserve set to $20,000.00"]
    where = [claim.index(x) for x in order]
    assert where == sorted(where), where
    assert "by Casey Adjuster (claims adjuster)" in claim
    policy = unescape(adjuster.get(f"/policies/{web_world.demo.policy_id}/audit").text)
    assert "bound" in policy and "Claim CLM-DEMO-001 opened and adjudicated" in policy and "Verified." in policy


def _adjuster_pages(world: WebWorld) -> list[str]:
    claim, policy = world.demo.claim_id, world.demo.policy_id
    return ["/claims/new", f"/claims/new?policy_id={policy}", f"/claims/{claim}/adjudication",
            f"/claims/{claim}/money", f"/claims/{claim}/audit", f"/policies/{policy}/audit", "/deadlines",
            "/deadlines.ics"]


@pytest.mark.parametrize("email", ["broker@crescent-risk.example", "manager@lakeside.example",
                                   "manager@riverbend.example", "broker@magnolia-brokers.example"])
def test_a_broker_or_a_practice_manager_gets_403_or_404_on_every_adjuster_page(web_app: Any, web_world: WebWorld,
                                                                               email: str) -> None:
    claim_id = web_world.demo.claim_id
    with TestClient(web_app, headers=BROWSER) as c:
        sign_in(c, email)
        token = csrf_of(c.get("/claims").text)
        before = None
        with TestClient(web_app, headers=BROWSER) as adj:
            sign_in(adj, ADJUSTER)
            before = adj.get(f"/claims/{claim_id}/money").text.count("<tr class=\"entry-")
        for path in _adjuster_pages(web_world):
            r = c.get(path, follow_redirects=False)
            assert r.status_code in (403, 404), (email, path, r.status_code)
            assert "CLM-DEMO-001" not in r.text and "$" not in r.text and "BEGIN:VCALENDAR" not in r.text, path
        posts = {"/claims/new": {"policy_id": web_world.demo.policy_id, "cause": "ransomware",
                                 "discovered": "2026-01-01", "description": "x", "incident": "new"},
                 f"/claims/{claim_id}/adjudication": {"coverage-0": "forensics", "amount-0": "1", "key": "k",
                                                      "version": "1"},
                 **{f"/claims/{claim_id}/money/{kind}": {"amount": "1.00", "key": f"k-{kind}", "version": "1"}
                    for kind in ("payment", "reserve", "close")}}
        for path, data in posts.items():
            r = c.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
            assert r.status_code in (403, 404), (email, path, r.status_code)
            assert "CLM-DEMO-001" not in r.text and "$" not in r.text, path
    with TestClient(web_app, headers=BROWSER) as adj:
        sign_in(adj, ADJUSTER)
        assert adj.get(f"/claims/{claim_id}/money").text.count("<tr class=\"entry-") == before


def test_bad_amounts_and_lines_come_back_by_their_field(adjuster: TestClient, web_world: WebWorld) -> None:
    claim_id = web_world.demo.noticed_claim_id
    page = adjuster.get(f"/claims/{claim_id}/money").text
    token, version = csrf_of(page), re.search(r'name="version" value="(\d+)"', page)[1]
    for amount, says in (("1e999999", "is not an amount"), ("12.345", "dollars and cents"),
                         ("ten", "is not an amount"), ("99999999.00", "above")):
        r = adjuster.post(f"/claims/{claim_id}/money/payment", follow_redirects=False, data={
            "csrf_token": token, "amount": amount, "version": version, "key": f"bad-{amount}"})
        assert r.status_code in (409, 422) and says in unescape(r.text), (amount, r.status_code)
        assert 'id="payment-amount-error"' in r.text
    lines = adjuster.get(f"/claims/{claim_id}/adjudication").text
    r = adjuster.post(f"/claims/{claim_id}/adjudication", follow_redirects=False, data={
        "csrf_token": token, "version": "x", "key": "bad-lines", "coverage-0": "forensics", "amount-0": "12.345",
        "coverage-1": "", "coverage-2": ""})
    assert r.status_code == 422 and 'id="amount-0-error"' in r.text, r.text[:2000]
    assert "Save the lines" in lines
    assert adjuster.get(f"/claims/{claim_id}/money").text.count('class="entry-payment"') == 0
