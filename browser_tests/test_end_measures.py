"""End measures and the consent decision in a real browser, under the portal's real CSP, at 1280 and 320 px:
the employee answers the chaser's single-use link without signing in, and asks for factual corrections on their
report (the facts box appears only for that choice)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import PASSWORD, check_page, follow, screenshot, sign_in, visit
from notifications.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def _fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    check_page(page)


def _case(world, *, closed: bool):
    from referrals import services
    from referrals.tests.conftest import Case

    case = Case(world)
    case.accept().book().attend().report()
    if closed:
        case.release()
        services.close_case(referral=case.reload(), by=case.clinician, outcome="returned_full")
    return case


@pytest.mark.parametrize("width", WIDTHS)
def test_employee_answers_the_chasers_link_without_signing_in(page: Page, world, width):
    from referrals import tasks
    from referrals.models import Measures, Referral

    case = _case(world, closed=True)
    Referral.objects.filter(pk=case.referral.pk).update(closed_at=timezone.now() - timedelta(days=8))
    assert tasks.chase_end_measures() == 1
    link = OutboxMessage.objects.get(idempotency_key=f"end-measures-chaser-{case.referral.pk}").context["link"]
    path = re.search(r"(/referrals/work-ability/[^/]+/)", link).group(1)

    visit(page, path)
    _fits(page, width)
    expect(page.locator("h1")).to_have_text("Your work ability score")
    screenshot(page, f"end-measures-link-{width}")
    page.click("button:has-text('Send my score')")  # nothing chosen: asked in the employee's words
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose a number from 0 to 10")
    _fits(page, width)
    page.check("#id_work_ability_7")
    follow(page, "button:has-text('Send my score')")
    expect(page.locator("h1")).to_have_text("Your score has been sent")
    _fits(page, width)
    screenshot(page, f"end-measures-done-{width}")
    assert Measures.objects.get(referral=case.referral, stage="closure").work_ability == 7

    visit(page, path)  # used: says so plainly
    expect(page.locator("h1")).to_have_text("Your score is already recorded")
    _fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_employee_asks_for_factual_corrections(page: Page, world, width):
    from referrals.models import ConsentDecision

    case = _case(world, closed=False)
    sign_in(page, case.employee_user)
    visit(page, f"/referrals/{case.referral.pk}/consent/")
    _fits(page, width)
    expect(page.locator("body")).to_contain_text("Reduced hours for 4 weeks")
    expect(page.locator("body")).not_to_contain_text("Show me the report first")
    facts = page.locator("#id_comment")
    expect(facts).to_be_hidden()
    page.check("label:has-text('Do not release the report')")
    expect(facts).to_be_hidden()
    page.check("label:has-text('factual errors')")
    expect(facts).to_be_visible()
    _fits(page, width)
    screenshot(page, f"consent-corrections-{width}")

    follow(page, "button:has-text('Confirm')")  # no facts given: the server asks for them
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say which facts in the report are wrong")
    expect(facts).to_be_visible()
    _fits(page, width)
    facts.fill("My job title is ward sister, not staff nurse")
    follow(page, "button:has-text('Confirm')")
    expect(page.locator("body")).to_contain_text("Your corrections have been sent to the clinician")
    _fits(page, width)
    assert ConsentDecision.objects.get(report=case.report_obj).comment.startswith("My job title")


def test_the_consent_page_works_without_javascript(browser, live_server, world):
    """Without JavaScript the facts box is simply shown under its choice, and the decision still goes through."""
    from referrals.models import ConsentDecision

    case = _case(world, closed=False)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15000)
    # No axe here: with scripts off, Chromium runs no evaluation either (axe is checked above, with JavaScript).
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", case.employee_user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")
    page.goto(f"/referrals/{case.referral.pk}/consent/")
    expect(page.locator("#id_comment")).to_be_visible()
    page.check("#id_choice_1")
    page.fill("#id_comment", "The date of my absence is wrong")
    with page.expect_navigation():
        page.click("button:has-text('Confirm')")
    assert ConsentDecision.objects.get(report=case.report_obj).choice == "corrections"
    context.close()


def test_employee_records_the_intake_score_on_their_case_page(page: Page, world):
    from referrals.models import Measures
    from referrals.tests.conftest import Case

    case = Case(world).accept()
    sign_in(page, case.employee_user)
    visit(page, f"/referrals/{case.referral.pk}/")
    for width in WIDTHS:
        _fits(page, width)
    page.check("#id_work_ability_4")
    follow(page, "button:has-text('Send my score')")
    expect(page.locator("body")).to_contain_text("Your work ability score has been sent")
    assert Measures.objects.get(referral=case.referral, stage="intake").work_ability == 4
