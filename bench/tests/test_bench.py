"""The load generator makes data the portal can work with, and the benchmark command measures real pages."""

import copy
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Assessment
from bench import generator as generator_module
from bench.cpu import works_for
from bench.generator import BULK_LOADED, CLINIC_PATTERNS, CaseWriters, LoadGenerator, Plan
from bench.models import Fortune
from bench.rollup_age import this_months_rollup_stale
from bench.urls import FORTUNES_PATH
from clinics.models import Clinic, Slot
from health_protection.immunisation.models import AntigenStatus, Campaign, Vaccination
from health_protection.injuries.models import FollowUpTest, InoculationInjury
from health_protection.surveillance.models import Enrolment, Result
from metrics.models import MonthlyKpi
from organisations.models import Employee, Organisation
from organisations.roles import OrganisationKind
from organisations.tests.factories import EmployeeFactory
from referrals.models import Appointment, OutcomeReport, Referral, Status
from suppliers.models import CallOff

pytestmark = pytest.mark.django_db(transaction=True)


def test_generate_load_creates_the_cases_asked_for_across_their_life_cycle():
    out = StringIO()
    call_command("generate_load", cases=600, seed=3, stdout=out)
    assert "Done in" in out.getvalue()
    assert Referral.objects.count() == 600
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.CLOSED}.issubset(statuses) and len(statuses) >= 5, statuses
    assert Appointment.objects.exists() and OutcomeReport.objects.exists()
    assert Assessment.objects.count() == 150 and CallOff.objects.exists()
    assert Organisation.objects.filter(kind=OrganisationKind.ICS).exists()
    # Staff immunisation: a flu campaign per client and season, outcomes only for its own staff, records with statuses.
    assert Campaign.objects.count() == 2 * Organisation.objects.filter(kind__in=["trust", "gp_practice"]).count()
    assert Vaccination.objects.exists() and AntigenStatus.objects.exists()
    assert not Vaccination.objects.exclude(employee__organisation=F("campaign__organisation")).exists()
    assert not Vaccination.objects.filter(given_on__gt=timezone.localdate()).exists()
    # Nothing happens in the future, and every case belongs to staff of its own organisation.
    now = timezone.now()
    assert not Referral.objects.filter(submitted_at__gt=now).exists()
    assert not Referral.objects.filter(closed_at__gt=now).exists()
    assert not Referral.objects.exclude(employee__organisation=F("organisation")).exists()
    assert not Referral.objects.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    # Health surveillance: programmes per client, staff of the programme's employer enrolled, checks recorded.
    assert Enrolment.objects.exists() and Result.objects.exists()
    assert not Enrolment.objects.exclude(employee__organisation=F("programme__organisation")).exists()
    assert not Result.objects.filter(recorded_at__gt=now).exists()
    assert Enrolment.objects.filter(due_on__lt=now.date()).exists(), "some staff are overdue"
    # Inoculation injuries, one per 50 cases (at least 20), along their pathway, with their follow-up tests.
    assert InoculationInjury.objects.count() == 20
    assert not InoculationInjury.objects.filter(reported_at__gt=now).exists()
    assert not InoculationInjury.objects.exclude(employee__organisation=F("organisation")).exists()
    assert FollowUpTest.objects.filter(status="done").exists()
    assert set(InoculationInjury.objects.values_list("status", flat=True)) >= {"closed"}
    # Clinics: one per clinician of each OH service, with slots past and ahead, on working days only.
    services = Organisation.objects.filter(kind=OrganisationKind.OH_SERVICE)
    assert Clinic.objects.count() == 12 * services.count()
    assert not Clinic.objects.exclude(clinician__memberships__organisation=F("oh_service")).exists()
    assert {c.practitioner_type for c in Clinic.objects.all()} == {p[4] for p in CLINIC_PATTERNS}
    per_service = Slot.objects.values("clinic__oh_service").annotate(n=Count("pk"))
    assert len(per_service) == services.count() and all(row["n"] > 3000 for row in per_service), per_service
    assert Slot.objects.filter(start__gt=now).exists() and Slot.objects.filter(start__lt=now).exists()
    assert not Slot.objects.exclude(clinician=F("clinic__clinician")).exists()
    assert not Slot.objects.filter(start__week_day__in=[1, 7]).exists(), "no slots at weekends"


