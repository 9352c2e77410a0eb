"""An inoculation injury through the pages only, as each person does it, at desktop and phone width.

The member of staff reports a needlestick the same day and sees what to do now; the clinician finds it first and
flagged urgent on their home page, risk assesses it (PEP advised, RIDDOR flagged) and the plan of blood tests
appears; the OH administrator asks for the source patient's status and books the 6-week test; the clinician records
its results; the manager sees the incident and the plan, never the results. Every page is checked with axe (any
impact), for CSP violations and, at 320 px, for sideways scrolling; a screenshot of each step goes to
test-artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import axe_check_all, fits_the_screen, screenshot, sign_in, sign_out
from health_protection.injuries.models import InoculationInjury
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


@pytest.mark.parametrize("width", [1280, 320])
def test_a_needlestick_reported_assessed_and_followed_up(page: Page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    manager = person(Role.MANAGER, world.trust_a)
    employee_user = person(Role.EMPLOYEE, world.trust_a)
    EmployeeFactory(
        organisation=world.trust_a, user=employee_user, first_name="Ada", last_name="Okoro", line_manager=manager
    )
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    clinician = person(Role.CLINICIAN, world.oh_service)

    def step(name: str) -> None:
        axe_check_all(page)
        fits_the_screen(page)
        screenshot(page, f"injuries-{width}-{name}")

    def go(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    # The member of staff reports it, the same day.
    sign_in(page, employee_user)
    step("employee-home")
    go("a:has-text('Report a needlestick, splash or bite')")
    expect(page.locator(".nhsuk-card--care--urgent")).to_contain_text("Act now, do not wait")
    step("report-form")
    go("button:has-text('Report it now')")  # nothing filled in: the error summary
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose what happened")
    step("report-errors")
    when = timezone.localtime() - timedelta(minutes=15)
    page.check("#id_kind_0")
    page.fill("#id_date_0", str(when.day))
    page.fill("#id_date_1", str(when.month))
    page.fill("#id_date_2", str(when.year))
    page.fill("#id_time", f"{when:%H:%M}")
    page.fill("#id_location", "Ward 7 treatment room")
    page.fill("#id_how_it_happened", "The needle slipped while I was resheathing it")
    page.check("#id_first_aid_given_0")
    page.check("#id_source_known_0")
    page.fill("#id_source_details", "Bed 4")
    go("button:has-text('Report it now')")
    injury = InoculationInjury.objects.get()
    expect(page.locator("main")).to_contain_text(injury.reference)
    expect(page.locator(".nhsuk-card--care--urgent")).to_be_visible()
    step("reported")
    sign_out(page)

    # The clinician: urgent, first on the home page; risk assessed within the hour.
    sign_in(page, clinician)
    first = page.locator(".ohwb-waiting li").first
    expect(first).to_contain_text("1 inoculation injury waiting for its risk assessment")
    expect(first.locator(".nhsuk-tag--red")).to_have_text("Urgent")
    step("clinician-home")
    go(".ohwb-waiting li >> nth=0 >> a")
    expect(page.locator("tr", has_text=injury.reference)).to_contain_text("Urgent")
    step("queue")
    go(f"a:has-text('{injury.reference}')")
    expect(page.locator("#urgent")).to_contain_text("Urgent: risk assess now")
    expect(page.get_by_text("Bed 4")).to_be_visible()
    step("clinician-detail")
    go("a:has-text('Risk assess')")
    step("assess-form")
    page.get_by_label("Significant exposure, high-risk or unknown source").check()
    page.get_by_label("Immune (responder to the course)").check()
    page.locator("input[name='hep_b_booster_given'][value='no']").check()
    page.get_by_label("Advised and started").check()
    page.locator("input[name='riddor_reportable'][value='yes']").check()
    page.fill("#id_notes", "Deep puncture through the glove")
    go("button:has-text('Save the risk assessment')")
    expect(page.locator("#plan")).to_contain_text("24 weeks")
    step("assessed")
    sign_out(page)

    # The OH administrator asks for the source's status and books the 6-week test.
    sign_in(page, oh_admin)
    step("admin-home")
    page.goto(f"/injuries/{injury.pk}/")
    expect(page.get_by_text("Deep puncture")).to_have_count(0)
    step("admin-detail")
    go("a:has-text('Ask for the source patient')")
    page.fill("#id_asked", "Dr Patel, consultant on Ward 7")
    go("button:has-text('Record the request')")
    step("source-asked")
    go("#plan a:has-text('Book') >> nth=0")
    step("book-form")
    day = timezone.localdate() + timedelta(days=42)
    page.fill("#id_date_0", str(day.day))
    page.fill("#id_date_1", str(day.month))
    page.fill("#id_date_2", str(day.year))
    page.fill("#id_time", "10.30am")
    go("button:has-text('Book the test')")
    expect(page.locator("#plan")).to_contain_text("Booked")
    step("booked")
    sign_out(page)

    # The clinician records the results of the 6-week test.
    sign_in(page, clinician)
    page.goto(f"/injuries/{injury.pk}/")
    go("#plan a:has-text('Record results') >> nth=0")
    step("result-form")
    for name in ("hbv", "hcv", "hiv"):
        page.locator(f"input[name='{name}'][value='negative']").check()
    page.fill("#id_notes", "All clear at six weeks")
    go("button:has-text('Save the results')")
    expect(page.locator("#plan")).to_contain_text("All clear at six weeks")
    step("resulted")
    sign_out(page)

    # The manager: the incident and the plan, never the results.
    sign_in(page, manager)
    step("manager-home")
    go("a:has-text('Staff injuries')")
    step("manager-list")
    go(f"a:has-text('{injury.reference}')")
    expect(page.locator("body")).to_contain_text("The needle slipped while I was resheathing it")
    expect(page.locator("#plan")).to_contain_text("12 weeks")
    for hidden in ("All clear", "Deep puncture", "Bed 4", "Negative"):
        expect(page.get_by_text(hidden)).to_have_count(0)
    step("manager-detail")
