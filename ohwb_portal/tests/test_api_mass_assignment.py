"""Mass assignment on the writable serializers of the suppliers and metrics APIs: a client sending fields it may
not set (status, owner, signatures, dates, files) gets them ignored; only the service decides them.
(Referrals and assessments: test_input_safety.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import signed_in_client
from metrics.models import BoardReport, BoardReportStatus
from organisations.roles import OrganisationKind, Role
from organisations.tests.factories import OrganisationFactory, member
from suppliers import services as supplier_services
from suppliers.models import CallOff, CallOffStatus, Framework, Lot, LotCode
from suppliers.tests.conftest import Dps

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def dps(world):
    return Dps(world)


def call_off_body(dps, **extra):
    return {
        "supplier": dps.acme.pk,
        "lots": [LotCode.MANAGEMENT_REFERRALS],
        "start_date": f"{NEXT_YEAR}-01-01",
        "end_date": f"{NEXT_YEAR + 1}-12-31",
        "estimated_value": "1000.00",
        "client_signatory": dps.procurement.pk,
        "supplier_signatory": dps.acme_user.pk,
        **extra,
    }


def post(user, url, body):
    return signed_in_client(user).post(url, body, content_type="application/json")


def test_call_off_create_ignores_status_owner_signatures_and_variation(dps, world):
    other = member(Role.PROCUREMENT, world.trust_b)
    forged = {
        "id": 999,
        "reference": "CO-FORGED",
        "status": CallOffStatus.ACTIVE,
        "client": world.trust_b.pk,
        "created_by": other.pk,
        "client_signed_by": other.pk,
        "client_signed_at": "2020-01-01T00:00:00Z",
        "supplier_signed_by": dps.acme_user.pk,
        "supplier_signed_at": "2020-01-01T00:00:00Z",
        "variation_of": 1,
        "variation_number": 7,
        "termination_reason": "forged",
    }
    response = post(dps.procurement, "/api/v1/call-offs/", call_off_body(dps, **forged))
    assert response.status_code == 201, response.content
    call_off = CallOff.objects.get()
    assert call_off.pk != 999
    assert (
        call_off.status,
        call_off.client,
        call_off.created_by,
        call_off.client_signed_by,
        call_off.client_signed_at,
        call_off.supplier_signed_by,
        call_off.supplier_signed_at,
        call_off.variation_of,
        call_off.variation_number,
        call_off.termination_reason,
    ) == (CallOffStatus.DRAFT, world.trust_a, dps.procurement, None, None, None, None, None, 0, "")
    assert response.json()["reference"] != "CO-FORGED"


def test_call_off_create_refuses_a_signatory_of_another_organisation(dps, world):
    """client_signatory is writable, so it is checked: only a procurement lead of the caller's organisation."""
    other = member(Role.PROCUREMENT, world.trust_b)
    response = post(dps.procurement, "/api/v1/call-offs/", call_off_body(dps, client_signatory=other.pk))
    assert response.status_code == 409
    assert not CallOff.objects.exists()


def test_call_off_create_with_lots_of_the_same_code_on_another_framework(dps, world):
    """Lot codes repeat across frameworks; the codes sent are the supplier's framework's lots (was a 500)."""
    operator = OrganisationFactory(name="Other operator", kind=OrganisationKind.FRAMEWORK_OPERATOR)
    elsewhere = Framework.objects.create(name="Other DPS", operator=operator)
    for code in LotCode.values:
        Lot.objects.create(framework=elsewhere, code=code)
    response = post(dps.procurement, "/api/v1/call-offs/", call_off_body(dps))
    assert response.status_code == 201, response.content
    assert list(CallOff.objects.get().lots.all()) == [dps.lots[LotCode.MANAGEMENT_REFERRALS]]
    response = post(dps.procurement, "/api/v1/call-offs/", call_off_body(dps, lots=["no_such_lot"]))
    assert response.status_code == 400
    # A code the other framework has and the supplier's framework does not is refused, not dropped.
    dps.lots[LotCode.MENTAL_HEALTH].delete()
    response = post(
        dps.procurement, "/api/v1/call-offs/", call_off_body(dps, lots=["management_referrals", "mental_health"])
    )
    assert response.status_code == 400, response.content
    assert "lots" in response.json()
    assert CallOff.objects.count() == 1


