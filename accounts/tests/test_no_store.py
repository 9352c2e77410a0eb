"""Responses that may carry personal data are never stored by a browser or a proxy (PRODUCT.md section 8).

Every response to a signed-in user and every API response sends `Cache-Control: no-store`; static files and the
public health probes do not need it.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import signed_in_client
from metrics.models import BoardReport, BoardReportStatus
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Attachment
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_of_a_signed_in_user(client_for):
    client = client_for(Role.MANAGER)
    for path in ("/", "/organisations/staff/", "/referrals/mine/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path


def test_error_and_redirect_answers_to_a_signed_in_user(client_for):
    client = client_for(Role.MANAGER)
    assert no_store(client.get("/referrals/999999/"))  # 404
    assert no_store(client.get("/referrals/caseload/"))  # 403, wrong role
    assert no_store(client.post("/accounts/switch-role/", {"membership": "x"}))  # 302


def test_api_responses_session_token_and_anonymous(client_for, user_for, world):
    EmployeeFactory(organisation=world.trust_a)
    assert no_store(client_for(Role.MANAGER).get("/api/v1/employees/"))
    token = Token.objects.create(user=user_for(Role.MANAGER))
    assert no_store(Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/v1/employees/"))
    assert no_store(Client().get("/api/v1/employees/"))  # refused, still not to be kept
    assert no_store(client_for(Role.MANAGER).get("/api/schema/"))


def test_referral_attachment_download(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = member(Role.MANAGER, world.trust_a)
    referral = ReferralFactory(employee=EmployeeFactory(organisation=world.trust_a), referred_by=manager)
    document = Attachment(
        referral=referral, original_name="risk.pdf", content_type="application/pdf", size=8, uploaded_by=manager
    )
    document.file.save("risk.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    response = signed_in_client(manager).get(f"/referrals/{referral.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4"
    assert no_store(response)


def test_board_report_pdf_download(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    board = member(Role.BOARD, world.trust_a)
    report = BoardReport(scope=world.trust_a, year_ending="2026-03-31", requested_by=board)
    report.status = BoardReportStatus.READY
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    report.save()
    response = signed_in_client(board).get(f"/metrics/board-reports/{report.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert no_store(response)


def test_sign_in_page_keeps_its_no_store():
    assert no_store(Client().get("/accounts/sign-in/"))


def test_health_probes_and_static_files_are_left_alone(client_for):
    assert not no_store(Client().get("/livez"))
    assert not no_store(Client().get("/healthz"))
    static = client_for(Role.MANAGER).get("/static/js/init.js")
    assert static.status_code == 200 and not no_store(static)
