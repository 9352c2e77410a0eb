"""The board's wellbeing improvement plan through the pages, at desktop and phone width, under the real CSP with axe
(every page at 1280 and 320 px; no sideways scroll).

Trust A's board member adds an action with a mistake (told what to fix, what was typed kept), corrects it, updates its
progress and sees the update in its history; the ICS board sees Trust A's plan beside its own and cannot change it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import at_each_width, sign_in, sign_out
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_keeps_its_plan_and_the_ics_board_reads_it(page: Page, world):
    board = member(Role.BOARD, world.trust_a)
    ics_board = member(Role.BOARD, world.ics)

    def go(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    sign_in(page, board)
    go("a:has-text('Wellbeing improvement plan')")
    expect(page.locator("main")).to_contain_text("The plan has no actions yet")
    at_each_width(page, "plan-empty")
    go("a:has-text('Add an action')")
    page.fill("#id_action", "Offer every line manager training in wellbeing conversations")
    page.fill("#id_due_on_0", "31")
    page.fill("#id_due_on_1", "3")
    page.fill("#id_due_on_2", "2027")
    go("button:has-text('Add the action')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter who owns the action")
    expect(page.locator("#id_action")).to_have_value("Offer every line manager training in wellbeing conversations")
    at_each_width(page, "plan-add-error")
    page.fill("#id_owner", "Director of people")
    go("button:has-text('Add the action')")
    expect(page.locator("main")).to_contain_text("is in the plan")
    expect(page.locator("main")).to_contain_text("Not started")

    go("a:has-text('Offer every line manager training')")
    page.check("input[value='on_track']")
    page.fill("#id_progress", "212 of 380 managers trained")
    go("button:has-text('Save the update')")
    expect(page.locator("main")).to_contain_text("On track")
    expect(page.locator("main")).to_contain_text("212 of 380 managers trained")
    at_each_width(page, "plan-updated")
    go("a:has-text('Offer every line manager training')")
    expect(page.locator("main ul.nhsuk-list")).to_contain_text("On track")
    expect(page.locator("main ul.nhsuk-list")).to_contain_text("Not started")
    at_each_width(page, "plan-action-history")
    sign_out(page)

    sign_in(page, ics_board)
    go("a:has-text('Wellbeing improvement plan')")
    expect(page.locator("main")).to_contain_text("Trust A")
    go("a:has-text('Offer every line manager training')")
    expect(page.locator("main")).to_contain_text("Only Trust A's board changes its plan")
    expect(page.locator("button:has-text('Save the update')")).to_have_count(0)
    at_each_width(page, "plan-ics-reads")
