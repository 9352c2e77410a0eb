"""The ESR absence extract: every problem of a bad file at once and nothing imported; a good file adds or updates
spells and makes the line managers' suggestions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.proactive.models import AbsenceImport, AbsenceSpell, SupportSuggestion
from commissioning.proactive.services import import_absence_extract
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
HEADER = "Employee Number,Assignment Number,Absence Start Date,Absence End Date,Days Lost,Hours Lost,Absence Reason\n"


@pytest.fixture
def staff(world, user_for):
    manager = user_for(Role.MANAGER)
    return {
        "ada": EmployeeFactory(organisation=world.trust_a, esr_number="12345678", line_manager=manager),
        "ben": EmployeeFactory(organisation=world.trust_a, esr_number="23456789", line_manager=manager),
        "manager": manager,
    }


GOOD = HEADER + (
    "12345678,12345678-2,01/09/2026,05/10/2026,35,262.5,S98 Other known causes - not elsewhere classified\n"
    "23456789,,02/06/2026,03/06/2026,2,15,\n"
    "23456789,,2026-08-10,2026-08-11,2,15,\n"
    "23456789,,12/11/2026,,,,\n"
)
BAD = HEADER + (
    "1234,,01/09/2026,,,,\n"  # malformed ESR number
    "99999999,,01/09/2026,,,,\n"  # nobody of this trust
    "12345678,,31/02/2026,,,,\n"  # no such date
    "12345678,,01/10/2026,01/09/2026,x,,\n"  # ends before it starts; days not a number
    "23456789,,01/12/2099,,,,\n"  # in the future
    "23456789,,02/06/2026,,,,\n"
    "23456789,,02/06/2026,,,,\n"  # the same absence twice
)


def test_bad_file_reports_every_problem_and_imports_nothing(world, staff, user_for):
    result = import_absence_extract(
        organisation=world.trust_a, by=user_for(Role.IG_LEAD), content=BAD, file_name="a.csv", today=TODAY
    )
    assert not result.ok
    found = [(p.line, p.column) for p in result.problems]
    assert found == [
        (2, "Employee Number"),
        (3, "Employee Number"),
        (4, "Absence Start Date"),
        (5, "Days Lost"),
        (5, "Absence End Date"),
        (6, "Absence Start Date"),
        (8, "Absence Start Date"),
    ]
    messages = " ".join(p.message for p in result.problems)
    assert "No staff record of Trust A has ESR number 99999999" in messages
    assert "also on line 7" in messages
    assert "before its start date" in messages
    assert not AbsenceSpell.objects.exists() and not AbsenceImport.objects.exists()


def test_missing_heading_is_one_problem(world, staff, user_for):
    result = import_absence_extract(
        organisation=world.trust_a, by=user_for(Role.IG_LEAD), content="Employee Number\n1\n", file_name="a.csv"
    )
    assert [(p.line, p.column) for p in result.problems] == [(1, "Absence Start Date")]


def test_good_file_imports_spells_and_suggests_for_both_rules(world, staff, user_for):
    ig = user_for(Role.IG_LEAD)
    result = import_absence_extract(organisation=world.trust_a, by=ig, content=GOOD, file_name="a.csv", today=TODAY)
    assert (result.ok, result.created, result.updated) == (True, 4, 0)
    ada = AbsenceSpell.objects.get(employee=staff["ada"])
    assert (ada.days_lost, ada.hours_lost, ada.assignment_number) == (35, 262.5, "12345678-2")
    assert ada.reason_code.startswith("S98")
    suggestions = {s.employee.esr_number: s for s in SupportSuggestion.objects.all()}
    assert suggestions["12345678"].days_lost == 35  # 28 days or more
    ben = suggestions["23456789"]
    # 3 spells in 6 months; the ongoing one counts its calendar days so far (12 to 20 November: 9)
    assert (ben.spells, ben.days_lost, ben.absent_since) == (3, 13, date(2026, 11, 12))


def test_second_extract_updates_a_spell_by_its_start_and_keeps_one_suggestion(world, staff, user_for):
    ig = user_for(Role.IG_LEAD)
    import_absence_extract(organisation=world.trust_a, by=ig, content=GOOD, file_name="a.csv", today=TODAY)
    later = HEADER + "23456789,,12/11/2026,18/11/2026,5,37.5,\n"
    result = import_absence_extract(organisation=world.trust_a, by=ig, content=later, file_name="b.csv", today=TODAY)
    assert (result.created, result.updated) == (0, 1)
    spell = AbsenceSpell.objects.get(employee=staff["ben"], starts_on=date(2026, 11, 12))
    assert (spell.ends_on, spell.days_lost, spell.imported_in.file_name) == (date(2026, 11, 18), 5, "b.csv")
    ben = SupportSuggestion.objects.get(employee=staff["ben"])
    assert (ben.days_lost, ben.absent_since) == (9, None)


def test_import_page_keeps_the_file_name_and_lists_every_problem(world, staff, client_for):
    client = client_for(Role.IG_LEAD)
    url = reverse("proactive:absence_import")
    upload = SimpleUploadedFile("absence-nov.csv", BAD.encode(), content_type="text/csv")
    response = client.post(url, {"organisation": world.trust_a.pk, "file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported from absence-nov.csv: 7 problems to fix" in page
    assert page.count('id="problem-') == 7
    upload = SimpleUploadedFile("absence-nov.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(url, {"organisation": world.trust_a.pk, "file": upload}, follow=True)
    assert "Imported absence-nov.csv: 4 new and 0 updated absence spells" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.BOARD, Role.CLINICIAN, Role.PROCUREMENT])
def test_only_the_staff_file_importers_may_import(role, client_for):
    assert client_for(role).get(reverse("proactive:absence_import")).status_code == 403


def test_oh_admin_imports_only_for_organisations_it_serves(world, staff, client_for):
    client = client_for(Role.OH_ADMIN)
    upload = SimpleUploadedFile("a.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(reverse("proactive:absence_import"), {"organisation": world.trust_b.pk, "file": upload})
    assert "Choose" in response.content.decode() or response.status_code == 200
    assert not AbsenceSpell.objects.exists()
