"""The claims adjuster's journey in Debian's chromium over a live server with the demo world: a first notice of
loss with a new incident (its deadlines at once), loss lines adjudicated (the step table adds up in the page),
a reserve, two payments, two adjusters paying the same claim at once (one is recorded, the other sees the
conflict; the ledger holds that payment once), the claim closed; the deadlines calendar and the audit trails.
axe-core on every adjuster page (no serious or critical violation) and screenshots at 390 and 1280 px in
test-artifacts/web/ (``adjuster-*``)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tests.web.test_web_browser import (  # noqa: F401  (module fixtures: the live server and the browser)
    Offsite,
    _axe,
    _context,
    _shoot,
    _sign_in,
    browser,
    live_server,
)

ADJUSTER = "adjuster@pelican-mutual.example"
D = Decimal


def _check(page: Any, name: str) -> None:
    violations = _axe(page)
    assert not violations, (name, violations)
    _shoot(page, f"adjuster-{name}")


def _money(text: str) -> Decimal:
    return D(text.strip().replace("$", "").replace(",", ""))


def _table_adds_up(page: Any) -> Decimal:
    """Every row of the step table (and its total) reads claimed - deductions = payable to the cent, in the
    page as drawn; the total payable."""
    rows = page.locator("table.steps-table tr[data-line]")
    assert rows.count() >= 2
    for i in range(rows.count()):
        cells = {c.get_attribute("data-col"): _money(c.inner_text()) for c in rows.nth(i).locator("td").all()}
        deductions = sum(cells.get(k, D(0)) for k in ("denied", "waiting_period", "retention", "coinsurance",
                                                       "sublimit", "layer", "aggregate"))
        assert cells["claimed"] - deductions == cells["payable"], cells
    total = page.locator('table.steps-table tr[data-line="total"] td[data-col="payable"]').inner_text()
    return _money(total)


def _pay(page: Any, amount: str) -> None:
    page.get_by_label("Amount (usd)").fill(amount)
    page.get_by_label("Payee and purpose").fill("Forensics firm invoice")


def test_the_adjusters_journey(browser: Any, live_server: str) -> None:  # noqa: F811
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, live_server, ADJUSTER)
    assert page.url.endswith("/claims")
    _check(page, "claims")

    # first notice of loss: the policy, then what happened and a new incident
    page.get_by_role("link", name="Record a first notice of loss").click()
    page.get_by_label("Policy", exact=True).select_option(index=1)
    page.get_by_role("button", name="Use this policy").click()
    page.wait_for_url(re.compile(r"/claims/new\?policy_id="))
    today = date.today()
    discovered = today - timedelta(days=3)
    page.get_by_label("Cause", exact=True).select_option("ransomware")
    page.get_by_label("Occurred", exact=True).fill((today - timedelta(days=4)).isoformat())
    page.get_by_label("Discovered", exact=True).fill(discovered.isoformat())
    page.get_by_label("Reported to us").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Description", exact=True).fill("Front-desk PCs encrypted overnight; a ransom note on each.")
    page.get_by_label("Record a new incident (below)").check()
    page.get_by_label("Kind of incident").select_option("ransomware")
    page.get_by_label("State 1 (two letters)").fill("LA")
    page.locator("#count-0").fill("820")
    _check(page, "first-notice")
    page.get_by_role("button", name="Open the claim").click()
    page.wait_for_url(re.compile(r"/claims/[0-9a-f]{32}/adjudication\?opened=1"))
    claim_url = page.url.split("/adjudication")[0]
    # the breach deadlines from discovery, at once: 60 days for the patients and HHS
    due = discovered + timedelta(days=60)
    deadlines = page.get_by_role("region", name="Breach deadlines", exact=True).last
    assert f"{due.day} {due:%b %Y}" in deadlines.inner_text() and "57 days left" in deadlines.inner_text()
    _check(page, "notice-opened")

    # loss lines, adjudicated
    page.locator("#coverage-0").select_option("forensics")
    page.locator("#amount-0").fill("40000")
    page.locator("#coverage-1").select_option("business_interruption")
    page.locator("#downtime_hours-1").fill("48")
    page.locator("#income_loss_per_hour-1").fill("900")
    page.locator("#extra_expense-1").fill("2500")
    page.locator("#coverage-2").select_option("notification")
    page.locator("#amount-2").fill("15000")
    page.get_by_role("button", name="Save the lines and adjudicate").click()
    page.wait_for_url(re.compile(r"/adjudication\?saved=1"))
    allowed = _table_adds_up(page)
    assert allowed > 0
    assert page.locator(".reasons .clause").count() >= 2
    _check(page, "adjudication")

    # a reserve, then the first payment
    page.get_by_role("link", name="Reserves and payments").click()
    page.get_by_label("New reserve (usd)").fill("30000")
    page.get_by_label("Why", exact=True).fill("invoices expected")
    page.get_by_role("button", name="Set the reserve").click()
    page.wait_for_url(re.compile(r"done=reserve"))
    _pay(page, "10000")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"done=payment"))
    _check(page, "money")

    # two adjusters pay the same claim at once: both forms drawn at the same version
    other_context = _context(browser, offsite)
    other = other_context.new_page()
    _sign_in(other, live_server, ADJUSTER)
    other.goto(claim_url + "/money")
    page.goto(claim_url + "/money")
    for p in (page, other):
        _pay(p, "5000")
    with page.expect_navigation(), other.expect_navigation():
        page.locator("form[action$='/money/payment']").evaluate("f => f.requestSubmit()")
        other.locator("form[action$='/money/payment']").evaluate("f => f.requestSubmit()")
    results = {"page": page, "other": other}
    lost = [name for name, p in results.items() if "Conflict (409)" in p.inner_text("main")]
    won = [name for name, p in results.items() if "Payment recorded." in p.inner_text("main")]
    assert len(lost) == 1 and len(won) == 1, (lost, won)
    loser = results[lost[0]]
    assert "Nothing was recorded from your form" in loser.inner_text("main")
    _check(loser, "payment-conflict")
    ledger = loser.get_by_role("region", name="Ledger with running totals")
    amounts = [r.locator("td").nth(1).inner_text() for r in ledger.locator("tr.entry-payment").all()]
    assert amounts == ["$10,000.00", "$5,000.00"], amounts        # the 5,000 once: two payments in all
    other_context.close()

    # close the claim
    page.goto(claim_url + "/money")
    page.get_by_label("Closing note").fill("settled: invoices paid")
    page.get_by_role("button", name="Close the claim").click()
    page.wait_for_url(re.compile(r"done=close"))
    assert "The claim is closed" in page.inner_text("main")
    assert "$15,000.00 paid" in page.inner_text("main")
    _check(page, "closed")

    # the claim's and the policy's audit trails, and the deadlines of the open claims
    page.get_by_role("link", name="Audit trail").click()
    assert "Verified." in page.inner_text("main") and "Claim closed" in page.inner_text("main")
    _check(page, "claim-audit")
    page.get_by_role("link", name="The policy's audit trail").click()
    assert "Verified." in page.inner_text("main")
    _check(page, "policy-audit")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deadlines").click()
    page.wait_for_url(re.compile(r"/deadlines$"))
    assert "Overdue by" in page.locator("table.deadlines tbody tr").first.inner_text()
    _check(page, "deadlines")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar (.ics)").click()
    assert download.value.suggested_filename == "open-claims-deadlines.ics"
    context.close()
    assert errors == [] and offsite.attempted == []
