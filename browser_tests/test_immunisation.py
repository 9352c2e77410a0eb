"""Real-browser journeys for staff immunisation: a vaccinator records a whole ward on a phone (320 px), a batch that
has expired refused in their words; OH reads the campaign's uptake and downloads the national return; the board
sees FLU_UPTAKE_FRONTLINE and the season week by week. Every page axe-checked (any impact) under the real CSP, at
1280 and 320 px, with no sideways scroll."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import ANY_IMPACT, axe_check, fits_the_screen, screenshot, sign_in
from health_protection.immunisation import services
from health_protection.immunisation.models import Outcome, Vaccination, VaccineBatch
from health_protection.immunisation.services import VaccinationDetails
from health_protection.immunisation.tests import factories as f
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page: Page, name: str) -> None:
    """This page at both widths: axe (any impact, CSP included), nothing wider than a phone, a screenshot each."""
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page, ANY_IMPACT)
        fits_the_screen(page)
        screenshot(page, f"immunisation-{name}-{width}")


def submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def ward(world):
    clinician = member(Role.CLINICIAN, world.oh_service)
    confirmed_totp_device(clinician)
    campaign = f.campaign(clinician, world.trust_a)
    batch = f.batch(clinician, number="FLU26A")
    expired = f.batch(clinician, number="FLU25Z", expires_in=0)
    VaccineBatch.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=3))
    clinic = f.clinic(clinician, campaign, batch_=batch, place="Ward 7")
    vaccinator = f.vaccinator_on(campaign, by=clinician)
    confirmed_totp_device(vaccinator)
    nurses = [
        EmployeeFactory(
            organisation=world.trust_a, first_name=first, last_name="Wardell", staff_group="nursing_midwifery"
        )
        for first in ("Ada", "Ben", "Cara", "Dev", "Esi")
    ]
    return clinician, campaign, clinic, vaccinator, nurses


def test_a_vaccinator_records_a_ward_on_a_phone(page: Page, world, ward):
    clinician, campaign, clinic, vaccinator, nurses = ward
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, vaccinator)
    page.goto("/immunisation/")
    checked(page, "campaigns")
    page.set_viewport_size({"width": 320, "height": 800})
    submit(page, f"a[href='/immunisation/campaigns/{campaign.pk}/']")
    checked(page, "campaign")
    page.set_viewport_size({"width": 320, "height": 800})
    submit(page, "a:has-text('Ward 7')")
    checked(page, "clinic")
    page.set_viewport_size({"width": 320, "height": 800})

    for n, nurse in enumerate(nurses):
        page.fill("#id_q", "ward")
        submit(page, "button:has-text('Find')")
        if n == 0:
            expect(page.locator("table")).to_contain_text("Not seen yet")
            checked(page, "clinic-search")
            page.set_viewport_size({"width": 320, "height": 800})
        submit(page, f"a:has-text('Wardell, {nurse.first_name}')")
        if n == 0:
            checked(page, "record")
            page.set_viewport_size({"width": 320, "height": 800})
            # A batch past its date, chosen from the list by mistake: refused, in words, nothing recorded.
            page.check("input[name=outcome][value=vaccinated]")
            page.check("input[name=consent_given]")
            page.select_option("select[name=batch]", str(VaccineBatch.objects.get(batch_number="FLU25Z").pk))
            page.check("input[name=site][value=left_arm]")
            submit(page, "button:has-text('Save and find the next person')")
            expect(page.locator(".nhsuk-error-summary")).to_contain_text("Batch FLU25Z expired on")
            checked(page, "record-expired-batch")
            page.set_viewport_size({"width": 320, "height": 800})
            page.select_option("select[name=batch]", str(VaccineBatch.objects.get(batch_number="FLU26A").pk))
        if n < 4:
            page.check("input[name=outcome][value=vaccinated]")
            page.check("input[name=consent_given]")
            page.check("input[name=site][value=left_arm]")
        else:
            page.check("input[name=outcome][value=declined]")
            page.select_option("select[name=decline_reason]", "side_effects")
        submit(page, "button:has-text('Save and find the next person')")
        expect(page.locator("main")).to_contain_text(f"Recorded for {nurse.full_name}")
    checked(page, "clinic-after")
    expect(page.locator("table")).to_contain_text("Declined")
    assert Vaccination.objects.filter(campaign=campaign, outcome=Outcome.VACCINATED, clinic=clinic).count() == 4
    assert Vaccination.objects.filter(campaign=campaign, outcome=Outcome.DECLINED).count() == 1


def test_oh_reads_uptake_and_the_board_sees_the_kpi(page: Page, world, ward):
    clinician, campaign, clinic, vaccinator, nurses = ward
    batch = VaccineBatch.objects.get(batch_number="FLU26A")
    more = [EmployeeFactory(organisation=world.trust_a, staff_group="medical_dental") for _ in range(12)]
    for person in [*nurses, *more[:8]]:
        services.record_vaccination(
            by=vaccinator,
            campaign=campaign,
            employee=person,
            details=VaccinationDetails(Outcome.VACCINATED, consent_given=True, batch=batch, site="right_arm"),
            clinic=clinic,
        )
    sign_in(page, clinician)
    page.goto(f"/immunisation/campaigns/{campaign.pk}/uptake/")
    expect(page.locator("main")).to_contain_text("All frontline staff")
    expect(page.locator("main")).to_contain_text("76.5%")  # 13 of 17 frontline
    checked(page, "uptake")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download:
        page.click("button:has-text('Download the return (CSV)')")
    header, row = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    figures = dict(zip(header, row, strict=True))
    assert figures["Total: frontline healthcare workers with direct patient care"] == "17"

    page.click("button:has-text('Sign out')")
    board = member(Role.BOARD, world.trust_a)
    sign_in(page, board)
    page.goto("/metrics/")
    expect(page.locator("main")).to_contain_text("Flu vaccination, frontline staff")
    expect(page.locator("main")).to_contain_text("Flu vaccination this season")
    checked(page, "board-dashboard")
