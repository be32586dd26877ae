"""Practices: a practice organisation and its profile, versioned (a new version per change, none ever edited)."""

from __future__ import annotations

from typing import Any

from cyberrx.adapters.store import Duplicate
from cyberrx.adapters.store.tables import Organisation, ProfileVersion
from cyberrx.app import audit
from cyberrx.app.authz import OrgKind, Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, order_of
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.domain.parsing import parse_model
from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import Conflict, InvalidInput


def check_profile(profile: Any) -> PracticeProfile:
    """The profile validated; InvalidInput naming the field as ``profile.<path>``."""
    try:
        return parse_model(PracticeProfile, profile)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"profile.{exc.field}" if exc.field else "profile",
                           allowed=exc.allowed) from None


def visible_practice(tx: Any, practice_id: str, *, lock: bool = False) -> Organisation:
    """The practice if the unit of work's scope sees it, else NotFound."""
    org = tx.organisations.get_kind(practice_id, OrgKind.PRACTICE.value, lock=lock)
    if org is None:
        raise not_found("practice", practice_id)
    return org  # type: ignore[no-any-return]


def version_dict(v: ProfileVersion) -> dict[str, Any]:
    return {"id": v.id, "practice_id": v.practice_id, "version": v.version, "profile": v.profile,
            "created_at": iso(v.created_at), "created_by": v.created_by}


def practice_dict(org: Organisation, v: ProfileVersion) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "carrier_id": org.carrier_id, "brokerage_id": org.brokerage_id,
            "created_at": iso(org.created_at), "version": v.version, "profile_version_id": v.id,
            "profile": v.profile}


def create(uow: UnitOfWork, principal: Principal, profile: Any, brokerage_id: str | None = None, *,
           ports: Ports | None = None) -> dict[str, Any]:
    """A new practice (organisation + profile version 1). A broker's practice is its client; a carrier user may
    name a brokerage of its carrier."""
    ports = ports or default_ports()
    checked = check_profile(profile)
    with uow.writing(principal.scope) as tx:
        # the brokerage must be one the caller can see (a broker: itself), else it is not found
        if brokerage_id is not None and tx.organisations.get_kind(brokerage_id, OrgKind.BROKERAGE.value) is None:
            raise not_found("brokerage", brokerage_id)
        require(principal, "practice.create")
        if principal.organisation_kind == OrgKind.BROKERAGE:
            brokerage_id = principal.organisation_id
        now = ports.clock.now()
        org = tx.organisations.add(Organisation(id=ports.ids.new(), kind=OrgKind.PRACTICE.value, name=checked.name,
                                                carrier_id=principal.carrier_id, brokerage_id=brokerage_id,
                                                created_at=now))
        v = tx.profiles.add(ProfileVersion(id=ports.ids.new(), practice_id=org.id, version=1, profile=profile,
                                           created_at=now, created_by=principal.user_id))
        tx.commit()
        return practice_dict(org, v)


def update_profile(uow: UnitOfWork, principal: Principal, practice_id: str, profile: Any, *,
                   ports: Ports | None = None) -> dict[str, Any]:
    """A new profile version (the old ones stay, and assessments keep the one they used)."""
    ports = ports or default_ports()
    checked = check_profile(profile)
    try:
        with uow.writing(principal.scope) as tx:
            org = visible_practice(tx, practice_id, lock=True)
            require(principal, "practice.update")
            n = tx.profiles.latest(org.id).version
            v = tx.profiles.add(ProfileVersion(id=ports.ids.new(), practice_id=org.id, version=n + 1,
                                               profile=profile, created_at=ports.clock.now(),
                                               created_by=principal.user_id))
            before_name = org.name
            org.name = checked.name
            # a changed application (controls, records, revenue) can decide a later coverage dispute
            audit.record(tx, ports.clock, principal, "practice.profile_change", "practice", org.id,
                         {"version": n, "name": before_name},
                         {"version": v.version, "name": org.name, "profile_version_id": v.id})
            tx.commit()
            return practice_dict(org, v)
    except Duplicate:
        raise Conflict(f"practice {practice_id} was changed at the same time: try again") from None


def get(uow: UnitOfWork, principal: Principal, practice_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "practice.read")
        return practice_dict(org, tx.profiles.latest(org.id))


def list_practices(uow: UnitOfWork, principal: Principal, page: PageRequest, name: str | None = None,
                   brokerage_id: str | None = None) -> Page:
    require(principal, "practice.read")
    where: dict[str, Any] = {"kind": OrgKind.PRACTICE.value}
    if brokerage_id:
        where["brokerage_id"] = brokerage_id
    order = order_of(page, {"created_at": "created_at", "name": "name"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.organisations.list_named(where, name, order, page.limit, page.offset)
        return Page([practice_dict(o, tx.profiles.latest(o.id)) for o in rows], total, page.limit, page.offset)


def list_versions(uow: UnitOfWork, principal: Principal, practice_id: str) -> list[dict[str, Any]]:
    with uow.reading(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "practice.read")
        return [version_dict(v) for v in tx.profiles.all(org.id)]


def get_version(uow: UnitOfWork, principal: Principal, practice_id: str, version: int) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "practice.read")
        v = tx.profiles.get(org.id, version)
        if v is None:
            raise not_found("profile version", f"{practice_id}/{version}")
        return version_dict(v)


__all__ = ["check_profile", "create", "get", "get_version", "list_practices", "list_versions", "update_profile",
           "visible_practice"]
