"""Typed domain models and input validation."""

from cyberrx.domain.parsing import load_model, parse_model, read_document
from cyberrx.domain.profile import BusinessAssociate, Controls, Ehr, ExistingCoverage, PracticeProfile

__all__ = [
    "BusinessAssociate",
    "Controls",
    "Ehr",
    "ExistingCoverage",
    "PracticeProfile",
    "load_model",
    "parse_model",
    "read_document",
]
