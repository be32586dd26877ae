"""Rate limits with the ``limits`` library (moving windows): the rate-limiter port of :mod:`cyberrx.app.ports`.

Each kind of limit (``login``, ``login_failure``, ``expensive``, each per client address and overall) has a rate
in ``limits``' notation (``"30/minute"``, ``"20 per 15 minutes"``). The counts live in ``storage`` (``memory://``:
this process; ``redis://host:6379``: shared by every server process, which needs the ``redis`` package).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LimitsRateLimiter:
    """``hit(kind, key)``: count one event of ``kind`` for ``key``; None when allowed, else the seconds until one
    would be. ``test(kind, key)``: the same answer without counting. A kind without a rate is never limited."""

    def __init__(self, rates: Mapping[str, str], storage: str = "memory://") -> None:
        self._items: dict[str, RateLimitItem] = {kind: parse(rate) for kind, rate in rates.items() if rate}
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def _wait(self, item: RateLimitItem, kind: str, key: str) -> int:
        reset = self._limiter.get_window_stats(item, kind, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def hit(self, kind: str, key: str) -> int | None:
        item = self._items.get(kind)
        if item is None or self._limiter.hit(item, kind, key):
            return None
        return self._wait(item, kind, key)

    def test(self, kind: str, key: str) -> int | None:
        item = self._items.get(kind)
        if item is None or self._limiter.test(item, kind, key):
            return None
        return self._wait(item, kind, key)

    def rate(self, kind: str) -> str | None:
        """The rate of ``kind`` in words (``"20 per 15 minutes"``), None when unlimited."""
        item = self._items.get(kind)
        if item is None:
            return None
        unit = item.GRANULARITY.name
        return f"{item.amount} per {item.multiples} {unit}s" if item.multiples != 1 else f"{item.amount} per {unit}"


__all__ = ["LimitsRateLimiter"]
