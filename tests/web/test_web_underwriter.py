"""The underwriter's pages over the demo world (TestClient): the queue, a referral, the book, the rules; the broker
answers a question on the quote page; and every underwriter page, GET and POST, refused (403 or 404, never data)
to a broker, a practice manager, a brokerage admin and a claims adjuster."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from tests.web.conftest import WebWorld, csrf_of, sign_in

from cyberrx.app import audit, book
from cyberrx.app.authz import OrgKind, Principal, Role
from cyberrx.web.routes import underwriter

BAYOU = "Bayou Family Clinic"
#: what only an underwriter's page shows: none of it may reach anyone else
DESK_MARKERS = ("Base premium", "Increased limit factor", "Rate adequacy", "Referred options", "shared vendors",
                "NO-MFA-ANYWHERE", "Rule file", "Subjectivities not yet met", "Approve with conditions")


def _referrals(w: WebWorld, status: str = "open") -> list[Any]:
    with w.service.uow.reading() as tx:
        return [r for r in tx.referrals.for_quote(w.demo.quotes[BAYOU]) if r.status == status]


def _underwriter(w: WebWorld) -> Principal:
    with w.service.uow.reading() as tx:
        user = tx.users.by_email(w.email("underwriter"))
        return Principal(user.id, Role.UNDERWRITER, user.organisation_id, OrgKind.CARRIER, user.carrier_id)


def test_the_queue_a_referral_the_book_and_the_rules(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    home = browser_client.get("/practices").text
    for label in ("Referrals", "Book", "Rules"):
        assert f'href="/underwriter/{label.lower()}"' in home and f">{label}<" in home
    queue = browser_client.get("/underwriter/referrals").text
    assert "Referred options" in queue and BAYOU in queue and "Past due by" in queue
    # the demo's referral bound 45 days ago: its two rule subjectivities are 15 days past due, the condition open
    assert queue.count("Past due by 15 days") >= 2 and "Send the signed plan for rolling out MFA" in queue
    referral = _referrals(web_world)[0]
    page = browser_client.get(f"/underwriter/referrals/{referral.id}").text
    for text in ("Base premium", "Specialty (class)", "Increased limit factor", "Retention factor", "Schedule:",
                 "Schedule modification (capped)", "Technical premium", "Rate adequacy (manual / technical)",
                 "Multi-factor sign-in for email", "NO-MFA-ANYWHERE", "Approve with conditions", "Ask the broker"):
        assert text in page, text
    assert re.search(r'<td class="missing">missing</td>', page)
    book_page = browser_client.get("/underwriter/book").text
    assert "Policies in force" in book_page and "athenahealth" in book_page and "ClaimsCo" in book_page
    small = browser_client.get("/underwriter/book?segment=large_group").text
    assert "Valley Multispecialty Group" in small and "Riverbend" not in small
    bad = browser_client.get("/underwriter/book?segment=huge")
    assert bad.status_code == 422 and "segment" in bad.text
    rules = browser_client.get("/underwriter/rules").text
    from cyberrx.underwriting import load_rules

    assert f"version {load_rules().version}" in rules and "RATE-BELOW-TECHNICAL" in rules
    assert "Increased limit factors" in rules
    assert "files' history in" in rules and "<form" not in rules.split("<main")[1].split("</main>")[0]


def test_the_books_totals_add_up_and_the_shared_vendors_are_counted_once_per_insured(web_world: WebWorld) -> None:
    view = book.book(web_world.service.uow, _underwriter(web_world), ports=web_world.service.ports)
    rows, totals = view["rows"], view["totals"]
    # the insured practice's policy, the two of BOOK and the bound referral (a later bind, e.g. by another test,
    # adds to it)
    assert totals["policies"] == len(rows) >= 4
    assert {"Lakeside Family Medicine", "Valley Multispecialty Group", "Riverbend Counseling (solo)",
            BAYOU} <= {r["insured"] for r in rows}
    assert totals["premium"] == pytest.approx(sum(r["premium"] for r in rows), abs=0.005)
    assert totals["aggregate_limit"] == sum(r["aggregate_limit"] for r in rows)
    priced = [r for r in rows if r["technical_premium"]]
    assert totals["rate_adequacy"] == pytest.approx(sum(r["premium"] for r in priced)
                                                    / sum(r["technical_premium"] for r in priced))
    by_name = {v["name"]: v for v in view["vendors"]["by_insureds"]}
    lakeside_and_bayou = {r["practice_id"] for r in rows if r["insured"] in ("Lakeside Family Medicine", BAYOU)}
    assert by_name["athenahealth"]["insureds"] == len(lakeside_and_bayou) == 2
    assert by_name["athenahealth"]["kinds"] == ["EHR host"] and by_name["ClaimsCo"]["kinds"] == ["Billing company"]
    limits = sum(r["aggregate_limit"] for r in rows if r["practice_id"] in lakeside_and_bayou)
    assert by_name["ClaimsCo"]["total_limit"] == limits
    # SimplePractice hosts Riverbend's EHR and is its EHR business associate: one insured, counted once
    assert by_name["SimplePractice"]["insureds"] == 1
    by_limit = view["vendors"]["by_limit"]
    assert [v["total_limit"] for v in by_limit] == sorted((v["total_limit"] for v in by_limit), reverse=True)


def test_the_underwriter_asks_the_broker_answers_on_the_quote_and_the_underwriter_declines(
        web_world: WebWorld, web_app: Any) -> None:
    referral = _referrals(web_world)[-1]
    quote_url = f"/quotes/{web_world.demo.quotes[BAYOU]}"
    with TestClient(web_app, headers={"Accept": "text/html"}) as uw, \
            TestClient(web_app, headers={"Accept": "text/html"}) as broker:
        sign_in(uw, web_world.email("underwriter"))
        sign_in(broker, web_world.email("broker", "Magnolia Insurance Brokers"))
        url = f"/underwriter/referrals/{referral.id}"
        token = csrf_of(uw.get(url).text)
        empty = uw.post(f"{url}/ask", data={"csrf_token": token, "question": " "})
        assert empty.status_code == 422 and 'id="question-error"' in empty.text
        r = uw.post(f"{url}/ask", data={"csrf_token": token, "question": "Is MFA on email booked?"},
                    follow_redirects=False)
        assert r.status_code == 303
        page = broker.get(quote_url).text
        assert "The underwriter asks:" in page and "Is MFA on email booked?" in page
        answer_url = f"{quote_url}/referrals/{referral.id}/answer"
        assert f'action="{answer_url}"' in page
        r = broker.post(answer_url, data={"csrf_token": csrf_of(page), "answer": "Yes, on the 15th."},
                        follow_redirects=False)
        assert r.status_code == 303
        detail = uw.get(url).text
        assert "Yes, on the 15th." in detail and "Waiting for the underwriter" in detail
        bad = uw.post(f"{url}/approve", data={"csrf_token": token, "condition_text": ["Plan"],
                                             "condition_days": ["400"]})
        assert bad.status_code == 422 and 'id="condition-days-0-error"' in bad.text and 'value="Plan"' in bad.text
        r = uw.post(f"{url}/decline", data={"csrf_token": token, "reason": "MFA must be in place first."},
                    follow_redirects=False)
        assert r.status_code == 303
        assert "Declined</strong>: MFA must be in place first." in broker.get(quote_url).text
    with web_world.service.uow.reading() as tx:
        actions = [e.action for e in tx.audit.after(0, 10_000) if e.subject_id == referral.id]
    assert actions == ["referral.ask", "referral.answer", "referral.decline"]
    assert audit.verify(web_world.service.uow).ok


def _underwriter_requests(w: WebWorld) -> list[tuple[str, str]]:
    """Every route of the underwriter's router with real ids in it (GET and POST)."""
    with w.service.uow.reading() as tx:
        referral = next(r for r in tx.referrals.for_quote(w.demo.quotes[BAYOU]))
        subjectivity = tx.subjectivities.open_by_due(1)[0][0]
    ids = {"referral_id": referral.id, "subjectivity_id": subjectivity.id}
    out = []
    for route in underwriter.router.routes:
        assert isinstance(route, APIRoute)
        path = route.path.format(**{k: v for k, v in ids.items() if "{" + k + "}" in route.path})
        out.extend((method, path) for method in sorted(route.methods or ()))
    return out


