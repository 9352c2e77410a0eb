"""Dashboards add up nightly monthly rollups: the sums must equal the figures computed from the cases,
and the dashboard's queries must not grow with the data behind it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generator import LoadGenerator, Plan
from conftest import signed_in_client
from metrics import selectors
from metrics.combine import combine
from metrics.compute import Figure, compute, figure_from_distribution
from metrics.definitions import KPIS
from metrics.models import MonthlyKpi
from metrics.scopes import scope_for
from organisations.models import Membership, Organisation
from organisations.roles import OrganisationKind, Role

pytestmark = pytest.mark.django_db


def test_median_from_a_distribution_is_the_middle_value_or_the_mean_of_the_two():
    assert figure_from_distribution({3: 1, 5: 1, 9: 1}).value == 5
    assert figure_from_distribution({2: 2, 7: 2}).value == 4.5
    assert figure_from_distribution({4: 10}).value == 4
    assert figure_from_distribution({}).value is None


def test_combined_months_give_the_same_median_as_all_the_cases_at_once():
    january, february = {1: 2, 10: 1}, {4: 1, 12: 2}  # together: 1 1 4 10 12 12 -> (4 + 10) / 2
    parts = [figure_from_distribution(january), figure_from_distribution(february)]
    assert combine("WAIT_TO_FIRST_APPT", parts).value == 7


def test_combined_rates_are_weighted_by_their_denominators_not_averaged():
    parts = [Figure(1, 1, 100.0), Figure(1, 9, 11.1)]
    assert combine("REPORT_TURNAROUND", parts) == Figure(2, 10, 20.0)


@pytest.fixture
def national_sample(db):
    """A small national data set from the load generator, rolled up as the nightly task does."""
    LoadGenerator(Plan.for_cases(1500, seed=7), log=lambda _: None).run()
    ics = Organisation.objects.filter(kind=OrganisationKind.ICS, ods_code__startswith="LD").first()
    service = Organisation.objects.filter(kind=OrganisationKind.OH_SERVICE, ods_code__startswith="LD").first()
    trust = Organisation.objects.filter(kind=OrganisationKind.TRUST, ods_code__startswith="LD").first()
    scopes = [scope_for(org) for org in (ics, service, trust)]
    months = selectors.last_months(13)
    for scope in scopes + [scope_for(org) for org in ics.members.exclude(pk=trust.pk)]:
        selectors.rollup(scope, months)
    return scopes


def test_every_kpi_added_up_from_rollups_equals_the_figure_computed_from_the_cases(national_sample):
    today = timezone.localdate()
    periods = [
        selectors.last_complete_months(12, today),  # the dashboard's period: whole months only
        (date(today.year - 1, today.month, 1), today),  # the API's default: ends with this month so far
        (today.replace(day=1) - timedelta(days=200), today - timedelta(days=3)),  # partial months at both ends
    ]
    compared = 0
    for scope in national_sample:
        for start, end in periods:
            added_up = selectors.period_figures(scope, start, end)
            for code in KPIS:
                direct = compute(code, scope, start, end)
                assert added_up[code].value == pytest.approx(direct.value), (code, scope.key, start, end)
                assert added_up[code].denominator == direct.denominator, (code, scope.key, start, end)
                compared += 1
    assert compared == 3 * 3 * len(KPIS)
    assert MonthlyKpi.objects.filter(kpi="WAIT_TO_FIRST_APPT", distribution__isnull=False).exists()


def test_dashboard_queries_do_not_grow_with_the_cases_behind_it(national_sample):
    ics = national_sample[0].organisation
    board = Membership.objects.get(role=Role.BOARD, organisation=ics).user
    client = signed_in_client(board)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/metrics/?scope={ics.pk}").status_code == 200
        return len(captured)

    before = queries()
    LoadGenerator(Plan.for_cases(1500, seed=8), log=lambda _: None).run()  # a second, separate data set
    assert queries() == before
    # Tiles and the benchmark come from the rollup: live work is only this month's trend points,
    # the breakdowns, and the page's own reads (session, user, scopes).
    assert before <= 60, f"{before} queries"
