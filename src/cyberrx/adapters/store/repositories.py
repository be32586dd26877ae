"""Repositories over one SQLAlchemy session, scoped to a caller's tenant (:class:`~.scope.Scope`; None: the
system, e.g. the job worker or the operator's commands).

A scoped repository only ever returns rows the scope sees, so a use case cannot forget the tenant filter. Rows are
the table classes of :mod:`.tables`; ``add`` flushes, so a broken constraint surfaces at once (as
:class:`~.unit_of_work.Duplicate` when the transaction ends).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, text, true, update
from sqlalchemy.orm import Session

from cyberrx.adapters.store.scope import Scope, organisation_clause, owned_clause
from cyberrx.adapters.store.tables import (
    Assessment,
    AuditEvent,
    Claim,
    Incident,
    Job,
    LedgerEntry,
    LoginFailure,
    Organisation,
    OutboxMessage,
    PasswordReset,
    Policy,
    ProfileVersion,
    Quote,
    Referral,
    Subjectivity,
    ThreatAlert,
    ThreatFeed,
    ThreatImport,
    Token,
    User,
    UserTotp,
)

#: key of the PostgreSQL advisory lock that serialises appends to the audit chain
AUDIT_LOCK_KEY = 0x43525841  # "CRXA"


class ConcurrentChange(Exception):
    """The row changed between read and write (its version moved on): run the use case again."""


@dataclass(frozen=True)
class Order:
    """Sort by attribute ``attr`` (``descending`` or not), then by ``tie`` for a stable page."""

    attr: str
    descending: bool
    tie: str


class _Rows:
    """Rows of one table the scope sees: get, add, a page of a filtered list."""

    model: Any

    def __init__(self, session: Session, scope: Scope | None) -> None:
        self.s = session
        self.scope = scope

    def _visible(self) -> ColumnElement[bool]:
        return owned_clause(self.scope, self.model)

    def _select(self) -> Select[Any]:
        return select(self.model).where(self._visible())

    def get(self, ident: str, *, lock: bool = False) -> Any:
        stmt = self._select().where(self.model.id == ident)
        if lock:
            stmt = stmt.with_for_update()
        return self.s.execute(stmt).scalar_one_or_none()

    def add(self, row: Any) -> Any:
        self.s.add(row)
        self.s.flush()
        return row

    def list(self, where: dict[str, Any], order: Order, limit: int, offset: int) -> tuple[list[Any], int]:
        return self._page(self._filtered(where), order, limit, offset)

    def _filtered(self, where: dict[str, Any]) -> Select[Any]:
        stmt = self._select()
        for attr, value in where.items():
            stmt = stmt.where(getattr(self.model, attr) == value)
        return stmt

    def _page(self, stmt: Select[Any], order: Order, limit: int, offset: int) -> tuple[builtins.list[Any], int]:
        column = getattr(self.model, order.attr)
        total = self.s.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        stmt = stmt.order_by(column.desc() if order.descending else column.asc(), getattr(self.model, order.tie))
        rows = self.s.execute(stmt.limit(limit).offset(offset)).scalars().all()
        return list(rows), int(total)


class Organisations(_Rows):
    model = Organisation

    def _visible(self) -> ColumnElement[bool]:
        return organisation_clause(self.scope, Organisation)

    def get_kind(self, ident: str, kind: str, *, lock: bool = False) -> Organisation | None:
        stmt = self._select().where(Organisation.id == ident, Organisation.kind == kind)
        if lock:
            stmt = stmt.with_for_update()
        return self.s.execute(stmt).scalar_one_or_none()

    def list_named(self, where: dict[str, Any], name_contains: str | None, order: Order, limit: int,
                   offset: int) -> tuple[list[Any], int]:
        stmt = self._filtered(where)
        if name_contains:
            stmt = stmt.where(func.lower(Organisation.name).contains(name_contains.lower(), autoescape=True))
        return self._page(stmt, order, limit, offset)


class Users(_Rows):
    model = User

    def _visible(self) -> ColumnElement[bool]:
        if self.scope is None:
            return true()
        return User.organisation_id.in_(select(Organisation.id).where(organisation_clause(self.scope, Organisation)))

    def by_email(self, email: str) -> User | None:
        return self.s.execute(select(User).where(User.email == email)).scalar_one_or_none()


class Tokens:
    """Tokens belong to a user, never to a tenant's book: looked up by their owner or by their hash."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, token: Token) -> Token:
        self.s.add(token)
        self.s.flush()
        return token

    def get_for_user(self, token_id: str, user_id: str) -> Token | None:
        return self.s.execute(select(Token).where(Token.id == token_id, Token.user_id == user_id)
                              ).scalar_one_or_none()

    def list_for_user(self, user_id: str) -> list[Token]:
        return list(self.s.execute(select(Token).where(Token.user_id == user_id)
                                   .order_by(Token.created_at.desc(), Token.id)).scalars())

    def revoke_all(self, user_id: str, now: datetime) -> int:
        """Revoke every live token of the user; how many."""
        result = self.s.execute(update(Token).where(Token.user_id == user_id, Token.revoked_at.is_(None))
                                .values(revoked_at=now))
        return int(getattr(result, "rowcount", 0) or 0)

    def by_hash(self, token_hash: str) -> tuple[Token, User, Organisation] | None:
        row = self.s.execute(select(Token, User, Organisation).join(User, Token.user_id == User.id)
                             .join(Organisation, User.organisation_id == Organisation.id)
                             .where(Token.token_hash == token_hash)).first()
        return None if row is None else (row[0], row[1], row[2])


