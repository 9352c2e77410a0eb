"""/api/v1/referrals/: the permission table (anonymous, wrong role, other organisation, right role)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.fields import DateTimeField

from audit.models import AccessLogEntry
from conftest import signed_in_client
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Appointment, Referral, Status

pytestmark = pytest.mark.django_db


def test_anonymous_is_refused(case):
    assert Client().get("/api/v1/referrals/").status_code == 403
    assert Client().post("/api/v1/referrals/", {}).status_code == 403


def test_manager_creates_a_referral_and_gets_the_whole_payload(world):
    manager = member(Role.MANAGER, world.trust_a)
    employee = EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Lovelace")
    response = signed_in_client(manager).post(
        "/api/v1/referrals/",
        {
            "employee": employee.pk,
            "reason_category": "long_covid",
            "absent_at_referral": False,
            "manager_questions": ["fit_for_role"],
            "work_details": "Pharmacist",
            "employee_agreed": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    payload = response.json()
    assert payload == {
        "id": referral.pk,
        "reference": referral.reference,
        "kind": "management",
        "status": "submitted",
        "employee": employee.pk,
        "employee_name": "Ada Lovelace",
        "organisation": world.trust_a.pk,
        "oh_service": world.oh_service.pk,
        "service_line": "general_oh",
        "reason_category": "long_covid",
        "absent_at_referral": False,
        "absent_since": None,
        "questions": ["Is the employee fit to do their role?"],
        "urgent_requested": False,
        "priority": "",
        "practitioner_type": "",
        "returned_reason": "",
        "submitted_at": payload["submitted_at"],
        "accepted_at": None,
        "closed_at": None,
        "closure_outcome": "",
        "allowed_actions": ["message", "withdraw"],
        "returns": [],
    }
    assert payload["submitted_at"]


def test_manager_cannot_create_for_other_organisations_employee(world):
    manager = member(Role.MANAGER, world.trust_a)
    stranger = EmployeeFactory(organisation=world.trust_b)
    response = signed_in_client(manager).post(
        "/api/v1/referrals/",
        {
            "employee": stranger.pk,
            "reason_category": "other",
            "absent_at_referral": False,
            "work_details": "x",
            "employee_agreed": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD, Role.PROCUREMENT, Role.RECRUITER])
def test_roles_without_cases_see_an_empty_list_and_404(case, role):
    client = signed_in_client(member(role, case.world.trust_a))
    assert client.get("/api/v1/referrals/").json()["count"] == 0
    assert client.get(f"/api/v1/referrals/{case.referral.pk}/").status_code == 404


def test_other_organisation_gets_404(case):
    client = signed_in_client(member(Role.MANAGER, case.world.trust_b))
    assert client.get(f"/api/v1/referrals/{case.referral.pk}/").status_code == 404
    client = signed_in_client(member(Role.CLINICIAN, case.world.other_oh_service))
    assert client.get(f"/api/v1/referrals/{case.referral.pk}/notes/").status_code == 404


def test_wrong_role_for_an_action_is_403_and_wrong_state_is_409(case):
    pk = case.referral.pk
    manager = signed_in_client(case.manager)
    assert (
        manager.post(
            f"/api/v1/referrals/{pk}/triage/",
            {"priority": "routine", "practitioner_type": "oh_nurse"},
            content_type="application/json",
        ).status_code
        == 403
    )
    admin = signed_in_client(case.oh_admin)
    ok = admin.post(
        f"/api/v1/referrals/{pk}/triage/",
        {"priority": "urgent", "practitioner_type": "oh_nurse"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == Status.TRIAGED
    again = admin.post(
        f"/api/v1/referrals/{pk}/triage/",
        {"priority": "urgent", "practitioner_type": "oh_nurse"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "cannot be accepted" in again.json()["detail"]


def test_notes_for_serving_clinicians_only_and_logged(case):
    case.accept()
    pk = case.referral.pk
    clinician = signed_in_client(case.clinician)
    created = clinician.post(f"/api/v1/referrals/{pk}/notes/", {"text": "Seen today"}, content_type="application/json")
    assert created.status_code == 201
    listed = clinician.get(f"/api/v1/referrals/{pk}/notes/")
    assert [n["text"] for n in listed.json()] == ["Seen today"]
    assert AccessLogEntry.objects.filter(user=case.clinician, kind="clinical_record").count() == 1
    assert signed_in_client(case.oh_admin).get(f"/api/v1/referrals/{pk}/notes/").status_code == 403
    assert signed_in_client(case.manager).get(f"/api/v1/referrals/{pk}/notes/").status_code == 403


def test_appointment_booking_and_attendance(case):
    case.accept()
    pk = case.referral.pk
    admin = signed_in_client(case.oh_admin)
    start = (timezone.now() + timedelta(days=2)).isoformat()
    booked = admin.post(
        f"/api/v1/referrals/{pk}/appointments/",
        {
            "clinician": case.clinician.pk,
            "start": start,
            "length_minutes": 30,
            "modality": "telephone",
        },
        content_type="application/json",
    )
    assert booked.status_code == 201
    appointment_id = booked.json()["id"]
    Appointment.objects.filter(pk=appointment_id).update(start=timezone.now() - timedelta(minutes=1))  # it starts
    assert (
        signed_in_client(case.manager)
        .post(f"/api/v1/appointments/{appointment_id}/attendance/", {"attended": True}, content_type="application/json")
        .status_code
        == 403
    )
    done = admin.post(
        f"/api/v1/appointments/{appointment_id}/attendance/", {"attended": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "attended"


def test_report_hidden_from_manager_until_released_then_consent_by_employee(case):
    case.accept().book().attend().report()
    pk = case.referral.pk
    manager = signed_in_client(case.manager)
    assert manager.get(f"/api/v1/referrals/{pk}/report/").status_code == 404
    employee = signed_in_client(case.employee_user)
    assert employee.get(f"/api/v1/referrals/{pk}/report/").status_code == 200
    assert (
        manager.post(
            f"/api/v1/referrals/{pk}/report/consent/", {"choice": "release_now"}, content_type="application/json"
        ).status_code
        == 404
    )
    released = employee.post(
        f"/api/v1/referrals/{pk}/report/consent/", {"choice": "release_now"}, content_type="application/json"
    )
    assert released.status_code == 200 and released.json()["status"] == "released"
    report = manager.get(f"/api/v1/referrals/{pk}/report/").json()
    assert report["fitness"] == "fit_with_adjustments" and report["diagnosis"] == ""


def _appointment_payload(case, **extra):
    appointment = case.appointment
    payload = {
        "id": appointment.pk,
        "referral": case.referral.pk,
        "clinician": case.clinician.pk,
        "start": DateTimeField().to_representation(appointment.start),
        "length_minutes": 45,
        "modality": "telephone",
        "location": "Room 4, Occupational Health, Block C",
        "is_follow_up": False,
        "status": "booked",
    }
    payload.update(extra)
    return payload


@pytest.mark.parametrize("role", ["manager", "employee", "oh_admin", "clinician"])
def test_appointments_payload_per_role_page_and_api_agree(case, role):
    """The manager is told when and how, never where (an address or link can say what the clinic treats)."""
    case.accept().book()
    case.appointment.location = "Room 4, Occupational Health, Block C"
    case.appointment.save()
    user = {
        "manager": case.manager,
        "employee": case.employee_user,
        "oh_admin": case.oh_admin,
        "clinician": case.clinician,
    }[role]
    client = signed_in_client(user)
    payload = client.get(f"/api/v1/referrals/{case.referral.pk}/appointments/").json()
    expected = _appointment_payload(case)
    if role == "manager":
        del expected["location"]
    assert payload == [expected]
    page = client.get(f"/referrals/{case.referral.pk}/").content
    assert (b"Room 4, Occupational Health, Block C" in page) is (role != "manager")


def _api_appointment(case):
    case.accept().book()
    return case.referral.appointments.get()


def _post(user, url, body):
    return signed_in_client(user).post(url, body, content_type="application/json")


def test_api_moves_an_appointment_and_the_employee_is_told(case):
    appointment = _api_appointment(case)
    url = f"/api/v1/appointments/{appointment.pk}/reschedule/"
    new_start = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    body = {"start": new_start.isoformat(), "reason": "Clinician on leave"}
    assert _post(case.manager, url, body).status_code == 403
    assert _post(case.oh_admin, url, {"start": new_start.isoformat()}).status_code == 400
    moved = _post(case.oh_admin, url, body)
    assert moved.status_code == 200, moved.content
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert OutboxMessage.objects.filter(template="referrals_appointment_moved").count() == 1
    assert "Clinician on leave" in case.referral.events.latest("pk").note


def test_api_refuses_to_move_or_cancel_an_appointment_that_has_started(case):
    appointment = _api_appointment(case)
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
    later = (timezone.now() + timedelta(days=9)).isoformat()
    moved = _post(case.oh_admin, f"/api/v1/appointments/{appointment.pk}/reschedule/", {"start": later, "reason": "x"})
    cancelled = _post(case.oh_admin, f"/api/v1/appointments/{appointment.pk}/cancel/", {"reason": "Asked to"})
    assert (moved.status_code, cancelled.status_code) == (409, 409)
    assert "not started" in cancelled.json()["detail"]


def test_api_cancels_an_appointment_and_the_case_can_be_booked_again(case):
    appointment = _api_appointment(case)
    cancelled = _post(case.clinician, f"/api/v1/appointments/{appointment.pk}/cancel/", {"reason": "Employee asked"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    case.referral.refresh_from_db()
    assert case.referral.status == Status.TRIAGED
    again = _post(case.clinician, f"/api/v1/appointments/{appointment.pk}/cancel/", {"reason": "Twice"})
    assert again.status_code == 409


def test_api_corrects_a_did_not_attend_recorded_by_mistake(case):
    appointment = _api_appointment(case)
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
    url = f"/api/v1/appointments/{appointment.pk}/correct-attendance/"
    assert _post(case.oh_admin, url, {"attended": True, "reason": "Nothing recorded yet"}).status_code == 409
    assert (
        _post(case.oh_admin, f"/api/v1/appointments/{appointment.pk}/attendance/", {"attended": False}).status_code
        == 200
    )
    assert _post(case.oh_admin, url, {"attended": True}).status_code == 400  # the reason is required
    corrected = _post(case.oh_admin, url, {"attended": True, "reason": "She came; wrong row ticked"})
    assert corrected.status_code == 200 and corrected.json()["status"] == "attended"
    case.referral.refresh_from_db()
    assert case.referral.status == Status.ASSESSED and case.referral.dna_count == 0
