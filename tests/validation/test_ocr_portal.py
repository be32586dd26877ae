"""The OCR portal figures in loss_model.yaml ``calibration_targets.ocr_provider_large_breaches`` recomputed from
the real data: the HHS OCR breach portal export in ../shared/peers/hhs-ocr-breach-portal (US government data,
4 MB, not shipped in the package; the targets the model is tested against are in reference data, and this test
checks they are what the file says).

Method (as the reference data states it): healthcare providers, submissions 2019-01-01..2024-10-08, one row per
entity name + submission date; a breach listing several types or locations counts once for each.
Skips only where the folder is absent and CI is unset (a CI run without the data fails).
"""

from __future__ import annotations

import csv
import os
import re
import statistics
from datetime import date, datetime
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "hhs-ocr-breach-portal"
FILES = ("breach_report.csv", "breach_report_archive.csv")
FIRST, LAST = date(2019, 1, 1), date(2024, 12, 31)

if not PORTAL.is_dir() and not os.environ.get("CI"):
    pytest.skip(f"OCR portal export not found at {PORTAL}", allow_module_level=True)

T = "calibration_targets.ocr_provider_large_breaches."
_PRACTICE = re.compile(
    r"\b(p\.?c\.?|pllc|p\.?a\.?|m\.?d\.?|d\.?d\.?s\.?|dmd|dental|dentist\w*|orthodont\w*|pediatric\w*|"
    r"family (medicine|practice|care)|dermatolog\w*|eye|optometr\w*|ophthalm\w*|podiatr\w*|chiropract\w*|"
    r"counsel\w*|psycholog\w*|psychiatr\w*|therap\w*|physicians?|associates|medical group|clinic|"
    r"orthopa?edic\w*|urology|cardiology|gastro\w*|oncology|women)\b", re.I)
_INSTITUTION = re.compile(r"hospital|health system|university|medical center|county|regional|healthcare system|"
                          r"health network|\binc\b.*health|department", re.I)


@pytest.fixture(scope="module")
def providers() -> list[dict[str, object]]:
    seen: set[tuple[str, date]] = set()
    out: list[dict[str, object]] = []
    for name in FILES:
        with open(PORTAL / name, newline="", encoding="utf-8", errors="replace") as fh:
            for row in csv.DictReader(fh):
                when = datetime.strptime(row["Breach Submission Date"], "%m/%d/%Y").date()
                key = (row["Name of Covered Entity"].strip().lower(), when)
                if key in seen:
                    continue
                seen.add(key)
                if row["Covered Entity Type"] == "Healthcare Provider" and FIRST <= when <= LAST:
                    out.append({"name": row["Name of Covered Entity"], "when": when,
                                "records": int(row["Individuals Affected"] or 0),
                                "type": row["Type of Breach"], "location": row["Location of Breached Information"],
                                "ba": row["Business Associate Present"] == "Yes"})
    return out


def test_the_count_matches_the_issue_and_the_reference(providers, reference):
    assert len(providers) == reference.figure(T + "count") == 2774


def test_type_mix_of_500_plus_provider_breaches(providers, reference):
    hacking = sum("Hacking" in p["type"] for p in providers)
    unauthorized = sum("Unauthorized" in p["type"] for p in providers)
    theft_loss = sum(("Theft" in p["type"]) or ("Loss" in p["type"]) for p in providers)
    total = hacking + unauthorized + theft_loss
    for key, n in (("hacking", hacking), ("unauthorized_access_disclosure", unauthorized),
                   ("theft_loss", theft_loss)):
        assert round(n / total, 3) == reference.figure(T + f"type_share.{key}"), key
    # and unauthorized access/disclosure is 17% of all provider large breaches (issue 11)
    assert round(unauthorized / len(providers), 2) == 0.17
    median = statistics.median(p["records"] for p in providers if "Unauthorized" in p["type"])
    assert median == reference.figure(T + "unauthorized_median_records")


def test_email_and_network_server_hacking_breaches(providers, reference):
    hacking = [p for p in providers if "Hacking" in p["type"]]
    email = [p["records"] for p in hacking if "Email" in p["location"]]
    server = [p["records"] for p in hacking if "Network Server" in p["location"]]
    assert round(len(email) / (len(email) + len(server)), 3) == reference.figure(T + "email_share_of_hacking")
    assert round(statistics.median(email) / statistics.median(server), 2) == reference.figure(
        T + "email_server_median_ratio")


def test_business_associate_share_and_rates(providers, reference):
    assert round(sum(p["ba"] for p in providers) / len(providers), 3) == reference.figure(T + "ba_present_share")
    years = ((max(p["when"] for p in providers) - FIRST).days + 1) / 365.25
    assert round(len(providers) / years) == reference.figure(T + "per_year")
    practice_like = sum(1 for p in providers
                        if _PRACTICE.search(str(p["name"])) and not _INSTITUTION.search(str(p["name"])))
    assert round(practice_like / years) == reference.figure(T + "practice_like_per_year")