class LoginFailures:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, key: str, *, lock: bool = False) -> LoginFailure | None:
        stmt = select(LoginFailure).where(LoginFailure.email_hash == key)
        if lock:
            stmt = stmt.with_for_update()
        return self.s.execute(stmt).scalar_one_or_none()

    def add(self, row: LoginFailure) -> LoginFailure:
        self.s.add(row)
        return row

    def delete(self, key: str) -> None:
        self.s.execute(delete(LoginFailure).where(LoginFailure.email_hash == key))

    def purge(self, idle_before: datetime, now: datetime, keep: str) -> None:
        """Delete the rows not touched since ``idle_before`` and not locked at ``now`` (except ``keep``)."""
        self.s.execute(delete(LoginFailure).where(
            LoginFailure.updated_at < idle_before, LoginFailure.email_hash != keep,
            or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now)))


class Profiles:
    """Profile versions; the caller has already found the practice visible."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, row: ProfileVersion) -> ProfileVersion:
        self.s.add(row)
        self.s.flush()
        return row

    def by_id(self, ident: str) -> ProfileVersion | None:
        return self.s.get(ProfileVersion, ident)

    def latest(self, practice_id: str) -> ProfileVersion:
        return self.s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == practice_id)
                              .order_by(ProfileVersion.version.desc()).limit(1)).scalar_one()

    def get(self, practice_id: str, version: int) -> ProfileVersion | None:
        return self.s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == practice_id,
                                                           ProfileVersion.version == version)).scalar_one_or_none()

    def latest_of(self, practice_ids: builtins.list[str]) -> dict[str, ProfileVersion]:
        """The latest profile version of each practice named (one query)."""
        if not practice_ids:
            return {}
        newest = (select(ProfileVersion.practice_id, func.max(ProfileVersion.version).label("v"))
                  .where(ProfileVersion.practice_id.in_(practice_ids)).group_by(ProfileVersion.practice_id)
                  .subquery())
        rows = self.s.execute(select(ProfileVersion).join(newest, (ProfileVersion.practice_id == newest.c.practice_id)
                                                          & (ProfileVersion.version == newest.c.v))).scalars()
        return {r.practice_id: r for r in rows}

    def all(self, practice_id: str) -> list[ProfileVersion]:
        return list(self.s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == practice_id)
                                   .order_by(ProfileVersion.version)).scalars())


class Assessments(_Rows):
    model = Assessment


class Policies(_Rows):
    model = Policy

    def bound_from(self, quote_id: str, option: int) -> Policy | None:
        """The policy bound from option ``option`` of quote ``quote_id``, if any."""
        return self.s.execute(self._select().where(Policy.quote_id == quote_id, Policy.quote_option == option)
                              .limit(1)).scalar_one_or_none()

    def count(self) -> int:
        return int(self.s.execute(select(func.count()).select_from(Policy).where(self._visible())).scalar_one())

    def every(self, limit: int) -> builtins.list[Policy]:
        """Up to ``limit`` policies of the scope, oldest bound first."""
        return list(self.s.execute(self._select().order_by(Policy.bound_at, Policy.id).limit(limit)).scalars())


class Quotes(_Rows):
    model = Quote


class Incidents(_Rows):
    model = Incident


class Claims(_Rows):
    model = Claim

    def docs_on_policy(self, policy_id: str) -> list[dict[str, Any]]:
        """The claim documents already opened on a policy, in the order they were opened."""
        return list(self.s.execute(select(Claim.claim).where(Claim.policy_id == policy_id)
                                   .order_by(Claim.created_at, Claim.id)).scalars())

    def set_money(self, claim: Claim, expected_version: int, *, paid: Decimal, reserve: Decimal,
                  status: str) -> None:
        """Write the claim's money and move its version on, only if it is still at ``expected_version``."""
        changed = self.s.execute(update(Claim).where(Claim.id == claim.id, Claim.version == expected_version)
                                 .values(paid=paid, reserve=reserve, status=status, version=expected_version + 1))
        if changed.rowcount != 1:   # type: ignore[attr-defined]
            raise ConcurrentChange(claim.id)
        self.s.refresh(claim)