@pytest.mark.parametrize(("role", "organisation"), [
    ("broker", "Magnolia Insurance Brokers"),          # Bayou's own broker
    ("broker", "Crescent Risk Partners"),
    ("practice_manager", BAYOU),                       # the referred practice's own manager
    ("practice_manager", "Lakeside Family Medicine"),
    ("claims_adjuster", None),
])
def test_anyone_but_the_carriers_underwriters_gets_403_or_404_and_never_data(
        web_world: WebWorld, browser_client: TestClient, role: str, organisation: str | None) -> None:
    requests = _underwriter_requests(web_world)
    assert {m for m, _ in requests} == {"GET", "POST"} and len(requests) == 9
    before = {(r.id, r.status) for r in _referrals(web_world, "open")}
    sign_in(browser_client, web_world.email(role, organisation))
    token = csrf_of(browser_client.get("/").text)
    for method, path in requests:
        if method == "GET":
            r = browser_client.get(path)
        else:
            r = browser_client.post(path, data={"csrf_token": token, "reason": "x", "question": "x", "note": "x",
                                                "condition_text": ["x"], "condition_days": ["30"]},
                                    follow_redirects=False)
        assert r.status_code in (403, 404), (role, method, path, r.status_code)
        leaked = [m for m in DESK_MARKERS if m in r.text]
        assert not leaked, (role, method, path, leaked)
    assert {(r.id, r.status) for r in _referrals(web_world, "open")} >= before
    nav = browser_client.get("/").text
    assert "/underwriter/" not in nav


