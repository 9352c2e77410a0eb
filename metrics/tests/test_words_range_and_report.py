"""What a board member reads on the dashboard, in the CSV and in the board report PDF: words, not codes; this
month marked as not over and not judged; the months they choose; a tagged PDF with the page's charts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import signed_in_client
from metrics import charts, services, tasks
from metrics.definitions import KPIS
from metrics.forms import DateRangeForm
from metrics.models import BoardReport
from metrics.periods import MonthRange, last_months
from metrics.presenters import HIDDEN_FIGURE, display
from metrics.scopes import scope_for
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Referral

pytestmark = pytest.mark.django_db

WORDS = ["Long COVID", "Work-related stress", "Nursing and Midwifery", "25 to 34", "65 and over"]
CODES = ["Longcovid", "Workrelatedstress", "Nursingmidwifery", "2534", "65plus", "long_covid", "65_plus", "25_34"]


@pytest.fixture
def referrals(world):
    """Referrals in trust A last month, with codes that must be shown in words."""
    last_month = timezone.now().replace(day=1) - timedelta(days=10)
    for reason, age_band, n in (("long_covid", "25_34", 6), ("work_related_stress", "65_plus", 2)):
        for _ in range(n):
            Referral.objects.create(
                organisation=world.trust_a,
                employee=EmployeeFactory(
                    organisation=world.trust_a, staff_group="nursing_midwifery", age_band=age_band
                ),
                reason_category=reason,
                oh_service=world.oh_service,
                status="submitted",
                submitted_at=last_month,
            )


def board_client(world):
    return signed_in_client(member(Role.BOARD, world.trust_a))


def assert_words_not_codes(text: str) -> None:
    for words in WORDS:
        assert words.lower() in text.lower(), words
    for code in CODES:
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), code


def test_the_dashboard_says_codes_and_targets_in_words(referrals, world):
    page = board_client(world).get("/metrics/").content.decode()
    assert_words_not_codes(page)
    assert "Target: 10 days or fewer" in page and "Target: 90% or more" in page
    assert "&lt;=" not in page and "&gt;=" not in page
    this_month = timezone.localdate()
    assert f">{this_month:%b %Y}<" in page, "month labels in the charts are whole (not 'Dec ...')"
    assert "..." not in re.sub(r"<title>.*?</title>", "", page)
    # The range form starts filled in with the months shown.
    assert f'id="id_to_year" name="to_year" type="text" inputmode="numeric" value="{this_month.year}"' in page


def test_a_hidden_percentage_is_said_in_words():
    assert display(KPIS["SATISFACTION"], "<5") == HIDDEN_FIGURE == "Not shown (small numbers)"
    assert display(KPIS["REFERRALS_RECEIVED"], "<5") == "<5"


def test_the_csv_says_it_in_words_and_marks_this_month(referrals, world):
    rows = list(csv.reader(io.StringIO(board_client(world).get("/metrics/export.csv").content.decode())))
    text = "\n".join(",".join(r) for r in rows)
    assert_words_not_codes(text)
    this_month = f"{timezone.localdate():%B %Y} (month to date)"
    current = [r for r in rows if r[4] == this_month]
    assert current and all(r[7].startswith("Month to date") for r in current)
    assert "10 days or fewer" in text and "<=" not in text
    groups = {r[3] for r in rows if r[1] == "Referrals by reason for referral"}
    assert {"Long COVID", "Work-related stress", "Total"} <= groups


def test_this_month_is_marked_incomplete_and_not_judged(referrals, world):
    client = board_client(world)
    page = client.get("/metrics/").content.decode()
    assert f"{timezone.localdate():%B %Y} (month to date)" in page
    assert charts.MONTH_TO_DATE in page  # the chart's own legend entry, drawn dotted
    today = timezone.localdate()
    only_now = client.get(
        f"/metrics/?from_month={today.month}&from_year={today.year}&to_month={today.month}&to_year={today.year}"
    ).content.decode()
    assert "Month to date: not judged" in only_now
    assert "nhsuk-tag--red" not in only_now and "nhsuk-tag--green" not in only_now


def points_of(svg: str, serie: int) -> int:
    """How many points a series of a pygal chart draws (its dots)."""
    groups = re.split(r'<g class="series ', svg)[1:]
    return sum(g.split("</g></g>")[0].count("<circle") for g in groups if g.startswith(f"serie-{serie} "))


def test_a_chart_draws_this_month_apart_from_the_complete_months():
    months = last_months(3)
    svg = charts.trend_svg.__wrapped__("Referrals", months, [5.0, 6.0, 1.0], 10.0, True)
    assert charts.MONTH_TO_DATE in svg and "Complete months" in svg
    # The complete months are two points; the dotted month to date joins the last of them to this month.
    assert (points_of(svg, 0), points_of(svg, 1)) == (2, 2)
    whole = charts.trend_svg.__wrapped__("Referrals", months, [5.0, 6.0, 1.0], 10.0, False)
    assert (points_of(whole, 0), points_of(whole, 1)) == (3, 0)
    assert charts.MONTH_TO_DATE not in whole and "Target" in whole  # no legend entry for what is not drawn


def test_the_dashboard_shows_the_months_asked_for(referrals, world):
    client = board_client(world)
    months = last_months(4)
    first, last = months[0], months[2]
    query = f"from_month={first.month}&from_year={first.year}&to_month={last.month}&to_year={last.year}"
    page = client.get(f"/metrics/?{query}").content.decode()
    assert f"{first:%B %Y} to {last:%B %Y}" in page
    table = page.split("Referrals received by month", 1)[1].split("</table>", 1)[0]
    month_cell = r'<span class="nhsuk-table-responsive__heading">Month </span>([A-Z][a-z]+ \d{4}[^<]*)</td>'
    assert re.findall(month_cell, table) == [f"{m:%B %Y}" for m in months[:3]]
    assert "month to date" not in table
    kept = f"?scope={world.trust_a.pk}&{query}".replace("&", "&amp;")
    assert f"export.csv{kept}" in page and f"board-reports/{kept}" in page  # the CSV and the report follow it
    rows = list(csv.reader(io.StringIO(client.get(f"/metrics/export.csv?{query}").content.decode())))
    assert {r[4] for r in rows[1:] if r[3] == "All referrals"} == {f"{m:%B %Y}" for m in months[:3]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from_month=13&from_year=2026", "The month of the first month must be a number from 1 to 12, or its name"),
        ("from_month=3&from_year=26", "The year of the first month must be 4 numbers"),
        ("to_month=3", "Enter the year of the last month"),
        ("from_month=5&from_year=2026&to_month=2&to_year=2026", "must be the same as the last month or before it"),
        ("to_month=1&to_year=2999", "The last month cannot be after this month"),
        ("from_month=1&from_year=2000&to_month=1&to_year=2026", "Choose at most 36 months"),
    ],
)
def test_a_wrong_range_is_explained_and_kept(world, query, message):
    response = board_client(world).get(f"/metrics/?{query}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "Error: Performance dashboard" in page
    typed = dict(pair.split("=") for pair in query.split("&"))
    for name, value in typed.items():
        assert f'name="{name}" type="text"' in page and f'value="{value}"' in page


def test_a_month_can_be_typed_by_name():
    today = date(2026, 12, 2)
    form = DateRangeForm(
        {"from_month": "Jan", "from_year": "2026", "to_month": "march", "to_year": "2026"}, today=today
    )
    assert form.period() == MonthRange(date(2026, 1, 1), date(2026, 3, 1), today)
    assert DateRangeForm({}, today=today).period() == MonthRange.default(today)


def test_the_board_report_is_tagged_uses_the_range_and_says_who_asked(referrals, world):
    board = member(Role.BOARD, world.trust_a)
    board.first_name, board.last_name = "Bea", "Board"
    board.save()
    client = signed_in_client(board)
    months = last_months(3)
    query = (
        f"from_month={months[0].month}&from_year={months[0].year}&to_month={months[2].month}&to_year={months[2].year}"
    )
    client.post(f"/metrics/board-reports/?scope={world.trust_a.pk}&{query}", {"summary": "A steady year."})
    report = BoardReport.objects.get()
    assert (report.first_month, report.last_month) == (months[0], months[2])
    tasks.build_board_report(report.pk)
    listing = client.get(f"/metrics/board-reports/?{query}").content.decode()
    assert "Bea Board" in listing and f"{timezone.localtime(report.requested_at):%-d %B %Y}" in listing
    pdf = client.get(f"/metrics/board-reports/{report.pk}/download/").content
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en-GB"
    text = "".join(page.extract_text() for page in reader.pages)
    assert_words_not_codes(text)
    assert f"{months[0]:%B %Y} to {months[2]:%B %Y}" in text and "(month to date)" in text
    assert "10 days or fewer" in text and "Bea Board" in text
    # The charts are the page's: the same SVG from metrics.charts, with its legend and whole month labels.
    assert charts.MONTH_TO_DATE in text and "Complete months" in text and f"{months[2]:%b %Y}" in text


def test_the_default_report_covers_the_dashboards_months(world):
    report = services.request_board_report(
        user=member(Role.BOARD, world.trust_a), scope=scope_for(world.trust_a), narrative={}
    )
    default = MonthRange.default()
    assert (report.first_month, report.last_month) == (default.first, default.last)
