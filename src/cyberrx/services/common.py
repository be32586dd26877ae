"""Small helpers shared by the service use cases: ids, clock, pages of a list, JSON-safe values."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cyberrx.errors import InvalidInput


def new_id() -> str:
    """A random 32-hex-character id (128 bits: ids cannot be guessed or enumerated)."""
    return secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(UTC)


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


def paginate(session: Session, stmt: Select[Any], page: PageRequest, sortable: dict[str, Any],
             tie: Any) -> tuple[list[Any], int]:
    """Rows of ``stmt`` for one page and the total count; ``sortable`` maps allowed sort keys to columns."""
    key = page.sort.removeprefix("-")
    if key not in sortable:
        raise InvalidInput(f"cannot sort by {key!r}", field="sort",
                           allowed=", ".join(sorted(sortable)) + " (prefix - for descending)")
    column = sortable[key]
    order = column.desc() if page.sort.startswith("-") else column.asc()
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(stmt.order_by(order, tie).limit(page.limit).offset(page.offset)).scalars().all()
    return list(rows), int(total)


__all__ = ["Page", "PageRequest", "as_utc", "iso", "json_safe", "money", "new_id", "paginate", "utcnow"]
