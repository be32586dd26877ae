"""Assessments of a practice, stored reproducibly: the exact profile version, trials, seed, policy terms, engine
and reference-data versions, and the result (:func:`result_document`).

Small runs (``trials <= sync_trials_max``) are computed in the request; larger ones are queued as a background
job (:mod:`cyberrx.app.jobs`) whose progress the client polls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cyberrx.adapters.store.tables import Assessment
from cyberrx.app import throttle
from cyberrx.app.assess import DEFAULT_SEED, assess, check_run_size
from cyberrx.app.authz import Principal, not_found, require
from cyberrx.app.common import Page, PageRequest, iso, order_of
from cyberrx.app.jobs import new_job
from cyberrx.app.ports import Ports, UnitOfWork, Wake, default_ports
from cyberrx.app.practices import check_profile, visible_practice
from cyberrx.app.resources import DEFAULT_RUN_BYTES, DEFAULT_SYNC_BYTES, assessment_footprint, refuse_if_too_big
from cyberrx.app.threats import threats_for
from cyberrx.domain.policy import parse_policy
from cyberrx.domain.profile import PracticeProfile
from cyberrx.domain.results import ThreatSummary
from cyberrx.errors import InvalidInput

JOB_KIND = "assessment"


@dataclass(frozen=True)
class Limits:
    """``sync_trials_max``: most trials computed in the request; ``max_trials``: most trials allowed;
    ``sync_memory_bytes`` / ``run_memory_bytes``: the most memory a run may take in the request (more: queued)
    and at all (more: refused, :mod:`cyberrx.app.resources`)."""

    sync_trials_max: int
    max_trials: int
    sync_memory_bytes: int = DEFAULT_SYNC_BYTES
    run_memory_bytes: int = DEFAULT_RUN_BYTES


def assessment_dict(a: Assessment, version: int | None = None, *, with_result: bool = True) -> dict[str, Any]:
    out = {"id": a.id, "practice_id": a.practice_id, "profile_version_id": a.profile_version_id,
           "profile_version": version, "trials": a.trials, "seed": int(a.seed), "policy": a.policy,
           "status": a.status, "engine_version": a.engine_version, "reference_version": a.reference_version,
           "job_id": a.job_id, "created_at": iso(a.created_at), "created_by": a.created_by}
    if with_result:
        out["result"] = a.result
    return out


def result_document(profile: PracticeProfile, trials: int, seed: int, policy: dict[str, Any] | None,
                    progress: Callable[[int, int], None] | None = None, *,
                    ports: Ports | None = None, threats: ThreatSummary | None = None) -> dict[str, Any]:
    """The stored result of an assessment: the one place that turns what ``assess`` returns into JSON. The
    simulation maps its blocks through the ports' executor (the same figures whatever the executor). ``threats``:
    the summary of the open threat findings the profile's exposures come from (issue 15), kept with the result."""
    terms = parse_policy(policy) if policy is not None else None
    with (ports or default_ports()).executor() as executor:
        result = assess(profile, trials, seed, policy=terms, progress=progress, executor=executor)
    return (result if threats is None else result.model_copy(update={"threats": threats})).to_dict()


def _succeeded(a: Assessment, result: dict[str, Any]) -> None:
    a.status, a.result = "succeeded", result
    a.engine_version, a.reference_version = result["engine_version"], result["reference_version"]