def test_generated_rows_leave_the_sequences_ready_for_the_next_insert():
    LoadGenerator(Plan.for_cases(200, seed=4), log=lambda _: None).run()
    top = Employee.objects.aggregate(top=Max("pk"))["top"]
    organisation = Organisation.objects.filter(kind=OrganisationKind.TRUST).first()
    created = EmployeeFactory(organisation=organisation)
    assert created.pk > top


def test_a_second_run_adds_a_separate_data_set():
    LoadGenerator(Plan.for_cases(200, seed=5), log=lambda _: None).run()
    LoadGenerator(Plan.for_cases(200, seed=6), log=lambda _: None).run()
    assert Referral.objects.count() == 400
    codes = Organisation.objects.values("ods_code").annotate(n=Count("pk")).filter(n__gt=1)
    assert not codes.exists(), "ODS codes must stay unique"


def test_benchmark_command_prints_latency_queries_and_memory_for_each_page():
    LoadGenerator(Plan.for_cases(400, seed=9), log=lambda _: None).run()
    call_command("rollup_kpis", stdout=StringIO())  # as scripts/bench.sh does
    rollup_times = dict(MonthlyKpi.objects.values_list("pk", "computed_at"))
    out = StringIO()
    call_command("benchmark", repeats=2, warmup=0, stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    rows = [line.split() for line in lines if {"ok", "MISSED"} & set(line.split())]
    assert len(rows) == 8, out.getvalue()
    names = [" ".join(fields) for fields in rows]
    assert any("Waiting list" in row for row in names) and any("diary" in row for row in names), out.getvalue()
    assert any(row.startswith("Board dashboard, stale rollup") for row in names), out.getvalue()
    for fields in rows:
        verdict = next(i for i, field in enumerate(fields) if field in {"ok", "MISSED"})
        status, queries = fields[verdict - 6], fields[verdict - 2]
        assert status == "200", fields
        assert int(queries) > 0, fields  # a page with no queries means the count was not captured
        assert fields[verdict + 1] == "load" and len(fields[verdict + 2 :]) == 3, fields  # the load average beside
    assert any(line.startswith("Peak resident memory") for line in lines)
    # The stale variant aged this month's rollup and put every row's time back exactly.
    assert dict(MonthlyKpi.objects.values_list("pk", "computed_at")) == rollup_times


def test_the_stale_rollup_is_put_back_even_when_the_measurement_fails():
    LoadGenerator(Plan.for_cases(200, seed=11), log=lambda _: None).run()
    call_command("rollup_kpis", "--months", "1", stdout=StringIO())
    before = dict(MonthlyKpi.objects.values_list("pk", "computed_at"))
    assert before
    with pytest.raises(RuntimeError), this_months_rollup_stale() as aged:
        assert aged == len(before)
        fresh_for = timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES)
        assert not MonthlyKpi.objects.filter(computed_at__gt=timezone.now() - fresh_for).exists()
        raise RuntimeError("the page broke")
    assert dict(MonthlyKpi.objects.values_list("pk", "computed_at")) == before


def test_load_run_reports_server_cpu_per_request_of_the_mix_beside_the_control_page(live_server, tmp_path, settings):
    settings.ROOT_URLCONF = "bench.urls"  # as the bench settings serve it
    # Long enough to outlast locust's start-up, which counts against its run time.
    LoadGenerator(Plan.for_cases(300, seed=10), log=lambda _: None).run()
    call_command("rollup_kpis", stdout=StringIO())
    out = StringIO()
    call_command("load_run", url=live_server.url, seconds=8, users=2, out=str(tmp_path), stdout=out)
    report = out.getvalue()
    rows = {
        line.split()[0]: line.split()
        for line in report.splitlines()
        if line.split() and line.split()[0] in ("BareView", "Fortunes", "MixedWorkload")
    }
    assert set(rows) == {"BareView", "Fortunes", "MixedWorkload"}, report
    for name, fields in rows.items():
        requests, failures, cpu_ms, pages_per_core_second = int(fields[1]), int(fields[2]), fields[6], fields[9]
        assert requests > 0 and failures == 0, (name, report)
        assert float(cpu_ms) > 0 and float(pages_per_core_second) > 0, (name, report)
        assert fields[10] == "load" and len(fields[11:]) == 3, (name, report)
    assert "times the control page's" in report and "target at most 3" in report, report


