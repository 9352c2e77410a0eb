"""ESR CSV import: upsert by ESR number, row-by-row report, nothing half-imported."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.esr_import import import_staff_csv
from organisations.models import Employee
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "Employee Number,First Name,Last Name,Date of Birth,Staff Group,Job Role,Work Email Address,"
    "Work Phone Number,Line Manager Email,Gender,Ethnic Origin,Disabled Flag\n"
)
GOOD = HEADER + (
    "12345678,Ada,Lovelace,10/12/1985,Nursing and Midwifery Registered,Staff Nurse,ada@nhs.net,0113 000,,"
    "Female,A White - British,No\n"
    "23456789,Ben,Okri,01/01/1970,Allied Health Professionals,Physiotherapist,,,,Male,M Black Caribbean,Yes\n"
)


def test_good_file_creates_staff_with_equality_fields(world):
    result = import_staff_csv(organisation=world.trust_a, content=GOOD, today=date(2026, 11, 1))
    assert (result.ok, result.created, result.updated) == (True, 2, 0)
    ada = Employee.objects.get(esr_number="12345678")
    assert (ada.organisation, ada.staff_group, ada.sex, ada.ethnic_group, ada.disability, ada.age_band) == (
        world.trust_a,
        "nursing_midwifery",
        "female",
        "white",
        "no",
        "35_44",
    )
    assert Employee.objects.get(esr_number="23456789").ethnic_group == "black"


def test_second_import_updates_by_esr_number(world):
    EmployeeFactory(organisation=world.trust_a, esr_number="12345678", job_role="Healthcare Assistant")
    result = import_staff_csv(organisation=world.trust_a, content=GOOD)
    assert (result.created, result.updated) == (1, 1)
    assert Employee.objects.get(esr_number="12345678").job_role == "Staff Nurse"
    assert Employee.objects.filter(organisation=world.trust_a).count() == 2
    assert Employee.history.filter(esr_number="12345678").count() == 2  # change history kept


def test_line_manager_linked_by_email(world):
    manager = UserFactory(email="boss@nhs.net")
    content = HEADER + "12345678,Ada,Lovelace,10/12/1985,Nursing and Midwifery Registered,Nurse,,,boss@nhs.net,,,\n"
    assert import_staff_csv(organisation=world.trust_a, content=content).ok
    assert Employee.objects.get().line_manager == manager


def test_bad_rows_reported_by_line_and_column_and_nothing_imported(world):
    content = GOOD + (
        "1234,Cy,Twombly,31/02/1990,Nursing and Midwifery Registered,Nurse,,,,,,\n"
        "34567890,,Dee,01/01/1990,Wizards,Nurse,not-an-email,,,Robot,,\n"
        "12345678,Ada,Again,10/12/1985,Nursing and Midwifery Registered,Nurse,,,,,,\n"
    )
    result = import_staff_csv(organisation=world.trust_a, content=content)
    problems = {(p.line, p.column) for p in result.problems}
    assert problems == {
        (4, "Employee Number"),
        (4, "Date of Birth"),
        (5, "First Name"),
        (5, "Staff Group"),
        (5, "Work Email Address"),
        (5, "Gender"),
        (6, "Employee Number"),
    }
    assert "also on line 2" in next(p.message for p in result.problems if p.line == 6)
    assert Employee.objects.count() == 0


def test_missing_columns_are_named(world):
    result = import_staff_csv(organisation=world.trust_a, content="Employee Number,First Name\n1,2\n")
    assert not result.ok
    assert "Last Name" in result.problems[0].column


def test_command_imports_and_fails_loudly(world, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_esr", "RA1", str(good))
    assert Employee.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,,,,,,,,,,,\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_esr", "RA1", str(bad))


class TestImportPage:
    def upload(self, client, content, world):
        file = SimpleUploadedFile("staff.csv", content.encode(), content_type="text/csv")
        return client.post("/organisations/staff/import/", {"organisation": world.trust_a.pk, "file": file})

    def test_ig_lead_imports_and_is_told_the_counts(self, client_for, world):
        response = self.upload(client_for(Role.IG_LEAD), GOOD, world)
        assert response.status_code == 302
        assert Employee.objects.count() == 2

    def test_errors_listed_on_the_page(self, client_for, world):
        response = self.upload(client_for(Role.IG_LEAD), HEADER + "1234,A,B,01/01/1990,Students,Nurse,,,,,,\n", world)
        assert response.status_code == 200
        assert b"Nothing was imported" in response.content
        assert b"An ESR employee number is 8 digits" in response.content
        assert Employee.objects.count() == 0

    def test_the_error_summary_lists_each_problem_linked_to_its_line(self, client_for, world):
        bad = HEADER + "1234,A,B,01/01/1990,Students,Nurse,,,,,,\n" + "12345678,C,D,31/02/1990,Students,Nurse,x,,,,,\n"
        page = self.upload(client_for(Role.IG_LEAD), bad, world).content.decode()
        summary = page[page.index("nhsuk-error-summary") : page.index("</div>\n    </div>")]
        links = re.findall(r'<a href="#(problem-\d+)">([^<]*)</a>', summary)
        assert [text.split(":")[0] for _, text in links] == [
            "Line 2, Employee Number",
            "Line 3, Date of Birth",
            "Line 3, Work Email Address",
        ]
        for anchor, _ in links:  # each link lands on its row of the problems table
            assert f'id="{anchor}"' in page

    def test_oh_admin_imports_for_a_served_organisation_only(self, client_for, world):
        client = client_for(Role.OH_ADMIN)
        assert self.upload(client, GOOD, world).status_code == 302
        file = SimpleUploadedFile("staff.csv", GOOD.encode())
        refused = client.post("/organisations/staff/import/", {"organisation": world.trust_b.pk, "file": file})
        assert refused.status_code == 200 and b"Select a valid choice" in refused.content

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.BOARD, Role.SUPPLIER, Role.CLINICIAN])
    def test_other_roles_are_refused(self, client_for, world, role):
        assert client_for(role).get("/organisations/staff/import/").status_code == 403

    def test_binary_file_is_refused(self, client_for, world):
        file = SimpleUploadedFile("staff.csv", b"\x00\x01PK\x03\x04")
        response = client_for(Role.IG_LEAD).post(
            "/organisations/staff/import/", {"organisation": world.trust_a.pk, "file": file}
        )
        assert b"must be a CSV file" in response.content


def test_every_problem_of_the_file_is_reported_in_one_pass(world):
    """Form errors, unknown line managers and duplicate ESR numbers all at once, even on the same line."""
    bad = HEADER + (
        "12345678,Ada,Lovelace,31/02/1985,Nursing and Midwifery Registered,Staff Nurse,,,nobody@nhs.net,,,\n"
        "23456789,Ben,Okri,01/01/1970,Allied Health Professionals,Physio,not-an-email,,,,,\n"
        "23456789,Cal,Jones,01/01/1971,Allied Health Professionals,Physio,,,,,,\n"
        "34567890,Dee,Smith,01/01/1972,Astronauts,Pilot,,,ghost@nhs.net,,,\n"
        "X1,Eve,Brown,01/01/1973,Allied Health Professionals,Physio,,,,,,\n"
        "X1,Fay,Green,01/01/1974,Allied Health Professionals,Physio,,,,,,\n"
    )
    result = import_staff_csv(organisation=world.trust_a, content=bad, today=date(2026, 11, 1))
    assert sorted((p.line, p.column) for p in result.problems) == [
        (2, "Date of Birth"),
        (2, "Line Manager Email"),
        (3, "Work Email Address"),
        (4, "Employee Number"),
        (5, "Line Manager Email"),
        (5, "Staff Group"),
        (6, "Employee Number"),
        (7, "Employee Number"),
        (7, "Employee Number"),
    ]
    assert "also on line 3" in next(p.message for p in result.problems if p.line == 4)
    assert not Employee.objects.exists()
