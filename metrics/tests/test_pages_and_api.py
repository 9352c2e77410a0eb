"""Dashboard, API, CSV export, board report PDF and survey: who may see what, and what they see."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessLogEntry
from conftest import signed_in_client
from metrics import services, tasks
from metrics.models import BoardReport, MonthlyKpi, SatisfactionSurvey
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(world):
    """Three referrals in trust A this month (a small number) and seven in trust B."""
    now = timezone.now()
    for organisation, count, service in (
        (world.trust_a, 3, world.oh_service),
        (world.trust_b, 7, world.other_oh_service),
    ):
        for _ in range(count):
            Referral.objects.create(
                organisation=organisation,
                employee=EmployeeFactory(organisation=organisation),
                reason_category="mental_health",
                oh_service=service,
                status="submitted",
                submitted_at=now - timedelta(hours=1),
            )


def kpi(rows, code):
    return next(r for r in rows if r["code"] == code)


def test_board_sees_small_counts_suppressed_in_api(referrals, world):
    board = member(Role.BOARD, world.trust_a)
    rows = signed_in_client(board).get("/api/v1/metrics/kpis/").json()
    assert kpi(rows, "REFERRALS_RECEIVED")["value"] == "<5"
    clinician = member(Role.CLINICIAN, world.oh_service)
    rows = signed_in_client(clinician).get("/api/v1/metrics/kpis/").json()
    assert kpi(rows, "REFERRALS_RECEIVED")["value"] == 3  # clinicians of the service see their own counts


def test_ics_board_sees_members_and_benchmark(referrals, world):
    board = member(Role.BOARD, world.ics)
    client = signed_in_client(board)
    ics = client.get("/api/v1/metrics/kpis/").json()
    assert kpi(ics, "REFERRALS_RECEIVED")["value"] == 10
    trust_b = client.get(f"/api/v1/metrics/kpis/?scope={world.trust_b.pk}").json()
    assert kpi(trust_b, "REFERRALS_RECEIVED")["value"] == 7
    page = client.get("/metrics/")
    assert page.status_code == 200 and b"ICS benchmark" in page.content and b"Trust B" in page.content


def test_other_scope_is_404_and_other_roles_refused(referrals, world):
    board = member(Role.BOARD, world.trust_a)
    assert signed_in_client(board).get(f"/api/v1/metrics/kpis/?scope={world.trust_b.pk}").status_code == 404
    assert signed_in_client(board).get(f"/metrics/?scope={world.trust_b.pk}").status_code == 404
    for role in (Role.MANAGER, Role.EMPLOYEE, Role.PROCUREMENT):
        client = signed_in_client(member(role, world.trust_a))
        assert client.get("/metrics/").status_code == 403
        assert client.get("/api/v1/metrics/kpis/").status_code == 404


def test_dashboard_has_tiles_svg_charts_with_data_tables_and_no_small_numbers(referrals, world):
    page = signed_in_client(member(Role.BOARD, world.trust_a)).get("/metrics/").content.decode()
    assert "Referrals received" in page and "<svg" in page and "data table" in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "&lt;5" in page
    assert ">3<" not in page  # the trust's count of 3 is never shown


def test_timeseries_api(referrals, world):
    rows = (
        signed_in_client(member(Role.BOARD, world.ics)).get("/api/v1/metrics/timeseries/?kpi=REFERRALS_RECEIVED").json()
    )
    assert rows[-1] == {"month": f"{timezone.localdate():%Y-%m}", "value": 10}
    bad = signed_in_client(member(Role.BOARD, world.ics)).get("/api/v1/metrics/timeseries/?kpi=NOPE")
    assert bad.status_code == 400


def test_csv_export_is_safe_logged_and_suppressed(referrals, world):
    board = member(Role.BOARD, world.trust_a)
    response = signed_in_client(board).get("/metrics/export.csv")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "REFERRALS_RECEIVED" in text and ",<5," in text
    assert AccessLogEntry.objects.filter(user=board, kind="export").count() == 1


def test_rollup_is_idempotent_and_read_back(referrals, world, tasks_in_process):
    tasks.rollup_kpis(months=2)
    first = MonthlyKpi.objects.count()
    tasks.rollup_kpis(months=2)
    assert first > 0 and MonthlyKpi.objects.count() == first
    rows = MonthlyKpi.objects.filter(scope=world.ics, kpi="REFERRALS_RECEIVED")
    assert rows.count() == 2 and rows.order_by("month").last().value == 10


def test_board_report_pdf_built_in_background_and_downloadable(
    referrals, world, django_capture_on_commit_callbacks, monkeypatch
):
    board = member(Role.BOARD, world.trust_a)
    client = signed_in_client(board)
    queued = []
    monkeypatch.setattr(tasks.build_board_report, "apply_async", lambda args, **kw: queued.extend(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports/board/",
            {"narrative": {"Summary from the OH lead": "A good year."}},
            content_type="application/json",
        )
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert queued == [response.json()["id"]]
    tasks.build_board_report(queued[0])
    report = BoardReport.objects.get()
    assert report.status == "ready"
    detail = client.get(f"/api/v1/reports/board/{report.pk}/").json()
    pdf = client.get(detail["download"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Annual wellbeing report" in text and "A good year." in text and "Referrals received" in text
    assert "Trust A" in text
    other_board = member(Role.BOARD, world.trust_b)
    assert signed_in_client(other_board).get(detail["download"]).status_code == 404
    from notifications.models import OutboxMessage

    assert OutboxMessage.objects.get(template="metrics_board_report_ready").recipient == board


def test_survey_single_use_and_counted(world, case):
    from referrals import services as case_services

    case.accept().book().attend()
    case_services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work", work_ability=6)
    survey = SatisfactionSurvey.objects.get(referral=case.referral)
    from notifications.models import OutboxMessage

    link = OutboxMessage.objects.get(template="referrals_survey_request").context["link"]
    path = link.split("127.0.0.1:8000")[1]
    from django.test import Client

    anonymous = Client()
    assert b"how satisfied" in anonymous.get(path).content
    assert b"Thank you" in anonymous.post(path, {"score": "5", "comment": "Helpful"}).content
    survey.refresh_from_db()
    assert survey.score == 5
    assert anonymous.get(path).status_code == 410
    assert services.create_survey_for_case(case.referral) is None


def test_survey_chaser_once_with_a_fresh_link(world, case):
    import time_machine

    from notifications.models import OutboxMessage
    from referrals import services as case_services

    case.accept().book().attend()
    case_services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work", work_ability=6)
    first_link = OutboxMessage.objects.get(template="referrals_survey_request").context["link"]
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert tasks.chase_surveys() == 1
        assert tasks.chase_surveys() == 0
    links = list(OutboxMessage.objects.filter(template="referrals_survey_request").values_list("context", flat=True))
    assert len(links) == 2
    from django.test import Client

    assert Client().get(first_link.split("127.0.0.1:8000")[1]).status_code == 404  # replaced by the new one


def test_board_reports_are_shown_to_the_same_people_by_pages_and_api(world):
    """One rule (BoardReport.objects.visible_to): a board, OH admin or clinician sees the reports of their dashboard
    scopes, an ICS board also its members'; any other role none; pages and API agree."""
    from django.core.files.base import ContentFile

    requester = member(Role.BOARD, world.ics)
    reports = {}
    for name in ("ics", "trust_a", "trust_b", "oh_service"):
        report = BoardReport.objects.create(
            scope=getattr(world, name), year_ending=timezone.localdate(), requested_by=requester, status="ready"
        )
        report.pdf.save(f"r{report.pk}.pdf", ContentFile(b"%PDF-1.4"), save=True)
        reports[name] = report
    expected = {
        member(Role.BOARD, world.ics): {"ics", "trust_a", "trust_b"},
        member(Role.BOARD, world.trust_a): {"trust_a"},
        member(Role.CLINICIAN, world.oh_service): {"oh_service"},
        member(Role.OH_ADMIN, world.oh_service): {"oh_service"},
        member(Role.SUPPLIER, world.supplier): set(),
        member(Role.MANAGER, world.trust_a): set(),
    }
    for user, names in expected.items():
        visible = {reports[n].pk for n in names}
        assert set(BoardReport.objects.visible_to(user).values_list("pk", flat=True)) == visible
        client = signed_in_client(user)
        assert {r["id"] for r in client.get("/api/v1/reports/board/").json()} == visible
        for report in reports.values():
            detail = client.get(f"/api/v1/reports/board/{report.pk}/").status_code
            download = client.get(f"/metrics/board-reports/{report.pk}/download/").status_code
            shown = report.pk in visible
            assert detail == (200 if shown else 404), (user, report)
            assert (download == 200) if shown else (download in (403, 404)), (user, report)
    for user, names in expected.items():  # and may ask for one exactly when they may see them
        asked = signed_in_client(user).post("/api/v1/reports/board/", {}, content_type="application/json")
        assert asked.status_code == (202 if names else 403)
