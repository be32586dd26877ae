"""The pages' security: signed out nothing is shown, every form needs its CSRF token, another tenant's object is
not found, the session cookie's flags, the login lockout on the sign-in page, signing out ends the session."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from tests.web.conftest import BROWSER, PASSWORD, WebWorld, csrf_of, sign_in

from cyberrx.web.routes import ROUTERS
from cyberrx.web.sessions import COOKIE


def _pages(w: WebWorld) -> list[str]:
    d = w.demo
    practice = d.practices["Lakeside Family Medicine"]
    return ["/", "/practices", f"/practices/{practice}", "/quotes", f"/quotes/{d.quotes['Lakeside Family Medicine']}",
            "/policies", f"/policies/{d.policy_id}", "/claims", f"/claims/{d.claim_id}"]


def test_signed_out_every_page_sends_to_sign_in_and_shows_no_data(web_world: WebWorld,
                                                                  browser_client: TestClient) -> None:
    for url in _pages(web_world):
        r = browser_client.get(url, follow_redirects=False)
        assert r.status_code == 303, (url, r.status_code)
        assert r.headers["location"].startswith("/sign-in"), url
        assert "Lakeside" not in r.text and "CLM-DEMO" not in r.text
    r = browser_client.get(f"/practices/{web_world.demo.practices['Lakeside Family Medicine']}")
    assert r.status_code == 200 and r.url.path == "/sign-in"
    assert "Lakeside" not in r.text and 'name="password"' in r.text


def test_htmx_requests_signed_out_get_an_hx_redirect(browser_client: TestClient) -> None:
    r = browser_client.get("/practices?q=Lake", headers={"HX-Request": "true", "HX-Target": "practice-rows"})
    assert r.status_code == 204 and r.headers["HX-Redirect"] == "/sign-in?next=/practices%3Fq%3DLake"


def test_after_sign_in_the_page_asked_for_is_shown(web_world: WebWorld, browser_client: TestClient) -> None:
    target = f"/claims/{web_world.demo.claim_id}"
    page = browser_client.get(target)
    assert 'name="next" value="/claims/' in page.text
    r = browser_client.post("/sign-in", data={"email": web_world.email("claims_adjuster"), "password": PASSWORD,
                                              "csrf_token": csrf_of(page.text), "next": target},
                            follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == target
    assert "CLM-DEMO-001" in browser_client.get(target).text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_host(web_world: WebWorld, browser_client: TestClient,
                                                 target: str) -> None:
    page = browser_client.get("/sign-in")
    r = browser_client.post("/sign-in", data={"email": web_world.email("underwriter"), "password": PASSWORD,
                                              "csrf_token": csrf_of(page.text), "next": target},
                            follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def _post_routes() -> list[str]:
    return sorted({r.path for router in ROUTERS for r in router.routes
                   if isinstance(r, APIRoute) and "POST" in r.methods})


def test_every_form_of_every_page_carries_the_csrf_token(web_world: WebWorld, browser_client: TestClient) -> None:
    forms = {"/sign-in": browser_client.get("/sign-in").text}
    sign_in(browser_client, web_world.email("underwriter"))
    forms.update({url: browser_client.get(url).text for url in _pages(web_world)})
    for url, html in forms.items():
        posts = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S)
        assert posts, url                                           # sign-in, or the header's sign-out
        assert all('name="csrf_token"' in body for body in posts), url


@pytest.mark.parametrize("path", _post_routes())
def test_csrf_refused_without_the_token_on_every_form(web_world: WebWorld, browser_client: TestClient,
                                                      path: str) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    url = path.replace("{", "").replace("}", "")
    for data in ({}, {"csrf_token": "not-the-token"}):
        r = browser_client.post(url, data={"email": web_world.email("underwriter"), "password": PASSWORD, **data},
                                follow_redirects=False)
        assert r.status_code == 403, (path, data, r.status_code)
        assert "security token" in r.text
    r = browser_client.post(url, headers={"X-CSRF-Token": "forged"}, follow_redirects=False)
    assert r.status_code == 403


def test_sign_in_without_the_token_is_refused_even_with_the_right_password(web_world: WebWorld,
                                                                           browser_client: TestClient) -> None:
    r = browser_client.post("/sign-in", data={"email": web_world.email("underwriter"), "password": PASSWORD},
                            follow_redirects=False)
    assert r.status_code == 403
    assert browser_client.get("/practices").url.path == "/sign-in"


def test_a_token_from_another_session_is_refused(web_world: WebWorld, web_app: Any) -> None:
    with TestClient(web_app, headers=BROWSER) as a, TestClient(web_app, headers=BROWSER) as b:
        theirs = csrf_of(a.get("/sign-in").text)
        b.get("/sign-in")
        r = b.post("/sign-in", data={"email": web_world.email("underwriter"), "password": PASSWORD,
                                     "csrf_token": theirs}, follow_redirects=False)
        assert r.status_code == 403


def _foreign_cases(w: WebWorld) -> list[tuple[str, str]]:
    d = w.demo
    valley, lakeside = d.practices["Valley Multispecialty Group"], d.practices["Lakeside Family Medicine"]
    crescent_broker = w.email("broker", "Crescent Risk Partners")
    magnolia_broker = w.email("broker", "Magnolia Insurance Brokers")
    lakeside_manager = w.email("practice_manager", "Lakeside Family Medicine")
    valley_manager = w.email("practice_manager", "Valley Multispecialty Group")
    return [
        (crescent_broker, f"/practices/{valley}"),
        (crescent_broker, f"/quotes/{d.quotes['Valley Multispecialty Group']}"),
        (magnolia_broker, f"/practices/{lakeside}"),
        (magnolia_broker, f"/policies/{d.policy_id}"),
        (magnolia_broker, f"/claims/{d.claim_id}"),
        (lakeside_manager, f"/practices/{valley}"),
        (valley_manager, f"/practices/{lakeside}"),
        (valley_manager, f"/quotes/{d.quotes['Lakeside Family Medicine']}"),
        (valley_manager, f"/claims/{d.claim_id}"),
        (w.foreign.email, f"/practices/{lakeside}"),
        (w.foreign.email, f"/policies/{d.policy_id}"),
        (w.foreign.email, f"/claims/{d.claim_id}"),
        (w.foreign.email, f"/quotes/{d.quotes['Lakeside Family Medicine']}"),
        (w.email("underwriter"), f"/practices/{w.foreign.practice_id}"),
        (w.email("underwriter"), "/practices/no-such-practice"),
    ]


def test_another_tenants_page_answers_404(web_world: WebWorld, web_app: Any) -> None:
    by_user: dict[str, list[str]] = {}
    for email, url in _foreign_cases(web_world):
        by_user.setdefault(email, []).append(url)
    for email, urls in by_user.items():
        with TestClient(web_app, headers=BROWSER) as c:
            sign_in(c, email)
            for url in urls:
                r = c.get(url)
                assert r.status_code == 404, (email, url, r.status_code)
                assert "Not found" in r.text and "Lakeside Family Medicine</h1>" not in r.text
                assert "text/html" in r.headers["content-type"]


def test_the_owner_sees_the_same_pages(web_world: WebWorld, browser_client: TestClient) -> None:
    d = web_world.demo
    sign_in(browser_client, web_world.email("practice_manager", "Lakeside Family Medicine"))
    for url in (f"/practices/{d.practices['Lakeside Family Medicine']}", f"/policies/{d.policy_id}",
                f"/claims/{d.claim_id}", f"/quotes/{d.quotes['Lakeside Family Medicine']}"):
        assert browser_client.get(url).status_code == 200, url


def _set_cookie(r: Any) -> str:
    headers = [v for k, v in r.headers.multi_items() if k.lower() == "set-cookie" and v.startswith(COOKIE)]
    assert headers, "no session cookie was set"
    return headers[-1].lower()


def test_cookie_flags_over_http(web_app: Any) -> None:
    with TestClient(web_app, headers=BROWSER) as c:
        cookie = _set_cookie(c.get("/sign-in"))
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie.replace("httponly", "")


def test_cookie_is_secure_over_https(web_world: WebWorld, web_app: Any) -> None:
    with TestClient(web_app, base_url="https://testserver", headers=BROWSER) as c:
        first = _set_cookie(c.get("/sign-in"))
        signed_in = _set_cookie(sign_in(c, web_world.email("underwriter")))
    for cookie in (first, signed_in):
        assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_cookie_secure_setting_marks_it_secure_behind_a_tls_proxy(web_world: WebWorld) -> None:
    from dataclasses import replace

    from cyberrx.web.app import build_pages

    service = replace(web_world.service, settings=web_world.service.settings.model_copy(update={"cookie_secure": True}))
    with TestClient(build_pages(service), headers=BROWSER) as c:      # plain http, as a proxy forwards it
        assert "; secure" in _set_cookie(c.get("/sign-in"))


def test_a_changed_cookie_is_ignored(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    value = browser_client.cookies[COOKIE]
    payload, signature = value.split(".")
    browser_client.cookies.clear()
    browser_client.cookies.set(COOKIE, payload + "." + signature[::-1])
    r = browser_client.get("/practices", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")


def test_lockout_on_the_sign_in_page(web_world: WebWorld, browser_client: TestClient) -> None:
    from cyberrx.app import accounts

    email = "locked-out@crescent-risk.example"
    accounts.create_user_unchecked(web_world.service.uow, web_world.demo.practices["Lakeside Family Medicine"],
                                   email, "Locked", "practice_manager", PASSWORD, ports=web_world.service.ports)
    statuses = []
    for _ in range(5):
        page = browser_client.get("/sign-in")
        r = browser_client.post("/sign-in", data={"email": email, "password": "wrong password!",
                                                  "csrf_token": csrf_of(page.text)})
        statuses.append(r.status_code)
    assert statuses == [400, 400, 400, 400, 429]
    assert "Wrong e-mail or password" in browser_client.post(
        "/sign-in", data={"email": "nobody@x.example", "password": "x", "csrf_token": csrf_of(page.text)}).text
    page = browser_client.get("/sign-in")
    r = browser_client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                              "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "Too many failed logins for this e-mail: try again in 15 minutes." in r.text
    assert f'value="{email}"' in r.text and 'role="alert"' in r.text


def test_sign_out_is_a_post_and_ends_the_session(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    home = browser_client.get("/")
    assert home.url.path == "/practices" and 'action="/sign-out"' in home.text
    stolen = browser_client.cookies[COOKIE]
    assert browser_client.get("/sign-out").status_code in (404, 405)    # no GET: a link cannot sign anyone out
    r = browser_client.post("/sign-out", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in"
    browser_client.cookies.clear()
    browser_client.cookies.set(COOKIE, stolen)                      # the old cookie: its token was revoked
    r = browser_client.get("/practices", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")


def test_the_api_is_unchanged_on_the_same_urls(web_world: WebWorld, web_app: Any) -> None:
    with TestClient(web_app) as api:
        r = api.get("/practices")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
        token = api.post("/auth/login", json={"email": web_world.email("underwriter"),
                                              "password": PASSWORD}).json()["token"]
        r = api.get("/practices", headers={"Authorization": f"Bearer {token}", **BROWSER})
        assert r.status_code == 200 and r.json()["total"] >= 5
        paths = api.get("/openapi.json").json()["paths"]
        assert "/sign-in" not in paths and "/" not in paths and "/docs" not in paths
