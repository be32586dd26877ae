"""The SQLAlchemy unit of work: one transaction, the repositories of one caller's scope, one commit.

    with store.writing(scope) as uow:     # BEGIN (IMMEDIATE on SQLite)
        practice = uow.organisations.get_kind(...)
        ...
        uow.commit()                      # or nothing is written: leaving the block rolls back

A constraint the transaction breaks (a unique e-mail, a policy number, a ledger key) is raised as
:class:`Duplicate` when the block ends, so use cases never see a SQLAlchemy exception.
"""

from __future__ import annotations

import contextlib
from types import TracebackType

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from cyberrx.adapters.store import repositories as repos
from cyberrx.adapters.store.scope import Scope
from cyberrx.errors import CyberRxError


class Duplicate(Exception):
    """The change broke a uniqueness (or foreign-key) constraint: another change got there first."""


class StoreUnavailable(CyberRxError):
    """The database cannot be reached or is not answering (down, unreachable, locked past the busy timeout): try
    again later (HTTP 503 with Retry-After). Nothing was written."""


def unavailable(exc: BaseException) -> StoreUnavailable | None:
    """The :class:`StoreUnavailable` an exception of the driver means, or None when it means something else."""
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        return StoreUnavailable(f"the database is not answering ({reason})")
    return None


class SqlUnitOfWork:
    """Repositories over one session in one transaction; rolled back unless :meth:`commit` was called."""

    def __init__(self, session: Session, scope: Scope | None) -> None:
        self.session = session
        self.scope = scope
        self.organisations = repos.Organisations(session, scope)
        self.users = repos.Users(session, scope)
        self.tokens = repos.Tokens(session)
        self.login_failures = repos.LoginFailures(session)
        self.profiles = repos.Profiles(session)
        self.assessments = repos.Assessments(session, scope)
        self.jobs = repos.Jobs(session, scope)
        self.policies = repos.Policies(session, scope)
        self.quotes = repos.Quotes(session, scope)
        self.incidents = repos.Incidents(session, scope)
        self.claims = repos.Claims(session, scope)
        self.ledger = repos.Ledger(session)
        self.audit = repos.Audit(session)
        self.referrals = repos.Referrals(session, scope)
        self.subjectivities = repos.Subjectivities(session, scope)
        self.threat_feeds = repos.ThreatFeeds(session)
        self.threat_alerts = repos.ThreatAlerts(session, scope)
        self.outbox = repos.Outbox(session, scope)
        self.password_resets = repos.PasswordResets(session)
        self.totp = repos.Totp(session)
        self._transaction = session.begin()

    def commit(self) -> None:
        self._transaction.commit()

    def rollback(self) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()

    def __enter__(self) -> SqlUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            # rows read stay readable after the block (as loaded), and nothing uncommitted is written
            self.session.expunge_all()
            self.rollback()
        except DBAPIError as closing:        # the connection died under us: nothing was committed
            if exc is None:
                raise unavailable(closing) or closing from closing
        finally:
            with contextlib.suppress(DBAPIError):
                self.session.close()
        if isinstance(exc, IntegrityError):
            raise Duplicate(" ".join(str(exc.orig).split())) from exc
        if exc is not None:
            down = unavailable(exc)
            if down is not None:
                raise down from exc


__all__ = ["Duplicate", "SqlUnitOfWork", "StoreUnavailable", "unavailable"]
