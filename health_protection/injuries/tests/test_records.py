"""What the injuries domain tells audit: 40 years' retention from the injury, then anonymised; the subject access
section, from the employer's side (the incident and plan) and the OH service's (with results, logged), never the
source patient's status."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit import retention
from audit.models import AccessLogEntry, RetentionAction
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import injury_at

pytestmark = pytest.mark.django_db


def test_an_injury_is_kept_40_years_from_the_exposure_then_anonymised(people):
    injury = injury_at(people, "resulted")
    with time_machine.travel(timezone.now() + timedelta(days=round(365.25 * 39.9))):
        assert retention.sweep().done["inoculation_injury"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=round(365.25 * 40) + 2)):
        result = retention.sweep()
        assert result.done["inoculation_injury"] == 1 and result.failed == []
        assert retention.sweep().done["inoculation_injury"] == 0  # done once
    injury.refresh_from_db()
    assert injury.anonymised_at and injury.how_it_happened == "(removed)" and injury.location == "(removed)"
    assert (injury.source_details, injury.assessment_notes, injury.source_hbv) == ("", "", "")
    assert not injury.history.exists()
    test = injury.tests.get(week=6)
    assert (test.hiv_result, test.result_notes) == ("", "")
    # What the figures need stays: kind, dates, status.
    assert injury.kind == "sharps" and injury.reported_at and injury.assessed_at
    assert RetentionAction.objects.get().record_type == "inoculation_injury"


def _export(user, employee):
    response = signed_in_client(user).post("/audit/subject-access/", {"employee": employee.pk, "format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_employers_export_holds_the_incident_and_plan_only(world, people):
    injury = injury_at(people, "resulted")
    document = _export(member(Role.IG_LEAD, world.trust_a), people.employee)
    (entry,) = document["inoculation_injuries"]
    assert entry["title"] == f"{injury.reference}: Sharps or needlestick injury"
    assert entry["summary"]["How it happened"] == "Needle slipped while resheathing"
    assert entry["summary"]["RIDDOR reportable"] == "Yes"
    assert "assessment" not in entry and set(entry["follow_up"][0]) == {"Week", "Due", "Status", "Booked for"}
    text = json.dumps(document)
    assert "All clear" not in text and "Bed 4" not in text and "Deep puncture" not in text
    assert any("held by the occupational health service" in line for line in document["not_included"])
    assert not AccessLogEntry.objects.filter(object_type="injuries.inoculationinjury").exists()


def test_the_oh_services_export_holds_results_logged_and_notes_only_for_a_clinician(world, people):
    injury = injury_at(people, "resulted")
    ig_lead = member(Role.IG_LEAD, world.oh_service)
    document = _export(ig_lead, people.employee)
    (entry,) = document["inoculation_injuries"]
    assert entry["follow_up"][0]["Notes on the results"] == "All clear at six weeks"
    assert entry["assessment"]["Risk"] == "Significant exposure, high-risk or unknown source"
    assert "Assessment notes" not in entry["assessment"]  # an IG lead who is not a clinician of the service
    assert "Bed 4" not in json.dumps(document)  # the source patient's information, never the employee's
    row = AccessLogEntry.objects.get(object_type="injuries.inoculationinjury")
    assert (row.object_id, row.user, row.reason) == (str(injury.pk), ig_lead, "Subject access export")
    # Also a clinician of that service: the notes are included.
    from organisations.tests.factories import MembershipFactory

    MembershipFactory(user=ig_lead, organisation=world.oh_service, role=Role.CLINICIAN)
    (entry,) = _export(ig_lead, people.employee)["inoculation_injuries"]
    assert entry["assessment"]["Assessment notes"] == "Deep puncture, visible blood"


def test_another_services_ig_lead_cannot_export_this_member_of_staff(world, people):
    injury_at(people, "assessed")
    other = signed_in_client(member(Role.IG_LEAD, world.other_oh_service))
    response = other.post("/audit/subject-access/", {"employee": people.employee.pk, "format": "json"})
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(object_type="injuries.inoculationinjury").exists()
