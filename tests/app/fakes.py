"""In-memory fakes of the ports: a unit of work with fake repositories, a clock the test moves, sequential ids.

The fake repositories answer as the SQL ones of :mod:`cyberrx.adapters.store.repositories` do: scoped to the
caller's tenant (:meth:`Scope.sees`, the predicate the SQL mirrors), unique keys raising ``Duplicate``, the claim's
version check raising ``ConcurrentChange``. Rows added in a unit of work are kept only if it commits; changes made
in place to rows already stored are not undone on rollback (no use case changes a row before its last check).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from cyberrx.adapters.passwords import Argon2Hasher
from cyberrx.adapters.store import ConcurrentChange, Duplicate, Order, Scope
from cyberrx.app.ports import Ports


# ---- ports ------------------------------------------------------------------------------------------------
class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class SequentialIds:
    """Ids 0000...0001, 0000...0002, ...: readable in failures, still 32 hex characters."""

    def __init__(self) -> None:
        self.n = 0

    def new(self) -> str:
        self.n += 1
        return f"{self.n:032x}"


def fake_ports() -> Ports:
    return Ports(clock=FakeClock(), ids=SequentialIds(), hasher=Argon2Hasher.fast())


# ---- the in-memory database -------------------------------------------------------------------------------
@dataclass
class Tables:
    """The committed rows, by table name."""

    rows: dict[str, list[Any]] = field(default_factory=dict)

    def of(self, name: str) -> list[Any]:
        return self.rows.setdefault(name, [])


def _page(rows: list[Any], order: Order, limit: int, offset: int) -> tuple[list[Any], int]:
    ordered = sorted(rows, key=lambda r: getattr(r, order.tie))
    ordered = sorted(ordered, key=lambda r: getattr(r, order.attr), reverse=order.descending)
    return ordered[offset:offset + limit], len(rows)


def _match(row: Any, where: dict[str, Any]) -> bool:
    return all(getattr(row, k) == v for k, v in where.items())


class _Table:
    """Committed rows plus this unit of work's pending ones; ``unique``: attribute tuples that must not repeat."""

    name: str = ""
    unique: tuple[tuple[str, ...], ...] = (("id",),)

    def __init__(self, tx: FakeTransaction) -> None:
        self.uow = tx
        self.scope = tx.scope

    def _all(self) -> list[Any]:
        return self.uow.tables.of(self.name) + self.uow.pending.setdefault(self.name, [])

    def _visible(self, row: Any) -> bool:
        return self.scope is None or self.scope.sees(row.carrier_id, row.brokerage_id, row.practice_id)

    def _rows(self) -> list[Any]:
        return [r for r in self._all() if self._visible(r)]

    def get(self, ident: str, *, lock: bool = False) -> Any:
        return next((r for r in self._rows() if r.id == ident), None)

    def add(self, row: Any) -> Any:
        for key in self.unique:
            value = tuple(getattr(row, k) for k in key)
            if any(tuple(getattr(r, k) for k in key) == value for r in self._all()):
                raise Duplicate(f"{self.name}: {key} = {value} already exists")
        self.uow.pending.setdefault(self.name, []).append(row)
        return row

    def list(self, where: dict[str, Any], order: Order, limit: int, offset: int) -> tuple[list[Any], int]:
        return _page([r for r in self._rows() if _match(r, where)], order, limit, offset)


class Organisations(_Table):
    name = "organisations"

    def _visible(self, row: Any) -> bool:
        return self.scope is None or self.scope.sees_organisation(row.id, row.carrier_id, row.brokerage_id)

    def get_kind(self, ident: str, kind: str, *, lock: bool = False) -> Any:
        row = self.get(ident)
        return row if row is not None and row.kind == kind else None

    def list_named(self, where: dict[str, Any], name_contains: str | None, order: Order, limit: int,
                   offset: int) -> tuple[list[Any], int]:
        rows = [r for r in self._rows() if _match(r, where)
                and (not name_contains or name_contains.lower() in r.name.lower())]
        return _page(rows, order, limit, offset)


class Users(_Table):
    name = "users"
    unique = (("id",), ("email",))

    def _visible(self, row: Any) -> bool:
        if self.scope is None:
            return True
        org = next(o for o in self.uow.tables.of("organisations") + self.uow.pending.get("organisations", [])
                   if o.id == row.organisation_id)
        return self.scope.sees_organisation(org.id, org.carrier_id, org.brokerage_id)

    def by_email(self, email: str) -> Any:
        return next((u for u in self._all() if u.email == email), None)


