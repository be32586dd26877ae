"""Practices: a practice organisation and its profile, versioned (a new version per change, none ever edited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cyberrx.domain.parsing import parse_model
from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.services import audit
from cyberrx.services.authz import OrgKind, Principal, not_found, organisation_scope, require
from cyberrx.services.common import Page, PageRequest, iso, new_id, paginate, utcnow
from cyberrx.store import Store
from cyberrx.store.models import Organisation, ProfileVersion


def check_profile(profile: Any) -> PracticeProfile:
    """The profile validated; InvalidInput naming the field as ``profile.<path>``."""
    try:
        return parse_model(PracticeProfile, profile)
    except InvalidInput as exc:
        raise InvalidInput(exc.args[0], field=f"profile.{exc.field}" if exc.field else "profile",
                           allowed=exc.allowed) from None


def visible_practice(s: Session, principal: Principal, practice_id: str, *, lock: bool = False) -> Organisation:
    """The practice if the caller can see it, else NotFound."""
    stmt = select(Organisation).where(Organisation.id == practice_id, Organisation.kind == OrgKind.PRACTICE.value,
                                      organisation_scope(principal))
    if lock:
        stmt = stmt.with_for_update()
    org = s.execute(stmt).scalar_one_or_none()
    if org is None:
        raise not_found("practice", practice_id)
    return org


def latest_version(s: Session, practice_id: str) -> ProfileVersion:
    return s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == practice_id)
                     .order_by(ProfileVersion.version.desc()).limit(1)).scalar_one()


def version_dict(v: ProfileVersion) -> dict[str, Any]:
    return {"id": v.id, "practice_id": v.practice_id, "version": v.version, "profile": v.profile,
            "created_at": iso(v.created_at), "created_by": v.created_by}


def practice_dict(org: Organisation, v: ProfileVersion) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "carrier_id": org.carrier_id, "brokerage_id": org.brokerage_id,
            "created_at": iso(org.created_at), "version": v.version, "profile_version_id": v.id,
            "profile": v.profile}


def create(store: Store, principal: Principal, profile: Any, brokerage_id: str | None = None) -> dict[str, Any]:
    """A new practice (organisation + profile version 1). A broker's practice is its client; a carrier user may
    name a brokerage of its carrier."""
    checked = check_profile(profile)
    with store.write() as s:
        if brokerage_id is not None:
            # the brokerage must be one the caller can see (a broker: itself), else it is not found
            found = s.execute(select(Organisation.id).where(
                Organisation.id == brokerage_id, Organisation.kind == OrgKind.BROKERAGE.value,
                organisation_scope(principal))).scalar_one_or_none()
            if found is None:
                raise not_found("brokerage", brokerage_id)
        require(principal, "practice.create")
        if principal.organisation_kind == OrgKind.BROKERAGE:
            brokerage_id = principal.organisation_id
        now = utcnow()
        org = Organisation(id=new_id(), kind=OrgKind.PRACTICE.value, name=checked.name,
                           carrier_id=principal.carrier_id, brokerage_id=brokerage_id, created_at=now)
        v = ProfileVersion(id=new_id(), practice_id=org.id, version=1, profile=profile, created_at=now,
                           created_by=principal.user_id)
        s.add(org)
        s.flush()
        s.add(v)
        return practice_dict(org, v)


def update_profile(store: Store, principal: Principal, practice_id: str, profile: Any) -> dict[str, Any]:
    """A new profile version (the old ones stay, and assessments keep the one they used)."""
    checked = check_profile(profile)
    try:
        with store.write() as s:
            org = visible_practice(s, principal, practice_id, lock=True)
            require(principal, "practice.update")
            n = s.execute(select(func.max(ProfileVersion.version)).where(ProfileVersion.practice_id == org.id)
                          ).scalar_one()
            v = ProfileVersion(id=new_id(), practice_id=org.id, version=int(n or 0) + 1, profile=profile,
                               created_at=utcnow(), created_by=principal.user_id)
            s.add(v)
            before_name = org.name
            org.name = checked.name
            s.flush()
            # a changed application (controls, records, revenue) can decide a later coverage dispute
            audit.record(s, principal, "practice.profile_change", "practice", org.id,
                         {"version": int(n or 0), "name": before_name},
                         {"version": v.version, "name": org.name, "profile_version_id": v.id})
            return practice_dict(org, v)
    except IntegrityError:
        raise Conflict(f"practice {practice_id} was changed at the same time: try again") from None


def get(store: Store, principal: Principal, practice_id: str) -> dict[str, Any]:
    with store.read() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "practice.read")
        return practice_dict(org, latest_version(s, org.id))


def list_practices(store: Store, principal: Principal, page: PageRequest, name: str | None = None,
                   brokerage_id: str | None = None) -> Page:
    require(principal, "practice.read")
    stmt = select(Organisation).where(Organisation.kind == OrgKind.PRACTICE.value, organisation_scope(principal))
    if name:
        stmt = stmt.where(func.lower(Organisation.name).contains(name.lower(), autoescape=True))
    if brokerage_id:
        stmt = stmt.where(Organisation.brokerage_id == brokerage_id)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Organisation.created_at, "name": Organisation.name},
                               Organisation.id)
        return Page([practice_dict(o, latest_version(s, o.id)) for o in rows], total, page.limit, page.offset)


def list_versions(store: Store, principal: Principal, practice_id: str) -> list[dict[str, Any]]:
    with store.read() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "practice.read")
        rows = s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == org.id)
                         .order_by(ProfileVersion.version)).scalars().all()
        return [version_dict(v) for v in rows]


def get_version(store: Store, principal: Principal, practice_id: str, version: int) -> dict[str, Any]:
    with store.read() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "practice.read")
        v = s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == org.id,
                                                   ProfileVersion.version == version)).scalar_one_or_none()
        if v is None:
            raise not_found("profile version", f"{practice_id}/{version}")
        return version_dict(v)


__all__ = ["check_profile", "create", "get", "get_version", "list_practices", "list_versions", "update_profile",
           "visible_practice"]
