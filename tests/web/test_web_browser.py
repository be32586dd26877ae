"""Debian's chromium (Playwright, launched as ../shared/notes/python-web-stack.md shows) against a live uvicorn on
127.0.0.1 over a temporary SQLite database with the demo world: every demo user signs in, every page reached is
checked by axe-core (no serious or critical violation) and photographed at 390 and 1280 px, no request leaves
127.0.0.1, and /docs renders offline.

Screenshots: ``test-artifacts/web/`` (gitignored; ``CYBERRX_TEST_ARTIFACTS`` moves it). Skipped only when
chromium is missing and ``CI`` is unset (under CI a missing chromium fails).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.web.conftest import PASSWORD, ROOT, SECRET, seed_world

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"mobile": (390, 844), "desktop": (1280, 900)}
#: pages a user visits beyond home: the navigation and the first link of each kind of detail page
DETAIL = re.compile(r"^/(practices|quotes|policies|claims)/[0-9a-f]{32}$")


def artifacts() -> Path:
    folder = Path(os.environ.get("CYBERRX_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and chromium is missing (scripts/test installs it: apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium; scripts/test does it when root)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    service, _, _ = seed_world(url)
    service.close()
    port = _free_port()
    env = {**os.environ, "CYBERRX_DATABASE_URL": url, "CYBERRX_SECRET_KEY": SECRET, "CYBERRX_JOB_WORKERS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "cyberrx.api.app:app_from_settings", "--factory",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Offsite:
    """Blocks (and records) every request that is not to 127.0.0.1."""

    def __init__(self) -> None:
        self.attempted: list[str] = []

    def __call__(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.attempted.append(route.request.url)
            route.abort()


def _context(browser: Any, offsite: Offsite) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", offsite)
    return context


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} -- {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def _shoot(page: Any, name: str, *, full_page: bool = True) -> None:
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts() / f"{name}-{label}.png"), full_page=full_page)
        if label == "mobile":
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name}: the page is {overflow} px wider than a 390 px screen"
    page.set_viewport_size({"width": 1280, "height": 900})


#: (role, page shape) already photographed: one set of screenshots per template and role is enough to look at
_SHOT: set[tuple[str, str]] = set()


def _shape(path: str) -> str:
    return re.sub(r"[0-9a-f]{32}", "id", path).strip("/").replace("/", "-") or "home"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _users() -> list[tuple[str, str, bool]]:
    """Every demo user: (e-mail, role, whether to visit every page it reaches or only its home). The practice
    managers' pages are the same templates: the insured practice's manager visits them all, the others home."""
    from cyberrx.app import demo

    # the carrier's admin sees the underwriter's pages: home only
    users = [(e, r.value, r.value != "admin") for e, _, r in demo.CARRIER_USERS]
    for b in demo.BROKERAGES:
        users.append((b.broker_email, "broker", True))
        users.extend((c.manager_email, "practice_manager", c.example == demo.INSURED_EXAMPLE) for c in b.clients)
    return users


def test_sign_in_page_and_docs_offline(browser: Any, live_server: str) -> None:
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    page.goto(live_server + "/")
    assert urlsplit(page.url).path == "/sign-in"
    assert not _axe(page), _axe(page)
    _shoot(page, "sign-in")
    page.goto(live_server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "cyberrx" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 10
    _shoot(page, "docs", full_page=False)    # Swagger UI's page is 7,000 px long
    context.close()
    assert offsite.attempted == []


@pytest.mark.parametrize(("email", "role", "crawl"), _users(),
                         ids=[e.split("@")[0] + "@" + e.split("@")[1].split(".")[0] for e, _, _ in _users()])
def test_each_demo_user_signs_in_and_every_page_is_accessible(browser: Any, live_server: str, email: str,
                                                               role: str, crawl: bool) -> None:
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path != "/sign-in", page.content()[:2000]
    header = page.inner_text("header")
    home = urlsplit(page.url).path
    nav = [a.get_attribute("href") for a in page.locator("nav[aria-label=Main] a").all()]
    visited: list[str] = []
    todo = [home, *[u for u in nav if u and u != home and crawl]]
    kinds: set[str] = set()
    while todo:
        path = todo.pop(0)
        if path in visited:
            continue
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, (email, path)
        visited.append(path)
        violations = _axe(page)
        assert not violations, (email, path, violations)
        if (role, _shape(path)) not in _SHOT:
            _SHOT.add((role, _shape(path)))
            _shoot(page, f"{role}-{_slug(email.split('@')[1].split('.')[0])}-{_shape(path)}")
        for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            match = DETAIL.match(href or "")
            if crawl and match and match.group(1) not in kinds:
                kinds.add(match.group(1))
                todo.append(href)
    # the header shows who is signed in; sign-out is a POST form that ends the session
    assert "Sign out" in header
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in$"))
    page.goto(live_server + home)
    assert urlsplit(page.url).path == "/sign-in"
    context.close()
    assert len(visited) >= (4 if crawl else 1), visited
    assert errors == [], errors
    assert offsite.attempted == [], offsite.attempted


def test_active_search_updates_the_rows_with_htmx_and_keeps_no_history_copy(browser: Any, live_server: str) -> None:
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail").fill("underwriter@pelican-mutual.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/practices$"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.headers.get("hx-request", "")))
    page.get_by_label("Search by name").fill("valley")
    page.wait_for_function("document.querySelector('#practice-rows caption').textContent.includes('valley')")
    rows = page.locator("#practice-rows tbody tr")
    assert rows.count() == 1 and "Valley Multispecialty Group" in rows.inner_text()
    assert "true" in requests                                   # a partial update, not a page load
    assert page.url.endswith("/practices?q=valley")
    page.get_by_label("Search by name").fill("lake")           # a second push: htmx would now keep the first
    page.wait_for_function("document.querySelector('#practice-rows caption').textContent.includes('lake')")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in$"))
    # no signed-in page is kept in htmx's history cache (sessionStorage) once signed out
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    context.close()
    assert offsite.attempted == []


def test_the_vendored_vega_renders_a_chart_under_the_pages_csp(browser: Any, live_server: str) -> None:
    """What a chart page will do (static/js/charts.js over the vendored Vega scripts), on a page served with the
    pages' Content-Security-Policy."""
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/sign-in")
    page.evaluate("""() => {
        const spec = document.createElement('script');
        spec.type = 'application/json'; spec.id = 'spec-1';
        spec.textContent = JSON.stringify({"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "data": {"values": [{"part": "forensics", "usd": 45000}, {"part": "extortion", "usd": 300000}]},
            "mark": "bar", "encoding": {"x": {"field": "part", "type": "nominal"},
                                        "y": {"field": "usd", "type": "quantitative"}}});
        const holder = document.createElement('figure');
        holder.setAttribute('data-vega-spec', 'spec-1');
        document.querySelector('main').append(spec, holder);
    }""")
    for script in ("vendor/vega/vega.min.js", "vendor/vega-lite/vega-lite.min.js",
                   "vendor/vega-embed/vega-embed.min.js", "js/charts.js"):
        page.add_script_tag(url=f"/static/{script}")
    page.wait_for_selector("figure.chart-ready svg .mark-rect path", timeout=15_000)
    assert page.locator("figure.chart-ready svg .mark-rect path").count() == 2
    context.close()
    assert errors == [] and offsite.attempted == []


