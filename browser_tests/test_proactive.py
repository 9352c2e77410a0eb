"""Proactive support through the pages, at desktop and phone width, under the real CSP with axe (every page at
1280 and 320 px: every rule set, any impact; no sideways scroll); screenshots go to test-artifacts/screenshots/.

The IG lead uploads an absence extract with mistakes and sees every problem at once (nothing imported, the file
named), then the corrected file; the line manager sees "consider a referral" on their home page and list, and
starts the referral, which opens the referral form filled in with the employee and the absence facts; another
manager of the same trust sees nothing; the board sees the counts.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import at_each_width, sign_in, sign_out
from commissioning.proactive.tests.test_absence_import import BAD, HEADER
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import EmployeeFactory, confirmed_totp_device, member
from referrals.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(role, organisation):
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def test_absence_import_suggestion_and_prefilled_referral(page: Page, world, tmp_path):
    manager = person(Role.MANAGER, world.trust_a)
    other_manager = person(Role.MANAGER, world.trust_a)
    ig_lead = person(Role.IG_LEAD, world.trust_a)
    board = person(Role.BOARD, world.trust_a)
    EmployeeFactory(
        organisation=world.trust_a, esr_number="12345678", first_name="Ada", last_name="Okoro", line_manager=manager
    )
    EmployeeFactory(
        organisation=world.trust_a, esr_number="23456789", first_name="Ben", last_name="Hale", line_manager=manager
    )
    bad, good = tmp_path / "absence-nov.csv", tmp_path / "absence-nov-fixed.csv"
    bad.write_text(BAD)
    today = timezone.localdate()

    def spell(esr: str, back: int, days: int) -> str:
        starts = today - timedelta(days=back)
        return f"{esr},,{starts:%d/%m/%Y},{starts + timedelta(days=days - 1):%d/%m/%Y},{days},{days * 7.5},\n"

    good.write_text(HEADER + spell("12345678", 60, 35) + "".join(spell("23456789", b, 2) for b in (100, 60, 10)))

    def go(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    # The IG lead: a bad file, every problem listed; then the corrected one.
    sign_in(page, ig_lead)
    go("a:has-text('Import absence from ESR')")
    at_each_width(page, "proactive-import")
    page.set_input_files("#id_file", str(bad))
    go("button:has-text('Import absence')")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Nothing was imported from absence-nov.csv: 7 problems to fix")
    expect(summary).to_contain_text("No staff record of Trust A has ESR number 99999999")
    expect(page.locator("tr[id^='problem-']")).to_have_count(7)
    at_each_width(page, "proactive-import-problems")
    page.set_input_files("#id_file", str(good))
    go("button:has-text('Import absence')")
    expect(page.locator("main")).to_contain_text("Imported absence-nov-fixed.csv: 4 new and 0 updated")
    at_each_width(page, "proactive-imported")
    sign_out(page)

    # Another manager of the same trust: nothing to consider.
    sign_in(page, other_manager)
    expect(page.locator("main")).not_to_contain_text("to consider for a referral")
    go("a:has-text('Consider a referral')")
    expect(page.locator("#none-to-consider")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Okoro")
    at_each_width(page, "proactive-other-manager")
    sign_out(page)

    # The line manager: two to consider; starts Ada's referral, prefilled.
    sign_in(page, manager)
    expect(page.locator("main")).to_contain_text("2 members of your staff to consider for a referral")
    go("a:has-text('members of your staff to consider for a referral')")
    expect(page.locator("#suggestions > li")).to_have_count(2)
    at_each_width(page, "proactive-consider")
    go("button:has-text('Start a referral for Ada Okoro')")
    referral = Referral.objects.get(employee__esr_number="12345678")
    assert page.url.endswith(f"/referrals/{referral.pk}/edit/")
    expect(page.locator("#id_other_questions")).to_contain_text("The ESR absence record shows 35 days of absence")
    expect(page.locator("#id_employee")).to_have_value(re.compile("Okoro"))  # the employee picker's box
    at_each_width(page, "proactive-prefilled-referral")
    page.goto("/proactive/consider/")
    expect(page.locator("#suggestions > li")).to_have_count(1)
    go("a:has-text('Not now for Ben Hale')")
    page.fill("#id_reason", "Back at work and we are meeting next week")
    at_each_width(page, "proactive-not-now")
    go("button:has-text('Not now')")
    expect(page.locator("#none-to-consider")).to_be_visible()
    sign_out(page)

    # The board: counts only.
    sign_in(page, board)
    go("a:has-text('Proactive support')")
    expect(page.locator("#proactive-uptake")).to_contain_text("<5")
    expect(page.locator("main")).not_to_contain_text("Okoro")
    at_each_width(page, "proactive-board")
