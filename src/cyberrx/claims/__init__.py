"""Claims: adjudication of a claim on a policy (the engine's terms arithmetic, to the cent) and the reserves and
payments ledger of a claim over its life."""

from cyberrx.claims.adjudicate import (
    Adjudication,
    LineResult,
    Status,
    adjudicate,
    adjudicate_files,
    adjudicate_sequence,
    denial_reasons,
)
from cyberrx.claims.ledger import ClaimLedger, EntryKind, LedgerEntry

__all__ = [
    "Adjudication",
    "ClaimLedger",
    "EntryKind",
    "LedgerEntry",
    "LineResult",
    "Status",
    "adjudicate",
    "adjudicate_files",
    "adjudicate_sequence",
    "denial_reasons",
]
