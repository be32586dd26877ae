"""Rate limits of the use cases: logins and expensive runs (assessments, quotes), per client address and overall.

The rates are the service's settings (:class:`cyberrx.config.Settings` ``rate_*``), counted by the rate-limiter
port; a refusal is :class:`~cyberrx.app.authz.TooManyAttempts` (HTTP 429 with Retry-After) saying the limit.
"""

from __future__ import annotations

from cyberrx.app.authz import TooManyAttempts
from cyberrx.app.ports import Ports

#: limit kinds: per client address, and the same kind for every caller together
LOGIN, LOGIN_FAILURE, EXPENSIVE = "login", "login_failure", "expensive"
EVERYONE = "everyone"

_WHAT = {LOGIN: "sign-in attempts", LOGIN_FAILURE: "failed sign-ins", EXPENSIVE: "assessments and quotes"}


def _refusal(ports: Ports, kind: str, wait: int, overall: bool) -> TooManyAttempts:
    rate = ports.limiter.rate(f"{kind}_global" if overall else kind) or "the limit"
    whose = "from everyone together" if overall else "from your address"
    return TooManyAttempts(f"too many {_WHAT[kind]} {whose} ({rate} allowed): try again in {wait} s", wait)


def admit(ports: Ports, kind: str, client: str | None) -> None:
    """Count one ``kind`` event for ``client`` (an address; None: unknown, only the overall limit applies) and
    overall; TooManyAttempts when either limit is reached."""
    if client is not None:
        wait = ports.limiter.hit(kind, client)
        if wait is not None:
            raise _refusal(ports, kind, wait, overall=False)
    wait = ports.limiter.hit(f"{kind}_global", EVERYONE)
    if wait is not None:
        raise _refusal(ports, kind, wait, overall=True)


def check(ports: Ports, kind: str, client: str | None) -> None:
    """TooManyAttempts when ``client`` has reached the ``kind`` limit (nothing counted)."""
    if client is not None:
        wait = ports.limiter.test(kind, client)
        if wait is not None:
            raise _refusal(ports, kind, wait, overall=False)


def count(ports: Ports, kind: str, client: str | None) -> None:
    """Count one ``kind`` event for ``client`` without refusing (a failed sign-in, after the fact)."""
    if client is not None:
        ports.limiter.hit(kind, client)


__all__ = ["EVERYONE", "EXPENSIVE", "LOGIN", "LOGIN_FAILURE", "admit", "check", "count"]
