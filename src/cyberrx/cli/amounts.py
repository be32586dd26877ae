"""Amounts typed on the command line: ``--limits``, ``--retentions``, ``--budget``.

One amount is whole dollars written any of these ways: ``1000000``, ``1_000_000``, ``1,000,000``, ``$1,000,000``,
``1M``, ``1.5M``, ``250k``, ``250K``. A list of amounts is separated by commas, semicolons or spaces.

The rule for commas (the one place a comma could mean either): a comma followed by exactly three digits, after a
first group of one to three digits, is a thousands separator; any other comma separates two amounts. So
``1,000,000`` is one million, ``1,000,000,2,000,000`` and ``1M,2M`` and ``1000000,2000000`` are one million and
two million, and ``250,500`` is the single amount 250,500 (write ``250k,500k`` or ``250000 500000`` for two).

>>> parse_amounts("1,000,000", "--limits")
[1000000.0]
>>> parse_amounts("1M, 2.5M;250k 10000,2,500", "--limits")
[1000000.0, 2500000.0, 250000.0, 10000.0, 2500.0]
>>> parse_amounts("$1,000,000,2,000,000", "--limits")
[1000000.0, 2000000.0]
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from cyberrx.errors import InvalidInput

#: what an amount may look like, for error messages and the commands' help
AMOUNT_HELP = "whole dollars: 1000000, 1,000,000, 1M, 2.5M or 250k"
LIST_HELP = ("amounts separated by commas, semicolons or spaces (1M,2M or 250k 500k); a comma before exactly "
             "three digits is a thousands separator (1,000,000)")

_SUFFIX = {"": Decimal(1), "k": Decimal(1_000), "m": Decimal(1_000_000)}
_ONE = re.compile(r"""\s*\$?\s*(?P<num>\d{1,3}(?:,\d{3}(?!\d))+|\d+(?:_\d+)*(?:\.\d+)?)\s*(?P<suffix>[kKmM]?)
                      (?=[\s,;]|$)""", re.VERBOSE)
_SEPARATOR = re.compile(r"\s*[,;]?\s*")


def parse_amount(text: str, field: str) -> float:
    """One amount (see the module's rule); InvalidInput naming ``field`` otherwise.

    >>> parse_amount("2.5M", "--budget"), parse_amount("$2,000", "--budget")
    (2500000.0, 2000.0)
    """
    found = parse_amounts(text, field)
    if len(found) != 1:
        raise InvalidInput(f"{text!r} is {len(found)} amounts, one was expected", field=field, allowed=AMOUNT_HELP)
    return found[0]


def parse_amounts(text: str, field: str) -> list[float]:
    """The amounts in ``text``, in order (see the module's rule); InvalidInput naming ``field`` and the item."""
    out: list[float] = []
    pos = 0
    text = text.strip()
    if not text:
        raise InvalidInput("no amount given", field=field, allowed=LIST_HELP)
    while pos < len(text):
        m = _ONE.match(text, pos)
        if m is None:
            item = re.split(r"[\s,;]", text[pos:].strip(" ,;"), maxsplit=1)[0]
            raise InvalidInput(f"{item!r} is not an amount", field=field, allowed=AMOUNT_HELP)
        number = m.group("num").replace(",", "").replace("_", "")
        try:
            value = Decimal(number) * _SUFFIX[m.group("suffix").lower()]
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise InvalidInput(f"{m.group(0).strip()!r} is not an amount", field=field, allowed=AMOUNT_HELP) from None
        if value != value.to_integral_value():
            raise InvalidInput(f"{m.group(0).strip()!r} is not a whole number of dollars", field=field,
                               allowed=AMOUNT_HELP)
        out.append(float(value))
        pos = _SEPARATOR.match(text, m.end()).end()  # type: ignore[union-attr]  # it matches the empty string
    return out


__all__ = ["AMOUNT_HELP", "LIST_HELP", "parse_amount", "parse_amounts"]
