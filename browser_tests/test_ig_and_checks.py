"""Real-browser journeys: the IG lead filters the access log and downloads what it shows; the recruiter extends a
candidate's link, sends a new one, and sees when it expires. Each page at 1280 px and at 320 px (no sideways
scroll), axe-checked under the real CSP."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from audit.models import AccessKind, AccessLogEntry
from audit.services import log_access
from browser_tests.conftest import at_each_width, follow, sign_in, visit
from notifications.models import OutboxMessage
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def test_ig_lead_filters_the_access_log_and_downloads_the_csv(page: Page, world):
    clinician = member(Role.CLINICIAN, world.oh_service)
    clinician.first_name, clinician.last_name = "Chris", "Reader"
    clinician.save()
    ann = EmployeeFactory(organisation=world.trust_a, first_name="Ann", last_name="Lee")
    bob = EmployeeFactory(organisation=world.trust_a, first_name="Bob", last_name="Khan")
    for employee, reason in ((ann, "First assessment"), (bob, "Booking")):
        case = ReferralFactory(employee=employee, oh_service=world.oh_service)
        log_access(
            user=clinician,
            kind=AccessKind.CLINICAL_RECORD,
            obj=case,
            reason=reason,
            employee=employee,
            oh_service=world.oh_service,
        )
    ann_case = AccessLogEntry.objects.get(reason="First assessment").case_reference

    ig_lead = person(Role.IG_LEAD, world.trust_a)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, ig_lead)
    visit(page, "/audit/access-log/")
    expect(page.locator("table")).to_contain_text("Booking")
    at_each_width(page, "ig-access-log")

    page.fill("#id_employee", "ann lee")
    page.fill("#id_case", ann_case.lower())
    follow(page, "button:has-text('Apply filters')")
    table = page.locator("table")
    expect(table).to_contain_text("First assessment")
    expect(table).to_contain_text(ann_case)
    expect(table).not_to_contain_text("Booking")
    expect(page.locator("caption")).to_contain_text("1 record matches these filters")
    at_each_width(page, "ig-access-log-filtered")

    with page.expect_download() as download_info:
        page.click("a:has-text('Download the 1 matching row (CSV)')")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert [row[-1] for row in rows[1:]] == ["First assessment"]
    assert rows[1][4] == "Ann Lee" and rows[1][6] == ann_case
    export = AccessLogEntry.objects.get(kind=AccessKind.EXPORT)
    assert export.user == ig_lead and "whose record ann lee" in export.reason

    # A date that is not a date is said so, in words, and nothing is downloaded with it.
    page.fill("#id_date_from_0", "31")
    page.fill("#id_date_from_1", "2")
    page.fill("#id_date_from_2", "2026")
    follow(page, "button:has-text('Apply filters')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Start date must be a real date")
    assert page.locator("a:has-text('(CSV)')").count() == 0
    at_each_width(page, "ig-access-log-error")


def test_recruiter_extends_and_resends_a_link_and_sees_the_new_expiry(page: Page, world):
    from assessments import services

    recruiter = person(Role.RECRUITER, world.trust_a)
    started = services.start_check(
        recruiter=recruiter,
        candidate_name="Sam Candidate",
        candidate_email="sam@example.com",
        job_role="Porter",
        exposure_prone=False,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, recruiter)
    visit(page, "/assessments/")
    row = page.locator("tr", has_text="Sam Candidate")
    expect(row).to_contain_text("Expires")
    at_each_width(page, "recruiter-checks")

    page.fill("#id_q", started.assessment.reference)
    follow(page, "button:has-text('Find checks')")
    expect(page.locator("caption")).to_contain_text("1 check found")
    follow(page, "a:has-text('Sam Candidate')")
    before = page.locator(".nhsuk-summary-list").inner_text()
    assert "Works until" in before
    at_each_width(page, "recruiter-check")

    follow(page, "button:has-text('Extend the link by a week')")
    expect(page.locator("main")).to_contain_text("The candidate's link now works until")
    after = page.locator(".nhsuk-summary-list").inner_text()
    assert after != before and "Works until" in after
    assert OutboxMessage.objects.filter(template="assessments_questionnaire_extended").count() == 1
    at_each_width(page, "recruiter-check-extended")

    follow(page, "button:has-text('Send a new link')")
    expect(page.locator("main")).to_contain_text("The old link no longer works")
    assert OutboxMessage.objects.filter(template="assessments_questionnaire_link").count() == 2
    old = started.link_url
    visit(page, old)
    expect(page.locator("h1")).to_contain_text("This link does not work")
