"""Drafts and returns in a real browser: a manager saves a partial draft, finds it, continues and sends it; OH
returns it with a question; the manager changes it, replies, adds a document and sends it again; OH reads the
reply. Every page checked with axe, at 1280 and 320 px, and none scrolls sideways at 320 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import at_each_width, follow, sign_in, sign_out
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def check_both_widths(page: Page, name: str) -> None:
    """check_page at 1280 px and at 320 px, a screenshot of each."""
    at_each_width(page, f"drafts-{name}")


def choose_employee(page: Page, name: str) -> None:
    page.focus("#id_employee")
    page.keyboard.type(name)
    expect(page.locator(".autocomplete__option").first).to_contain_text(name)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_draft_sent_returned_answered_and_sent_again(page: Page, world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    manager = person(Role.MANAGER, world.trust_a)
    EmployeeFactory(organisation=world.trust_a, first_name="Grace", last_name="Mbeki")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)

    # Manager: a partial draft (only the employee and a few words), saved.
    sign_in(page, manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/referrals/new/")
    check_both_widths(page, "new")
    choose_employee(page, "Mbeki")
    page.fill("#id_work_details", "Theatre porter, early shifts")
    follow(page, "button[name='save_draft']")
    expect(page.locator("body")).to_contain_text("saved. It is listed under Drafts")

    # Finds it on My referrals, at the top, and continues it.
    expect(page.locator("#drafts-table")).to_contain_text("Grace Mbeki")
    check_both_widths(page, "my-referrals")
    follow(page, "#drafts-table a:has-text('Continue')")
    expect(page.locator("#id_work_details")).to_have_value("Theatre porter, early shifts")
    check_both_widths(page, "continue")
    # Sent too early: the full checks run, in the user's words, and what was typed stays.
    follow(page, "button[name='send']")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the main reason for the referral")
    expect(page.locator("#id_work_details")).to_have_value("Theatre porter, early shifts")
    page.check("#id_reason_category_0")
    page.check("#id_absent_0")
    page.check("#id_manager_questions_0")
    page.check("#id_employee_agreed")
    follow(page, "button[name='send']")
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    expect(page.locator("body")).to_contain_text("Waiting for triage")
    case_url = page.url
    sign_out(page)

    # OH admin returns it with a question.
    sign_in(page, oh_admin)
    page.goto(case_url)
    follow(page, "main a:text-is('Triage')")  # not the header's Triage section
    page.check("#id_decision_1")
    page.fill("#id_reason", "Please attach the manual handling risk assessment.")
    page.click("button:has-text('Save decision')")
    sign_out(page)

    # Manager: changes it, replies, adds a document, sends it again.
    sign_in(page, manager)
    page.goto(case_url)
    expect(page.locator("#returns")).to_be_visible()
    check_both_widths(page, "returned-case")
    follow(page, "a:has-text('Change and send again')")
    expect(page.locator("#oh-question")).to_contain_text("manual handling risk assessment")
    check_both_widths(page, "resend")
    follow(page, "button[name='resend']")  # without the reply: refused, in the user's words
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Reply to occupational health")
    page.fill("#id_reply", "The risk assessment is attached. Lifting is limited to 10 kg.")
    page.fill("#id_work_details", "Theatre porter, early shifts, lifting up to 10 kg")
    page.set_input_files("#id_attachments", files=[{"name": "risk.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    follow(page, "button[name='resend']")
    expect(page.locator("body")).to_contain_text("sent to occupational health again")
    expect(page.locator("body")).to_contain_text("Waiting for triage")
    sign_out(page)

    # OH admin reads the reply on the case, with the new document.
    sign_in(page, oh_admin)
    page.goto(case_url)
    returns = page.locator("#returns ~ .nhsuk-card").first
    expect(returns).to_contain_text("Please attach the manual handling risk assessment.")
    expect(returns).to_contain_text("Lifting is limited to 10 kg.")
    expect(page.locator("body")).to_contain_text("risk.pdf")
    check_both_widths(page, "oh-sees-reply")
