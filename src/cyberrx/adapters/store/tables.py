"""Tables of the service (SQLAlchemy 2 declarative). The schema is made only by the Alembic migrations.

Tenancy columns: every tenant-owned row carries ``carrier_id`` (the tenant), and where it concerns one practice
``practice_id`` and that practice's ``brokerage_id`` (nullable: a practice written direct). Ids are random
32-character hex strings, so they cannot be enumerated. Money is ``Numeric(14, 2)`` usd (``Decimal``); times
are UTC.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Money = Numeric(14, 2)
Id = String(32)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, Decimal: Money}


class Organisation(Base):
    """A carrier, a brokerage or a practice. ``carrier_id``: the carrier it belongs to (itself for a carrier)."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    carrier_id: Mapped[str] = mapped_column(Id, index=True)
    brokerage_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    carrier_id: Mapped[str] = mapped_column(Id, index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class LoginFailure(Base):
    """Failed logins for one e-mail (known or not: the same for both, so a lockout does not reveal accounts).

    ``email_hash``: SHA-256 of the normalised e-mail; ``failures`` since the last success or lockout;
    ``locked_until``: no login for this e-mail before then (UTC)."""

    __tablename__ = "login_failures"
    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class Token(Base):
    """A login session or an API token; only the SHA-256 of the secret is kept."""

    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ProfileVersion(Base):
    """One version of a practice's profile, never changed once written."""

    __tablename__ = "profile_versions"
    __table_args__ = (UniqueConstraint("practice_id", "version"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    practice_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)


class _Owned:
    carrier_id: Mapped[str] = mapped_column(Id, index=True)
    brokerage_id: Mapped[str | None] = mapped_column(Id, index=True)
    practice_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)


class Assessment(_Owned, Base):
    """An assessment: its exact inputs (profile version, trials, seed, policy), versions and result."""

    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    profile_version_id: Mapped[str] = mapped_column(ForeignKey("profile_versions.id"))
    trials: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    policy: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16))
    engine_version: Mapped[str | None] = mapped_column(String(32))
    reference_version: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None]
    job_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)


class Job(_Owned, Base):
    """Background work. status: queued -> running -> succeeded | failed (a stale ``running`` job is requeued)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Policy(_Owned, Base):
    """A bound policy: its terms frozen as bound. Policy numbers are unique within a carrier."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("carrier_id", "policy_number"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    policy_number: Mapped[str] = mapped_column(String(64))
    terms: Mapped[dict[str, Any]]
    quote_id: Mapped[str | None] = mapped_column(Id)
    bound_at: Mapped[datetime]
    bound_by: Mapped[str] = mapped_column(Id)
    # bound from a quote option (migration 0005): the option's number in the quote, its premium and technical
    # premium (usd per year), the rules' segment and the profile version it was rated on; None when bound on terms
    quote_option: Mapped[int | None] = mapped_column(Integer)
    premium: Mapped[Decimal | None]
    technical_premium: Mapped[Decimal | None]
    segment: Mapped[str | None] = mapped_column(String(32))
    profile_version_id: Mapped[str | None] = mapped_column(Id)


class Quote(_Owned, Base):
    """Quote options for one profile version: the underwriting decision per option, as computed (frozen)."""

    __tablename__ = "quotes"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    profile_version_id: Mapped[str] = mapped_column(ForeignKey("profile_versions.id"))
    trials: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    effective: Mapped[str] = mapped_column(String(10))
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)


class Incident(_Owned, Base):
    __tablename__ = "incidents"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    incident: Mapped[dict[str, Any]]
    obligations: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)
    #: the breach playbook's steps ticked done: ``{"done": [step id, ...]}`` (None: none yet)
    playbook_progress: Mapped[dict[str, Any] | None]


