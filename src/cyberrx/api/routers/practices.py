"""Practices (versioned profiles), their assessments, and background jobs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from cyberrx.api.deps import ClientDep, PageDep, PrincipalDep, ServiceDep
from cyberrx.api.errors import ErrorBody
from cyberrx.api.schemas import (
    ID_PATTERN,
    AssessmentIn,
    AssessmentOut,
    JobOut,
    Paged,
    PracticeIn,
    PracticeOut,
    ProfileIn,
    ProfileVersionOut,
)
from cyberrx.app import assessments, jobs, practices

router = APIRouter()
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("/practices", response_model=Paged[PracticeOut], tags=["practices"])
def list_practices(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                   name: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
                   brokerage_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None) -> dict[str, Any]:
    return practices.list_practices(service.uow, principal, page, name, brokerage_id).as_dict()


@router.post("/practices", response_model=PracticeOut, status_code=201, tags=["practices"])
def create_practice(body: PracticeIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return practices.create(service.uow, principal, body.profile, body.brokerage_id, ports=service.ports)


@router.get("/practices/{practice_id}", response_model=PracticeOut, tags=["practices"])
def get_practice(practice_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return practices.get(service.uow, principal, practice_id)


@router.put("/practices/{practice_id}/profile", response_model=PracticeOut, tags=["practices"])
def update_profile(practice_id: IdPath, body: ProfileIn, service: ServiceDep,
                   principal: PrincipalDep) -> dict[str, Any]:
    """A new version of the profile; earlier versions (and assessments made on them) stay as they were."""
    return practices.update_profile(service.uow, principal, practice_id, body.profile, ports=service.ports)


@router.get("/practices/{practice_id}/versions", response_model=list[ProfileVersionOut], tags=["practices"])
def list_versions(practice_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return practices.list_versions(service.uow, principal, practice_id)


@router.get("/practices/{practice_id}/versions/{version}", response_model=ProfileVersionOut, tags=["practices"])
def get_version(practice_id: IdPath, version: Annotated[int, Path(ge=1, le=1_000_000)], service: ServiceDep,
                principal: PrincipalDep) -> dict[str, Any]:
    return practices.get_version(service.uow, principal, practice_id, version)


@router.post("/practices/{practice_id}/assessments", response_model=AssessmentOut, status_code=201,
             tags=["assessments"],
             responses={202: {"model": AssessmentOut, "description": "queued as a background job: poll the job"}})
def create_assessment(practice_id: IdPath, body: AssessmentIn, response: Response, service: ServiceDep,
                      principal: PrincipalDep, client: ClientDep) -> dict[str, Any]:
    """Assess the practice. Runs now (201) when small, else is queued (202, ``Location`` of the job)."""
    out, queued = assessments.request(service.uow, service.limits, principal, practice_id, body.trials, body.seed,
                                      body.policy, body.profile_version, ports=service.ports,
                                      wake=service.jobs.notify, client=client)
    if queued:
        response.status_code = 202
        response.headers["Location"] = f"/jobs/{out['job_id']}"
    return out


@router.get("/assessments", response_model=Paged[AssessmentOut], tags=["assessments"])
def list_assessments(service: ServiceDep, principal: PrincipalDep, page: PageDep,
                     practice_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                     status: Annotated[str | None, Query(pattern="^(queued|running|succeeded|failed)$")] = None,
                     ) -> dict[str, Any]:
    return assessments.list_assessments(service.uow, principal, page, practice_id, status).as_dict()


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, tags=["assessments"])
def get_assessment(assessment_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return assessments.get(service.uow, principal, assessment_id)


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"], responses={404: {"model": ErrorBody}})
def get_job(job_id: IdPath, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """A background job: status, progress (0 to 1), attempts, and the reason if it failed."""
    return jobs.get_job(service.uow, principal, job_id)
