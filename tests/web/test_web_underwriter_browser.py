"""The underwriter's journey in Debian's chromium over a live server with the demo world (the fixtures and helpers
of test_web_browser.py): the referrals queue, a referral approved with a condition and bound, the condition then
marked met, the book filtered, the rules; axe-core finds no serious or critical violation on any page, and each is
photographed at 390 and 1280 px into test-artifacts/web/ (underwriter-journey-*.png)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import tests.web.test_web_browser as wb

live_server = wb.live_server
browser = wb.browser

BAYOU = "Bayou Family Clinic"
CONDITION = "Quarterly restore test of the offline backups, with the report sent to us"


def _check(page: Any, name: str) -> None:
    violations = wb._axe(page)
    assert not violations, (name, violations)
    wb._shoot(page, f"underwriter-journey-{name}")


def test_the_underwriters_journey(browser: Any, live_server: str) -> None:
    """A referral approved with a subjectivity and bound; the subjectivity then met; the book and the rules."""
    offsite = wb.Offsite()
    context = wb._context(browser, offsite)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    wb._sign_in(page, live_server, "underwriter@pelican-mutual.example")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Referrals").click()
    page.wait_for_url(re.compile(r"/underwriter/referrals$"))
    # the demo's referral bound 45 days ago: its rule subjectivities are past due, in the queue
    assert page.locator("text=Past due by 15 days").count() >= 2
    _check(page, "queue")
    group = page.locator(".queue-group", has=page.get_by_role("heading", name=BAYOU))
    group.get_by_role("link", name="$2,000,000.00 / $25,000.00").click()
    page.wait_for_url(re.compile(r"/underwriter/referrals/[0-9a-f]{32}$"))
    for text in ("Why it was referred", "The rating, factor by factor", "Increased limit factor",
                 "Rate adequacy (manual / technical)", "The practice's controls"):
        assert page.get_by_text(text).count() >= 1, text
    _check(page, "referral")
    referral_url = page.url
    page.get_by_label("Condition 1").fill(CONDITION)
    page.get_by_label("Within (days)").first.fill("30")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(referral_url)
    assert "Approved, not bound yet" in page.inner_text("#status-heading")
    assert CONDITION in page.inner_text("main")
    _check(page, "approved")
    page.get_by_role("button", name="Bind this option").click()
    page.wait_for_url(re.compile(r"/policies/[0-9a-f]{32}$"))
    policy_url = page.url
    heading = page.inner_text("h1")
    assert re.fullmatch(r"Policy CRX-P-\d{4}-\d{6}", heading), heading
    table = page.get_by_role("table", name=re.compile("Subjectivities"))
    rows = table.locator("tbody tr")
    assert rows.count() == 3          # the rules' two (MFA on email, on remote access) and the condition
    assert "Premium per year (as bound)" in page.inner_text("main")
    _check(page, "policy")
    row = rows.filter(has_text=CONDITION)
    row.get_by_label("What was seen").fill("Restore report of 1 Dec seen")
    row.get_by_role("button", name="Mark met").click()
    page.wait_for_url(policy_url)
    row = page.get_by_role("table", name=re.compile("Subjectivities")).locator("tbody tr").filter(has_text=CONDITION)
    assert "Met" in row.inner_text() and "Restore report of 1 Dec seen" in row.inner_text()
    _check(page, "policy-met")
    # the queue no longer holds the referral bound, nor the condition met
    page.goto(live_server + "/underwriter/referrals")
    assert CONDITION not in page.inner_text("main")
    group = page.locator(".queue-group", has=page.get_by_role("heading", name=BAYOU))
    assert group.get_by_role("link", name="$2,000,000.00 / $25,000.00").count() == 0
    assert group.get_by_role("link", name="$2,000,000.00 / $10,000.00").count() == 1
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Book").click()
    page.wait_for_url(re.compile(r"/underwriter/book$"))
    book_rows = page.get_by_role("table", name=re.compile("in force")).locator("tbody tr")
    assert book_rows.count() == 5 and BAYOU in page.inner_text("main")
    _check(page, "book")
    page.get_by_label("Segment").select_option("large_group")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/underwriter/book\?segment=large_group"))
    assert page.get_by_role("table", name=re.compile("in force")).locator("tbody tr").count() == 1
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Rules").click()
    page.wait_for_url(re.compile(r"/underwriter/rules$"))
    from cyberrx.underwriting import load_rules

    assert page.get_by_text(f"version {load_rules().version}").count() >= 1
    _check(page, "rules")
    context.close()
    # the broker sees the underwriter's decision on the quote
    broker = wb._context(browser, offsite)
    bpage = broker.new_page()
    wb._sign_in(bpage, live_server, "broker@magnolia-brokers.example")
    bpage.goto(live_server + "/quotes")
    bpage.locator("tr", has_text=BAYOU).get_by_role("link", name=re.compile("^Quote of")).first.click()
    bpage.wait_for_url(re.compile(r"/quotes/[0-9a-f]{32}$"))
    assert urlsplit(bpage.url).path.startswith("/quotes/")
    assert bpage.get_by_text("Bound", exact=True).count() >= 1
    _check(bpage, "broker-quote")
    broker.close()
    assert errors == [] and offsite.attempted == []