def test_a_brokerage_admin_is_refused_though_admins_read_the_desk_at_the_carrier(web_world: WebWorld,
                                                                                browser_client: TestClient) -> None:
    from cyberrx.app import accounts

    with web_world.service.uow.reading() as tx:
        brokerage = next(o for o in tx.organisations.list({"kind": "brokerage"}, _order(), 10, 0)[0]
                         if o.name == "Magnolia Insurance Brokers")
    admin = _carrier_admin(web_world)
    email = "admin@magnolia-brokers.example"
    with web_world.service.uow.reading() as tx:
        exists = tx.users.by_email(email) is not None
    if not exists:
        accounts.create_user(web_world.service.uow, admin, brokerage.id, email, "Mo Admin", "admin",
                             "web tests passphrase", ports=web_world.service.ports)
    sign_in(browser_client, email)
    for path in ("/underwriter/referrals", "/underwriter/book", "/underwriter/rules"):
        r = browser_client.get(path)
        assert r.status_code == 403 and not [m for m in DESK_MARKERS if m in r.text], path
    sign_in(browser_client, web_world.email("admin"))
    assert browser_client.get("/underwriter/book").status_code == 200
    referral = _referrals(web_world)[0]
    page = browser_client.get(f"/underwriter/referrals/{referral.id}").text
    assert "Base premium" in page and "Approve with conditions" not in page       # reads, does not decide


def _order() -> Any:
    from cyberrx.adapters.store import Order

    return Order("name", False, "id")


def _carrier_admin(w: WebWorld) -> Principal:
    with w.service.uow.reading() as tx:
        user = tx.users.by_email(w.email("admin"))
        return Principal(user.id, Role.ADMIN, user.organisation_id, OrgKind.CARRIER, user.carrier_id)