class Tokens(_Table):
    name = "tokens"
    unique = (("id",), ("token_hash",))

    def _visible(self, row: Any) -> bool:
        return True

    def get_for_user(self, token_id: str, user_id: str) -> Any:
        return next((t for t in self._all() if t.id == token_id and t.user_id == user_id), None)

    def list_for_user(self, user_id: str) -> list[Any]:
        mine = sorted((t for t in self._all() if t.user_id == user_id), key=lambda t: t.id)
        return sorted(mine, key=lambda t: t.created_at, reverse=True)

    def revoke_all(self, user_id: str, now: Any) -> int:
        live = [t for t in self._all() if t.user_id == user_id and t.revoked_at is None]
        for t in live:
            t.revoked_at = now
        return len(live)

    def by_hash(self, token_hash: str) -> tuple[Any, Any, Any] | None:
        token = next((t for t in self._all() if t.token_hash == token_hash), None)
        if token is None:
            return None
        user = next(u for u in self.uow.tables.of("users") if u.id == token.user_id)
        org = next(o for o in self.uow.tables.of("organisations") if o.id == user.organisation_id)
        return token, user, org


class LoginFailures(_Table):
    name = "login_failures"
    unique = (("email_hash",),)

    def _visible(self, row: Any) -> bool:
        return True

    def get(self, key: str, *, lock: bool = False) -> Any:
        return next((r for r in self._all() if r.email_hash == key), None)

    def delete(self, key: str) -> None:
        self.uow.deleted.append((self.name, lambda r: r.email_hash == key))

    def purge(self, idle_before: datetime, now: datetime, keep: str) -> None:
        self.uow.deleted.append((self.name, lambda r: r.updated_at < idle_before and r.email_hash != keep
                                 and (r.locked_until is None or r.locked_until < now)))


class Totp(_Table):
    """Two-factor secrets (issue 17): the use-case tests turn none on."""

    name = "user_totp"
    unique = (("user_id",),)

    def _visible(self, row: Any) -> bool:
        return True

    def get(self, user_id: str, *, lock: bool = False) -> Any:
        return next((r for r in self._all() if r.user_id == user_id), None)


class Profiles(_Table):
    name = "profile_versions"
    unique = (("id",), ("practice_id", "version"))

    def _visible(self, row: Any) -> bool:
        return True

    def by_id(self, ident: str) -> Any:
        return next((v for v in self._all() if v.id == ident), None)

    def latest_of(self, practice_ids: list[str]) -> dict[str, Any]:
        return {p: self.latest(p) for p in practice_ids if self.all(p)}

    def all(self, practice_id: str) -> list[Any]:
        return sorted((v for v in self._all() if v.practice_id == practice_id), key=lambda v: v.version)

    def latest(self, practice_id: str) -> Any:
        return self.all(practice_id)[-1]

    def get(self, practice_id: str, version: int) -> Any:  # type: ignore[override]
        return next((v for v in self.all(practice_id) if v.version == version), None)


class Assessments(_Table):
    name = "assessments"


class Policies(_Table):
    name = "policies"
    unique = (("id",), ("carrier_id", "policy_number"))

    def bound_from(self, quote_id: str, option: int) -> Any:
        return next((p for p in self._rows() if p.quote_id == quote_id and p.quote_option == option), None)

    def count(self) -> int:
        return len(self._rows())

    def every(self, limit: int) -> list[Any]:
        return sorted(self._rows(), key=lambda p: (p.bound_at, p.id))[:limit]


class Referrals(_Table):
    name = "referrals"
    unique = (("id",), ("quote_id", "option"))

    def in_status(self, statuses: list[str], limit: int, offset: int) -> tuple[list[Any], int]:
        rows = sorted((r for r in self._rows() if r.status in statuses),
                      key=lambda r: (r.created_at, r.quote_id, r.option))
        return rows[offset:offset + limit], len(rows)

    def for_quote(self, quote_id: str) -> list[Any]:
        return sorted((r for r in self._rows() if r.quote_id == quote_id), key=lambda r: r.option)


class Subjectivities(_Table):
    name = "subjectivities"

    def for_policy(self, policy_id: str) -> list[Any]:
        return sorted((s for s in self._rows() if s.policy_id == policy_id), key=lambda s: (s.due, s.id))

    def open_by_due(self, limit: int) -> tuple[list[Any], int]:
        rows = sorted((s for s in self._rows() if s.status == "open"), key=lambda s: (s.due, s.id))
        return rows[:limit], len(rows)


class Quotes(_Table):
    name = "quotes"


class Incidents(_Table):
    name = "incidents"


