"""The practice manager's journey end to end in chromium (the live server and browser of test_web_browser):
fills the questionnaire, runs the assessment, sees the charts, ranks the fixes, records an incident, ticks the
playbook, downloads the letter and the calendar file; axe-core on every page, screenshots at 390 and 1280 px."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import PASSWORD
from tests.web.test_web_browser import Offsite, _axe, _context, _shoot, browser, live_server

__all__ = ["browser", "live_server"]


def test_the_practice_managers_journey(browser: Any, live_server: str) -> None:
    offsite = Offsite()
    context = _context(browser, offsite)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def check(name: str) -> None:
        page.wait_for_load_state()
        assert not _axe(page), (name, _axe(page))
        _shoot(page, f"manager-{name}")

    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail").fill("manager@bayou.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Our practice").first.click()
    check("questionnaire-practice")
    page.get_by_label("Yearly revenue (usd)").fill("not a number")
    page.get_by_role("button", name="Save and continue").click()
    assert "enter an amount in dollars" in page.inner_text("main")
    check("questionnaire-error")
    page.get_by_label("Yearly revenue (usd)").fill("1500000")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/questionnaire/patients\?saved="))
    for step in ("patients", "systems", "vendors"):
        check(f"questionnaire-{step}")
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
    check("questionnaire-controls")
    page.locator('input[name="controls.edr"][value="unknown"]').check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/risk\?saved="))
    page.get_by_label("How thorough").select_option("5000")
    page.get_by_role("button", name="Run the assessment").click()
    page.wait_for_url(re.compile(r"/risk/[0-9a-f]{32}$"))
    page.wait_for_selector("[data-vega-spec].chart-ready svg")
    assert page.locator(".chart-ready svg").count() == 2
    check("risk")
    page.get_by_role("link", name="What to fix first").first.click()
    page.get_by_label("What you can spend a year on security (usd)").fill("3000")
    page.get_by_role("button", name="Find the best set").click()
    page.wait_for_function("document.querySelector('#best-set').textContent.includes('$3,000.00')")
    check("fixes")
    page.get_by_role("link", name="We've been hit").first.click()
    check("incidents")
    page.get_by_label("The day anyone at the practice first knew").fill("2025-01-06")
    page.get_by_label("State 1 (two letters)").fill("LA")
    page.get_by_label("Patients affected").first.fill("300")
    page.get_by_role("button", name="Record the incident").click()
    page.wait_for_url(re.compile(r"/incidents/[0-9a-f]{32}$"))
    assert "Overdue by" in page.inner_text("main")
    boxes = page.locator('#playbook input[name="done"]')
    boxes.nth(0).check()
    page.wait_for_function("document.querySelector('#playbook [role=status]').textContent.startsWith('1 of')")
    boxes = page.locator('#playbook input[name="done"]')
    boxes.nth(1).check()
    page.wait_for_function("document.querySelector('#playbook [role=status]').textContent.startsWith('2 of')")
    page.reload()
    assert page.locator('#playbook input[name="done"]:checked').count() == 2     # the ticks are kept
    check("incident")
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile("Add the deadlines to your calendar")).click()
    assert got.value.suggested_filename.endswith("-deadlines.ics")
    page.get_by_role("textbox", name="Letter").fill("Dear patient,\n\nWe are writing to tell you about an incident.")
    with page.expect_download() as got:
        page.get_by_role("button", name="Download the letter").click()
    path = got.value.path()
    assert got.value.suggested_filename.endswith("-notice-letter.txt")
    assert "We are writing to tell you about an incident." in path.read_text(encoding="utf-8")
    context.close()
    assert errors == [], errors
    assert offsite.attempted == [], offsite.attempted
