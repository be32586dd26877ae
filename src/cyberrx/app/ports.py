"""What the use cases need from outside, as small interfaces: the unit of work, a clock, an id generator, a
password hasher, the executor simulations map their blocks through, and a job queue. The production
implementations are here (clock, ids, serial executor) or in :mod:`cyberrx.adapters` (the database, argon2);
tests pass fakes."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from cyberrx.adapters.store import Scope

if TYPE_CHECKING:
    from cyberrx.engine.executors import Executor


class Clock(Protocol):
    def now(self) -> datetime:
        """The time now, UTC."""
        ...


class Ids(Protocol):
    def new(self) -> str:
        """A new id: 32 hex characters."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...

    @property
    def dummy_hash(self) -> str:
        """A hash to verify against when there is no account (a login costs the same either way)."""
        ...


class RateLimiter(Protocol):
    """Counts events by kind and key (``login`` per client address, ...): :mod:`cyberrx.adapters.ratelimit`."""

    def hit(self, kind: str, key: str) -> int | None:
        """Count one; None when allowed, else the seconds until one would be."""
        ...

    def test(self, kind: str, key: str) -> int | None:
        """As :meth:`hit`, without counting."""
        ...

    def rate(self, kind: str) -> str | None:
        """The rate of ``kind`` in words, None when unlimited."""
        ...


class NoLimits:
    """A rate limiter that limits nothing (the library's and the tests' default; the service builds its own)."""

    def hit(self, kind: str, key: str) -> int | None:
        return None

    def test(self, kind: str, key: str) -> int | None:
        return None

    def rate(self, kind: str) -> str | None:
        return None


class UnitOfWork(Protocol):
    """Makes a transaction with the repositories of one scope (None: the system, no tenant filter).

    ``with uow.writing(scope) as tx: ...; tx.commit()``; leaving the block without ``commit`` writes nothing.
    The repositories (``tx.organisations``, ``tx.users``, ``tx.tokens``, ``tx.login_failures``, ``tx.profiles``,
    ``tx.assessments``, ``tx.jobs``, ``tx.policies``, ``tx.quotes``, ``tx.incidents``, ``tx.claims``,
    ``tx.ledger``, ``tx.audit``) are those of :mod:`cyberrx.adapters.store.repositories`.
    """

    def reading(self, scope: Scope | None = None) -> Any: ...

    def writing(self, scope: Scope | None = None) -> Any: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    def new(self) -> str:
        """128 random bits: ids cannot be guessed or enumerated."""
        return secrets.token_hex(16)


def serial_executor() -> Executor:
    """Simulations in the calling process (the default; a deployment may map blocks over a process pool)."""
    from cyberrx.engine.executors import SerialExecutor

    return SerialExecutor()


def _argon2() -> PasswordHasher:
    from cyberrx.adapters.passwords import Argon2Hasher

    return Argon2Hasher()


@dataclass(frozen=True)
class Ports:
    """The ports every use case may use. The default is production: system clock, random ids, argon2id at
    argon2-cffi's default cost."""

    clock: Clock = field(default_factory=SystemClock)
    ids: Ids = field(default_factory=RandomIds)
    hasher: PasswordHasher = field(default_factory=_argon2)
    #: makes the executor one simulation maps its blocks through (entered and closed by the use case)
    executor: Callable[[], Executor] = serial_executor
    #: rate limits on logins and expensive runs (the service's from its settings; none by default)
    limiter: RateLimiter = field(default_factory=NoLimits)


_default: list[Ports] = []


def default_ports() -> Ports:
    """The production ports, made on first use (never at import)."""
    if not _default:
        _default.append(Ports())
    return _default[0]


#: a job queue port: wake a worker now because a job was queued (the worker polls anyway)
Wake = Callable[[], None]

__all__ = ["Clock", "Ids", "NoLimits", "PasswordHasher", "Ports", "RandomIds", "RateLimiter", "SystemClock",
           "UnitOfWork", "Wake", "default_ports", "serial_executor"]
