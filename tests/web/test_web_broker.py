"""The broker's pages on the demo world: clients (search, sort), a quote on chosen limits and retentions side by
side, the proposal and certificate PDFs carrying the page's figures, binding as the authorisation table says,
CSRF and another tenant's 404."""

from __future__ import annotations

import re
import subprocess

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import WebWorld, csrf_of, sign_in

BROKER = "Crescent Risk Partners"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


@pytest.fixture()
def broker(web_world: WebWorld, browser_client: TestClient) -> TestClient:
    sign_in(browser_client, web_world.email("broker", BROKER))
    return browser_client


def test_clients_show_assessment_quote_status_and_renewal_sorted_and_searched(web_world: WebWorld,
                                                                              broker: TestClient) -> None:
    html = broker.get("/clients").text
    names = re.findall(r'<a href="/clients/[0-9a-f]{32}">([^<]+)</a>', html)
    assert names == sorted(names) and "Lakeside Family Medicine" in names and "Valley Multispecialty Group" not in html
    assert "Expected annual loss" in html and "1-in-100-year loss" in html and "no policy" in html
    assert re.search(r"\d+ offered", html) and "Renewal date" in html
    by_renewal = re.findall(r'<a href="/clients/[0-9a-f]{32}">([^<]+)</a>', broker.get("/clients?sort=renewal").text)
    assert by_renewal[0] == "Lakeside Family Medicine"                          # the one bound policy first
    assert len(re.findall(r'/clients/[0-9a-f]{32}"', broker.get("/clients?sort=premium").text)) == len(names)
    rows = broker.get("/clients?q=lake&sort=name", headers={"HX-Request": "true", "HX-Target": "client-rows"})
    assert "<html" not in rows.text and "Lakeside" in rows.text and "Riverbend" not in rows.text
    assert broker.get("/clients?sort=colour").status_code == 422


def test_a_quote_on_chosen_limits_side_by_side_and_the_proposal_carries_its_figures(web_world: WebWorld,
                                                                                    broker: TestClient) -> None:
    practice = web_world.demo.practices["Lakeside Family Medicine"]
    form = broker.get(f"/clients/{practice}").text
    data = {"csrf_token": csrf_of(form), "limits": ["1000000", "2000000"], "retentions": ["25000"],
            "other_retention": "5,000", "trials": "2000", "effective": "2027-03-01"}
    assert broker.post(f"/clients/{practice}/quotes", data={**data, "csrf_token": ""}).status_code == 403
    bad = broker.post(f"/clients/{practice}/quotes", data={**data, "limits": [], "trials": "12"})
    assert bad.status_code == 422 and "Tick or type at least one limit." in bad.text
    r = broker.post(f"/clients/{practice}/quotes", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/quotes/")
    page = broker.get(r.headers["location"]).text
    heads = re.findall(r'<th scope="col">(\$[^<]+)</th>', page)
    assert heads == ["$1,000,000 limit / $5,000 retention", "$1,000,000 limit / $25,000 retention",
                     "$2,000,000 limit / $5,000 retention", "$2,000,000 limit / $25,000 retention"]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert rows[:3] == ["Decision", "Aggregate limit", "Retention"] and "Premium per year" in rows
    assert any(r.startswith("Sublimit: ") for r in rows) and rows[-2:] == ["Reasons", "Subjectivities"]
    assert "Expiring: Policy CRX-P-" in page and 'data-vega-spec="premium-spec"' in page
    assert 'action="/quotes/' not in page and "an underwriter" in page          # brokers do not bind
    pdf = broker.get(r.headers["location"] + "/proposal.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    premium_row = page.split('<th scope="row">Premium per year</th>')[1].split("</tr>")[0]
    figures = re.findall(r"\$[\d,]+(?:\.\d\d)?", premium_row)
    assert len(figures) == 4 and all(f in text for f in figures), figures
    assert "$2,000,000" in text and "Lakeside Family Medicine" in text and "Crescent Risk Partners" in text


def test_a_referred_option_says_why_first(web_world: WebWorld, browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("broker", "Magnolia Insurance Brokers"))
    page = browser_client.get(f"/quotes/{web_world.demo.quotes['Bayou Family Clinic']}").text
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert ">Decision<" in first_row and "Referred to an underwriter" in first_row
    assert "No multi-factor authentication is in place anywhere." in first_row
    assert "(rule NO-MFA-ANYWHERE)" in first_row and "[NO-MFA" not in page        # the id in small print only


def test_the_underwriter_binds_and_the_certificate_carries_the_policy(web_world: WebWorld,
                                                                      browser_client: TestClient) -> None:
    sign_in(browser_client, web_world.email("underwriter"))
    quote = web_world.demo.quotes["Riverbend Counseling (solo)"]
    page = browser_client.get(f"/quotes/{quote}").text
    assert page.count(f'action="/quotes/{quote}/bind"') >= 1
    option = re.search(r'name="option" value="(\d+)"', page)
    assert option
    r = browser_client.post(f"/quotes/{quote}/bind", data={"csrf_token": csrf_of(page), "option": option.group(1)},
                            follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/policies/")
    policy_page = browser_client.get(r.headers["location"]).text
    number = re.search(r"<h1>Policy ([A-Z0-9-]+)</h1>", policy_page)
    assert number and "Certificate of insurance" in policy_page
    form = browser_client.get(r.headers["location"] + "/certificate").text
    url = r.headers["location"] + "/certificate.pdf"
    assert browser_client.post(url, data={"holder": "X"}).status_code == 403
    assert "Name the certificate holder" in browser_client.post(url, data={"csrf_token": csrf_of(form)}).text
    pdf = browser_client.post(url, data={"csrf_token": csrf_of(form), "holder": "Gulf Coast Hospital",
                                         "operations": "Outpatient counseling"})
    text = pdf_text(pdf.content)
    limit = re.search(r"<dt>Aggregate limit</dt><dd>\$([\d,]+)\.00</dd>", policy_page)
    assert limit and f"${limit.group(1)}" in text
    assert number.group(1) in text and "Gulf Coast Hospital" in text and "Outpatient counseling" in text


def test_a_broker_may_not_bind_and_another_tenant_is_not_found(web_world: WebWorld, broker: TestClient) -> None:
    d = web_world.demo
    page = broker.get("/clients").text
    token = csrf_of(page)
    assert broker.post(f"/quotes/{d.quotes['Lakeside Family Medicine']}/bind",
                       data={"csrf_token": token, "option": "0"}).status_code == 403
    foreign = d.quotes["Valley Multispecialty Group"]                 # the other brokerage's client
    for url in (f"/quotes/{foreign}", f"/quotes/{foreign}/proposal.pdf",
                f"/clients/{d.practices['Bayou Family Clinic']}", f"/clients/{web_world.foreign.practice_id}"):
        assert broker.get(url).status_code == 404, url
    assert broker.post(f"/quotes/{foreign}/bind", data={"csrf_token": token, "option": "0"}).status_code == 404
    assert broker.post(f"/clients/{web_world.foreign.practice_id}/quotes",
                       data={"csrf_token": token, "limits": ["1000000"], "retentions": ["0"],
                             "trials": "1000"}).status_code == 404
    sign_in(broker, web_world.email("broker", "Magnolia Insurance Brokers"))
    assert broker.get(f"/policies/{d.policy_id}/certificate").status_code == 404
    assert broker.post(f"/policies/{d.policy_id}/certificate.pdf",
                       data={"csrf_token": csrf_of(broker.get("/clients").text), "holder": "X"}).status_code == 404