def test_load_run_says_how_to_serve_the_control_page_when_the_server_lacks_it(live_server, tmp_path):
    with pytest.raises(CommandError, match="ohwb_portal.settings.bench"):
        call_command("load_run", url=live_server.url, seconds=1, users=1, out=str(tmp_path), stdout=StringIO())


@pytest.mark.urls("bench.urls")
def test_the_control_page_is_one_query_for_a_signed_out_visitor_in_the_portals_layout(client):
    Fortune.objects.all().delete()
    Fortune.objects.bulk_create(Fortune(message=m) for m in ["Zebra", '<script>alert("x")</script>', "Apple"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/" + FORTUNES_PATH)
    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]
    html = response.content.decode()
    assert "nhsuk-header" in html and "nhsuk-footer" in html  # templates/base.html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    order = [html.index(m) for m in ["&lt;script&gt;", "Additional fortune added at request time.", "Apple", "Zebra"]]
    assert order == sorted(order), "sorted by message, the one added at request time included"


def test_the_control_page_is_not_served_by_the_portals_own_urls(client):
    assert client.get("/" + FORTUNES_PATH).status_code == 404


@pytest.mark.parametrize(
    ("title", "counted"),
    [
        ("postgres: 15/main: postgres ohwb_bench 127.0.0.1(41234) idle", True),
        ("postgres: 15/main: postgres ohwb_other 127.0.0.1(41234) idle", False),
        ("postgres: postgres ohwb_bench [local] SELECT", True),
        ("postgres: 15/main: autovacuum worker ohwb_bench", True),
        ("postgres: 15/main: autovacuum worker ohwb_other", False),
        ("postgres: 15/main: walwriter", True),
        ("postgres: 15/main: checkpointer ", True),
        ("postgres: 15/main: logical replication launcher", False),
        ("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", False),
    ],
)
def test_the_cpu_meter_counts_the_postgresql_processes_that_work_for_the_benchmarks_database(title, counted):
    assert works_for(title, "ohwb_bench") is counted


def _schema_of(tables):
    """Every index and constraint of the tables, as the catalog defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2", [tables]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated, k.condeferrable,"
            " k.condeferred FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid WHERE t.relname = ANY(%s)"
            " ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
    return indexes, constraints


def _loaded_tables():
    return [model._meta.db_table for model in BULK_LOADED]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are set aside on PostgreSQL only")
def test_after_generating_every_index_and_constraint_is_back_as_it_was():
    before = _schema_of(_loaded_tables())
    assert len(before[0]) > 40 and any(row[2] == "f" for row in before[1]), before  # something to set aside
    lines = []
    LoadGenerator(Plan.for_cases(300, seed=12), log=lines.append, workers=2).run()
    assert any("set aside" in line for line in lines) and any("rebuilt" in line for line in lines), lines
    assert _schema_of(_loaded_tables()) == before
    assert Referral.objects.count() == 300


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are set aside on PostgreSQL only")
def test_indexes_and_constraints_come_back_even_when_the_load_fails(monkeypatch):
    before = _schema_of(_loaded_tables())

    def broken(self):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(LoadGenerator, "immunisation", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        LoadGenerator(Plan.for_cases(200, seed=13), log=lambda _: None).run()
    assert _schema_of(_loaded_tables()) == before


def test_cases_are_the_same_however_many_processes_write_them():
    """Each client's cases come from its own random stream and id range, so the split does not change them."""
    plan = Plan.for_cases(300, seed=14)
    one = LoadGenerator(plan, log=lambda _: None, workers=1)
    one.organisations()
    one.users()
    one.staff()
    two = copy.deepcopy(one)
    two.workers = 3
    first = _written_cases(one)
    second = _written_cases(two)
    assert first == second and len(first["referrals"]) == 300


def _written_cases(generator):
    """The rows the cases step would write, captured instead of written."""
    captured = {name: [] for name in CaseWriters.TABLES}

    def keep(writers):
        for name in CaseWriters.TABLES:
            captured[name] += getattr(writers, name).rows
            getattr(writers, name).rows = []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CaseWriters, "flush", keep)
        for share in _shares_of(generator):
            generator._cases_of(share)
    return {name: sorted(rows) for name, rows in captured.items()}


def _shares_of(generator):
    shares = []
    real = generator_module._shares

    def remember(work, workers):
        shares.extend(real(work, workers))
        return []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator_module, "_shares", remember)
        generator.cases()
    return shares
