import pytest
from django.db import DatabaseError, transaction

from audit.models import AccessKind, AccessLogEntry
from audit.services import log_access
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world, user_for):
    employee = EmployeeFactory(organisation=world.trust_a, user=user_for(Role.EMPLOYEE))
    clinician = user_for(Role.CLINICIAN)
    return log_access(
        user=clinician,
        kind=AccessKind.CLINICAL_RECORD,
        obj=employee,
        reason="Assessment",
        employee=employee,
        oh_service=world.oh_service,
    )


def test_row_records_who_in_which_role(entry):
    assert (entry.role, entry.organisation.name, entry.object_type) == (
        "clinician",
        "Trust A Occupational Health",
        "organisations.employee",
    )


def test_log_is_append_only_in_the_database(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()


def test_employee_sees_own_entries_ig_lead_sees_organisation(entry, world, user_for):
    assert list(AccessLogEntry.objects.visible_to(entry.employee.user)) == [entry]
    assert list(AccessLogEntry.objects.visible_to(user_for(Role.IG_LEAD))) == [entry]
    assert list(AccessLogEntry.objects.visible_to(user_for(Role.IG_LEAD, world.oh_service))) == [entry]
    assert not AccessLogEntry.objects.visible_to(user_for(Role.IG_LEAD, world.trust_b)).exists()
    assert not AccessLogEntry.objects.visible_to(user_for(Role.MANAGER)).exists()
    assert not AccessLogEntry.objects.visible_to(user_for(Role.EMPLOYEE)).exists()


def test_employee_page_shows_own_entries(entry):
    from conftest import signed_in_client

    page = signed_in_client(entry.employee.user).get("/audit/access-log/")
    assert page.status_code == 200 and b"Who has looked at my record" in page.content
    assert b"Clinical record of a case: Assessment" in page.content


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CLINICIAN, Role.BOARD])
def test_other_roles_cannot_open_the_access_log(entry, client_for, role):
    assert client_for(role).get("/audit/access-log/").status_code == 403


def test_ig_lead_page_names_roles_in_words(entry, client_for):
    entry_role = AccessLogEntry.objects.create(
        user=entry.user,
        role=Role.OH_ADMIN,
        organisation=entry.organisation,
        kind=AccessKind.CLINICAL_RECORD,
        object_type="organisations.employee",
        object_id=str(entry.employee.pk),
        employee=entry.employee,
        oh_service=entry.oh_service,
        reason="Booking",
    )
    page = client_for(Role.IG_LEAD).get("/audit/access-log/").content.decode()
    assert f"Clinician, {entry.organisation}" in page and f"OH administrator, {entry_role.organisation}" in page
    assert "oh_admin" not in page and ">clinician," not in page