def _active(dps):
    call_off = supplier_services.raise_call_off(
        by=dps.procurement,
        supplier=dps.acme,
        lots=[dps.lots[LotCode.MANAGEMENT_REFERRALS]],
        start_date=timezone.localdate() + timedelta(days=1),
        end_date=timezone.localdate() + timedelta(days=300),
        estimated_value=1000,
        client_signatory=dps.procurement,
        supplier_signatory=dps.acme_user,
    )
    return call_off


def test_call_off_sign_ignores_a_body(dps, world):
    call_off = _active(dps)
    forged = {
        "declared": True,
        "status": CallOffStatus.ACTIVE,
        "supplier_signed_by": dps.acme_user.pk,
        "estimated_value": "1",
    }
    response = post(dps.procurement, f"/api/v1/call-offs/{call_off.pk}/sign/", forged)
    assert response.status_code == 200, response.content
    call_off.refresh_from_db()
    assert (call_off.status, call_off.client_signed_by, call_off.supplier_signed_by, call_off.estimated_value) == (
        CallOffStatus.AWAITING_SUPPLIER,
        dps.procurement,
        None,
        1000,
    )


def test_call_off_terminate_sets_only_status_and_reason(dps, world):
    call_off = _active(dps)
    supplier_services.send_for_signature(call_off=call_off, by=dps.procurement)
    supplier_services.sign(call_off=call_off, by=dps.procurement, declared=True)
    supplier_services.sign(call_off=call_off, by=dps.acme_user, declared=True)
    before = CallOff.objects.filter(pk=call_off.pk).values().get()
    forged = {
        "reason": "Service ended",
        "status": CallOffStatus.DRAFT,
        "client": world.trust_b.pk,
        "supplier_signatory": dps.beta_user.pk,
        "estimated_value": "1.00",
        "end_date": "2099-01-01",
    }
    response = post(dps.procurement, f"/api/v1/call-offs/{call_off.pk}/terminate/", forged)
    assert response.status_code == 200, response.content
    after = CallOff.objects.filter(pk=call_off.pk).values().get()
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"status", "termination_reason"}
    assert (after["status"], after["termination_reason"]) == (CallOffStatus.TERMINATED, "Service ended")


def test_board_report_request_ignores_status_file_owner_and_year(world, django_capture_on_commit_callbacks):
    board = member(Role.BOARD, world.trust_a)
    forged = {
        "narrative": {"Summary from the OH lead": "A good year"},
        "status": BoardReportStatus.READY,
        "pdf": "board_reports/someone-elses.pdf",
        "requested_by": member(Role.BOARD, world.trust_b).pk,
        "year_ending": "2001-03-31",
        "finished_at": "2001-04-01T00:00:00Z",
        "requested_at": "2001-04-01T00:00:00Z",
        "id": 999,
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(board, "/api/v1/reports/board/", forged)
    assert response.status_code == 202, response.content
    report = BoardReport.objects.get()
    assert (report.status, report.pdf.name, report.requested_by, report.year_ending, report.finished_at) == (
        BoardReportStatus.QUEUED,
        "",
        board,
        timezone.localdate(),
        None,
    )
    assert report.pk != 999 and report.requested_at.year == timezone.now().year
    assert response.json()["download"] is None
    assert len(callbacks) == 1  # the build is queued, as for any request


def test_board_report_request_cannot_name_another_organisation_as_scope(world, django_capture_on_commit_callbacks):
    """scope is writable, so it is checked: only a scope the caller may see (another trust's answers 404)."""
    board = member(Role.BOARD, world.trust_a)
    with django_capture_on_commit_callbacks(execute=False):
        response = post(board, "/api/v1/reports/board/", {"scope": world.trust_b.pk})
        assert response.status_code == 404
        assert not BoardReport.objects.exists()
        assert post(board, "/api/v1/reports/board/", {"scope": world.trust_a.pk}).status_code == 202
    assert BoardReport.objects.get().scope == world.trust_a
