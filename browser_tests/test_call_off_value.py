"""Procurement follows the alert that an agreement has used 80% of its estimated value to the call-off page, reads
the value used, its chart and the chart's data table; the board sees the figure on its dashboard. Every page is
checked at 1280 and 320 px (axe with every rule set, any impact; CSP; no sideways scroll)."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import at_each_width, chart_is_drawn, follow, sign_in, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_procurement_follows_the_alert_to_the_value_used_and_the_board_sees_it(page: Page, world):
    from organisations.roles import Role
    from organisations.tests.factories import member
    from suppliers import services
    from suppliers.models import RateCard
    from suppliers.tests.conftest import Dps
    from suppliers.tests.test_value_used import active_call_off, appointment, monthly_return

    dps = Dps(world)
    RateCard.objects.filter(supplier=dps.acme).delete()
    RateCard.objects.create(
        supplier=dps.acme,
        lot=dps.lots["management_referrals"],
        unit="per appointment",
        price=120,
        valid_from=date(2026, 1, 1),
    )
    call_off = active_call_off(dps)
    appointment(dps, _at(2026, 3, 10))
    monthly_return(call_off, dps, date(2026, 5, 1), 6)  # 7 units at £120: £840 of £1,000
    assert services.value_used_alerts() == 1

    sign_in(page, dps.procurement)
    visit(page, "/notifications/")
    expect(page.locator("main")).to_contain_text(f"Call-off {call_off.reference} has used 80% of its estimated value")
    follow(page, "main button:has-text('has used 80%')")
    expect(page.locator("#value-used")).to_be_visible()
    expect(page.locator("main")).to_contain_text("£840 (84.0% of the estimated value)")
    expect(page.locator("main")).to_contain_text("More than 80% of the estimated value has been used")
    chart_is_drawn(page)
    page.click("text=Value used: data table")
    expect(page.locator("table", has_text="Value used by month")).to_contain_text("Monthly return")
    at_each_width(page, "call-off-value-used")
    sign_out(page)

    board = member(Role.BOARD, world.trust_a)
    sign_in(page, board)
    visit(page, f"/metrics/?scope={world.trust_a.pk}")
    expect(page.locator("main")).to_contain_text("1 agreement in force today has used £840 of £1,000 estimated (84.0%)")
    at_each_width(page, "dashboard-agreements-value")


def _at(y, m, d):  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, 10, tzinfo=ZoneInfo("Europe/London"))
