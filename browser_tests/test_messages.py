"""Case messages and addenda in a real browser (real CSP), at 1280 and 320 px: the manager writes, the OH admin is
told, reads it and replies, the manager reads the reply; a clinician adds an addendum to a note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import check_page, follow, screenshot, sign_in, visit
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 320]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def as_user(page: Page, user, width: int) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, user)
    check_page(page)


def _case(world):
    from referrals import services
    from referrals.models import Appointment, MeasureStage

    manager = person(Role.MANAGER, world.trust_a)
    employee = EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Okoro")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    clinician = person(Role.CLINICIAN, world.oh_service)
    referral = services.create_management_referral(
        manager=manager,
        employee=employee,
        submit=True,
        reason_category="musculoskeletal",
        absent_at_referral=False,
        manager_questions=["fit_for_role"],
        work_details="Porter",
        employee_agreed=True,
    )
    services.accept(referral=referral, by=oh_admin, priority="routine", practitioner_type="oh_nurse")
    appointment = services.book_appointment(
        referral=referral,
        by=oh_admin,
        clinician=clinician,
        start=timezone.now() + timedelta(days=2),
        length_minutes=30,
        modality="telephone",
    )
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=5))
    services.record_attendance(appointment=appointment, by=clinician, attended=True)
    services.record_measures(referral=referral, by=clinician, stage=MeasureStage.INTAKE, work_ability=5)
    services.add_clinical_note(referral=referral, author=clinician, text="Lower back pain since lifting a patient.")
    return referral, manager, oh_admin, clinician


@pytest.mark.parametrize("width", WIDTHS)
def test_manager_and_oh_admin_exchange_messages_and_a_clinician_adds_an_addendum(page: Page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    referral, manager, oh_admin, clinician = _case(world)
    case_url = f"/referrals/{referral.pk}/"

    # The manager writes.
    as_user(page, manager, width)
    visit(page, case_url)
    expect(page.locator("#case-messages")).to_be_visible()
    expect(page.get_by_text("Do not write clinical details")).to_be_visible()
    page.fill("#id_text", "Could the appointment be on a Tuesday? She works nights on Mondays.")
    follow(page, "button:has-text('Send message')")
    expect(page.locator("#message-thread")).to_contain_text("Could the appointment be on a Tuesday?")
    check_page(page)
    screenshot(page, f"messages-manager-sent-{width}")

    # The OH admin is told, reads it (marked new) and replies.
    as_user(page, oh_admin, width)
    visit(page, "/notifications/")
    expect(page.get_by_text(f"New message on case {referral.reference}").first).to_be_visible()
    expect(page.get_by_text("Tuesday")).to_have_count(0)  # the notice says only that there is a message
    check_page(page)
    visit(page, case_url)
    first = page.locator("#message-thread li").first
    expect(first.locator(".nhsuk-tag")).to_have_text("New")
    check_page(page)
    screenshot(page, f"messages-oh-admin-unread-{width}")
    page.fill("#id_text", "Booked for Tuesday at 10am by telephone.")
    follow(page, "button:has-text('Send message')")
    expect(page.locator("#message-thread li")).to_have_count(2)
    expect(page.locator("#message-thread li").first.locator(".nhsuk-tag")).to_have_count(0)

    # The manager reads the reply, newest last.
    as_user(page, manager, width)
    visit(page, case_url)
    last = page.locator("#message-thread li").last
    expect(last).to_contain_text("Booked for Tuesday at 10am")
    expect(last.locator(".nhsuk-tag")).to_have_text("New")
    check_page(page)
    screenshot(page, f"messages-manager-reply-{width}")

    # A clinician adds an addendum to the note.
    as_user(page, clinician, width)
    visit(page, case_url)
    follow(page, "a:has-text('Add an addendum')")
    expect(page.locator("h1")).to_have_text("Add an addendum")
    expect(page.get_by_text("Lower back pain since lifting a patient.")).to_be_visible()
    check_page(page)
    follow(page, "button:has-text('Save addendum')")  # empty: refused in the user's words
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write the addendum before saving it")
    page.fill("#id_text", "The pain is in the upper back, not the lower back.")
    follow(page, "button:has-text('Save addendum')")
    addendum = page.locator("[id^='addendum-']")
    expect(addendum).to_contain_text("The pain is in the upper back")
    expect(addendum).to_contain_text(clinician.display_name)
    check_page(page)
    screenshot(page, f"messages-clinician-addendum-{width}")