def _sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _check(page: Any, name: str) -> None:
    violations = _axe(page)
    assert not violations, (name, violations)
    _shoot(page, f"broker-journey-{name}")


def test_the_brokers_journey(browser: Any, live_server: str) -> None:
    """Opens a client, quotes chosen limits, compares, downloads the proposal; the underwriter binds (brokers
    may not); the broker opens the policy and downloads the certificate."""
    offsite = Offsite()
    context = _context(browser, offsite)
    page = context.new_page()
    _sign_in(page, live_server, "broker@crescent-risk.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.wait_for_url(re.compile(r"/clients$"))
    _check(page, "clients")
    page.get_by_role("link", name="Riverbend Counseling (solo)").click()
    _check(page, "client")
    page.get_by_label("Simulated years for the technical price").fill("2000")
    page.get_by_role("button", name="Quote these options").click()
    page.wait_for_url(re.compile(r"/quotes/[0-9a-f]{32}$"))
    page.wait_for_selector("figure.chart-ready svg", timeout=15_000)
    # 2 limits x 2 retentions, the row labels and the expiring program (its current cover)
    assert page.locator("table.compare thead th").count() == 6
    _check(page, "quote")
    quote_url = page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the proposal (PDF)").click()
    assert download.value.suggested_filename.startswith("proposal-")
    uw = context.browser.new_context(viewport={"width": 1280, "height": 900})
    uw.route("**/*", offsite)
    upage = uw.new_page()
    _sign_in(upage, live_server, "underwriter@pelican-mutual.example")
    upage.goto(quote_url)
    upage.get_by_role("button", name=re.compile(r"^Bind ")).first.click()
    upage.wait_for_url(re.compile(r"/policies/[0-9a-f]{32}$"))
    uw.close()
    page.goto(quote_url)
    page.get_by_role("link", name=re.compile(r"^Bound as policy ")).click()
    _check(page, "policy")
    page.get_by_role("link", name="Certificate of insurance").click()
    page.get_by_label("Certificate holder (name)").fill("Gulf Coast Hospital")
    page.get_by_label("Description of operations").fill("Outpatient counseling")
    _check(page, "certificate")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the certificate (PDF)").click()
    assert download.value.suggested_filename.startswith("certificate-CRX-")
    context.close()
    assert offsite.attempted == []
