"""A management referral's whole life through the pages only, as each person does it, at desktop and phone width.

Manager refers; OH admin triages and books; the appointment is held; the clinician writes the report; the employee
releases it; the manager reads it and records the adjustments; the clinician sees the answers and closes the case;
the employee answers the satisfaction survey. Every page is checked with axe (any impact), for CSP violations and,
at 320 px, for sideways scrolling; a screenshot of each step goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import axe_check_all, fits_the_screen, screenshot, sign_in, sign_out
from notifications.models import OutboxMessage
from ohwb_portal.working_days import add_working_days
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member
from referrals.models import Appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


@pytest.mark.parametrize("width", [1280, 320])
def test_referral_from_manager_to_survey_released_and_adjusted(page: Page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    manager = person(Role.MANAGER, world.trust_a)
    employee_user = person(Role.EMPLOYEE, world.trust_a)
    EmployeeFactory(organisation=world.trust_a, user=employee_user, first_name="Ada", last_name="Okoro")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    clinician = person(Role.CLINICIAN, world.oh_service)

    def step(name: str) -> None:
        axe_check_all(page)
        fits_the_screen(page)
        screenshot(page, f"life-cycle-{width}-{name}")

    # Manager: refer.
    sign_in(page, manager)
    page.goto("/referrals/new/")
    step("1-manager-form")
    page.fill("#id_employee", "Okoro")
    page.locator(".autocomplete__option", has_text="Ada Okoro").first.click()
    page.check("#id_reason_category_0")
    page.check("#id_absent_0")
    page.check("#id_manager_questions_0")
    page.fill("#id_work_details", "Ward nurse on 12-hour shifts with manual handling")
    page.check("#id_employee_agreed")
    page.click("button[name='submit_referral']")
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    expect(page.locator("body")).to_contain_text("Waiting for triage")
    step("2-manager-sent")
    case_url = page.url
    case_pk = int(case_url.rstrip("/").rsplit("/", 1)[1])
    sign_out(page)

    # OH admin: triage and book.
    sign_in(page, oh_admin)
    page.goto("/referrals/triage/")
    step("3-admin-triage-queue")
    page.click(f"a[href='/referrals/{case_pk}/']")
    page.wait_for_url(case_url)
    page.click("main a:text-is('Triage')")
    page.wait_for_url(re.compile(r"/triage/$"))
    step("4-admin-triage")
    page.check("#id_decision_0")
    page.check("#id_priority_0")
    page.select_option("#id_practitioner_type", "oh_nurse")
    page.click("button:has-text('Save decision')")
    page.goto(case_url)
    page.click("main a:has-text('Book an appointment')")
    page.wait_for_url(re.compile(r"/clinics/book/referral/\d+/$"))
    step("5-admin-clinics-book")
    # This world has no clinic: book at a time outside one.
    page.click("main a:has-text('Book outside a clinic')")
    page.wait_for_url(re.compile(r"/referrals/\d+/book/$"))
    step("5-admin-book")
    day = add_working_days(timezone.localdate(), 3)
    page.select_option("#id_clinician", str(clinician.pk))
    page.fill("#id_date_0", str(day.day))
    page.fill("#id_date_1", str(day.month))
    page.fill("#id_date_2", str(day.year))
    page.fill("#id_time", "9.30am")
    page.check("#id_modality_1")
    page.click("button:has-text('Book appointment')")
    page.wait_for_url(case_url)
    expect(page.locator("body")).to_contain_text("9:30")
    step("6-admin-booked")
    # The day comes: attendance can be recorded once the appointment has started.
    Appointment.objects.filter(referral__pk=case_pk).update(start=timezone.now() - timedelta(minutes=5))
    page.reload()
    page.click("button:has-text('Attended')")
    expect(page.locator("body")).to_contain_text("Assessed")
    step("7-admin-attended")
    sign_out(page)

    # Clinician: note, report, send to the employee.
    sign_in(page, clinician)
    page.goto(case_url)
    step("8-clinician-case")
    page.fill("#id_text", "Back pain since a lifting incident; improving with physiotherapy.")
    page.click("button:has-text('Save note')")
    page.click("main a:has-text('Write the report')")
    page.wait_for_url(re.compile(r"/report/$"))
    step("9-clinician-report")
    page.check("#id_fitness_1")
    page.fill("#id_adjustments", "No heavy lifting for 4 weeks")
    page.check("#id_equality_act_1")
    page.fill("#id_answer_0", "Yes, with the adjustment below.")
    page.click("button:has-text('Save and send to the employee for consent')")
    expect(page.locator("body")).to_contain_text("Waiting for the employee's consent")
    sign_out(page)

    # Employee: read the report and release it.
    sign_in(page, employee_user)
    page.goto(case_url)
    page.click("main a:has-text('Decide about your report')")
    page.wait_for_url(re.compile(r"/consent/$"))
    expect(page.locator("body")).to_contain_text("No heavy lifting for 4 weeks")
    step("10-employee-consent")
    page.locator("input[name='choice'][value='release_now']").check()
    page.click("button:has-text('Confirm')")
    expect(page.locator("body")).to_contain_text("Released")
    step("11-employee-released")
    sign_out(page)

    # Manager: the report, then what was put in place.
    sign_in(page, manager)
    page.goto(case_url)
    expect(page.locator("body")).to_contain_text("No heavy lifting for 4 weeks")
    assert "lifting incident" not in page.content()  # the clinical note never reaches the manager
    step("12-manager-report")
    page.click("main a:has-text('adjustments')")
    page.wait_for_url(re.compile(r"/adjustments/$"))
    step("13-manager-adjustments")
    page.get_by_label("Put in place", exact=True).check()
    page.click("button:has-text('Save answers')")
    expect(page.locator("body")).to_contain_text("Answers saved. The occupational health clinician can see them.")
    step("14-manager-adjustments-saved")
    sign_out(page)

    # Clinician: sees the manager's answer, closes the case.
    sign_in(page, clinician)
    page.goto(case_url)
    expect(page.locator("main")).to_contain_text("Put in place")  # the manager's answer
    page.click("main a:has-text('Close the case')")
    page.wait_for_url(re.compile(r"/close/$"))
    step("15-clinician-close")
    page.locator("input[name='outcome']").first.check()
    page.click("main button:has-text('Close case')")
    expect(page.locator("body")).to_contain_text(f"Case OH-{case_pk:06d} closed.")
    sign_out(page)

    # Employee: the survey link from the closing message.
    link = OutboxMessage.objects.get(template="referrals_survey_request").context["link"]
    page.goto("/" + link.split("/", 3)[3])
    step("16-employee-survey")
    page.get_by_label("Satisfied", exact=True).check()
    page.click("main button:has-text('Send')")
    expect(page.locator("h1")).to_contain_text("Thank you")
    step("17-employee-survey-done")
