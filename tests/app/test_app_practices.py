"""Practices, assessments, jobs, quotes and incidents on the use cases: versioned profiles, reproducible stored
assessments, queued jobs that a crashed worker leaves behind, quote options bound (or not), stored obligations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.app.world import LIMITS, Tenant
from tests.service.world import incident_doc, profile

from cyberrx.app import assessments, incidents, jobs, practices, quotes
from cyberrx.app.authz import Forbidden
from cyberrx.app.common import PageRequest
from cyberrx.app.jobs import JobRunner
from cyberrx.errors import Conflict, InvalidInput, NotFound


def test_an_assessment_keeps_its_profile_version_and_is_reproducible(uow: Any, ports: Any,
                                                                     world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    pid, broker = t.brokered.practice, t.who["broker"]
    changed = profile("Renamed practice")
    changed["controls"]["edr"] = True
    p2 = practices.update_profile(uow, broker, pid, changed, ports=ports)
    assert p2["version"] == 2 and p2["name"] == "Renamed practice"
    first = assessments.get(uow, broker, t.brokered.assessment)
    assert first["status"] == "succeeded" and first["profile_version"] == 1 and first["trials"] == 1000
    assert first["engine_version"] == first["result"]["engine_version"]
    again, queued = assessments.request(uow, LIMITS, broker, pid, 1000, 7, profile_version=1, ports=ports)
    assert not queued and again["result"] == first["result"]
    with pytest.raises(InvalidInput, match="no profile version 3"):
        assessments.request(uow, LIMITS, broker, pid, 1000, 7, profile_version=3, ports=ports)
    assert practices.get_version(uow, broker, pid, 1)["profile"]["controls"]["edr"] is False
    assert [v["version"] for v in practices.list_versions(uow, broker, pid)] == [1, 2]
    with pytest.raises(NotFound):
        practices.get_version(uow, broker, pid, 9)
    with pytest.raises(InvalidInput, match="out of range"):
        assessments.request(uow, LIMITS, broker, pid, LIMITS.max_trials + 1, 7, ports=ports)
    with pytest.raises(InvalidInput) as bad:
        practices.update_profile(uow, broker, pid, {"name": "x"}, ports=ports)
    assert (bad.value.field or "").startswith("profile.")


def test_lists_filter_sort_and_refuse_an_unknown_sort(uow: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw = t.who["underwriter"]
    page = practices.list_practices(uow, uw, PageRequest(limit=1, sort="name"))
    assert page.total == 2 and page.items[0]["name"].startswith("Brokered")
    assert practices.list_practices(uow, uw, PageRequest(limit=1, offset=1, sort="name")).items[0]["name"] \
        .startswith("Direct")
    assert [p["name"] for p in practices.list_practices(uow, uw, PageRequest(), name="direct").items] == [
        "Direct a"]
    only = assessments.list_assessments(uow, uw, PageRequest(), practice_id=t.direct.practice)
    assert only.total == 2 and {a["practice_id"] for a in only.items} == {t.direct.practice}
    assert all("result" not in a for a in only.items)
    with pytest.raises(InvalidInput) as bad:
        practices.list_practices(uow, uw, PageRequest(sort="password"))
    assert bad.value.field == "sort"


def test_a_queued_assessment_runs_as_a_job_and_a_crashed_one_is_resumed_or_failed(uow: Any, ports: Any,
                                                                                world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw = t.who["underwriter"]
    woken = []
    out, queued = assessments.request(uow, LIMITS, uw, t.direct.practice, 6000, 11, ports=ports,
                                      wake=lambda: woken.append(1))
    assert queued and out["status"] == "queued" and woken == [1]
    runner = JobRunner(uow, {assessments.JOB_KIND: assessments.run_job},
                       on_fail={assessments.JOB_KIND: assessments.fail_job}, workers=0, max_attempts=3,
                       stale_seconds=5, ports=ports)
    while runner.run_once():
        pass
    job = jobs.get_job(uow, uw, out["job_id"])
    assert (job["status"], job["attempts"], job["progress"]) == ("succeeded", 1, 1.0)
    done = assessments.get(uow, uw, out["id"])
    assert done["status"] == "succeeded" and done["result"]["trials"] == 6000 and done["progress"] == 1.0

    # a worker killed mid-run: running, an old heartbeat -> queued again, then finished
    second, _ = assessments.request(uow, LIMITS, uw, t.direct.practice, 6000, 12, ports=ports)
    row = next(j for j in uow.rows("jobs") if j.id == second["job_id"])
    row.status, row.attempts, row.progress, row.heartbeat_at = "running", 1, 0.4, ports.clock.now()
    assert runner.recover() == 0                                   # a fresh heartbeat is left alone
    ports.clock.advance(timedelta(seconds=60))
    assert runner.recover() == 1
    assert "worker stopped during run 1 at 40%" in jobs.get_job(uow, uw, row.id)["error"]
    while runner.run_once():
        pass
    assert jobs.get_job(uow, uw, row.id)["status"] == "succeeded" and row.attempts == 2

    # one that keeps crashing fails with the reason, and so does its assessment
    third, _ = assessments.request(uow, LIMITS, uw, t.direct.practice, 6000, 13, ports=ports)
    row = next(j for j in uow.rows("jobs") if j.id == third["job_id"])
    row.status, row.attempts, row.heartbeat_at = "running", 3, ports.clock.now() - timedelta(seconds=60)
    runner.recover()
    assert "gave up after 3 runs" in jobs.get_job(uow, uw, row.id)["error"]
    failed = assessments.get(uow, uw, third["id"])
    assert failed["status"] == "failed" and "gave up" in failed["result"]["error"]


def test_a_failing_job_is_failed_with_its_reason(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    uw = t.who["underwriter"]
    out, _ = assessments.request(uow, LIMITS, uw, t.direct.practice, 6000, 5, ports=ports)

    def broken(_uow: Any, _subject: str, _progress: Any) -> None:
        raise RuntimeError("the engine ran out of memory")

    runner = JobRunner(uow, {assessments.JOB_KIND: broken}, on_fail={assessments.JOB_KIND: assessments.fail_job},
                       workers=0, ports=ports)
    while runner.run_once():
        pass
    job = jobs.get_job(uow, uw, out["job_id"])
    assert job["status"] == "failed" and "RuntimeError: the engine ran out of memory" in job["error"]
    assert assessments.get(uow, uw, out["id"])["status"] == "failed"


def test_quote_then_bind_an_option_once(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    q = quotes.get(uow, t.who["broker"], t.brokered.quote)
    options = q["result"]["options"]
    assert len(options) == len(q["decisions"]) > 1 and q["trials"] == 1000 and q["seed"] == 3
    bindable = next(i for i, o in enumerate(options) if o["decision"] != "decline")
    with pytest.raises(Forbidden):
        quotes.bind(uow, t.who["broker"], q["id"], bindable, ports=ports)
    policy = quotes.bind(uow, t.who["underwriter"], q["id"], bindable, ports=ports)
    # the option's terms, frozen, under the policy's own number (the option's CRX-Q-... number names the option)
    assert policy["quote_id"] == q["id"] and policy["policy_number"].startswith("CRX-P-")
    assert policy["terms"] == {**options[bindable]["policy_terms"], "policy_number": policy["policy_number"]}
    with pytest.raises(Conflict, match="already bound"):
        quotes.bind(uow, t.who["underwriter"], q["id"], bindable, ports=ports)
    with pytest.raises(InvalidInput, match="no option"):
        quotes.bind(uow, t.who["underwriter"], q["id"], len(options), ports=ports)
    declined = [i for i, o in enumerate(options) if o["decision"] == "decline"]
    for i in declined[:1]:
        with pytest.raises(Conflict, match="declined"):
            quotes.bind(uow, t.who["underwriter"], q["id"], i, ports=ports)
    events = [e for e in uow.rows("audit_events") if e.subject_id == q["id"]]
    assert [e.action for e in events] == ["quote.decision"]
    assert events[0].after["options"][bindable]["decision"] == options[bindable]["decision"]


def test_an_incident_stores_its_obligations(uow: Any, ports: Any, world: tuple[Tenant, Tenant]) -> None:
    t, _ = world
    inc = incidents.get(uow, t.who["practice_manager"], t.brokered.incident)
    assert inc["obligations"]["incident_id"] == "INC-2027-014"
    assert inc["obligations"]["reportable"] is True and inc["obligations"]["obligations"]
    future = {**incident_doc(), "discovered": "2999-01-01"}
    with pytest.raises(InvalidInput) as bad:
        incidents.record(uow, t.who["claims_adjuster"], t.brokered.practice, future, ports=ports)
    assert bad.value.field == "incident.discovered"
