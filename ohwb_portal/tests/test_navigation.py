"""The header's main navigation, the back link and the role switcher, as each role sees them."""

from __future__ import annotations

import re

import pytest

from accounts.home import work_for
from ohwb_portal.navigation import SECTIONS, may_open, sections_for
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, MembershipFactory
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> list[tuple[str, str]]:
    """(label, attributes) of each link in the header's main navigation."""
    nav = html.split('<nav class="nhsuk-header__navigation"', 1)[1].split("</nav>", 1)[0]
    return [
        (re.sub(r"<[^>]+>", "", label).strip(), attrs)
        for attrs, label in re.findall(r'<a class="nhsuk-header__navigation-link"([^>]*)>(.*?)</a>', nav, re.S)
    ]


@pytest.mark.parametrize("role", Role.values)
def test_a_role_is_shown_only_sections_its_route_policy_lets_it_open(role):
    for item in sections_for(role, "/"):
        url_name = next(name for name, label in SECTIONS if label == item.label)
        assert may_open(role, url_name), (role, url_name)


@pytest.mark.parametrize("role", Role.values)
def test_every_page_a_role_is_offered_at_home_is_one_its_route_policy_lets_it_open(role):
    """The home registry and the route policy agree, so the header's one rule hides nothing it offers."""

    class Acting:
        pass

    acting = Acting()
    acting.role = role  # type: ignore[attr-defined]
    for link, _ in work_for(acting):
        assert may_open(role, link.url_name), (role, link.url_name)


@pytest.mark.parametrize(
    ("role", "shown", "not_shown"),
    [
        (Role.MANAGER, ["My referrals", "Refer someone"], ["Triage", "Access log", "Directory"]),
        (Role.OH_ADMIN, ["Triage", "Caseload", "Dashboard", "Staff import"], ["My referrals", "Subject access"]),
        (Role.CLINICIAN, ["Triage", "Caseload", "Dashboard"], ["Staff import", "Refer someone"]),
        (Role.PROCUREMENT, ["Directory", "Call-offs"], ["Caseload", "Applications"]),
        (Role.IG_LEAD, ["Access log", "Subject access", "Staff import"], ["Caseload", "Triage"]),
        (Role.EMPLOYEE, ["My cases", "Refer yourself", "Access log"], ["Subject access", "My referrals"]),
    ],
)
def test_the_header_lists_the_roles_main_sections(client_for, role, shown, not_shown):
    labels = [label for label, _ in nav_links(client_for(role).get("/").content.decode())]
    for label in shown:
        assert label in labels
    for label in not_shown:
        assert label not in labels


def test_the_current_section_is_marked_for_assistive_technology(client_for):
    links = dict(nav_links(client_for(Role.MANAGER).get("/referrals/mine/").content.decode()))
    assert 'aria-current="page"' in links["My referrals"]
    assert "aria-current" not in links["Refer someone"]


def test_the_case_page_has_a_back_link_to_the_managers_referrals_inside_main(client_for, world):
    referral = ReferralFactory(employee=EmployeeFactory(organisation=world.trust_a))
    html = client_for(Role.MANAGER).get(f"/referrals/{referral.pk}/").content.decode()
    main = html.split('<main class="nhsuk-main-wrapper" id="maincontent">', 1)[1]
    assert '<a class="nhsuk-back-link" href="/referrals/mine/">Back to my referrals</a>' in main


def test_the_role_switcher_names_the_current_role_as_text_and_offers_only_the_others(user_for, world):
    from conftest import signed_in_client

    user = user_for(Role.MANAGER)
    MembershipFactory(user=user, organisation=world.trust_a, role=Role.BOARD)
    html = signed_in_client(user).get("/").content.decode()
    assert f"Acting as: Manager, {world.trust_a.name}" in html
    form = html.split('class="ohwb-role-switcher"', 1)[1].split("</form>", 1)[0]
    assert '<label class="ohwb-role-switcher__label" for="switch-role">Switch role</label>' in form
    assert re.findall(r"<option [^>]*>([^<]*)</option>", form) == [f"Board member, {world.trust_a.name}"]
