"""How documents write money, shares, chances and dates. One place, so a page and a PDF agree.

Money: usd as the result holds it (results are rounded to cents), never rounded further: a whole-dollar amount
is written without cents (``$1,000,000``), any other with its cents (``$1,234.56``). A page that rounds to
whole dollars therefore shows the same or a coarser figure than the document. Dates: ``1 January 2027``.

>>> money(1_000_000), money(1234.5), money(Decimal("2500.00")), money(None)
('$1,000,000', '$1,234.50', '$2,500', '-')
>>> long_date(date(2027, 1, 1)), share(0.1234), chance(0.0123), one_in(0.01)
('1 January 2027', '12.3%', '1.2%', '1 in 100')
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

_CENT = Decimal("0.01")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def money(amount: float | Decimal | int | None) -> str:
    """usd: whole dollars without cents, anything else to the cent; ``-`` for none."""
    if amount is None:
        return "-"
    cents = Decimal(repr(amount) if isinstance(amount, float) else amount).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    if cents == cents.to_integral_value():
        return f"{sign}${int(cents):,}"
    return f"{sign}${cents:,.2f}"


def long_date(day: date | None) -> str:
    """``1 January 2027``; ``-`` for none."""
    if day is None:
        return "-"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def share(fraction: float | Decimal) -> str:
    """A share of something, one decimal: ``0.1234`` -> ``12.3%``."""
    return f"{float(fraction):.1%}"


def chance(probability: float) -> str:
    """A chance per year: one decimal, or two significant figures below 1%."""
    if probability == 0:
        return "0%"
    if probability < 0.01:
        return f"{probability * 100:.2g}%"
    return f"{probability:.1%}"


def one_in(probability: float) -> str:
    """``0.01`` -> ``1 in 100`` (``-`` when the chance is zero)."""
    if probability <= 0:
        return "-"
    return f"1 in {round(1 / probability):,}"


def months(value: float | None) -> str:
    """A payback period in months (``-`` when it never pays back)."""
    return "never" if value is None else f"{value:.1f} months"


__all__ = ["chance", "long_date", "money", "months", "one_in", "share"]
