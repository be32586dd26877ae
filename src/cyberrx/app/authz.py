"""Who may do what, and what each caller can see: the one policy table of the service.

Two questions, always asked in this order:

1. **Visibility** (tenancy): a row is visible when it lies in the caller's scope (:attr:`Principal.scope`),
   decided by the kind of the caller's organisation: a carrier's users see the carrier's book
   (``carrier_id``), a brokerage's users see its own clients (``brokerage_id``), a practice's users see the
   practice (``practice_id``). The repositories of a unit of work opened with that scope hold nothing else,
   so everything else is reported as *not found* (HTTP 404) and another tenant's objects are never confirmed
   to exist.
2. **Permission**: :data:`POLICY` maps each action to the roles allowed to do it (HTTP 403 otherwise).

A role belongs to one kind of organisation (:data:`ROLES_BY_KIND`); ``admin`` exists in all three and manages
the users of its organisation's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cyberrx.adapters.store import OrgKind, Scope
from cyberrx.errors import CyberRxError, NotFound


class Role(StrEnum):
    ADMIN = "admin"
    UNDERWRITER = "underwriter"
    BROKER = "broker"
    PRACTICE_MANAGER = "practice_manager"
    CLAIMS_ADJUSTER = "claims_adjuster"


class Unauthenticated(CyberRxError):
    """No credentials, or credentials that are unknown, expired or revoked (HTTP 401)."""


class TooManyAttempts(CyberRxError):
    """Logins for this e-mail are paused after repeated failures (HTTP 429 with Retry-After)."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class Forbidden(CyberRxError):
    """The caller sees the object but its role may not do this (HTTP 403)."""


ROLES_BY_KIND: dict[OrgKind, frozenset[Role]] = {
    OrgKind.CARRIER: frozenset({Role.ADMIN, Role.UNDERWRITER, Role.CLAIMS_ADJUSTER}),
    OrgKind.BROKERAGE: frozenset({Role.ADMIN, Role.BROKER}),
    OrgKind.PRACTICE: frozenset({Role.ADMIN, Role.PRACTICE_MANAGER}),
}

ALL = frozenset(Role)
A, U, B, P, C = Role.ADMIN, Role.UNDERWRITER, Role.BROKER, Role.PRACTICE_MANAGER, Role.CLAIMS_ADJUSTER

#: action -> roles allowed (visibility is checked first, by scope)
POLICY: dict[str, frozenset[Role]] = {
    "organisation.read": ALL,
    "organisation.create": frozenset({A}),
    "user.read": frozenset({A}),
    "user.create": frozenset({A}),
    "user.update": frozenset({A}),
    "token.manage": ALL,
    "practice.read": ALL,
    "practice.create": frozenset({A, U, B}),
    "practice.update": frozenset({A, U, B, P}),
    "assessment.read": ALL,
    "assessment.create": frozenset({A, U, B, P}),
    "job.read": ALL,
    "quote.read": ALL,
    "quote.create": frozenset({A, U, B}),
    "policy.read": ALL,
    "policy.bind": frozenset({U}),
    "incident.read": ALL,
    "incident.create": frozenset({A, B, P, C}),
    "claim.read": ALL,
    "claim.create": frozenset({C}),
    "claim.reserve": frozenset({C}),
    "claim.pay": frozenset({C}),
    "claim.close": frozenset({C}),
    "audit.read": frozenset({A}),
    # the underwriter's desk (issue 14): carrier staff only (app.referrals.require_carrier also checks the kind of
    # organisation, since a brokerage and a practice have admins too); the broker or practice answers a question
    "referral.read": frozenset({A, U}),
    "referral.decide": frozenset({U}),
    "referral.answer": frozenset({A, B, P}),
    "subjectivity.update": frozenset({U}),
    "book.read": frozenset({A, U}),
    "rules.read": frozenset({A, U}),
    # the claims adjuster's pages (carrier users only: the use cases also check the organisation is the carrier)
    "claim.adjudicate": frozenset({C}),
    "claim.file.read": frozenset({A, C}),
    "claim.audit.read": frozenset({A, C}),
    # threat intelligence (issue 15): every role reads the alerts it sees; the carrier imports feeds and raises
    # alerts; the practice acknowledges its own
    "threat.read": ALL,
    "threat.import": frozenset({A, U}),
    "threat.alert": frozenset({A, U}),
    "threat.acknowledge": frozenset({A, P}),
    "portfolio.read": frozenset({A, U}),   # a carrier's book (carriers only: checked by the use case)
    "portfolio.run": frozenset({A, U}),
}


#: actions only users of these kinds of organisation may do, whatever their role (a practice's admin may not
#: create practices: they would land in the carrier's book, out of the practice's sight)
ACTING_KINDS: dict[str, frozenset[OrgKind]] = {
    "organisation.create": frozenset({OrgKind.CARRIER}),
    "practice.create": frozenset({OrgKind.CARRIER, OrgKind.BROKERAGE}),
}
#: admins of these kinds of organisation manage the users of every organisation they see (a carrier: its book);
#: any other admin manages the users of its own organisation only (a brokerage's admin not its clients' staff)
ADMINISTERS_BOOK: frozenset[OrgKind] = frozenset({OrgKind.CARRIER})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: str
    role: Role
    organisation_id: str
    organisation_kind: OrgKind
    carrier_id: str
    #: how the caller signed in: ``session`` (a password sign-in) or ``api`` (an API token, which cannot make
    #: tokens or change credentials)
    token_kind: str = "session"

    @property
    def brokerage_id(self) -> str | None:
        return self.organisation_id if self.organisation_kind == OrgKind.BROKERAGE else None

    @property
    def scope(self) -> Scope:
        """What the caller can see: the repositories of a unit of work opened with it hold nothing else."""
        return Scope(self.carrier_id, self.organisation_kind, self.organisation_id)


def require(principal: Principal, action: str) -> None:
    """Raise Forbidden unless the caller's role may do ``action``."""
    if principal.role not in POLICY[action]:
        raise Forbidden(f"a {principal.role.value} may not do {action}")
    kinds = ACTING_KINDS.get(action)
    if kinds is not None and principal.organisation_kind not in kinds:
        raise Forbidden(f"a {principal.organisation_kind.value}'s {principal.role.value} may not do {action}")


def require_admin_of(principal: Principal, organisation_id: str) -> None:
    """Raise Forbidden unless the caller administers the users of ``organisation_id`` (see
    :data:`ADMINISTERS_BOOK`); call after :func:`require` and after the organisation was found in scope."""
    if principal.organisation_kind in ADMINISTERS_BOOK or organisation_id == principal.organisation_id:
        return
    raise Forbidden(f"a {principal.organisation_kind.value}'s admin manages the users of its own organisation only")


def not_found(what: str, ident: str) -> NotFound:
    return NotFound(f"{what} {ident} not found")


__all__ = ["ACTING_KINDS", "ADMINISTERS_BOOK", "POLICY", "ROLES_BY_KIND", "Forbidden", "OrgKind", "Principal", "Role",
           "TooManyAttempts", "Unauthenticated", "not_found", "require", "require_admin_of"]
