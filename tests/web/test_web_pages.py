"""The pages render the demo world for each role, from the same use cases; nothing comes from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import BROWSER, PASSWORD, WebWorld, sign_in

from cyberrx.web.templating import STATIC_DIR, day, usd

HOMES = {"admin": "/practices", "underwriter": "/practices", "claims_adjuster": "/claims", "broker": "/practices"}


class _Refs(HTMLParser):
    """Every URL a page would load or go to: src, href, action, and htmx's hx-get/hx-post."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "hx-get", "hx-post", "data-src", "poster") and value:
                self.urls.append(value)
                if tag == "a" and name == "href":
                    self.links.append(value)


def refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.urls


def links(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.links


def assert_same_host(url: str, html: str) -> None:
    for ref in refs(html):
        parts = urlsplit(ref)
        assert not parts.netloc or parts.netloc == "testserver", (url, ref)
        assert parts.scheme in ("", "http", "https"), (url, ref)   # no javascript:, data: or other schemes
    assert "cdn." not in html and "//unpkg" not in html, url


def crawl(client: TestClient, start: str, limit: int = 40) -> dict[str, Any]:
    """Every page reachable from ``start`` by links on this site (GET only)."""
    seen: dict[str, Any] = {}
    todo = [start]
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        r = client.get(url)
        seen[url] = r
        for ref in links(r.text):
            path = urlsplit(ref).path
            if path.startswith("/") and not path.startswith(("/static", "/docs")) and path not in seen:
                todo.append(path)
    return seen


@pytest.mark.parametrize("role", ["admin", "underwriter", "claims_adjuster", "broker", "practice_manager"])
def test_each_role_lands_on_its_home_and_every_page_it_reaches_renders(web_world: WebWorld, web_app: Any,
                                                                      role: str) -> None:
    users = [u for u in web_world.demo.users if u.role == role]
    for user in users[:2]:
        with TestClient(web_app, headers=BROWSER) as c:
            sign_in(c, user.email, PASSWORD)
            home = c.get("/")
            expected = HOMES.get(role) or f"/practices/{web_world.demo.practices[user.organisation]}"
            assert home.url.path == expected
            assert user.organisation in home.text and ("Practice manager" in home.text or role != "practice_manager")
            pages = crawl(c, expected)
            assert len(pages) >= 3, list(pages)
            for url, r in pages.items():
                assert r.status_code == 200, (user.email, url, r.status_code)
                assert_same_host(url, r.text)
                assert r.headers["cache-control"] == "no-store"
                assert "default-src 'self'" in r.headers["content-security-policy"]


def test_the_overview_shows_the_practice_from_the_use_cases(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("broker", "Crescent Risk Partners"))
    practice_id = web_world.demo.practices["Lakeside Family Medicine"]
    html = browser_client.get(f"/practices/{practice_id}").text
    assert "<h1>Lakeside Family Medicine</h1>" in html
    assert "Latest risk assessment" in html and "Average cost of incidents per year" in html
    assert f"/policies/{web_world.demo.policy_id}" in html and f"/claims/{web_world.demo.claim_id}" in html
    assert "Crescent Risk Partners · Broker" in html


def test_the_quote_page_shows_every_option_and_the_referral(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    html = browser_client.get(f"/quotes/{web_world.demo.quotes['Bayou Family Clinic']}").text
    assert "Quote for Bayou Family Clinic" in html and "decision-refer" in html
    assert html.count("<td class=\"num\">$1,000,000</td>") >= 3    # three retentions at a $1M limit (and parts)


def test_the_claim_page_shows_its_ledger(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("claims_adjuster"))
    html = browser_client.get(f"/claims/{web_world.demo.claim_id}").text
    assert "Claim CLM-DEMO-001" in html and "<caption>Ledger</caption>" in html


def test_active_search_answers_the_rows_only_to_htmx(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    full = browser_client.get("/practices?q=lake")
    assert "<html" in full.text and "Lakeside Family Medicine" in full.text and "Valley" not in full.text
    rows = browser_client.get("/practices?q=valley", headers={"HX-Request": "true", "HX-Target": "practice-rows"})
    assert rows.status_code == 200 and "<html" not in rows.text and "Valley Multispecialty Group" in rows.text


def test_bad_query_values_get_an_html_page(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    r = browser_client.get("/practices?offset=-3")
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]


def test_docs_are_served_from_the_vendored_files(web_app: Any) -> None:
    with TestClient(web_app) as c:
        html = c.get("/docs").text
        assert_same_host("/docs", html)
        urls = refs(html)
        assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls
        assert "/static/vendor/swagger-ui/swagger-ui.css" in urls
        assert '"validatorUrl": null' in html
        for url in urls:
            assert c.get(url).status_code == 200, url
        assert c.get("/redoc").status_code == 404


def test_every_vendored_script_has_its_licence() -> None:
    vendor = STATIC_DIR / "vendor"
    folders = sorted(p.name for p in vendor.iterdir())
    assert folders == ["htmx", "swagger-ui", "vega", "vega-embed", "vega-lite"]
    for folder in vendor.iterdir():
        assert (folder / "LICENSE").is_file(), folder.name
    assert re.search(r"version:\"2\.0\.11\"|2\.0\.11", (vendor / "htmx" / "htmx.min.js").read_text(encoding="utf-8"))


def test_the_filters() -> None:
    assert usd(1234.5) == "$1,234.50" and usd("-10") == "-$10.00" and usd(None) == "–"
    assert day("2026-12-01") == "1 Dec 2026" and day("2026-12-01T10:00:00Z") == "1 Dec 2026"
