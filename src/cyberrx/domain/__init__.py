"""Typed domain models and input validation.

Names are imported on first use (PEP 562), so importing one module of the package (``cyberrx.domain.fair_model``,
say) does not build every model of the others: start-up time matters for one-shot commands.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "BusinessAssociate": "profile",
    "Controls": "profile",
    "Ehr": "profile",
    "ExistingCoverage": "profile",
    "PracticeProfile": "profile",
    "load_model": "parsing",
    "parse_model": "parsing",
    "read_document": "parsing",
}

if TYPE_CHECKING:  # pragma: no cover
    from cyberrx.domain.parsing import load_model, parse_model, read_document
    from cyberrx.domain.profile import BusinessAssociate, Controls, Ehr, ExistingCoverage, PracticeProfile


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"cyberrx.domain.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'cyberrx.domain' has no attribute {name!r}")


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
