"""Who is signed in (:class:`Viewer`, shown in the page header), each role's navigation and home page.

Add a page to a role's navigation in :func:`nav_for`; the header marks the item whose URL starts the current path.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberrx.app.authz import OrgKind, Principal, Role

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.UNDERWRITER: "Underwriter",
    Role.BROKER: "Broker",
    Role.PRACTICE_MANAGER: "Practice manager",
    Role.CLAIMS_ADJUSTER: "Claims adjuster",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the page header shows them."""

    principal: Principal
    email: str
    name: str
    organisation: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.principal.role]

    @property
    def nav(self) -> list[NavItem]:
        return nav_for(self.principal)

    @property
    def home(self) -> str:
        return home_of(self.principal)


def home_of(principal: Principal) -> str:
    """Where ``/`` sends a signed-in person: a practice's people to their practice, a brokerage's to its clients,
    a claims adjuster to the claims, other carrier people to the practices of the book."""
    if principal.organisation_kind == OrgKind.PRACTICE:
        return f"/practices/{principal.organisation_id}"
    if principal.role == Role.CLAIMS_ADJUSTER:
        return "/claims"
    return "/practices"


def manager_nav(practice_id: str) -> list[NavItem]:
    """The practice's own pages (the practice manager's journey)."""
    base = f"/practices/{practice_id}"
    return [NavItem("Our practice", f"{base}/questionnaire"), NavItem("Our risk", f"{base}/risk"),
            NavItem("What to fix first", f"{base}/fixes"), NavItem("We've been hit", f"{base}/incidents")]


def nav_for(principal: Principal) -> list[NavItem]:
    kind = principal.organisation_kind
    if kind == OrgKind.PRACTICE:
        return [*manager_nav(principal.organisation_id), NavItem("Policies", "/policies"), NavItem("Claims", "/claims"),
                NavItem("Alerts", "/alerts")]
    if kind == OrgKind.BROKERAGE:
        return [NavItem("Clients", "/clients"), NavItem("Quotes", "/quotes"), NavItem("Policies", "/policies"),
                NavItem("Claims", "/claims"), NavItem("Alerts", "/alerts")]
    if principal.role == Role.CLAIMS_ADJUSTER:
        return [NavItem("Claims", "/claims"), NavItem("Deadlines", "/deadlines"), NavItem("Policies", "/policies"),
                NavItem("Practices", "/practices")]
    return [NavItem("Practices", "/practices"), NavItem("Quotes", "/quotes"), NavItem("Policies", "/policies"),
            NavItem("Claims", "/claims"), NavItem("Alerts", "/alerts"), *underwriter_nav(principal)]


def underwriter_nav(principal: Principal) -> list[NavItem]:
    """The underwriter's desk (a carrier admin reads it too)."""
    if principal.organisation_kind != OrgKind.CARRIER or principal.role not in (Role.UNDERWRITER, Role.ADMIN):
        return []
    return [NavItem("Referrals", "/underwriter/referrals"), NavItem("Book", "/underwriter/book"),
            NavItem("Rules", "/underwriter/rules")]


__all__ = ["ROLE_LABELS", "NavItem", "Viewer", "home_of", "manager_nav", "nav_for", "underwriter_nav"]