class Ledger:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, row: LedgerEntry) -> LedgerEntry:
        self.s.add(row)
        self.s.flush()
        return row

    def entries(self, claim_id: str) -> list[LedgerEntry]:
        return list(self.s.execute(select(LedgerEntry).where(LedgerEntry.claim_id == claim_id)
                                   .order_by(LedgerEntry.seq)).scalars())


class Referrals(_Rows):
    model = Referral

    def in_status(self, statuses: builtins.list[str], limit: int, offset: int) -> tuple[builtins.list[Referral], int]:
        """Referrals in one of ``statuses``, oldest first (then by quote and option), and how many there are."""
        stmt = self._select().where(Referral.status.in_(statuses))
        total = self.s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = self.s.execute(stmt.order_by(Referral.created_at, Referral.quote_id, Referral.option)
                              .limit(limit).offset(offset)).scalars().all()
        return list(rows), int(total)

    def for_quote(self, quote_id: str) -> builtins.list[Referral]:
        return list(self.s.execute(self._select().where(Referral.quote_id == quote_id)
                                   .order_by(Referral.option)).scalars())


class Subjectivities(_Rows):
    model = Subjectivity

    def for_policy(self, policy_id: str) -> builtins.list[Subjectivity]:
        return list(self.s.execute(self._select().where(Subjectivity.policy_id == policy_id)
                                   .order_by(Subjectivity.due, Subjectivity.id)).scalars())

    def open_by_due(self, limit: int) -> tuple[builtins.list[Subjectivity], int]:
        """Open subjectivities, the earliest due first (up to ``limit``), and how many are open."""
        stmt = self._select().where(Subjectivity.status == "open")
        total = self.s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        rows = self.s.execute(stmt.order_by(Subjectivity.due, Subjectivity.id).limit(limit)).scalars().all()
        return list(rows), int(total)


class Jobs(_Rows):
    """Jobs of the scope; the queue operations are the worker's (scope None)."""

    model = Job

    def running(self) -> list[Job]:
        return list(self.s.execute(select(Job).where(Job.status == "running")).scalars())

    def oldest_queued_at(self) -> datetime | None:
        """When the job waiting longest was queued (None: the queue is empty)."""
        return self.s.execute(select(func.min(Job.created_at)).where(Job.status == "queued")).scalar_one_or_none()

    def take_next(self, now: datetime) -> Job | None:
        """Claim the oldest queued job (a conditional update: two workers never take the same one)."""
        job_id = self.s.execute(select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id)
                                .limit(1)).scalar_one_or_none()
        if job_id is None:
            return None
        taken = self.s.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(
            status="running", attempts=Job.attempts + 1, heartbeat_at=now, progress=0.0))
        if taken.rowcount != 1:     # type: ignore[attr-defined]
            return None
        return self.s.get(Job, job_id)

    def heartbeat(self, job_id: str, progress: float, now: datetime) -> None:
        self.s.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(
            progress=progress, heartbeat_at=now))

    def finish(self, job_id: str, status: str, now: datetime, error: str | None = None) -> None:
        values: dict[str, Any] = {"status": status, "finished_at": now}
        if status == "succeeded":
            values.update(progress=1.0, heartbeat_at=now)
        else:
            values["error"] = error
        self.s.execute(update(Job).where(Job.id == job_id).values(**values))


class Audit:
    """The hash-chained events; appends are serialised (an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE``
    already on SQLite)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def last_for_append(self) -> tuple[int, str] | None:
        """``(seq, hash)`` of the newest event, holding the append lock until the transaction ends."""
        if self.s.get_bind().dialect.name == "postgresql":
            self.s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})
        last = self.s.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        return None if last is None else (int(last[0]), str(last[1]))

    def add(self, event: AuditEvent) -> AuditEvent:
        self.s.add(event)
        self.s.flush()
        return event

    def after(self, seq: int, limit: int) -> list[AuditEvent]:
        return list(self.s.execute(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
                                   .limit(limit)).scalars())

    def list(self, where: dict[str, Any], order: Order, limit: int, offset: int) -> tuple[list[Any], int]:
        rows = _Rows(self.s, None)
        rows.model = AuditEvent
        return rows.list(where, order, limit, offset)


class ThreatFeeds:
    """Imported feeds (public data, no tenant) and the record of every import."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def by_digest(self, digest: str) -> ThreatFeed | None:
        return self.s.execute(select(ThreatFeed).where(ThreatFeed.digest == digest)).scalar_one_or_none()

    def get(self, ident: str) -> ThreatFeed | None:
        return self.s.get(ThreatFeed, ident)

    def newest(self) -> ThreatFeed | None:
        return self.s.execute(select(ThreatFeed).order_by(ThreatFeed.imported_at.desc(), ThreatFeed.id.desc())
                              .limit(1)).scalar_one_or_none()

    def add(self, row: ThreatFeed) -> ThreatFeed:
        self.s.add(row)
        self.s.flush()
        return row

    def record(self, row: ThreatImport) -> ThreatImport:
        self.s.add(row)
        self.s.flush()
        return row

    def list(self, limit: int, offset: int) -> tuple[builtins.list[ThreatFeed], int]:
        total = self.s.execute(select(func.count()).select_from(ThreatFeed)).scalar_one()
        rows = self.s.execute(select(ThreatFeed).order_by(ThreatFeed.imported_at.desc(), ThreatFeed.id)
                              .limit(limit).offset(offset)).scalars().all()
        return list(rows), int(total)

    def imports(self, feed_id: str) -> builtins.list[ThreatImport]:
        return list(self.s.execute(select(ThreatImport).where(ThreatImport.feed_id == feed_id)
                                   .order_by(ThreatImport.at, ThreatImport.id)).scalars())


