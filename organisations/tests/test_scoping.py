"""Who sees which organisations, memberships and staff records (PRODUCT.md sections 1 and 8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import Employee, Membership, Organisation, ServiceAssignment
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    return {
        "a": EmployeeFactory(organisation=world.trust_a, last_name="Ashby"),
        "b": EmployeeFactory(organisation=world.trust_b, last_name="Bell"),
    }


def visible_staff(user):
    return set(Employee.objects.visible_to(user).values_list("last_name", flat=True))


def test_manager_sees_own_organisations_staff_only(user_for, staff):
    assert visible_staff(user_for(Role.MANAGER)) == {"Ashby"}


def test_employee_sees_only_own_record(user_for, staff, world):
    employee = user_for(Role.EMPLOYEE)
    own = EmployeeFactory(organisation=world.trust_a, last_name="Self", user=employee)
    assert list(Employee.objects.visible_to(employee)) == [own]


def test_clinician_sees_staff_of_served_organisations_only(user_for, staff, world):
    assert visible_staff(user_for(Role.CLINICIAN)) == {"Ashby"}
    assert visible_staff(user_for(Role.CLINICIAN, world.other_oh_service)) == {"Bell"}


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.PROCUREMENT, Role.SUPPLIER, Role.BOARD, Role.FRAMEWORK_ADMIN])
def test_roles_without_person_level_access_see_no_staff(user_for, staff, role):
    assert visible_staff(user_for(role)) == set()


def test_user_without_membership_sees_nothing(staff):
    from organisations.tests.factories import UserFactory

    user = UserFactory()
    assert not Employee.objects.visible_to(user).exists()
    assert not Organisation.objects.visible_to(user).exists()


def test_role_switch_changes_what_is_visible(user_for, staff, world):
    from organisations.tests.factories import MembershipFactory

    user = user_for(Role.MANAGER)
    board = MembershipFactory(user=user, organisation=world.trust_a, role=Role.BOARD)
    user.active_membership = board
    assert visible_staff(user) == set()


def test_organisations_visible_to_trust_manager(user_for, world):
    names = set(Organisation.objects.visible_to(user_for(Role.MANAGER)).values_list("name", flat=True))
    # own trust, its ICS, and the OH service that serves it; never the other trust
    assert names == {"Trust A", "North Test ICS", "Trust A Occupational Health"}


def test_ics_board_sees_member_organisations(user_for, world):
    names = set(Organisation.objects.visible_to(user_for(Role.BOARD, world.ics)).values_list("name", flat=True))
    assert {"Trust A", "Trust B", "North Test ICS"} <= names


def test_service_assignments_visible_to_each_side(user_for, world):
    assert ServiceAssignment.objects.visible_to(user_for(Role.CLINICIAN)).count() == 2
    assert set(ServiceAssignment.objects.visible_to(user_for(Role.MANAGER)).values_list("client__name", flat=True)) == {
        "Trust A"
    }
    assert not ServiceAssignment.objects.visible_to(user_for(Role.SUPPLIER)).exists()


def test_memberships_own_only_except_ig_lead(user_for, world):
    manager = user_for(Role.MANAGER)
    ig_lead = user_for(Role.IG_LEAD)
    user_for(Role.MANAGER, world.trust_b)
    assert list(Membership.objects.visible_to(manager)) == list(manager.memberships.all())
    seen = set(Membership.objects.visible_to(ig_lead).values_list("user__username", flat=True))
    assert manager.username in seen and ig_lead.username in seen
    assert all(m.organisation == world.trust_a for m in Membership.objects.visible_to(ig_lead))


class TestEmployeesApi:
    def test_list_is_scoped(self, client_for, staff):
        response = client_for(Role.MANAGER).get("/api/v1/employees/")
        assert response.status_code == 200
        assert [row["last_name"] for row in response.json()["results"]] == ["Ashby"]

    def test_other_organisations_employee_is_404(self, client_for, staff):
        response = client_for(Role.MANAGER).get(f"/api/v1/employees/{staff['b'].pk}/")
        assert response.status_code == 404

    def test_payload_has_no_equality_fields(self, client_for, staff):
        payload = client_for(Role.MANAGER).get(f"/api/v1/employees/{staff['a'].pk}/").json()
        assert payload == {
            "id": staff["a"].pk,
            "esr_number": staff["a"].esr_number,
            "first_name": staff["a"].first_name,
            "last_name": "Ashby",
            "organisation": "RA1",
            "staff_group": "nursing_midwifery",
            "job_role": "Staff Nurse",
        }

    def test_anonymous_is_refused(self, client, staff):
        assert client.get("/api/v1/employees/").status_code == 403

    @pytest.mark.parametrize("role", [Role.BOARD, Role.PROCUREMENT, Role.SUPPLIER])
    def test_roles_without_staff_access_get_empty_list_and_404(self, client_for, staff, role):
        client = client_for(role)
        assert client.get("/api/v1/employees/").json()["count"] == 0
        assert client.get(f"/api/v1/employees/{staff['a'].pk}/").status_code == 404

    def test_query_count_does_not_grow_with_rows(self, client_for, world):
        client = client_for(Role.MANAGER)

        def queries_for_list():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/api/v1/employees/").status_code == 200
            return len(captured)

        EmployeeFactory.create_batch(3, organisation=world.trust_a)
        few = queries_for_list()
        EmployeeFactory.create_batch(30, organisation=world.trust_a)
        assert queries_for_list() == few


def test_staff_page_is_scoped_and_paginated(client_for, world, staff):
    page = client_for(Role.MANAGER).get("/organisations/staff/")
    assert page.status_code == 200
    assert b"Ashby" in page.content and b"Bell" not in page.content
