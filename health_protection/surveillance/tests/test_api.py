"""The surveillance API: whole payloads per role (a manager: status and outcome only), results for the service's
clinicians with their access-log rows, results recorded through the API, and refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from conftest import signed_in_client
from health_protection.surveillance import services
from health_protection.surveillance.models import Outcome, ProgrammeKind
from health_protection.surveillance.status import add_months
from organisations.roles import Role

from .factories import enrolled, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world, user_for):
    oh_admin, clinician, manager = user_for(Role.OH_ADMIN), user_for(Role.CLINICIAN), user_for(Role.MANAGER)
    noise = programme(by=oh_admin, organisation=world.trust_a, kind=ProgrammeKind.NOISE)
    mine = enrolled(by=oh_admin, programme=noise, line_manager=manager, first_name="Ann", last_name="Ash")
    services.record_result(
        enrolment=mine,
        by=clinician,
        performed_on=timezone.localdate(),
        outcome=Outcome.REFER,
        category="Category 4: rapid hearing loss",
        findings="zqfindingszq",
    )
    late = enrolled(by=oh_admin, programme=noise, first_due_on=timezone.localdate() - timedelta(days=3))
    return {
        "oh_admin": oh_admin,
        "clinician": clinician,
        "manager": manager,
        "mine": mine,
        "late": late,
        "programme": noise,
    }


def test_a_manager_gets_status_and_outcome_of_own_staff_only(setting):
    response = signed_in_client(setting["manager"]).get("/api/v1/surveillance/enrolments/")
    assert response.status_code == 200
    mine = setting["mine"]
    assert response.json()["results"] == [
        {
            "id": mine.pk,
            "reference": mine.reference,
            "employee_name": "Ann Ash",
            "programme_name": "Noise (audiometry)",
            "status": "up_to_date",
            "due_on": add_months(timezone.localdate(), 12).isoformat(),
            "outcome": "refer",
        }
    ]
    assert "zqfindingszq" not in response.content.decode()
    assert (
        signed_in_client(setting["manager"]).get(f"/api/v1/surveillance/enrolments/{mine.pk}/results/").status_code
        == 403
    )
    assert signed_in_client(setting["manager"]).get("/api/v1/surveillance/programmes/").json()["results"] == []


def test_the_oh_service_sees_everyone_and_filters_by_status(setting):
    client = signed_in_client(setting["oh_admin"])
    everyone = client.get("/api/v1/surveillance/enrolments/").json()["results"]
    assert [e["id"] for e in everyone] == [setting["late"].pk, setting["mine"].pk]
    assert everyone[0]["allowed_actions"] == ["invite", "end"] and everyone[0]["status"] == "overdue"
    overdue = client.get("/api/v1/surveillance/enrolments/?status=overdue").json()["results"]
    assert [e["id"] for e in overdue] == [setting["late"].pk]
    (listed,) = client.get("/api/v1/surveillance/programmes/").json()["results"]
    assert (listed["enrolled"], listed["overdue"], listed["up_to_date"], listed["due"]) == (2, 1, 1, 0)
    assert client.get(f"/api/v1/surveillance/enrolments/{setting['mine'].pk}/results/").status_code == 403


def test_results_are_the_clinicians_and_each_read_is_logged(setting):
    client = signed_in_client(setting["clinician"])
    mine = setting["mine"]
    response = client.get(f"/api/v1/surveillance/enrolments/{mine.pk}/results/")
    assert response.status_code == 200
    (result,) = response.json()
    assert (result["findings"], result["category"], result["outcome"]) == (
        "zqfindingszq",
        "Category 4: rapid hearing loss",
        "refer",
    )
    row = AccessLogEntry.objects.get()
    assert (row.object_type, row.object_id, row.kind, row.case_reference, row.employee_id) == (
        "surveillance.enrolment",
        str(mine.pk),
        "surveillance",
        mine.reference,
        mine.employee_id,
    )


def test_a_result_recorded_through_the_api(setting):
    client = signed_in_client(setting["clinician"])
    late = setting["late"]
    url = f"/api/v1/surveillance/enrolments/{late.pk}/record-result/"
    refused = client.post(
        url,
        {"performed_on": timezone.localdate().isoformat(), "outcome": "fit", "category": "Loud"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "category" in refused.json()["detail"]
    made = client.post(
        url,
        {
            "performed_on": timezone.localdate().isoformat(),
            "outcome": "fit",
            "category": "Category 1: acceptable hearing",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    late.refresh_from_db()
    assert late.last_outcome == "fit" and late.due_on > timezone.localdate()
    assert not AccessLogEntry.objects.exists()  # the answer echoes what the clinician sent: not a read
    admin = signed_in_client(setting["oh_admin"]).post(
        url, {"performed_on": "2026-01-01", "outcome": "fit"}, content_type="application/json"
    )
    assert admin.status_code == 403