class Claim(_Owned, Base):
    """A claim on a policy with its adjudication and money. ``version`` is the optimistic lock (the ETag)."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("policy_id", "claim_number"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"), index=True)
    claim_number: Mapped[str] = mapped_column(String(64))
    claim: Mapped[dict[str, Any]]
    #: None for a first notice whose loss lines are not entered yet
    adjudication: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16))
    allowed: Mapped[Decimal]
    reserve: Mapped[Decimal]
    paid: Mapped[Decimal]
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)
    #: the practice's incident the claim arises from (its breach deadlines), when linked (migration 0006)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"), index=True, default=None)
    #: the first notice of loss as reported: what happened, in the reporter's words
    description: Mapped[str | None] = mapped_column(Text, default=None)


class LedgerEntry(Base):
    """One money change of a claim; ``(claim_id, idempotency_key)`` is unique, so a repeat is applied once."""

    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("claim_id", "seq"), UniqueConstraint("claim_id", "idempotency_key"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    reserve_after: Mapped[Decimal]
    paid_after: Mapped[Decimal]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(Id)


class AuditEvent(Base):
    """Append-only, hash-chained: ``hash = sha256(prev_hash + canonical JSON of the event)``."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    carrier_id: Mapped[str] = mapped_column(Id, index=True)
    at: Mapped[datetime]
    actor_id: Mapped[str] = mapped_column(Id)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(Id)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Referral(_Owned, Base):
    """A quote option referred to an underwriter (decision ``refer``) and what the underwriter decided.

    ``status``: ``open`` -> ``info_requested`` (a question to the broker) -> ``open`` (answered) ->
    ``approved`` (with ``conditions``: ``[{"text", "days"}]``, subjectivities of the bind) or ``declined``
    (with ``reason``); ``approved`` -> ``bound`` (``policy_id``). ``created_at`` is the quote's time (the queue's
    order)."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("quote_id", "option"), Index("ix_referrals_status_created", "status",
                                                                    "created_at"))
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id"), index=True)
    option: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    conditions: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    policy_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(Id)


class Subjectivity(_Owned, Base):
    """A condition a policy was bound subject to, due by ``due`` (an ISO date) and ``open`` until the underwriter
    marks it ``met``. ``source``: the rule id (``rule:EMAIL-NO-MFA``) or ``underwriter`` (a referral's condition)."""

    __tablename__ = "subjectivities"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    control: Mapped[str | None] = mapped_column(String(64))
    due: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    met_at: Mapped[datetime | None]
    met_by: Mapped[str | None] = mapped_column(Id)


# ---- threat intelligence (issue 15; migration 0007) ------------------------------------------------------
class ThreatFeed(Base):
    """An imported threat feed (CISA KEV or a STIX 2.1 bundle): public data, not a tenant's. ``digest`` is unique
    (sha256 of the entries' canonical JSON), so the same content is stored once however often it is imported."""

    __tablename__ = "threat_feeds"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    version: Mapped[str] = mapped_column(String(200))
    released: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    entries: Mapped[dict[str, Any]]           # {"entries": [FeedEntry.to_dict(), ...]}
    entry_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(index=True)
    imported_by: Mapped[str] = mapped_column(String(64))


class ThreatImport(Base):
    """Every import attempt: which feed it gave (new or already held), from where, by whom, when."""

    __tablename__ = "threat_imports"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    feed_id: Mapped[str] = mapped_column(ForeignKey("threat_feeds.id"), index=True)
    new: Mapped[bool]
    source: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(64))


class ThreatAlert(_Owned, Base):
    """One finding at one practice (practice x CVE x product), kept across feeds: the practice, its broker and the
    carrier's underwriters see it; the practice acknowledges it; an urgent one not acknowledged is reminded."""

    __tablename__ = "threat_alerts"
    __table_args__ = (UniqueConstraint("practice_id", "cve", "product"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    feed_id: Mapped[str | None] = mapped_column(ForeignKey("threat_feeds.id"))
    cve: Mapped[str] = mapped_column(String(32))
    product: Mapped[str] = mapped_column(String(64))
    urgent: Mapped[bool]
    finding: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(Id)
    reminded_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(Integer, default=0)


class OutboxMessage(Base):
    """A mail waiting to be sent (the outbox pattern: written in the transaction that decides it, drained by a
    sender): threat alerts and reminders (``kind`` ``alert``/``reminder``, with the carrier) and password resets
    (``password_reset``, the user's carrier if any). ``sent_at`` None: not sent yet; ``attempts`` and
    ``last_error`` record failures."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    carrier_id: Mapped[str | None] = mapped_column(Id, index=True)
    alert_id: Mapped[str | None] = mapped_column(ForeignKey("threat_alerts.id"))
    kind: Mapped[str] = mapped_column(String(16))
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class PasswordReset(Base):
    """A one-time password-reset token (only its SHA-256 is kept), sent through the outbox; ``used_at`` once used."""

    __tablename__ = "password_resets"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class UserTotp(Base):
    """A user's TOTP (RFC 6238) secret; two-factor sign-in is on once ``enabled_at`` is set. ``last_step``: the
    time step of the last code accepted (a code is accepted once)."""

    __tablename__ = "user_totp"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime | None]
    last_step: Mapped[int | None] = mapped_column(BigInteger)


__all__ = ["Assessment", "AuditEvent", "Base", "Claim", "Incident", "Job", "LedgerEntry", "Organisation",
           "OutboxMessage", "PasswordReset", "Policy", "ProfileVersion", "Quote", "Referral", "Subjectivity",
           "ThreatAlert", "ThreatFeed", "ThreatImport", "Token", "User", "UserTotp"]
