"""Limits on this process: a cap on its address space, so a run that outgrows it fails with ``MemoryError``
(recorded on its job, not retried) instead of taking the machine's memory or being killed by the kernel."""

from __future__ import annotations

import resource


def cap_address_space(megabytes: int) -> int | None:
    """Cap this process's address space at ``megabytes`` MB (``RLIMIT_AS``, soft and hard); the previous soft
    limit in bytes (None: unlimited). A cap already lower is kept. Linux and macOS only."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 10**6
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return int(soft)
    new_hard = cap if hard == resource.RLIM_INFINITY or hard > cap else hard
    resource.setrlimit(resource.RLIMIT_AS, (min(cap, new_hard), new_hard))
    return None if soft == resource.RLIM_INFINITY else int(soft)


__all__ = ["cap_address_space"]