class Claims(_Table):
    name = "claims"
    unique = (("id",), ("policy_id", "claim_number"))

    def docs_on_policy(self, policy_id: str) -> list[dict[str, Any]]:
        on = sorted((c for c in self._all() if c.policy_id == policy_id), key=lambda c: c.id)
        return [c.claim for c in sorted(on, key=lambda c: c.created_at)]

    def set_money(self, claim: Any, expected_version: int, *, paid: Decimal, reserve: Decimal, status: str) -> None:
        if self.uow.race is not None and self.uow.race(claim):
            raise ConcurrentChange(claim.id)
        if claim.version != expected_version:
            raise ConcurrentChange(claim.id)
        claim.paid, claim.reserve, claim.status, claim.version = paid, reserve, status, expected_version + 1


class Ledger(_Table):
    name = "ledger_entries"
    unique = (("claim_id", "seq"), ("claim_id", "idempotency_key"))

    def entries(self, claim_id: str) -> list[Any]:
        return sorted((e for e in self._all() if e.claim_id == claim_id), key=lambda e: e.seq)


class Jobs(_Table):
    name = "jobs"

    def running(self) -> list[Any]:
        return [j for j in self._all() if j.status == "running"]

    def take_next(self, now: datetime) -> Any:
        queued = sorted((j for j in self._all() if j.status == "queued"), key=lambda j: (j.created_at, j.id))
        if not queued:
            return None
        job = queued[0]
        job.status, job.attempts, job.heartbeat_at, job.progress = "running", job.attempts + 1, now, 0.0
        return job

    def heartbeat(self, job_id: str, progress: float, now: datetime) -> None:
        job = self.get(job_id)
        if job is not None and job.status == "running":
            job.progress, job.heartbeat_at = progress, now

    def finish(self, job_id: str, status: str, now: datetime, error: str | None = None) -> None:
        job = self.get(job_id)
        job.status, job.finished_at = status, now
        if status == "succeeded":
            job.progress, job.heartbeat_at = 1.0, now
        else:
            job.error = error


class Audit(_Table):
    name = "audit_events"
    unique = (("seq",), ("hash",))

    def _visible(self, row: Any) -> bool:
        return True

    def last_for_append(self) -> tuple[int, str] | None:
        events = sorted(self._all(), key=lambda e: e.seq)
        return (events[-1].seq, events[-1].hash) if events else None

    def after(self, seq: int, limit: int) -> list[Any]:
        return sorted((e for e in self._all() if e.seq > seq), key=lambda e: e.seq)[:limit]


class FakeUnitOfWork:
    """``reading(scope)`` / ``writing(scope)`` as the SQL store gives them, over :class:`Tables` in memory.

    ``commits`` counts the units of work that committed; ``race``: a predicate on a claim that, while it answers
    True, makes the claim's version check fail as if another change had got there first."""

    def __init__(self, tables: Tables | None = None) -> None:
        self.tables = tables or Tables()
        self.commits = 0
        self.race: Callable[[Any], bool] | None = None

    def reading(self, scope: Scope | None = None) -> FakeTransaction:
        return FakeTransaction(self, scope)

    def writing(self, scope: Scope | None = None) -> FakeTransaction:
        return FakeTransaction(self, scope)

    def rows(self, name: str) -> list[Any]:
        """The committed rows of a table (for assertions)."""
        return self.tables.of(name)


class FakeTransaction:
    def __init__(self, owner: FakeUnitOfWork, scope: Scope | None) -> None:
        self.owner = owner
        self.tables = owner.tables
        self.race = owner.race
        self.scope = scope
        self.pending: dict[str, list[Any]] = {}
        self.deleted: list[tuple[str, Callable[[Any], bool]]] = []
        self.organisations = Organisations(self)
        self.users = Users(self)
        self.tokens = Tokens(self)
        self.login_failures = LoginFailures(self)
        self.totp = Totp(self)
        self.profiles = Profiles(self)
        self.assessments = Assessments(self)
        self.jobs = Jobs(self)
        self.policies = Policies(self)
        self.quotes = Quotes(self)
        self.incidents = Incidents(self)
        self.claims = Claims(self)
        self.ledger = Ledger(self)
        self.audit = Audit(self)
        self.referrals = Referrals(self)
        self.subjectivities = Subjectivities(self)

    def commit(self) -> None:
        for name, rows in self.pending.items():
            self.tables.of(name).extend(rows)
        for name, gone in self.deleted:
            self.tables.rows[name] = [r for r in self.tables.of(name) if not gone(r)]
        self.pending, self.deleted = {}, []
        self.owner.commits += 1

    def __enter__(self) -> FakeTransaction:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pending, self.deleted = {}, []


def ids_in(rows: Iterable[Any]) -> set[str]:
    return {r.id for r in rows}


__all__ = ["FakeClock", "FakeUnitOfWork", "SequentialIds", "Tables", "fake_ports", "ids_in"]
