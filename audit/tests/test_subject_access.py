import json

import pytest

from audit.models import AccessLogEntry
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

pytestmark = pytest.mark.django_db


def export(user, employee):
    response = signed_in_client(user).post("/audit/subject-access/", {"employee": employee.pk})
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def test_employer_ig_lead_gets_record_and_released_reports_not_notes(case):
    from referrals import services

    case.accept().book().attend().report().release()
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Private clinical detail")
    data = export(member(Role.IG_LEAD, case.world.trust_a), case.employee)
    assert data["staff_record"]["last_name"] == "Patel"
    assert data["cases"][0]["outcome_reports"][0]["fitness"] == "fit_with_adjustments"
    assert "clinical_notes" not in data["cases"][0]
    assert "Private clinical detail" not in json.dumps(data)
    assert AccessLogEntry.objects.filter(kind="subject_access", employee=case.employee).count() == 1


def test_oh_service_ig_lead_gets_the_clinical_record(case):
    from referrals import services

    case.accept()
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Private clinical detail")
    data = export(member(Role.IG_LEAD, case.world.oh_service), case.employee)
    assert data["cases"][0]["clinical_notes"][0]["text"] == "Private clinical detail"


def test_other_organisation_and_other_roles_refused(case):
    stranger = EmployeeFactory(organisation=case.world.trust_b)
    ig_lead = member(Role.IG_LEAD, case.world.trust_a)
    assert signed_in_client(ig_lead).post("/audit/subject-access/", {"employee": stranger.pk}).status_code == 404
    for role in (Role.MANAGER, Role.BOARD):
        client = signed_in_client(member(role, case.world.trust_a))
        assert client.post("/audit/subject-access/", {"employee": case.employee.pk}).status_code == 403
