"""The rollups are split into short jobs fanned out by a coordinator: together they write exactly what one long
rollup wrote, every organisation once per month, an ICS after its members, and each job can run twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bench.generator import LoadGenerator, Plan
from metrics import periods, rollup_jobs, rollups, selectors, tasks
from metrics.models import MonthlyKpi
from organisations.models import Organisation
from organisations.roles import OrganisationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(db):
    LoadGenerator(Plan.for_cases(600, seed=11), log=lambda _: None).run()


def rows():
    return {
        (row.scope_kind, row.scope_id, row.kpi, row.month): (row.numerator, row.denominator, row.value)
        for row in MonthlyKpi.objects.all()
    }


def test_every_organisation_is_rolled_up_once_a_month_and_an_ics_after_its_members(national):
    months = periods.last_months(3)
    jobs = rollup_jobs.plan(months)
    scopes = {scope.organisation.pk for scope in selectors.all_scopes()}
    for month in months:
        ids = [pk for job in jobs if job.month == month for pk in job.organisation_ids]
        assert sorted(ids) == sorted(scopes)  # each once
    for job in jobs:
        kinds = dict(Organisation.objects.filter(pk__in=job.organisation_ids).values_list("pk", "kind"))
        for position, pk in enumerate(job.organisation_ids):
            if kinds[pk] == OrganisationKind.ICS:
                members = set(Organisation.objects.filter(ics_id=pk).values_list("pk", flat=True)) & scopes
                assert members <= set(job.organisation_ids[:position])
    ics_count = Organisation.objects.filter(kind=OrganisationKind.ICS).count()
    print(f"\nJobs for 3 months: {len(jobs)} ({ics_count} ICSs, {len(scopes)} scopes)")
    assert len(jobs) < len(scopes) * len(months)  # grouped, not one job per organisation


def test_the_jobs_write_the_same_rows_as_one_long_rollup_and_again_when_repeated(national, tasks_in_process):
    queued = tasks.rollup_kpis_full()
    by_jobs = rows()
    assert queued == len(rollup_jobs.plan(periods.last_months(13))) and by_jobs
    MonthlyKpi.objects.all().delete()
    rollups.rollup_all(periods.last_months(13))
    assert rows() == by_jobs
    before = MonthlyKpi.objects.count()
    tasks.rollup_kpis_full()
    assert MonthlyKpi.objects.count() == before and rows() == by_jobs


def test_a_job_run_twice_writes_the_same_rows(national):
    job = rollup_jobs.plan([timezone.localdate().replace(day=1)])[0]
    first = tasks.rollup_month_chunk(list(job.organisation_ids), job.month.isoformat())
    snapshot = rows()
    assert first > 0
    assert tasks.rollup_month_chunk(list(job.organisation_ids), job.month.isoformat()) == first
    assert rows() == snapshot
