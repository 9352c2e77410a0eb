"""A board member in a real browser, under the real CSP: chooses the months, reads words not codes, sees this
month marked as not over, and asks for the annual report PDF; at 1280 px and 320 px, every page checked by axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from browser_tests.conftest import SCREENSHOTS, axe_check, chart_is_drawn, check_page, screenshot, sign_in, visit
from metrics.charts import MONTH_TO_DATE
from metrics.periods import last_months
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_board_chooses_months_reads_words_and_gets_the_report(page: Page, world, width):
    from metrics import tasks
    from metrics.models import BoardReport

    last_month = timezone.now().replace(day=1) - timedelta(days=5)
    for reason, when in (("long_covid", last_month), ("work_related_stress", last_month), ("other", timezone.now())):
        for _ in range(6):
            Referral.objects.create(
                organisation=world.trust_a,
                employee=EmployeeFactory(organisation=world.trust_a, staff_group="nursing_midwifery", age_band="25_34"),
                reason_category=reason,
                oh_service=world.oh_service,
                status="submitted",
                submitted_at=when,
            )
    page.set_viewport_size({"width": width, "height": 900})
    board = member(Role.BOARD, world.trust_a)
    sign_in(page, board)
    visit(page, "/metrics/")
    check_page(page)
    this_month = timezone.localdate()
    body = page.locator("main")
    for words in ("Long COVID", "Work-related stress", "Nursing and Midwifery", "25 to 34", "10 days or fewer"):
        expect(body).to_contain_text(words)
    for code in ("Longcovid", "Workrelatedstress", "Nursingmidwifery", "2534", "<= 10"):
        expect(body).not_to_contain_text(code)
    expect(body).to_contain_text(f"{this_month:%B %Y} is drawn dotted")
    expect(page.locator("figure.ohwb-chart svg").first).to_contain_text(MONTH_TO_DATE)
    chart_is_drawn(page)
    page.locator("summary:has-text('Referrals received: data table')").click()
    expect(page.locator("table:has-text('Referrals received by month')")).to_contain_text(
        f"{this_month:%B %Y} (month to date)"
    )
    screenshot(page, f"board-dashboard-{width}")

    # A wrong month is explained, and what was typed kept.
    page.fill("#id_from_month", "13")
    page.fill("#id_from_year", str(this_month.year - 1))
    with page.expect_navigation():
        page.click("button:has-text('Show these months')")
    axe_check(page)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("must be a number from 1 to 12")
    expect(page.locator("#id_from_month")).to_have_value("13")
    check_page(page)

    # Three whole months: the figures, the trends and the report follow them; nothing is month to date.
    months = last_months(4)[:3]
    page.fill("#id_from_month", months[0].strftime("%B"))
    page.fill("#id_from_year", str(months[0].year))
    page.fill("#id_to_month", str(months[-1].month))
    page.fill("#id_to_year", str(months[-1].year))
    with page.expect_navigation():
        page.click("button:has-text('Show these months')")
    axe_check(page)
    assert f"to_month={months[-1].month}" in page.url
    expect(page.locator(".nhsuk-caption-l")).to_have_text(f"{months[0]:%B %Y} to {months[-1]:%B %Y}")
    expect(body).not_to_contain_text("month to date")
    check_page(page)
    chart_is_drawn(page)
    screenshot(page, f"board-dashboard-range-{width}")

    with page.expect_navigation():
        page.click("a:has-text('Build the annual report for these months')")
    axe_check(page)
    expect(page.locator("main")).to_contain_text(f"{months[0]:%B %Y} to {months[-1]:%B %Y}")
    page.fill("#id_summary", "A year of faster reports.")
    with page.expect_navigation():
        page.click("button:has-text('Build the report')")
    axe_check(page)
    tasks.build_board_report(BoardReport.objects.get().pk)  # the Celery worker's job, run here
    page.reload()
    axe_check(page)
    check_page(page)
    reports = page.locator("table:has-text('Asked for by')")
    expect(reports).to_contain_text(board.display_name)
    expect(reports).to_contain_text(f"{this_month:%-d %B %Y}")
    screenshot(page, f"board-reports-{width}")
    with page.expect_download() as download:
        page.click("a:has-text('Download PDF')")
    saved = SCREENSHOTS.parent / f"board-report-{width}.pdf"  # to look at (pdftoppm)
    download.value.save_as(saved)
    pdf = PdfReader(saved)
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"], "the PDF is tagged"
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Long COVID" in text and "Work-related stress" in text and "Longcovid" not in text
