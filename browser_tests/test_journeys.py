"""Journeys in a real browser, every page checked with axe-core (no serious or critical violations)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import axe_check, chart_is_drawn, follow, screenshot, sign_in, sign_out, visit
from conftest import ROLE_HOME
from notifications.models import OutboxMessage
from ohwb_portal.working_days import add_working_days
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, ServiceAssignmentFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


@pytest.mark.parametrize("role", list(Role.values))
def test_each_roles_home_page(page: Page, world, role):
    user = person(role, getattr(world, ROLE_HOME[role]))
    sign_in(page, user)
    axe_check(page)
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("link[href*='nhsuk-frontend']").count() == 1
    screenshot(page, f"home-{role}")


def test_wrong_password_then_lockout_message(page: Page, world):
    user = person(Role.MANAGER, world.trust_a)
    for _ in range(5):
        page.goto("/accounts/sign-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "wrong-password-1")
        page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_contain_text("locked")
    axe_check(page)


def test_management_referral_journey_with_consent_withheld(page: Page, world):
    from referrals.models import Appointment

    manager = person(Role.MANAGER, world.trust_a)
    employee_user = person(Role.EMPLOYEE, world.trust_a)
    EmployeeFactory(organisation=world.trust_a, user=employee_user, first_name="Ada", last_name="Okoro")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    clinician = person(Role.CLINICIAN, world.oh_service)

    # Manager: the referral form, by keyboard only.
    sign_in(page, manager)
    visit(page, "/referrals/new/")
    page.focus("#id_employee")  # the search box the list becomes: type, then choose a match
    page.keyboard.type("Okoro")
    expect(page.locator(".autocomplete__option").first).to_contain_text("Ada Okoro, ESR")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Musculoskeletal (first radio)
    for _ in range(6):
        page.keyboard.press("Tab")  # to the next group: 'At work'
        if page.evaluate("document.activeElement.id") == "id_absent_0":
            break
    page.keyboard.press("Space")
    page.focus("#id_manager_questions_0")
    page.keyboard.press("Space")
    page.focus("#id_work_details")
    page.keyboard.type("Ward nurse on 12-hour shifts with manual handling")
    page.focus("#id_employee_agreed")
    page.keyboard.press("Space")
    page.focus("button[name='submit_referral']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    axe_check(page)
    case_url = page.url
    expect(page.locator("body")).to_contain_text("Waiting for triage")
    sign_out(page)

    # OH admin: triage, book, record attendance.
    sign_in(page, oh_admin)
    visit(page, "/referrals/triage/")
    page.click("a:has-text('OH-')")
    follow(page, "main a:text-is('Triage')")  # not the header's Triage section
    page.check("#id_decision_0")
    page.check("#id_priority_0")
    page.select_option("#id_practitioner_type", "oh_nurse")
    page.click("button:has-text('Save decision')")
    page.goto(case_url)
    follow(page, "a:has-text('Book an appointment')")  # the clinics diary's booking page
    # This world has no clinic: book at a time outside one.
    follow(page, "main a:has-text('Book outside a clinic')")
    day = add_working_days(timezone.localdate(), 3)
    page.select_option("#id_clinician", str(clinician.pk))
    page.fill("#id_date_0", str(day.day))
    page.fill("#id_date_1", str(day.month))
    page.fill("#id_date_2", str(day.year))
    page.fill("#id_time", "10:30")
    page.check("#id_modality_1")
    page.click("button:has-text('Book appointment')")
    # The appointment's time comes: attendance can be recorded from its start.
    Appointment.objects.filter(referral__pk=int(case_url.rstrip("/").rsplit("/", 1)[1])).update(
        start=timezone.now() - timedelta(minutes=1)
    )
    page.reload()
    page.click("button:has-text('Attended')")
    expect(page.locator("body")).to_contain_text("Assessed")
    sign_out(page)

    # Clinician: note, report, send for consent.
    sign_in(page, clinician)
    visit(page, case_url)
    page.fill("#id_text", "Back pain since a lifting incident; improving with physiotherapy.")
    page.click("button:has-text('Save note')")
    follow(page, "a:has-text('Write the report')")
    page.check("#id_fitness_1")
    page.fill("#id_adjustments", "No heavy lifting for 4 weeks")
    page.check("#id_equality_act_1")
    page.fill("#id_answer_0", "Yes, with the adjustment below.")
    page.click("button:has-text('Save and send to the employee for consent')")
    expect(page.locator("body")).to_contain_text("Waiting for the employee's consent")
    sign_out(page)

    # Employee: see it first, then withhold.
    sign_in(page, employee_user)
    visit(page, case_url)
    follow(page, "a:has-text('Decide about your report')")
    expect(page.locator("main")).to_contain_text("No heavy lifting for 4 weeks")  # the report is on the page
    page.check("input[name='choice'][value='corrections']")
    page.click("button:has-text('Confirm')")  # no facts given: asked for them, nothing decided
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say which facts in the report are wrong")
    axe_check(page)
    page.check("input[name='choice'][value='withhold']")
    page.click("button:has-text('Confirm')")
    expect(page.locator("body")).to_contain_text("Consent withheld")
    sign_out(page)

    # Manager: only the fact that consent was withheld.
    sign_in(page, manager)
    visit(page, case_url)
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Consent withheld")
    assert "No heavy lifting" not in page.content()
    assert "lifting incident" not in page.content()


def test_pre_employment_check_from_recruiter_to_clearance(page: Page, world):
    recruiter = person(Role.RECRUITER, world.trust_a)
    clinician = person(Role.CLINICIAN, world.oh_service)
    sign_in(page, recruiter)
    visit(page, "/assessments/start/")
    page.fill("#id_candidate_name", "Sam Candidate")
    page.fill("#id_candidate_email", "sam@example.com")
    page.fill("#id_job_role", "Healthcare Assistant")
    page.check("#id_exposure_prone_0")
    page.click("button:has-text('Send the questionnaire')")
    expect(page.locator("body")).to_contain_text("Waiting for the candidate")
    check_url = page.url
    sign_out(page)

    link = OutboxMessage.objects.get(template="assessments_questionnaire_link").context["link"]
    visit(page, "/" + link.split("/", 3)[3])
    for name in ("conditions", "medication", "absence", "adjustments", "infections"):
        page.check(f"#id_{name}_0")
    page.click("button:has-text('Send my answers')")
    expect(page.locator("h1")).to_contain_text("Questionnaire sent")
    axe_check(page)

    sign_in(page, clinician)
    visit(page, "/assessments/review/")
    follow(page, "a:has-text('Sam Candidate')")
    page.click("button:has-text('Clear as fit')")
    sign_out(page)

    sign_in(page, recruiter)
    visit(page, check_url)
    expect(page.locator("body")).to_contain_text("Fit")
    assert "Questionnaire answers" not in page.content()


def test_procurement_finds_compares_and_signs_with_supplier_countersignature(page: Page, world):
    from suppliers.tests.conftest import Dps

    dps = Dps(world)
    from organisations.models import Membership

    procurement = dps.procurement
    supplier_user = dps.acme_user
    Membership.objects.filter(user=procurement)  # memberships exist; passwords are the factory default
    sign_in(page, procurement)
    visit(page, "/suppliers/?lot=management_referrals")
    page.check(f"#cmp-{dps.acme.pk}")
    page.check(f"#cmp-{dps.beta.pk}")
    follow(page, "button:has-text('Compare selected')")
    expect(page.locator("table")).to_contain_text("£180")
    page.click("a:has-text('Acme OH Ltd')")
    follow(page, "a:has-text('Raise a call-off')")
    today = timezone.localdate()
    page.check(f"input[name='lots'][value='{dps.lots['management_referrals'].pk}']")
    for prefix, year in (("start_date", today.year), ("end_date", today.year + 1)):
        page.fill(f"#id_{prefix}_0", str(today.day))
        page.fill(f"#id_{prefix}_1", str(today.month))
        page.fill(f"#id_{prefix}_2", str(year))
    page.fill("#id_estimated_value", "75000")
    page.select_option("#id_client_signatory", str(procurement.pk))
    page.select_option("#id_supplier_signatory", str(supplier_user.pk))
    page.click("button:has-text('Save as draft')")
    page.click("button:has-text('Send for signature')")
    page.check("#id_declared")
    page.click("button:has-text('Sign the agreement')")
    expect(page.locator("body")).to_contain_text("Awaiting supplier signature")
    call_off_url = page.url
    sign_out(page)

    sign_in(page, supplier_user)
    visit(page, call_off_url)
    page.check("#id_declared")
    page.click("button:has-text('Sign the agreement')")
    expect(page.locator("body")).to_contain_text("Active")
    axe_check(page)


def test_board_reads_dashboard_and_downloads_the_annual_report(page: Page, world):
    from metrics import tasks
    from metrics.models import BoardReport
    from referrals.models import Referral

    for _ in range(6):
        Referral.objects.create(
            organisation=world.trust_a,
            employee=EmployeeFactory(organisation=world.trust_a),
            reason_category="other",
            oh_service=world.oh_service,
            status="submitted",
            submitted_at=timezone.now(),
        )
    ServiceAssignmentFactory  # noqa: B018 - factories already used by the world fixture
    board = person(Role.BOARD, world.trust_a)
    sign_in(page, board)
    visit(page, "/metrics/")
    expect(page.locator("h1")).to_contain_text("Trust A")
    screenshot(page, "board-dashboard")
    # Under the real CSP the charts are drawn in colour: a white plot with the NHS blue line, not black boxes.
    chart_is_drawn(page)
    visit(page, "/metrics/board-reports/")
    page.fill("#id_summary", "A year of faster reports.")
    page.click("button:has-text('Build the report')")
    tasks.build_board_report(BoardReport.objects.get().pk)  # the Celery worker's job, run here
    page.reload()
    with page.expect_download() as download:
        page.click("a:has-text('Download PDF')")
    assert download.value.suggested_filename.endswith(".pdf")


def test_report_versions_manager_sees_only_released_versions(page: Page, world):
    """Version 1 released; after a follow-up, version 2 is written in the browser. The manager keeps seeing
    version 1 marked earlier while version 2 waits, and after the employee withholds version 2."""
    from referrals import services
    from referrals.models import Appointment

    manager = person(Role.MANAGER, world.trust_a)
    employee_user = person(Role.EMPLOYEE, world.trust_a)
    employee = EmployeeFactory(organisation=world.trust_a, user=employee_user, first_name="Ada", last_name="Okoro")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    clinician = person(Role.CLINICIAN, world.oh_service)
    referral = services.create_management_referral(
        manager=manager,
        employee=employee,
        submit=True,
        reason_category="musculoskeletal",
        manager_questions=["fit_for_role"],
        work_details="Ward nurse",
        employee_agreed=True,
    )
    services.accept(referral=referral, by=oh_admin, priority="routine", practitioner_type="oh_nurse")
    for _ in range(2):  # the first assessment, then the follow-up
        appointment = services.book_appointment(
            referral=referral,
            by=oh_admin,
            clinician=clinician,
            start=timezone.now() + timedelta(days=2),
            length_minutes=45,
            modality="telephone",
        )
        Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
        services.record_attendance(appointment=appointment, by=clinician, attended=True)
        if referral.reports.exists():
            break
        first = services.save_report_draft(
            referral=referral,
            author=clinician,
            fitness="fit_with_adjustments",
            adjustments=["No heavy lifting for 4 weeks"],
            answers={"Is the employee fit to do their role?": "Yes, with the adjustment."},
            equality_act="unlikely",
        )
        services.send_for_consent(report=first, by=clinician)
        services.record_consent(report=first, by=employee_user, choice="release_now")
    case_url = f"/referrals/{referral.pk}/"

    # Clinician: version 2 after the follow-up, sent to the employee.
    sign_in(page, clinician)
    visit(page, case_url)
    page.click("a:has-text('Write the report')")
    page.check("#id_fitness_3")  # unfit for the role
    page.fill("#id_adjustments", "Redeployment to a desk role")
    page.check("#id_equality_act_0")
    page.fill("#id_answer_0", "Not at present: see the redeployment advice.")
    page.click("button:has-text('Save and send to the employee for consent')")
    expect(page.locator("#report-version")).to_contain_text("Version 2")
    expect(page.locator("#report-versions")).to_contain_text("Released to the manager")
    screenshot(page, "report-versions-clinician")
    sign_out(page)

    # Manager, while version 2 waits: version 1, marked earlier; nothing of version 2.
    sign_in(page, manager)
    visit(page, case_url)
    expect(page.locator("#report-version")).to_contain_text("Version 1")
    expect(page.locator("#report-earlier")).to_contain_text("This is an earlier report")
    assert "No heavy lifting for 4 weeks" in page.content()
    assert "Redeployment" not in page.content() and "Not at present" not in page.content()
    screenshot(page, "report-versions-manager-v2-awaiting")
    sign_out(page)

    # Employee: reads version 2 first, then withholds it.
    sign_in(page, employee_user)
    visit(page, case_url)
    page.click("a:has-text('Decide about your report')")
    expect(page.locator("main")).to_contain_text("Redeployment to a desk role")  # the report is on the page
    page.check("input[name='choice'][value='withhold']")
    page.click("button:has-text('Confirm')")
    expect(page.locator("body")).to_contain_text("Consent withheld")
    sign_out(page)

    # Manager: told consent was withheld; still version 1 marked earlier; version 2 never shown.
    sign_in(page, manager)
    visit(page, case_url)
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Consent withheld")
    expect(page.locator("#report-earlier")).to_be_visible()
    assert "No heavy lifting for 4 weeks" in page.content()
    assert "Redeployment" not in page.content() and "Not at present" not in page.content()
    screenshot(page, "report-versions-manager-v2-withheld")
