"""Disclosure control holds across everything shown together (PRODUCT.md section 6).

A board user fetches the dashboard, the CSV export and the KPI and timeseries API; from all the figures
shown, no suppressed monthly count may be worked out by subtraction (a total minus the cells shown).
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import signed_in_client
from metrics.disclosure import SUPPRESSED, protect
from metrics.periods import last_months
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Referral

pytestmark = pytest.mark.django_db

# Referrals per month over the 12 whole months before this one: February-like month of 2, the rest 5 to 16.
MONTHLY = [12, 2, 9, 11, 10, 14, 16, 8, 12, 13, 10, 15]
THIS_MONTH = 3


def refer(organisation, service, when, count):
    for _ in range(count):
        Referral.objects.create(
            organisation=organisation,
            employee=EmployeeFactory(organisation=organisation),
            reason_category="mental_health",
            oh_service=service,
            status="submitted",
            submitted_at=when,
        )


@pytest.fixture
def year(world):
    months = last_months(13)
    for month, count in zip(months[:-1], MONTHLY, strict=True):
        when = timezone.make_aware(timezone.datetime(month.year, month.month, 10))
        refer(world.trust_a, world.oh_service, when, count)
    refer(world.trust_a, world.oh_service, timezone.now() - timedelta(minutes=5), THIS_MONTH)
    return months


def number(text):
    text = text.strip()
    return None if text in (SUPPRESSED, "&lt;5") else float(text)


def dashboard_figures(page):
    tile = re.search(r"Referrals received</h3>\s*<div class=\"ohwb-kpi__figure\">([^<]+)</div>", page)
    table = page.split("Referrals received by month", 1)[1].split("</table>", 1)[0]
    # Each cell starts with its heading for phones (nhsuk-table-responsive).
    heading = r'(?:<span class="nhsuk-table-responsive__heading">[^<]*</span>)?'
    rows = re.findall(
        rf"<td[^>]*>{heading}([A-Z][a-z]+ \d{{4}})(?: \(month to date\))?</td><td[^>]*>{heading}([^<]+)</td>", table
    )
    return number(tile.group(1).replace("&lt;", "<")), {m: number(v.replace("&lt;", "<")) for m, v in rows}


def month_label(month):
    return f"{month:%B %Y}"


def known_cells(*sources):
    """A month's count is known if any source shows it."""
    known = {}
    for source in sources:
        for month, value in source.items():
            if value is not None:
                known[month] = value
    return known


def assert_no_cell_recovered(total, months, known, what):
    if total is None:
        return
    unknown = [m for m in months if m not in known]
    hidden_sum = total - sum(known[m] for m in months if m in known)
    assert len(unknown) != 1, f"{what}: {unknown[0]} = {hidden_sum} by subtraction"
    if unknown:
        assert hidden_sum >= 5, f"{what}: the hidden months {unknown} add up to a small number ({hidden_sum})"


def test_no_suppressed_month_can_be_worked_out_from_what_a_board_user_is_shown(world, year):
    client = signed_in_client(member(Role.BOARD, world.trust_a))
    tile, trend = dashboard_figures(client.get("/metrics/").content.decode())
    rows = list(csv.reader(io.StringIO(client.get("/metrics/export.csv").content.decode())))
    exported = {
        r[4].removesuffix(" (month to date)"): number(r[5].lstrip("'"))
        for r in rows[1:]
        if r[2] == "REFERRALS_RECEIVED" and r[3] == "All referrals"
    }
    api_total = next(r for r in client.get("/api/v1/metrics/kpis/").json() if r["code"] == "REFERRALS_RECEIVED")
    series = client.get("/api/v1/metrics/timeseries/?kpi=REFERRALS_RECEIVED").json()
    api_months = {month_label(timezone.datetime.strptime(r["month"], "%Y-%m")): r["value"] for r in series}
    api_months = {m: (None if v == SUPPRESSED else v) for m, v in api_months.items()}
    api_value = None if api_total["value"] == SUPPRESSED else api_total["value"]

    assert trend[month_label(year[1])] is None  # the month of 2 is hidden ...
    assert tile == sum(MONTHLY)  # ... and the year's total is still shown
    known = known_cells(trend, exported, api_months)
    whole_year = [month_label(m) for m in year[:-1]]
    assert_no_cell_recovered(tile, whole_year, known, "dashboard tile")
    assert_no_cell_recovered(api_value, [month_label(m) for m in year], known, "KPI API total")
    if api_value is not None and tile is not None:  # two totals shown together: their difference
        assert_no_cell_recovered(api_value - tile, [month_label(year[-1])], known, "API total minus tile")
    for month, count in zip(year, [*MONTHLY, THIS_MONTH], strict=True):
        for source in (trend, exported, api_months):
            if month_label(month) in source and source[month_label(month)] is not None:
                assert source[month_label(month)] == count and count >= 5


def test_protect_suppresses_a_second_cell_or_the_total():
    assert protect({"jan": 130, "feb": 2}) == ({"jan": SUPPRESSED, "feb": SUPPRESSED}, 132)
    cells, total = protect({"a": 40, "b": 12, "c": 3})
    assert (cells, total) == ({"a": 40, "b": SUPPRESSED, "c": SUPPRESSED}, 55)
    cells, total = protect({"a": 3, "b": 0, "c": 0})
    assert (cells, total) == ({"a": SUPPRESSED, "b": 0, "c": 0}, SUPPRESSED)
    cells, total = protect({"a": 1, "b": 1, "c": 30, "d": 40})  # two hidden 1s add to 2: hide a third
    assert cells == {"a": SUPPRESSED, "b": SUPPRESSED, "c": SUPPRESSED, "d": 40} and total == 72
    assert protect({"a": 5, "b": 0}) == ({"a": 5, "b": 0}, 5)


def test_hidden_cells_that_could_only_be_all_ones_hide_the_total():
    cells, total = protect(dict.fromkeys("abcde", 1))
    assert set(cells.values()) == {SUPPRESSED} and total == SUPPRESSED
