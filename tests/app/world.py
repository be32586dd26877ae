"""A tenant made through the use cases on the fake unit of work: a carrier with a brokerage, a brokered and a
direct practice, a user (and principal) per role, and one object of every kind for each practice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.service.world import PASSWORD, claim_doc, incident_doc, policy_terms, profile

from cyberrx.app import accounts, assessments, claims, incidents, policies, practices, quotes
from cyberrx.app.authz import OrgKind, Principal, Role
from cyberrx.app.ports import Ports

LIMITS = assessments.Limits(sync_trials_max=5_000, max_trials=50_000)
ROLE_KEYS = ("carrier_admin", "underwriter", "claims_adjuster", "brokerage_admin", "broker", "practice_admin",
             "practice_manager")
_ORG_OF = {"carrier_admin": "carrier", "underwriter": "carrier", "claims_adjuster": "carrier",
           "brokerage_admin": "brokerage", "broker": "brokerage", "practice_admin": "brokered",
           "practice_manager": "brokered"}
_ROLE_OF = {"carrier_admin": Role.ADMIN, "brokerage_admin": Role.ADMIN, "practice_admin": Role.ADMIN}


@dataclass
class Objects:
    practice: str
    assessment: str = ""
    job: str = ""
    policy: str = ""
    policy_number: str = ""
    claim: str = ""
    incident: str = ""
    quote: str = ""

    def ids(self) -> set[str]:
        return {self.practice, self.assessment, self.job, self.policy, self.claim, self.incident, self.quote}


@dataclass
class Tenant:
    carrier: str
    brokerage: str = ""
    who: dict[str, Principal] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    brokered: Objects = field(default_factory=lambda: Objects(""))
    direct: Objects = field(default_factory=lambda: Objects(""))


def _objects(uow: Any, ports: Ports, t: Tenant, practice_id: str, tag: str) -> Objects:
    o = Objects(practice_id)
    uw, adj = t.who["underwriter"], t.who["claims_adjuster"]
    o.assessment = assessments.request(uow, LIMITS, uw, practice_id, 1000, 7, ports=ports)[0]["id"]
    o.job = assessments.request(uow, LIMITS, uw, practice_id, 6000, 7, ports=ports)[0]["job_id"]
    o.policy_number = f"CRX-{tag}"
    o.policy = policies.bind(uow, uw, practice_id, policy_terms(o.policy_number), ports=ports)["id"]
    o.claim = claims.open_claim(uow, adj, o.policy, claim_doc(o.policy_number), ports=ports)["id"]
    o.quote = quotes.create(uow, uw, practice_id, 1000, 3, ports=ports)["id"]
    o.incident = incidents.record(uow, adj, practice_id, incident_doc(), ports=ports)["id"]
    return o


def make_tenant(uow: Any, ports: Ports, tag: str) -> Tenant:
    carrier = accounts.create_carrier(uow, f"Carrier {tag}", ports=ports)
    t = Tenant(carrier["id"])
    admin_user = accounts.create_user_unchecked(uow, carrier["id"], f"admin-{tag}@carrier.example", "Admin", "admin",
                                                PASSWORD, ports=ports)
    admin = Principal(admin_user["id"], Role.ADMIN, carrier["id"], OrgKind.CARRIER, carrier["id"])
    t.brokerage = accounts.create_organisation(uow, admin, "brokerage", f"Brokers {tag}", ports=ports)["id"]
    orgs = {"carrier": (carrier["id"], OrgKind.CARRIER), "brokerage": (t.brokerage, OrgKind.BROKERAGE)}

    def user(key: str) -> None:
        org_id, kind = orgs[_ORG_OF[key]]
        role = _ROLE_OF.get(key) or Role(key)
        email = f"{key}-{tag}@example.org"
        made = accounts.create_user(uow, admin, org_id, email, key, role.value, PASSWORD, ports=ports)
        t.who[key] = Principal(made["id"], role, org_id, kind, carrier["id"])
        t.emails[key] = email

    t.who["carrier_admin"], t.emails["carrier_admin"] = admin, f"admin-{tag}@carrier.example"
    for key in ("underwriter", "claims_adjuster", "brokerage_admin", "broker"):
        user(key)
    brokered = practices.create(uow, t.who["broker"], profile(f"Brokered {tag}"), ports=ports)
    direct = practices.create(uow, t.who["underwriter"], profile(f"Direct {tag}"), ports=ports)
    assert brokered["brokerage_id"] == t.brokerage and direct["brokerage_id"] is None
    orgs["brokered"] = (brokered["id"], OrgKind.PRACTICE)
    for key in ("practice_admin", "practice_manager"):
        user(key)
    t.brokered = _objects(uow, ports, t, brokered["id"], f"{tag}-B")
    t.direct = _objects(uow, ports, t, direct["id"], f"{tag}-D")
    return t


__all__ = ["LIMITS", "ROLE_KEYS", "Objects", "Tenant", "make_tenant"]
