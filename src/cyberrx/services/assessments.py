"""Assessments of a practice, stored reproducibly: the exact profile version, trials, seed, policy terms, engine
and reference-data versions, and the result (money in usd as numbers, as :func:`cyberrx.services.assess.assess`
returns it).

Small runs (``trials <= sync_trials_max``) are computed in the request; larger ones are queued as a background
job (:mod:`cyberrx.services.jobs`) whose progress the client polls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from cyberrx.domain.policy import parse_policy
from cyberrx.domain.profile import PracticeProfile
from cyberrx.errors import InvalidInput
from cyberrx.services.assess import DEFAULT_SEED, assess, check_run_size
from cyberrx.services.authz import Principal, not_found, require, scope
from cyberrx.services.common import Page, PageRequest, iso, new_id, paginate, utcnow
from cyberrx.services.jobs import new_job
from cyberrx.services.practices import check_profile, latest_version, visible_practice
from cyberrx.store import Store
from cyberrx.store.models import Assessment, Job, ProfileVersion

JOB_KIND = "assessment"


@dataclass(frozen=True)
class Limits:
    """``sync_trials_max``: most trials computed in the request; ``max_trials``: most trials allowed."""

    sync_trials_max: int
    max_trials: int


def assessment_dict(a: Assessment, version: int | None = None, *, with_result: bool = True) -> dict[str, Any]:
    out = {"id": a.id, "practice_id": a.practice_id, "profile_version_id": a.profile_version_id,
           "profile_version": version, "trials": a.trials, "seed": int(a.seed), "policy": a.policy,
           "status": a.status, "engine_version": a.engine_version, "reference_version": a.reference_version,
           "job_id": a.job_id, "created_at": iso(a.created_at), "created_by": a.created_by}
    if with_result:
        out["result"] = a.result
    return out


def _compute(profile: PracticeProfile, trials: int, seed: int, policy: dict[str, Any] | None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    terms = parse_policy(policy) if policy is not None else None
    return assess(profile, trials, seed, policy=terms, progress=progress).to_dict()


def request(store: Store, limits: Limits, principal: Principal, practice_id: str, trials: int,
            seed: int | None = None, policy: dict[str, Any] | None = None,
            profile_version: int | None = None) -> tuple[dict[str, Any], bool]:
    """Assess the practice's profile (latest version unless ``profile_version``); ``(assessment, queued)``."""
    seed = DEFAULT_SEED if seed is None else seed
    check_run_size(trials, seed)
    if trials > limits.max_trials:
        raise InvalidInput(f"{trials} is out of range", field="trials", allowed=f"1,000 to {limits.max_trials:,}")
    if policy is not None:
        try:
            parse_policy(policy)
        except InvalidInput as exc:
            raise InvalidInput(exc.args[0], field=f"policy.{exc.field}" if exc.field else "policy",
                               allowed=exc.allowed) from None
    with store.read() as s:
        org = visible_practice(s, principal, practice_id)
        require(principal, "assessment.create")
        if profile_version is None:
            pv = latest_version(s, org.id)
        else:
            pv = s.execute(select(ProfileVersion).where(ProfileVersion.practice_id == org.id,
                                                        ProfileVersion.version == profile_version)
                           ).scalar_one_or_none()
            if pv is None:
                raise InvalidInput(f"practice has no profile version {profile_version}", field="profile_version")
        carrier_id, brokerage_id = org.carrier_id, org.brokerage_id
    profile = check_profile(pv.profile)
    queued = trials > limits.sync_trials_max
    a = Assessment(id=new_id(), carrier_id=carrier_id, brokerage_id=brokerage_id, practice_id=practice_id,
                   profile_version_id=pv.id, trials=trials, seed=seed, policy=policy, status="queued",
                   engine_version=None, reference_version=None, result=None, job_id=None, created_at=utcnow(),
                   created_by=principal.user_id)
    if queued:
        job = new_job(JOB_KIND, a.id, carrier_id, brokerage_id, practice_id)
        a.job_id = job.id
        with store.write() as s:
            s.add(a)
            s.add(job)
        return assessment_dict(a, pv.version), True
    result = _compute(profile, trials, seed, policy)
    a.status, a.result = "succeeded", result
    a.engine_version, a.reference_version = result["engine_version"], result["reference_version"]
    with store.write() as s:
        s.add(a)
    return assessment_dict(a, pv.version), False


def run_job(store: Store, assessment_id: str, progress: Callable[[float], None]) -> None:
    """The background job: compute the stored assessment and write its result (one transaction)."""
    with store.write() as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise RuntimeError(f"assessment {assessment_id} is gone")
        a.status = "running"
        pv = s.get(ProfileVersion, a.profile_version_id)
        assert pv is not None
        trials, seed, policy, profile_doc = a.trials, int(a.seed), a.policy, pv.profile
    profile = check_profile(profile_doc)
    result = _compute(profile, trials, seed, policy, progress=lambda done, total: progress(done / total))
    with store.write() as s:
        s.execute(update(Assessment).where(Assessment.id == assessment_id).values(
            status="succeeded", result=result, engine_version=result["engine_version"],
            reference_version=result["reference_version"]))


def fail_job(store: Store, assessment_id: str, reason: str) -> None:
    with store.write() as s:
        s.execute(update(Assessment).where(Assessment.id == assessment_id).values(status="failed",
                                                                                  result={"error": reason}))


def get(store: Store, principal: Principal, assessment_id: str) -> dict[str, Any]:
    with store.read() as s:
        row = s.execute(select(Assessment, ProfileVersion.version)
                        .join(ProfileVersion, Assessment.profile_version_id == ProfileVersion.id)
                        .where(Assessment.id == assessment_id, scope(principal, Assessment))).first()
        if row is None:
            raise not_found("assessment", assessment_id)
        require(principal, "assessment.read")
        out = assessment_dict(row[0], row[1])
        if row[0].job_id:
            job = s.get(Job, row[0].job_id)
            out["progress"] = float(job.progress) if job is not None else None
        return out


def list_assessments(store: Store, principal: Principal, page: PageRequest, practice_id: str | None = None,
                     status: str | None = None) -> Page:
    require(principal, "assessment.read")
    stmt = select(Assessment).where(scope(principal, Assessment))
    if practice_id:
        stmt = stmt.where(Assessment.practice_id == practice_id)
    if status:
        stmt = stmt.where(Assessment.status == status)
    with store.read() as s:
        rows, total = paginate(s, stmt, page, {"created_at": Assessment.created_at, "trials": Assessment.trials,
                                               "status": Assessment.status}, Assessment.id)
        return Page([assessment_dict(a, with_result=False) for a in rows], total, page.limit, page.offset)


__all__ = ["JOB_KIND", "Limits", "fail_job", "get", "list_assessments", "request", "run_job"]
