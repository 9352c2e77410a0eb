"""The header's main navigation and the back link, for the role the user acts in now.

Who sees a section is not decided here: a section is shown when the role's home page offers that page
(`accounts.home`) and the route policy lets the role open it (`route_policy.ROUTES`). This module only names
the sections shortly, in the order the header lists them, and says where "Back" leads from a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.home import WorkLink, work_for
from organisations.models import active_membership

from .route_policy import ROUTES

# The header's short names for the pages the home registry offers, in the header's order. A registered page
# that is not named here is on the home page only (the header has room for a role's main sections, not all).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("referrals:my_referrals", "My referrals"),
    ("referrals:new", "Refer someone"),
    ("referrals:my_cases", "My cases"),
    ("referrals:self_referral", "Refer yourself"),
    ("referrals:triage_queue", "Triage"),
    ("referrals:caseload", "Caseload"),
    # clinics and bookings
    ("clinics:waiting_list", "Waiting list"),
    ("clinics:week", "Diary"),
    ("assessments:recruiter_list", "Pre-employment checks"),
    ("assessments:start", "Start a check"),
    ("assessments:review_queue", "Pre-employment reviews"),
    ("surveillance:programmes", "Surveillance"),
    ("surveillance:team", "Health surveillance"),
    ("suppliers:directory", "Directory"),
    ("suppliers:call_offs", "Call-offs"),
    ("suppliers:applications", "Applications"),
    ("suppliers:changes", "Profile changes"),
    ("suppliers:my_profile", "DPS profile"),
    ("suppliers:my_rates", "Rate card"),
    ("metrics:dashboard", "Dashboard"),
    ("metrics:board_reports", "Annual report"),
    ("wellbeing_plan:plan", "Wellbeing plan"),
    ("maturity:list", "Service maturity"),
    ("audit:access_log", "Access log"),
    ("audit:subject_access", "Subject access"),
    ("organisations:staff_import", "Staff import"),
    ("injuries:report", "Report an injury"),
    ("injuries:list", "Injuries"),
    ("immunisation:campaigns", "Campaigns"),
    ("immunisation:staff", "Immunisations"),
    ("immunisation:my_record", "My immunisations"),
)

# Where "Back" leads from a page: the first of these pages the role may open. A page with an object in its
# address goes back to that object's page (the `pk` of its own address), the others to a list.
BACK_TO: dict[str, tuple[tuple[str, str], ...]] = {
    "referrals:detail": (
        ("referrals:my_referrals", "Back to my referrals"),
        ("referrals:my_cases", "Back to my cases"),
        ("referrals:caseload", "Back to the caseload"),
    ),
    "referrals:new": (("referrals:my_referrals", "Back to my referrals"),),
    "referrals:self_referral": (("referrals:my_cases", "Back to my cases"),),
    "assessments:start": (("assessments:recruiter_list", "Back to pre-employment checks"),),
    "assessments:detail": (
        ("assessments:recruiter_list", "Back to pre-employment checks"),
        ("assessments:review_queue", "Back to pre-employment reviews"),
    ),
    "suppliers:new_call_off": (("suppliers:call_offs", "Back to call-off agreements"),),
    "suppliers:call_off": (("suppliers:call_offs", "Back to call-off agreements"),),
    "organisations:staff_import": (("organisations:staff_list", "Back to staff records"),),
    # clinics and bookings
    "clinics:new": (("clinics:list", "Back to clinics"),),
    "clinics:detail": (("clinics:list", "Back to clinics"),),
    "clinics:booking": (("clinics:week", "Back to the diary"),),
    "injuries:detail": (("injuries:list", "Back to injuries"),),
    "injuries:report": (("injuries:list", "Back to injuries"),),
}
# Form pages of one case: back to the case.
CASE_FORMS = frozenset(
    {
        "referrals:triage",
        "referrals:book",
        "referrals:correct_attendance",
        "referrals:reschedule",
        "referrals:cancel_appointment",
        "referrals:report",
        "referrals:consent",
        "referrals:adjustments",
        "referrals:close",
        "referrals:withdraw",
    }
)


# Form pages of one inoculation injury: back to the injury.
INJURY_FORMS = frozenset(
    {
        "injuries:assess",
        "injuries:request_source",
        "injuries:record_source",
        "injuries:book_test",
        "injuries:record_result",
        "injuries:close",
    }
)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool  # this very page: aria-current="page"
    active: bool  # a page within this section: aria-current="true"


@dataclass(frozen=True)
class BackLink:
    label: str
    href: str


def may_open(role: str, url_name: str) -> bool:
    """Whether the route policy lets this role open the page (a GET)."""
    policy = ROUTES.get(url_name)
    if policy is None or not policy.get_allowed:
        return False
    return policy.kind in ("public", "signed_in") or role in policy.roles


def sections_for(role: str, path: str) -> list[NavItem]:
    offered = {link.url_name: href for link, href in work_for_role(role)}
    items = []
    for url_name, label in SECTIONS:
        href = offered.get(url_name)
        if href is None or not may_open(role, url_name):
            continue
        items.append(NavItem(label, href, current=path == href, active=path != href and path.startswith(href)))
    return items


def work_for_role(role: str) -> list[tuple[WorkLink, str]]:
    return work_for(_RoleOnly(role))


@dataclass(frozen=True)
class _RoleOnly:
    """work_for reads only the membership's role."""

    role: str


def back_link_for(role: str, request: HttpRequest) -> BackLink | None:
    match = request.resolver_match
    if match is None:
        return None
    name = match.view_name
    if name in CASE_FORMS and "pk" in match.kwargs:
        return BackLink("Back to the case", reverse("referrals:detail", kwargs={"pk": match.kwargs["pk"]}))
    if name in INJURY_FORMS and "pk" in match.kwargs:
        return BackLink("Back to the injury", reverse("injuries:detail", kwargs={"pk": match.kwargs["pk"]}))
    for target, label in BACK_TO.get(name, ()):
        if may_open(role, target):
            try:
                return BackLink(label, reverse(target))
            except NoReverseMatch:
                continue
    return None


def main_navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: the header's sections and the page's back link, for the acting role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = active_membership(user)
    if membership is None:
        return {}
    return {
        "main_navigation": sections_for(membership.role, request.path),
        "back_link": back_link_for(membership.role, request),
    }
