"""Tenancy: what one caller's organisation can see, as a predicate (fakes) and as SQL (repositories).

A carrier's users see the carrier's book (``carrier_id``); a brokerage's users see its own clients
(``brokerage_id``); a practice's users see the practice (``practice_id``). Organisations: a carrier sees all of
its own; a brokerage itself and its clients; a practice itself. Rows outside the scope are simply not there for the
repositories of that scope, so a use case reports them as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true


class OrgKind(StrEnum):
    CARRIER = "carrier"
    BROKERAGE = "brokerage"
    PRACTICE = "practice"


@dataclass(frozen=True)
class Scope:
    """The tenant and organisation of a caller: ``kind`` of its organisation, the organisation's id, the carrier."""

    carrier_id: str
    kind: OrgKind
    organisation_id: str

    def sees(self, carrier_id: str, brokerage_id: str | None, practice_id: str) -> bool:
        """A tenant-owned row (carrier, brokerage, practice columns) is visible."""
        if carrier_id != self.carrier_id:
            return False
        if self.kind == OrgKind.CARRIER:
            return True
        if self.kind == OrgKind.BROKERAGE:
            return brokerage_id == self.organisation_id
        return practice_id == self.organisation_id

    def sees_organisation(self, org_id: str, carrier_id: str, brokerage_id: str | None) -> bool:
        if carrier_id != self.carrier_id:
            return False
        if self.kind == OrgKind.CARRIER:
            return True
        if self.kind == OrgKind.BROKERAGE:
            return self.organisation_id in (org_id, brokerage_id)
        return org_id == self.organisation_id


def owned_clause(scope: Scope | None, model: Any) -> ColumnElement[bool]:
    """SQL of :meth:`Scope.sees` over ``model``'s carrier/brokerage/practice columns (None: no tenant filter)."""
    if scope is None:
        return true()
    same = model.carrier_id == scope.carrier_id
    if scope.kind == OrgKind.CARRIER:
        return same
    if scope.kind == OrgKind.BROKERAGE:
        return same & (model.brokerage_id == scope.organisation_id)
    if scope.kind == OrgKind.PRACTICE:
        return same & (model.practice_id == scope.organisation_id)
    return false()  # pragma: no cover


def organisation_clause(scope: Scope | None, model: Any) -> ColumnElement[bool]:
    """SQL of :meth:`Scope.sees_organisation` over the organisations table."""
    if scope is None:
        return true()
    same = model.carrier_id == scope.carrier_id
    if scope.kind == OrgKind.CARRIER:
        return same
    if scope.kind == OrgKind.BROKERAGE:
        return same & or_(model.id == scope.organisation_id, model.brokerage_id == scope.organisation_id)
    return same & (model.id == scope.organisation_id)


__all__ = ["OrgKind", "Scope", "organisation_clause", "owned_clause"]
