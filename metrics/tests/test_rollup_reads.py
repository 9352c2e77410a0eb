"""Dashboards add up nightly monthly rollups: the sums must equal the figures computed from the cases,
and the dashboard's queries must not grow with the data behind it."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generator import LoadGenerator, Plan
from conftest import clear_this_runs_cache, signed_in_client
from metrics import periods, rollups, selectors
from metrics.combine import combine
from metrics.compute import Figure, compute, figure_from_distribution
from metrics.definitions import KPIS
from metrics.models import MonthlyKpi
from metrics.periods import last_complete_months
from metrics.scopes import scope_for
from metrics.tasks import rollup_current_month
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
    rollups.rollup_all(periods.last_months(13))  # the ICS's rows are added up from its members'
    return scopes


def test_every_kpi_added_up_from_rollups_equals_the_figure_computed_from_the_cases(national_sample):
    today = timezone.localdate()
    periods = [
        last_complete_months(12, today),  # the dashboard's period: whole months only
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

    def signed_in_page() -> None:  # puts the session and the unread count in the cache, as any page does
        assert client.get("/notifications/").status_code == 200

    signed_in_page()
    cold = queries()  # breakdowns counted, charts drawn
    warm = queries()  # both kept in the cache for a while
    LoadGenerator(Plan.for_cases(1500, seed=8), log=lambda _: None).run()  # a second, separate data set
    clear_this_runs_cache()
    signed_in_page()
    assert (queries(), queries()) == (cold, warm)
    # Tiles, trends and the benchmark come from the rollup (this month too, while fresh): the rest is the
    # page's own reads (session, user, scopes) and, until cached, one count per breakdown.
    assert warm < cold <= 40, (cold, warm)


def test_this_month_is_read_from_its_rollup_while_fresh_and_computed_when_stale(national_sample, settings):
    scope = national_sample[0]
    today = timezone.localdate()
    start = date(today.year - 1, today.month, 1)  # the API's default period: to today
    live = compute("REFERRALS_RECEIVED", scope, start, today).value
    row = MonthlyKpi.objects.get(
        scope=scope.organisation, scope_kind=scope.kind, kpi="REFERRALS_RECEIVED", month=today.replace(day=1)
    )
    MonthlyKpi.objects.filter(pk=row.pk).update(value=row.value + 1000, numerator=row.numerator + 1000)
    assert selectors.period_figures(scope, start, today)["REFERRALS_RECEIVED"].value == live + 1000  # the rollup
    stale = timezone.now() - timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES + 1)
    MonthlyKpi.objects.filter(pk=row.pk).update(computed_at=stale)
    assert selectors.period_figures(scope, start, today)["REFERRALS_RECEIVED"].value == live  # computed now


def test_the_current_month_task_refreshes_only_this_month(national_sample, tasks_in_process):
    MonthlyKpi.objects.all().update(computed_at=timezone.now() - timedelta(days=1))
    rollup_current_month()
    written = MonthlyKpi.objects.filter(month=timezone.localdate().replace(day=1)).count()
    this_month = timezone.localdate().replace(day=1)
    fresh = MonthlyKpi.objects.filter(computed_at__gte=timezone.now() - timedelta(minutes=1))
    assert written == fresh.count() > 0
    assert set(fresh.values_list("month", flat=True)) == {this_month}


def test_an_ics_is_added_up_from_its_members_rows_without_going_back_to_the_cases(national_sample, monkeypatch):
    ics = national_sample[0]
    computed = []
    real = rollups.compute
    monkeypatch.setattr(rollups, "compute", lambda code, scope, *a: computed.append(code) or real(code, scope, *a))
    assert rollups.rollup_from_members(ics, periods.last_months(13)) == 13 * len(KPIS)
    assert computed == []  # and test_every_kpi_added_up_... shows the sums equal the computed figures


def _board_client(national_sample):
    ics = national_sample[0].organisation
    client = signed_in_client(Membership.objects.get(role=Role.BOARD, organisation=ics).user)
    assert client.get("/notifications/").status_code == 200  # the session and unread count cached, as any page does
    return client, ics


def _dashboard(client, ics) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/metrics/?scope={ics.pk}")
    assert page.status_code == 200
    # Each response has its own CSP nonce and masked CSRF token (the sign-out form): the rest must be the same.
    return len(captured), re.sub(rb'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', b"", page.content)


@pytest.mark.parametrize("rollup", ["fresh", "stale"])
def test_the_board_dashboard_is_at_most_5_queries_once_assembled_whether_this_months_rollup_is_fresh_or_stale(
    national_sample, settings, rollup
):
    if rollup == "stale":  # older than OHWB_KPI_FRESH_MINUTES: this month is computed from the cases
        stale = timezone.now() - timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES + 1)
        MonthlyKpi.objects.filter(month=timezone.localdate().replace(day=1)).update(computed_at=stale)
    clear_this_runs_cache()
    client, ics = _board_client(national_sample)
    cold, first = _dashboard(client, ics)  # assembled: rollup rows, breakdowns, this month if stale
    warm, again = _dashboard(client, ics)  # the user, memberships, the ICS's members, the rollup's stamp
    assert warm <= 5, warm
    assert cold > warm
    assert again == first  # the kept figures make the same page


def test_a_new_rollup_is_a_new_dashboard_and_a_stale_one_is_computed_again(national_sample, settings):
    clear_this_runs_cache()
    client, ics = _board_client(national_sample)
    this_month = timezone.localdate().replace(day=1)
    row = MonthlyKpi.objects.get(scope=ics, scope_kind="ics", kpi="REFERRALS_RECEIVED", month=this_month)
    _dashboard(client, ics)
    MonthlyKpi.objects.filter(pk=row.pk).update(value=987654, numerator=987654, computed_at=timezone.now())
    assert b"987654" in _dashboard(client, ics)[1]  # the new rollup's figure, not the kept page
    stale = timezone.now() - timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES + 1)
    MonthlyKpi.objects.filter(month=this_month).update(computed_at=stale)
    assert b"987654" not in _dashboard(client, ics)[1]  # stale: this month computed from the cases again


def test_only_aggregates_are_kept_for_the_dashboard(national_sample):
    """What goes into the shared cache: figures, words and charts; no model instance (no person, no case)."""
    from django.db import models

    from metrics.dashboard import board_figures
    from metrics.periods import MonthRange
    from metrics.scopes import scopes_visible_to

    ics = national_sample[0].organisation
    scopes = scopes_visible_to(Membership.objects.get(role=Role.BOARD, organisation=ics).user)
    figures = board_figures(scopes[0], scopes, suppress=True, period=MonthRange.default())

    def walk(value):
        assert not isinstance(value, models.Model), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple | set):
            for item in value:
                walk(item)

    walk(figures)
    assert figures["benchmark"] and figures["tiles"]
