"""The scalars every scenario shares: the thresholds and the class-action curve of a breach of records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cyberrx.engine.scenarios import factors as t

REQUIRES_TABLES = ("notification", "regulatory", "litigation")


def scalars(tables: Mapping[str, Any]) -> dict[str, float]:
    """``media_threshold`` and ``large_breach_threshold`` (records; 45 CFR 164.406 and 164.408) and the
    suit-probability curve (``suit_p10k`` at 10,000 records, ``suit_exponent``, ``suit_max``,
    ``suit_min_records``)."""
    notif, reg, lit = tables["notification"], tables["regulatory"], tables["litigation"]
    return {
        "media_threshold": t.num(notif["media_threshold"]),
        "large_breach_threshold": t.num(reg["large_breach_threshold"]),
        "suit_p10k": t.num(lit["suit_probability_at_10000"]),
        "suit_exponent": t.num(lit["suit_probability_exponent"]),
        "suit_max": t.num(lit["suit_probability_max"]),
        "suit_min_records": t.num(lit["suit_minimum_records"]),
    }
