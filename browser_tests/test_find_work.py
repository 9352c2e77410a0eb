"""Finding work in a real browser: the OH admin filters the caseload and the triage queue and sees the overdue
flag; the clinician's home page starts with what is waiting for them. At 1280 and 320 px, axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import axe_check, check_page, follow, screenshot, sign_in, visit
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    ServiceAssignmentFactory,
    confirmed_totp_device,
    member,
)
from referrals.models import Appointment, Status
from referrals.tests.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def case(world, organisation, last_name, *, days_ago, status=Status.SUBMITTED, **fields):
    employee = EmployeeFactory(organisation=organisation, first_name="Sam", last_name=last_name)
    return ReferralFactory(
        employee=employee,
        oh_service=world.oh_service,
        status=status,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    check_page(page)
    if width != 320:
        # Each filter's label on one line (a checkbox's label is padded to the box's 40 px): no word per line.
        for label in page.locator(".ohwb-filters__fields label").all():
            assert label.bounding_box()["height"] < 40, f"label {label.inner_text()!r} wraps at {width} px"
        for label in page.locator(".ohwb-filters__checks label").all():
            assert label.bounding_box()["height"] <= 48, f"label {label.inner_text()!r} wraps at {width} px"


@pytest.fixture
def served(world):
    practice = OrganisationFactory(name="Riverside Practice", kind="gp_practice")
    ServiceAssignmentFactory(oh_service=world.oh_service, client=practice)
    return practice


def test_oh_admin_filters_the_triage_queue_and_caseload_and_sees_the_overdue_flag(page: Page, world, served):
    late = case(world, world.trust_a, "Okafor", days_ago=10)
    fresh = case(world, served, "Nowak", days_ago=0)
    accepted = timezone.now() - timedelta(days=20)
    case(world, served, "Lewis", days_ago=20, status=Status.TRIAGED, priority="urgent", accepted_at=accepted)
    oh_admin = person(Role.OH_ADMIN, world.oh_service)

    sign_in(page, oh_admin)
    axe_check(page)
    waiting = page.locator("li", has_text="waiting for triage longer than the target")
    expect(waiting).to_have_text("1 referral waiting for triage longer than the target")
    follow(page, "a:has-text('waiting for triage longer than the target')")
    row = page.locator("tr.nhsuk-table__row", has_text=late.reference)
    expect(row).to_contain_text("Triage overdue")
    expect(row).to_contain_text("Trust A")
    expect(page.locator("tr.nhsuk-table__row", has_text=fresh.reference)).to_have_count(0)
    for width in WIDTHS:
        fits(page, width)
        screenshot(page, f"find-work-triage-overdue-{width}")

    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, "/referrals/triage/")
    page.select_option("#id_organisation", label="Riverside Practice")
    follow(page, "button:has-text('Apply filters')")
    expect(page.locator("tr.nhsuk-table__row")).to_have_count(1)
    expect(page.locator("tr.nhsuk-table__row")).to_contain_text(fresh.reference)
    expect(page.locator("tr.nhsuk-table__row")).not_to_contain_text("overdue")

    visit(page, "/referrals/caseload/")
    for width in WIDTHS:
        fits(page, width)
        screenshot(page, f"find-work-caseload-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#id_q", "okafor")
    follow(page, "button:has-text('Apply filters')")
    expect(page.locator("tr.nhsuk-table__row")).to_have_count(1)
    expect(page.locator("tr.nhsuk-table__row")).to_contain_text(late.reference)
    follow(page, "a:has-text('Clear filters')")
    page.select_option("#id_status", label="Accepted, to be booked")
    page.select_option("#id_sort", label="Newest first")
    follow(page, "button:has-text('Apply filters')")
    expect(page.locator("tr.nhsuk-table__row")).to_have_count(1)
    expect(page.locator("tr.nhsuk-table__row")).to_contain_text("Booking overdue")
    expect(page.locator("#id_sort")).to_have_value("newest")


def test_clinicians_home_starts_with_their_waiting_work(page: Page, world):
    clinician = person(Role.CLINICIAN, world.oh_service)
    assessed = case(world, world.trust_a, "Patel", days_ago=3, status=Status.ASSESSED, priority="routine")
    Appointment.objects.create(
        referral=assessed, clinician=clinician, start=timezone.now() - timedelta(days=1), modality="video"
    )

    sign_in(page, clinician)
    for width in WIDTHS:
        fits(page, width)
        screenshot(page, f"find-work-clinician-home-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    first = page.locator("main h2").first
    expect(first).to_have_text("Waiting for you")
    follow(page, "a:has-text('1 case of yours assessed, with a report to write')")
    expect(page.locator("tr.nhsuk-table__row")).to_have_count(1)
    expect(page.locator("tr.nhsuk-table__row")).to_contain_text(assessed.reference)
    expect(page.locator("#id_status")).to_have_value("assessed")
