"""The demo world: a carrier, two brokerages with their client practices (the shipped example profiles), a user
of every role, quotes (one referred, one declined), assessments, a bound policy, an incident and an open claim;
for the underwriter (:data:`BOOK`), a book of four policies in force and a referral approved with a condition and
bound 45 days ago, so that its subjectivities show open and past due.

:func:`seed` makes it through the use cases, as the people would (the broker adds its clients and quotes them,
the underwriter binds, the practice manager records the incident, the claims adjuster opens the claim). It is
idempotent: each object is looked up first and made only when missing, so a second run changes nothing and
reports the same users (an interrupted run is completed by the next).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from cyberrx.app import accounts, assessments, claims, incidents, policies, practices, quotes, referrals
from cyberrx.app.authz import OrgKind, Principal, Role
from cyberrx.app.common import PageRequest, json_safe
from cyberrx.app.ports import Ports, UnitOfWork, default_ports
from cyberrx.claims import EntryKind

#: the password of every demo user unless ``CYBERRX_DEMO_PASSWORD`` says otherwise (it is printed with them)
DEFAULT_PASSWORD = "cyberrx demo passphrase"
#: simulated years of the demo's quotes and assessments (enough for stable figures, quick to seed)
DEMO_TRIALS = 20_000
DEMO_SEED = 2027

CARRIER = "Pelican Mutual Medical Insurance"
CARRIER_USERS = (("admin@pelican-mutual.example", "Alex Admin", Role.ADMIN),
                 ("underwriter@pelican-mutual.example", "Uma Underwriter", Role.UNDERWRITER),
                 ("adjuster@pelican-mutual.example", "Casey Adjuster", Role.CLAIMS_ADJUSTER))


@dataclass(frozen=True)
class DemoPractice:
    example: str          # a profile under examples/
    manager_email: str
    manager_name: str


@dataclass(frozen=True)
class DemoBrokerage:
    name: str
    broker_email: str
    broker_name: str
    clients: tuple[DemoPractice, ...]


BROKERAGES = (
    DemoBrokerage("Crescent Risk Partners", "broker@crescent-risk.example", "Bea Broker", (
        DemoPractice("lakeside-family-medicine.yaml", "manager@lakeside.example", "Lee Manager"),
        DemoPractice("solo-therapy-office.yaml", "manager@riverbend.example", "Rowan Manager"),
        DemoPractice("exposed-rdp-clinic.yaml", "manager@quickcare.example", "Quinn Manager"),
    )),
    DemoBrokerage("Magnolia Insurance Brokers", "broker@magnolia-brokers.example", "Max Broker", (
        DemoPractice("valley-multispecialty-group.yaml", "manager@valley.example", "Val Manager"),
        DemoPractice("underwriting/clinic-no-mfa.yaml", "manager@bayou.example", "Bo Manager"),  # referred
    )),
)
#: the practice whose quote is bound, with the incident and the claim (and the option bound)
INSURED_EXAMPLE = "lakeside-family-medicine.yaml"
BOUND_LIMIT, BOUND_RETENTION = 1_000_000.0, 10_000.0
CLAIM_EXAMPLE = "claims/lakeside-ransomware.yaml"
INCIDENT_EXAMPLE = "incidents/lakeside-family-medicine.yaml"
#: the underwriter's book beyond the insured practice: (practice name, limit, retention) of the option bound
BOOK = (("Valley Multispecialty Group", 2_000_000.0, 10_000.0), ("Riverbend Counseling (solo)", 1_000_000.0, 2_500.0))
#: the referred practice whose option the underwriter approved with a condition and bound, days ago
REFERRED_BOUND = ("Bayou Family Clinic", 1_000_000.0, 10_000.0)
REFERRED_BOUND_DAYS_AGO = 45
REFERRED_CONDITION = ("Send the signed plan for rolling out MFA on email, remote access and admin accounts.", "60")

#: the adjuster's claim from a first notice: an e-mail compromise discovered 75 days ago, so the 60-day notices
#: to patients (45 CFR 164.404(b)) are overdue on the deadlines page; its loss lines (usd) and reserve
NOTICE_DESCRIPTION = ("The office manager's mailbox was taken over through a fake sign-in page; the intruder read "
                      "patient messages and sent invoices to patients. Reported by the practice's IT vendor.")
NOTICE_DISCOVERED_DAYS_AGO = 75
NOTICE_AFFECTED = {"LA": 540, "MS": 85}
NOTICE_LINES = ({"coverage": "forensics", "amount": "18500.00", "description": "mailbox forensics"},
                {"coverage": "legal", "amount": "12000.00", "description": "breach counsel"},
                {"coverage": "notification", "amount": "9300.00", "description": "letters and call centre"})
NOTICE_RESERVE = Decimal("20000.00")


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    organisation: str
    password: str

    def as_dict(self) -> dict[str, str]:
        return {"email": self.email, "role": self.role, "organisation": self.organisation,
                "password": self.password}


@dataclass
class DemoWorld:
    """The demo's users (a practice manager's organisation is the practice's name), the ids of what was made,
    and how many objects this run added (0 on a second run)."""

    users: list[DemoUser] = field(default_factory=list)
    practices: dict[str, str] = field(default_factory=dict)      # practice name -> id
    quotes: dict[str, str] = field(default_factory=dict)         # practice name -> quote id
    policy_id: str = ""
    claim_id: str = ""
    incident_id: str = ""
    noticed_claim_id: str = ""
    added: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"users": [u.as_dict() for u in self.users]}


def examples_dir() -> Path:
    """The shipped examples: beside ``src/`` in a checkout."""
    return Path(__file__).resolve().parents[3] / "examples"


def _example(examples: Path, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json_safe(yaml.safe_load((examples / name).read_text(encoding="utf-8")))
    return doc


class _Seeder:
    def __init__(self, uow: UnitOfWork, limits: assessments.Limits, password: str, ports: Ports, trials: int,
                 today: date, examples: Path) -> None:
        self.uow, self.limits, self.password, self.ports = uow, limits, password, ports
        self.trials, self.today, self.examples = trials, today, examples
        self.world = DemoWorld()

    # ---- people ------------------------------------------------------------------------------------------
    def principal(self, email: str) -> Principal | None:
        with self.uow.reading() as tx:
            user = tx.users.by_email(email)
            if user is None:
                return None
            org = tx.organisations.get(user.organisation_id)
            return Principal(user.id, Role(user.role), org.id, OrgKind(org.kind), org.carrier_id)

    def user(self, admin: Principal, org_id: str, org_name: str, email: str, name: str, role: Role) -> Principal:
        if self.principal(email) is None:
            accounts.create_user(self.uow, admin, org_id, email, name, role.value, self.password, ports=self.ports)
            self.world.added += 1
        self.world.users.append(DemoUser(email, role.value, org_name, self.password))
        found = self.principal(email)
        assert found is not None
        return found

    def carrier_admin(self) -> Principal:
        email, name, role = CARRIER_USERS[0]
        if self.principal(email) is None:
            accounts.create_carrier_with_user(self.uow, CARRIER, email, name, role.value, self.password,
                                              ports=self.ports)
            self.world.added += 2
        self.world.users.append(DemoUser(email, role.value, CARRIER, self.password))
        admin = self.principal(email)
        assert admin is not None
        return admin

    def brokerage(self, admin: Principal, name: str) -> str:
        page = accounts.list_organisations(self.uow, admin, PageRequest(limit=200, sort="name"), kind="brokerage")
        for org in page.items:
            if org["name"] == name:
                return str(org["id"])
        self.world.added += 1
        return str(accounts.create_organisation(self.uow, admin, "brokerage", name, ports=self.ports)["id"])

    # ---- the book ----------------------------------------------------------------------------------------
    def practice(self, broker: Principal, profile: dict[str, Any]) -> str:
        page = practices.list_practices(self.uow, broker, PageRequest(limit=200, sort="name"), name=profile["name"])
        for p in page.items:
            if p["name"] == profile["name"]:
                return str(p["id"])
        self.world.added += 1
        return str(practices.create(self.uow, broker, profile, ports=self.ports)["id"])

    def assessment(self, who: Principal, practice_id: str) -> None:
        if assessments.list_assessments(self.uow, who, PageRequest(limit=1), practice_id=practice_id).total:
            return
        assessments.request(self.uow, self.limits, who, practice_id, self.trials, seed=DEMO_SEED, ports=self.ports)
        self.world.added += 1

    def quote(self, broker: Principal, practice_id: str) -> str:
        page = quotes.list_quotes(self.uow, broker, PageRequest(limit=1), practice_id=practice_id)
        if page.items:
            return str(page.items[0]["id"])
        self.world.added += 1
        effective = self.today - timedelta(days=90)      # in force today, so the claim below falls inside it
        return str(quotes.create(self.uow, broker, practice_id, trials=self.trials, seed=DEMO_SEED,
                                 effective=effective, ports=self.ports)["id"])

    def policy(self, underwriter: Principal, practice_id: str, quote_id: str) -> dict[str, Any]:
        page = policies.list_policies(self.uow, underwriter, PageRequest(limit=1, sort="-bound_at"),
                                      practice_id=practice_id)
        if page.items:
            return page.items[0]
        options = quotes.get(self.uow, underwriter, quote_id)["result"]["options"]
        index = next(i for i, o in enumerate(options)
                     if o["limit"] == BOUND_LIMIT and o["retention"] == BOUND_RETENTION)
        self.world.added += 1
        return quotes.bind(self.uow, underwriter, quote_id, index, ports=self.ports)

    def incident(self, manager: Principal, practice_id: str, discovered: date) -> str:
        page = incidents.list_incidents(self.uow, manager, PageRequest(limit=1), practice_id=practice_id)
        if page.items:
            return str(page.items[0]["id"])
        doc = _example(self.examples, INCIDENT_EXAMPLE)
        doc["discovered"] = discovered.isoformat()
        self.world.added += 1
        return str(incidents.record(self.uow, manager, practice_id, doc, today=self.today, ports=self.ports)["id"])

    def claim(self, adjuster: Principal, policy: dict[str, Any], occurred: date, incident_id: str) -> str:
        page = claims.list_claims(self.uow, adjuster, PageRequest(limit=1), policy_id=policy["id"])
        if page.items:
            return str(page.items[0]["id"])
        doc = _example(self.examples, CLAIM_EXAMPLE)
        doc["claim_id"] = "CLM-DEMO-001"
        doc["policy_number"] = policy["policy_number"]
        doc["incident"] = {**doc["incident"], "occurred": occurred.isoformat(),
                           "discovered": (occurred + timedelta(days=1)).isoformat()}
        self.world.added += 1
        return str(claims.open_claim(self.uow, adjuster, policy["id"], doc, incident_id=incident_id,
                                     ports=self.ports)["id"])

    def noticed_claim(self, adjuster: Principal, policy: dict[str, Any]) -> str:
        """The adjuster's second claim on the policy: opened from a first notice with a new incident discovered
        :data:`NOTICE_DISCOVERED_DAYS_AGO` days ago (its patients' notices are overdue), loss lines entered and
        a reserve set."""
        page = claims.list_claims(self.uow, adjuster, PageRequest(limit=50), policy_id=policy["id"])
        found = next((c for c in page.items if (c.get("description") or "") == NOTICE_DESCRIPTION), None)
        if found is None:
            discovered = self.today - timedelta(days=NOTICE_DISCOVERED_DAYS_AGO)
            notice = {"cause": "business_email_compromise", "occurred": (discovered - timedelta(days=2)).isoformat(),
                      "discovered": discovered.isoformat(), "reported": (discovered + timedelta(days=3)).isoformat(),
                      "description": NOTICE_DESCRIPTION}
            incident = {"incident_id": f"INC-{discovered:%Y}-BEC", "entity": policy["terms"]["insured"],
                        "type": "business_email_compromise", "discovered": discovered.isoformat(),
                        "affected_by_state": dict(NOTICE_AFFECTED), "phi_secured": False}
            found = claims.open_notice(self.uow, adjuster, policy["id"], notice, new_incident=incident,
                                       ports=self.ports)
            self.world.added += 2
        if found["allowed"] == "0.00" and found["status"] == "open":
            incurred = self.today - timedelta(days=NOTICE_DISCOVERED_DAYS_AGO)
            lines = [{**line, "incurred": incurred.isoformat()} for line in NOTICE_LINES]
            claims.revise_losses(self.uow, adjuster, found["id"], lines, "demo:lines", ports=self.ports)
            claims.change(self.uow, adjuster, found["id"], EntryKind.RESERVE, NOTICE_RESERVE, "demo:reserve",
                          "the vendor's invoices are expected", ports=self.ports)
        return str(found["id"])

    def run(self) -> DemoWorld:
        admin = self.carrier_admin()
        staff = {role: self.user(admin, admin.organisation_id, CARRIER, email, name, role)
                 for email, name, role in CARRIER_USERS[1:]}
        insured: tuple[str, Principal, Principal] | None = None
        for b in BROKERAGES:
            brokerage_id = self.brokerage(admin, b.name)
            broker = self.user(admin, brokerage_id, b.name, b.broker_email, b.broker_name, Role.BROKER)
            for client in b.clients:
                profile = _example(self.examples, client.example)
                practice_id = self.practice(broker, profile)
                self.world.practices[profile["name"]] = practice_id
                manager = self.user(admin, practice_id, profile["name"], client.manager_email, client.manager_name,
                                    Role.PRACTICE_MANAGER)
                self.assessment(broker, practice_id)
                self.world.quotes[profile["name"]] = self.quote(broker, practice_id)
                if client.example == INSURED_EXAMPLE:
                    insured = (profile["name"], broker, manager)
        assert insured is not None
        name, _, manager = insured
        practice_id = self.world.practices[name]
        policy = self.policy(staff[Role.UNDERWRITER], practice_id, self.world.quotes[name])
        self.world.policy_id = policy["id"]
        occurred = self.today - timedelta(days=12)
        self.world.incident_id = self.incident(manager, practice_id, occurred + timedelta(days=1))
        self.world.claim_id = self.claim(staff[Role.CLAIMS_ADJUSTER], policy, occurred, self.world.incident_id)
        self.world.noticed_claim_id = self.noticed_claim(staff[Role.CLAIMS_ADJUSTER], policy)
        self.underwriters_book(staff[Role.UNDERWRITER])
        return self.world

    # ---- the underwriter's book and a bound referral -------------------------------------------------------
    def _option(self, who: Principal, quote_id: str, limit: float, retention: float, *,
                quoted: bool = False) -> int | None:
        """The option of ``limit`` and ``retention``; with ``quoted``, one the rules quoted (that one if it was,
        else the first quoted; None if none was)."""
        options = quotes.get(self.uow, who, quote_id)["result"]["options"]
        chosen = next(i for i, o in enumerate(options) if o["limit"] == limit and o["retention"] == retention)
        if not quoted or options[chosen]["decision"] == "quote":
            return chosen
        return next((i for i, o in enumerate(options) if o["decision"] == "quote"), None)

    def _bound(self, who: Principal, practice_id: str) -> bool:
        return policies.list_policies(self.uow, who, PageRequest(limit=1), practice_id=practice_id).total > 0

    def underwriters_book(self, underwriter: Principal) -> None:
        """More policies in force, and a referred option approved with a condition and bound
        :data:`REFERRED_BOUND_DAYS_AGO` days ago (its rule subjectivities, due 30 days after the bind, are past
        due; the condition, due after 60, is open)."""
        for name, limit, retention in BOOK:
            practice_id, quote_id = self.world.practices[name], self.world.quotes[name]
            option = self._option(underwriter, quote_id, limit, retention, quoted=True)
            if option is not None and not self._bound(underwriter, practice_id):
                quotes.bind(self.uow, underwriter, quote_id, option, ports=self.ports)
                self.world.added += 1
        name, limit, retention = REFERRED_BOUND
        practice_id, quote_id = self.world.practices[name], self.world.quotes[name]
        if self._bound(underwriter, practice_id):
            return
        option = self._option(underwriter, quote_id, limit, retention)
        assert option is not None
        then = datetime.combine(self.today - timedelta(days=REFERRED_BOUND_DAYS_AGO), time(10, 0), tzinfo=UTC)
        past = replace(self.ports, clock=_FixedClock(then))
        referral = next(r for r in referrals.for_quote(self.uow, underwriter, quote_id) if r["option"] == option)
        if referral["status"] in (referrals.OPEN, referrals.INFO_REQUESTED):
            referrals.approve(self.uow, underwriter, referral["id"], [REFERRED_CONDITION], ports=past)
        quotes.bind(self.uow, underwriter, quote_id, option, ports=past)
        self.world.added += 2


class _FixedClock:
    """The clock of something the demo places in the past (a bind 45 days ago)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def seed(uow: UnitOfWork, limits: assessments.Limits, password: str = DEFAULT_PASSWORD, *,
         ports: Ports | None = None, trials: int = DEMO_TRIALS, today: date | None = None,
         examples: Path | None = None) -> DemoWorld:
    """Fill the store with the demo world (what is there already is kept); the users and what was added.

    ``password``: every demo user's (at least 12 characters); ``trials``: simulated years of the quotes and
    assessments; ``today``: the date the policy, the incident and the claim are placed around."""
    seeder = _Seeder(uow, limits, password, ports or default_ports(), trials, today or date.today(),
                     examples or examples_dir())
    return seeder.run()


__all__ = ["BROKERAGES", "CARRIER", "DEFAULT_PASSWORD", "DEMO_TRIALS", "DemoUser", "DemoWorld", "seed"]
