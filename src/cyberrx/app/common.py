"""Small helpers shared by the use cases: pages of a list, UTC times, money and JSON-safe values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cyberrx.adapters.store import Order
from cyberrx.errors import InvalidInput


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they are UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    v = as_utc(value)
    return v.isoformat().replace("+00:00", "Z") if v is not None else None


def money(value: Decimal | None) -> str | None:
    """usd as a string with two decimals (exact in JSON)."""
    return None if value is None else f"{Decimal(value):.2f}"


def json_safe(value: Any) -> Any:
    """``value`` with Decimals as strings, tuples as lists and non-finite floats as None (strict JSON)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class PageRequest:
    """``limit`` rows from ``offset``, sorted by ``sort`` (a column name, ``-`` in front for descending)."""

    limit: int = 50
    offset: int = 0
    sort: str = "-created_at"


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total, "limit": self.limit, "offset": self.offset}


def order_of(page: PageRequest, sortable: dict[str, str], tie: str) -> Order:
    """The repository order for ``page.sort``; ``sortable`` maps the allowed sort keys to attributes."""
    key = page.sort.removeprefix("-")
    if key not in sortable:
        raise InvalidInput(f"cannot sort by {key!r}", field="sort",
                           allowed=", ".join(sorted(sortable)) + " (prefix - for descending)")
    return Order(sortable[key], page.sort.startswith("-"), tie)


__all__ = ["Page", "PageRequest", "as_utc", "iso", "json_safe", "money", "order_of"]
