"""Shared fixtures: the shipped example profiles and the loss-model reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberrx.domain import PracticeProfile, load_model
from cyberrx.reference import LossModelReference, load_loss_model

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def example_profile(name: str) -> PracticeProfile:
    return load_model(PracticeProfile, EXAMPLES / name)


@pytest.fixture(scope="session")
def reference() -> LossModelReference:
    return load_loss_model()


@pytest.fixture(scope="session")
def lakeside() -> PracticeProfile:
    return example_profile("lakeside-family-medicine.yaml")


@pytest.fixture(scope="session")
def solo() -> PracticeProfile:
    return example_profile("solo-therapy-office.yaml")


@pytest.fixture(scope="session")
def valley() -> PracticeProfile:
    return example_profile("valley-multispecialty-group.yaml")


@pytest.fixture(scope="session")
def exposed() -> PracticeProfile:
    return example_profile("exposed-rdp-clinic.yaml")
