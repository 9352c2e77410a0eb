"""Real-browser journey through a health surveillance programme as each person does it: the OH administrator starts
a noise programme and enrols the Estates department from the ESR data; the recall goes out and the member of staff
answers through the link (no account); the OH nurse sees the answers on the worklist and records the audiogram and
the outcome; the manager sees their staff's status and the outcome, never the result. Every page at 1280 and
320 px, axe of any impact under the real CSP, no sideways scroll."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import axe_check_all, screenshot, sign_in, sign_out
from health_protection.surveillance import tasks
from health_protection.surveillance.models import Enrolment, Invitation
from notifications.models import OutboxMessage
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def checked(page: Page, name: str) -> None:
    """The page as it is, at 1280 px and at 320 px: axe of any impact, nothing wider than the screen."""
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check_all(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}"
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def go(page: Page, selector: str, name: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    checked(page, name)


def test_a_surveillance_programme_from_enrolment_to_the_managers_view(page: Page, world):
    oh_admin, clinician = person(Role.OH_ADMIN, world.oh_service), person(Role.CLINICIAN, world.oh_service)
    manager = person(Role.MANAGER, world.trust_a)
    porter = EmployeeFactory(
        organisation=world.trust_a,
        first_name="Pat",
        last_name="Porter",
        job_role="Porter",
        department="Estates and Facilities",
        email="pat.porter@example.nhs.uk",
        line_manager=manager,
    )
    EmployeeFactory(organisation=world.trust_a, first_name="Nell", last_name="Nurse", department="Ward 3")

    # The OH administrator starts the programme and enrols the department.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, oh_admin)
    page.goto("/surveillance/")
    checked(page, "surveillance-programmes-empty")
    go(page, "a:has-text('Start a programme')", "surveillance-new")
    go(page, "button:has-text('Start the programme')", "surveillance-new-errors")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the kind of surveillance")
    page.get_by_label("Noise (audiometry)").check()
    go(page, "button:has-text('Start the programme')", "surveillance-programme")
    expect(page.locator("h1")).to_have_text("Noise (audiometry)")
    page.get_by_label("Department", exact=True).check()
    page.fill("#id_value", "estates and facilities")
    go(page, "button:has-text('Add the rule')", "surveillance-rule-added")
    go(page, "button:has-text('Enrol the staff the rules match')", "surveillance-enrolled")
    expect(page.locator("main")).to_contain_text("1 member of staff enrolled")
    table = page.locator("table")
    expect(table).to_contain_text("Pat Porter")
    expect(table).not_to_contain_text("Nell Nurse")
    sign_out(page)

    # The recall goes out; the member of staff answers through the link.
    assert tasks.send_recalls() == 1
    link = urlsplit(str(OutboxMessage.objects.get(template="surveillance_recall").context["link"])).path
    page.goto(str(link))
    checked(page, "surveillance-recall")
    go(page, "button:has-text('Send my answers')", "surveillance-recall-errors")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Answer the question")
    page.get_by_role("group", name="Do you have any difficulty hearing").get_by_label("Yes").check()
    page.locator("textarea[name=hearing_details]").fill("In the canteen at lunch")
    for name in ("tinnitus", "protection"):
        page.locator(f"input[name={name}][value=no]").check()
    go(page, "button:has-text('Send my answers')", "surveillance-recall-done")
    expect(page.locator("h1")).to_contain_text("Answers sent")
    page.goto(str(link))
    expect(page.locator("h1")).to_contain_text("already been used")
    assert Invitation.objects.get().submitted_at is not None

    # The OH nurse reviews the answers and records the result.
    sign_in(page, clinician)
    page.goto("/surveillance/worklist/")
    checked(page, "surveillance-worklist")
    go(page, "a:has-text('Pat Porter')", "surveillance-enrolment")
    expect(page.locator("main")).to_contain_text("In the canteen at lunch")
    go(page, "a:has-text('Record a result')", "surveillance-result")
    go(page, "button:has-text('Record the result')", "surveillance-result-errors")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date of the check")
    today = timezone.localdate()
    page.fill("#id_performed_on_0", str(today.day))
    page.fill("#id_performed_on_1", str(today.month))
    page.fill("#id_performed_on_2", str(today.year))
    page.get_by_label("Category 2: mild hearing impairment").check()
    page.get_by_label("Fit with restrictions").check()
    page.fill("#id_restrictions", "Double hearing protection in the boiler house")
    page.fill("#id_findings", "Notch at 4 kHz in the left ear")
    go(page, "button:has-text('Record the result')", "surveillance-recorded")
    expect(page.locator("main")).to_contain_text("Result recorded for Pat Porter")
    expect(page.locator("main")).to_contain_text("Notch at 4 kHz")
    enrolment = Enrolment.objects.get(employee=porter)
    assert enrolment.last_outcome == "fit_with_restrictions"
    sign_out(page)

    # The manager sees the status and the outcome, never the result.
    sign_in(page, manager)
    page.goto("/")
    go(page, "a:has-text('Your staff')", "surveillance-team")
    row = page.locator("tr", has_text="Pat Porter")
    expect(row).to_contain_text("Up to date")
    expect(row).to_contain_text("Fit with restrictions")
    body = page.locator("body").inner_text()
    assert "Notch" not in body and "boiler house" not in body and "mild hearing" not in body
    assert page.goto(f"/surveillance/enrolments/{enrolment.pk}/").status == 403
