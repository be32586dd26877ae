"""Shared results for the document tests: small runs (5,000 simulated years) of the shipped examples."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import cyberrx
from cyberrx.app.underwrite import improve, quote

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
TRIALS, SEED = 5_000, 7


@pytest.fixture(scope="session")
def lakeside():
    profile = cyberrx.load_profile(EXAMPLES / "lakeside-family-medicine.yaml")
    return profile, cyberrx.assess(profile, trials=TRIALS, seed=SEED), improve(profile, trials=TRIALS, seed=SEED)


@pytest.fixture(scope="session")
def valley():
    """A large group: its $5M option is declined (no MDR), the others offered."""
    profile = cyberrx.load_profile(EXAMPLES / "valley-multispecialty-group.yaml")
    offered = quote(profile, limits=[1_000_000, 2_000_000, 5_000_000], retentions=[25_000], trials=TRIALS,
                    seed=SEED).to_result()
    return profile, cyberrx.assess(profile, trials=TRIALS, seed=SEED), offered


@pytest.fixture(scope="session")
def referred():
    """A clinic with no MFA anywhere: every option is referred."""
    profile = cyberrx.load_profile(EXAMPLES / "underwriting" / "clinic-no-mfa.yaml")
    offered = quote(profile, limits=[1_000_000], retentions=[10_000], trials=TRIALS, seed=SEED).to_result()
    return profile, cyberrx.assess(profile, trials=TRIALS, seed=SEED), offered


def _poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None


@pytest.fixture(scope="session")
def poppler():
    """pdftotext and pdftoppm (poppler-utils); skipped when missing, except on CI where they must be there."""
    if not _poppler():
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdftotext, pdftoppm) is required on CI")
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def pdf_pages(pdf: bytes, name: str) -> list[Path]:
    """Each page as PNG under tests/reports/artefacts/ (git-ignored), to be looked at."""
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / ".gitignore").write_text("*\n")
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    path = ARTEFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(ARTEFACTS / name)], check=True)
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))