def request(uow: UnitOfWork, limits: Limits, principal: Principal, practice_id: str, trials: int,
            seed: int | None = None, policy: dict[str, Any] | None = None, profile_version: int | None = None, *,
            ports: Ports | None = None, wake: Wake | None = None,
            client: str | None = None) -> tuple[dict[str, Any], bool]:
    """Assess the practice's profile (latest version unless ``profile_version``); ``(assessment, queued)``.
    A queued assessment wakes the job workers (``wake``) once it is stored. Rate-limited per ``client`` address
    and overall (:mod:`cyberrx.app.throttle`)."""
    ports = ports or default_ports()
    throttle.admit(ports, throttle.EXPENSIVE, client)
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
    with uow.reading(principal.scope) as tx:
        org = visible_practice(tx, practice_id)
        require(principal, "assessment.create")
        pv = tx.profiles.latest(org.id) if profile_version is None else tx.profiles.get(org.id, profile_version)
        if pv is None:
            raise InvalidInput(f"practice has no profile version {profile_version}", field="profile_version")
        carrier_id, brokerage_id = org.carrier_id, org.brokerage_id
    # a profile listing technology meets the newest feed (its open urgent findings raise frequencies, so the
    # memory estimate is made on the profile as it will run; a queued job looks at the feed again when it runs)
    profile, threats = threats_for(uow, check_profile(pv.profile))
    # estimated before anything is simulated: too big for any run is refused, too big for a request is queued
    footprint = assessment_footprint(profile, trials, terms=policy is not None, budget_bytes=limits.run_memory_bytes)
    refuse_if_too_big(footprint, limits.run_memory_bytes, trials)
    queued = trials > limits.sync_trials_max or footprint.bytes > limits.sync_memory_bytes
    a = Assessment(id=ports.ids.new(), carrier_id=carrier_id, brokerage_id=brokerage_id, practice_id=practice_id,
                   profile_version_id=pv.id, trials=trials, seed=seed, policy=policy, status="queued",
                   engine_version=None, reference_version=None, result=None, job_id=None,
                   created_at=ports.clock.now(), created_by=principal.user_id)
    if queued:
        with uow.writing(principal.scope) as tx:
            job = new_job(ports, JOB_KIND, a.id, carrier_id, brokerage_id, practice_id)
            a.job_id = job.id
            tx.assessments.add(a)
            tx.jobs.add(job)
            tx.commit()
        if wake is not None:
            wake()
        return assessment_dict(a, pv.version), True
    _succeeded(a, result_document(profile, trials, seed, policy, ports=ports, threats=threats))
    with uow.writing(principal.scope) as tx:
        tx.assessments.add(a)
        tx.commit()
    return assessment_dict(a, pv.version), False


def run_job(uow: UnitOfWork, assessment_id: str, progress: Callable[[float], None], *,
            ports: Ports | None = None, run_memory_bytes: int = DEFAULT_RUN_BYTES) -> None:
    """The background job: compute the stored assessment and write its result (one transaction). The run's memory
    is estimated again first (the budget may have changed since it was queued): one that would not fit fails at
    once, and is not run again."""
    with uow.writing() as tx:
        a = tx.assessments.get(assessment_id)
        if a is None:
            raise RuntimeError(f"assessment {assessment_id} is gone")
        a.status = "running"
        pv = tx.profiles.by_id(a.profile_version_id)
        assert pv is not None
        trials, seed, policy, profile_doc = a.trials, int(a.seed), a.policy, pv.profile
        tx.commit()
    profile, threats = threats_for(uow, check_profile(profile_doc))
    refuse_if_too_big(assessment_footprint(profile, trials, terms=policy is not None,
                                           budget_bytes=run_memory_bytes), run_memory_bytes, trials)
    result = result_document(profile, trials, seed, policy, progress=lambda done, total: progress(done / total),
                             ports=ports, threats=threats)
    with uow.writing() as tx:
        a = tx.assessments.get(assessment_id)
        _succeeded(a, result)
        tx.commit()


def fail_job(uow: UnitOfWork, assessment_id: str, reason: str) -> None:
    with uow.writing() as tx:
        a = tx.assessments.get(assessment_id)
        if a is not None:
            a.status, a.result = "failed", {"error": reason}
        tx.commit()


def get(uow: UnitOfWork, principal: Principal, assessment_id: str) -> dict[str, Any]:
    with uow.reading(principal.scope) as tx:
        a = tx.assessments.get(assessment_id)
        if a is None:
            raise not_found("assessment", assessment_id)
        require(principal, "assessment.read")
        pv = tx.profiles.by_id(a.profile_version_id)
        out = assessment_dict(a, pv.version if pv is not None else None)
        if a.job_id:
            job = tx.jobs.get(a.job_id)
            out["progress"] = float(job.progress) if job is not None else None
        return out


def list_assessments(uow: UnitOfWork, principal: Principal, page: PageRequest, practice_id: str | None = None,
                     status: str | None = None) -> Page:
    require(principal, "assessment.read")
    where = {k: v for k, v in (("practice_id", practice_id), ("status", status)) if v}
    order = order_of(page, {"created_at": "created_at", "trials": "trials", "status": "status"}, "id")
    with uow.reading(principal.scope) as tx:
        rows, total = tx.assessments.list(where, order, page.limit, page.offset)
        return Page([assessment_dict(a, with_result=False) for a in rows], total, page.limit, page.offset)


__all__ = ["JOB_KIND", "Limits", "fail_job", "get", "list_assessments", "request", "result_document", "run_job"]
