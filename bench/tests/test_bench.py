"""The load generator makes data the portal can work with, and the benchmark command measures real pages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max
from django.utils import timezone

from assessments.models import Assessment
from bench.generator import CLINIC_PATTERNS, LoadGenerator, Plan
from clinics.models import Clinic, Slot
from health_protection.immunisation.models import AntigenStatus, Campaign, Vaccination
from health_protection.injuries.models import FollowUpTest, InoculationInjury
from health_protection.surveillance.models import Enrolment, Result
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
    out = StringIO()
    call_command("benchmark", repeats=2, warmup=0, stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    rows = [line for line in lines if line.split()[-1] in {"ok", "MISSED"}]
    assert len(rows) == 7, out.getvalue()
    assert any("Waiting list" in row for row in rows) and any("diary" in row for row in rows), out.getvalue()
    for row in rows:
        fields = row.split()
        status, queries = fields[-7], fields[-3]
        assert status == "200", row
        assert int(queries) > 0, row  # a page with no queries means the count was not captured
    assert any(line.startswith("Peak resident memory") for line in lines)


def test_load_run_reports_throughput_of_the_mixed_workload_beside_the_bare_view(live_server, tmp_path):
    # Long enough to outlast locust's start-up, which counts against its run time.
    LoadGenerator(Plan.for_cases(300, seed=10), log=lambda _: None).run()
    call_command("rollup_kpis", stdout=StringIO())
    out = StringIO()
    call_command("load_run", url=live_server.url, seconds=8, users=2, out=str(tmp_path), stdout=out)
    report = out.getvalue()
    rows = {
        line.split()[0]: line.split()
        for line in report.splitlines()
        if line.split()[0] in ("BareView", "MixedWorkload")
    }
    assert set(rows) == {"BareView", "MixedWorkload"}, report
    for name, fields in rows.items():
        requests, failures = int(fields[1]), int(fields[2])
        assert requests > 0 and failures == 0, (name, report)
    assert "of the bare view's (target 40%)" in report
