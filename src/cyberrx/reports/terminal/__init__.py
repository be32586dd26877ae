"""What the commands print in a terminal: tables readable at 80 columns, money never cut.

Every renderer takes a result (its ``to_dict()`` or the typed object) and a rich ``Console`` and prints. The rules,
the same for every command:

- a money cell is never cut or wrapped: each money column is given the width of its widest amount
  (:func:`money_column`), and when the table is too wide for the console, labels wrap, ids and secondary columns
  are dropped (shown with ``--wide``), or the table is split (the quote's options);
- labels are the plain-language labels of :mod:`cyberrx.reports.labels`, never the ids (``--json`` has the ids);
- money is usd: simulated figures in whole dollars (``$1,234``, ``-$566``), a claim's figures to the cent.

``tests/cli/test_rendering.py`` renders every command's table output at 80 and 120 columns and checks that every
amount of the result appears whole and no line is longer than the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

#: from this width the tables add their secondary columns (ids, HICP practice, ...); ``--wide`` forces them
WIDE_COLUMNS = 110


def usd(amount: float | None) -> str:
    """Whole dollars with the sign before the dollar sign: ``$1,234``, ``-$566``, ``-`` for none.

    >>> usd(1234.4), usd(-565.5), usd(None), usd(0)
    ('$1,234', '-$566', '-', '$0')
    """
    if amount is None:
        return "-"
    whole = round(amount)
    return f"-${-whole:,}" if whole < 0 else f"${whole:,}"


def usd_short(amount: float) -> str:
    """A band's edge, short: ``$250K``, ``$1M``, ``$2.5M``, ``$100M`` (for ranges, never for a figure).

    >>> usd_short(250_000), usd_short(1_000_000), usd_short(2_500_000), usd_short(900)
    ('$250K', '$1M', '$2.5M', '$900')
    """
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if abs(amount) >= size:
            return f"${amount / size:,.1f}".rstrip("0").rstrip(".") + unit
    return f"${amount:,.0f}"


def rule_id(reason: str) -> tuple[str, str]:
    """A rule's reason split into its message and its rule id: ``"Text. [RULE-ID: because]"`` -> (text, id)."""
    if reason.endswith("]") and " [" in reason:
        message, bracket = reason[:-1].rsplit(" [", 1)
        return message, bracket.split(":", 1)[0].strip()
    return reason, ""


def money_column(table: Table, header: str, cells: Sequence[str], *, wrap_header: bool = True, **kwargs: Any) -> None:
    """Add a right-aligned column as wide as its widest cell and its header (its longest word where the header
    may wrap): an amount never wraps or is cut."""
    words = header.split() if wrap_header else [header]
    widest = max([*(len(c) for c in cells), *(len(w) for w in words)], default=1)
    table.add_column(header, justify="right", width=widest, **kwargs)


def money_columns(table: Table, columns: Sequence[tuple[str, Sequence[str]]], width: int, label_room: int) -> None:
    """:func:`money_column` for each (header, cells), the headers whole where they and ``label_room`` columns of
    labels fit in ``width``, else wrapped between words."""
    full = sum(max([len(header), *(len(c) for c in cells)]) + 2 for header, cells in columns)
    for header, cells in columns:
        money_column(table, header, cells, wrap_header=full + label_room > width)


def bullets(console: Console, items: Sequence[str], marker: str = "-", indent: int = 2) -> None:
    """Items as a list with a hanging indent (a wrapped line starts under the text, not under the marker).
    Plain text: no markup is read in ``items``."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=indent + len(marker) - 1 if indent else None, justify="right", no_wrap=True)
    grid.add_column()
    for item in items:
        grid.add_row(marker, Text(item))
    console.print(grid)


def is_wide(console_width: int, wide: bool) -> bool:
    return wide or console_width >= WIDE_COLUMNS


__all__ = ["WIDE_COLUMNS", "bullets", "is_wide", "money_column", "money_columns", "rule_id", "usd", "usd_short"]