class ThreatAlerts(_Rows):
    """Alerts the scope sees: a practice its own, a brokerage its clients', a carrier all of its book."""

    model = ThreatAlert

    def find(self, practice_id: str, cve: str, product: str) -> ThreatAlert | None:
        return self.s.execute(self._select().where(ThreatAlert.practice_id == practice_id, ThreatAlert.cve == cve,
                                                   ThreatAlert.product == product)).scalar_one_or_none()

    def due_reminders(self, created_before: datetime, reminded_before: datetime) -> list[ThreatAlert]:
        """Urgent alerts not acknowledged, older than ``created_before`` and not reminded since
        ``reminded_before``."""
        return list(self.s.execute(self._select().where(
            ThreatAlert.urgent.is_(True), ThreatAlert.acknowledged_at.is_(None),
            ThreatAlert.created_at <= created_before,
            or_(ThreatAlert.reminded_at.is_(None), ThreatAlert.reminded_at <= reminded_before))
            .order_by(ThreatAlert.created_at, ThreatAlert.id)).scalars())


class Outbox:
    """Mails waiting to be sent; the sender takes the oldest unsent first."""

    def __init__(self, session: Session, scope: Scope | None) -> None:
        self.s = session
        self.scope = scope

    def add(self, row: OutboxMessage) -> OutboxMessage:
        self.s.add(row)
        self.s.flush()
        return row

    def get(self, ident: str) -> OutboxMessage | None:
        return self.s.get(OutboxMessage, ident)

    def unsent(self, limit: int, max_attempts: int) -> list[OutboxMessage]:
        stmt = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts)
        if self.scope is not None:
            stmt = stmt.where(OutboxMessage.carrier_id == self.scope.carrier_id)
        return list(self.s.execute(stmt.order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)).scalars())

    def for_address(self, address: str) -> list[OutboxMessage]:
        return list(self.s.execute(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.created_at, OutboxMessage.id)).scalars())

    def for_alert(self, alert_id: str) -> list[OutboxMessage]:
        return list(self.s.execute(select(OutboxMessage).where(OutboxMessage.alert_id == alert_id)
                                   .order_by(OutboxMessage.created_at, OutboxMessage.id)).scalars())


# ---- credentials (issue 17): password resets, the outbox, TOTP ------------------------------------------------
class PasswordResets:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, row: PasswordReset) -> PasswordReset:
        self.s.add(row)
        self.s.flush()
        return row

    def by_hash(self, token_hash: str, *, lock: bool = False) -> PasswordReset | None:
        stmt = select(PasswordReset).where(PasswordReset.token_hash == token_hash)
        return self.s.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()

    def expire_for_user(self, user_id: str, now: datetime) -> None:
        """Mark every unused reset of the user used (a new one, or a password change, ends the old ones)."""
        self.s.execute(update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
                       .values(used_at=now))



class Totp:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, user_id: str, *, lock: bool = False) -> UserTotp | None:
        stmt = select(UserTotp).where(UserTotp.user_id == user_id)
        return self.s.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()

    def put(self, row: UserTotp) -> UserTotp:
        row = self.s.merge(row)
        self.s.flush()
        return row

    def delete(self, user_id: str) -> None:
        self.s.execute(delete(UserTotp).where(UserTotp.user_id == user_id))


__all__ = ["AUDIT_LOCK_KEY", "Assessments", "Audit", "Claims", "ConcurrentChange", "Incidents", "Jobs", "Ledger",
           "LoginFailures", "Order", "Organisations", "Outbox", "PasswordResets", "Policies", "Profiles", "Quotes",
           "Referrals", "Subjectivities", "ThreatAlerts", "ThreatFeeds", "Tokens", "Totp", "Users"]
