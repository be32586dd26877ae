"""Shared fixtures of the portfolio tests: a one-vendor test book and small runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def one_vendor_profile(revenue: float = 12_000_000, hosting: str = "cloud", vendor: str = "SharedHost",
                       name: str = "Test practice") -> Any:
    """Lakeside's profile with a larger revenue, no business associate and no remote access: its only shared
    dependency is its hosted EHR vendor."""
    from cyberrx import load_profile

    data = load_profile(ROOT / "examples" / "lakeside-family-medicine.yaml").model_dump(mode="json")
    data.update(name=name, annual_revenue=revenue, business_associates=[], remote_access="none",
                ehr={"vendor": vendor, "hosting": hosting})
    return load_profile(data)


@pytest.fixture(scope="session")
def lakeside_policy() -> Any:
    from cyberrx import load_policy

    return load_policy(ROOT / "examples" / "policies" / "lakeside-primary.yaml")


@pytest.fixture(scope="session")
def outage_only() -> Any:
    """The shipped catalogue's vendor outage kind alone (so the systemic loss has a closed form)."""
    from cyberrx.portfolio.catalogue import SystemicCatalogue, load_catalogue

    kind = load_catalogue().kind("vendor_outage")
    assert kind is not None
    return SystemicCatalogue("test-outage-only", (kind,))


@pytest.fixture(scope="session")
def tables() -> Any:
    from cyberrx.reference import load_loss_model

    return load_loss_model().tables
