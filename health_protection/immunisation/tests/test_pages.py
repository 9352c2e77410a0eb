"""The pages as people use them: a vaccinator works through a ward at a clinic, OH reads uptake and downloads the
national return, a member of staff sees their own record; every read of a record is in the access log."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessKind, AccessLogEntry
from conftest import signed_in_client
from health_protection.immunisation import services
from health_protection.immunisation.models import Outcome, Vaccination, VaccineBatch
from health_protection.immunisation.services import EntryDetails, VaccinationDetails
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(user_for):
    return user_for(Role.CLINICIAN)


@pytest.fixture
def ward(world, clinician):
    campaign = f.campaign(clinician, world.trust_a)
    batch = f.batch(clinician)
    clinic = f.clinic(clinician, campaign, batch_=batch)
    vaccinator = f.vaccinator_on(campaign, by=clinician)
    return campaign, batch, clinic, vaccinator


def test_a_vaccinator_records_a_whole_ward_from_the_clinic_page(world, ward, client_for):
    campaign, batch, clinic, vaccinator = ward
    client = signed_in_client(vaccinator)
    nurses = [EmployeeFactory(organisation=world.trust_a, last_name=f"Wardley{i}") for i in range(6)]
    page = client.get(reverse("immunisation:clinic", args=[clinic.pk]), {"q": "Wardley"})
    assert page.status_code == 200
    assert page.content.decode().count("Not seen yet") == 6
    for i, nurse in enumerate(nurses):
        url = reverse("immunisation:record_vaccination", args=[clinic.pk, nurse.pk])
        form = client.get(url)
        assert f'value="{batch.pk}" selected' in form.content.decode()  # the clinic's batch, offered first
        body = (
            {"outcome": "vaccinated", "consent_given": "on", "batch": batch.pk, "site": "left_arm"}
            if i < 5
            else {"outcome": "declined", "decline_reason": "side_effects"}
        )
        response = client.post(url, body)
        assert response.status_code == 302 and response["Location"] == reverse("immunisation:clinic", args=[clinic.pk])
    assert Vaccination.objects.filter(campaign=campaign, outcome=Outcome.VACCINATED, clinic=clinic).count() == 5
    assert Vaccination.objects.filter(campaign=campaign, outcome=Outcome.DECLINED).count() == 1
    seen = client.get(reverse("immunisation:clinic", args=[clinic.pk])).content.decode()  # no search: seen here
    assert seen.count("Vaccinated, ") == 5 and seen.count("Declined, ") == 1
    reads = AccessLogEntry.objects.filter(user=vaccinator, kind=AccessKind.IMMUNISATION, reason="Clinic list")
    assert reads.count() == 6  # a row per outcome shown


def test_the_clinic_page_refuses_an_expired_batch_in_the_users_words(world, ward, clinician):
    campaign, batch, clinic, vaccinator = ward
    expired = f.batch(clinician, number="OLD9", expires_in=0)
    VaccineBatch.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    expired.refresh_from_db()
    person = EmployeeFactory(organisation=world.trust_a)
    client = signed_in_client(vaccinator)
    url = reverse("immunisation:record_vaccination", args=[clinic.pk, person.pk])
    form = client.get(url).content.decode()
    assert "OLD9, " in form and "(EXPIRED " in form  # still on the list, marked, as the box may be to hand
    body = {"outcome": "vaccinated", "consent_given": "on", "batch": expired.pk, "site": "left_arm"}
    response = client.post(url, body)
    assert response.status_code == 200
    assert f"Batch OLD9 expired on {expired.expires_on:%-d %B %Y} and must not be given." in response.content.decode()
    assert not Vaccination.objects.filter(employee=person).exists()


def test_the_clinic_list_query_count_stays_flat_with_many_staff(world, ward):
    campaign, batch, clinic, vaccinator = ward
    client = signed_in_client(vaccinator)
    url = reverse("immunisation:clinic", args=[clinic.pk])

    def queries_for(n: int, name: str) -> int:
        people = f.staff(world.trust_a, n, last_name=name)
        for person in people[: n // 2]:
            services.record_vaccination(
                by=vaccinator,
                campaign=campaign,
                employee=person,
                details=VaccinationDetails(Outcome.VACCINATED, consent_given=True, batch=batch, site="right_arm"),
                clinic=clinic,
            )
        client.get(url, {"q": name})  # the session, authenticator and unread count are cached after one page
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"q": name}).status_code == 200
        return len(captured)

    few, many = queries_for(4, "Few"), queries_for(40, "Many")
    assert few == many, (few, many)


def test_oh_reads_uptake_and_downloads_the_national_return(world, ward, clinician, client_for):
    campaign, batch, clinic, vaccinator = ward
    doctors = f.staff(world.trust_a, 4, staff_group="medical_dental")
    nurses = f.staff(world.trust_a, 6, staff_group="nursing_midwifery")
    f.staff(world.trust_a, 3, staff_group="admin_clerical")
    for person in [*doctors[:3], *nurses[:3]]:
        services.record_vaccination(
            by=vaccinator,
            campaign=campaign,
            employee=person,
            details=VaccinationDetails(Outcome.VACCINATED, consent_given=True, batch=batch, site="left_arm"),
        )
    services.record_vaccination(
        by=vaccinator,
        campaign=campaign,
        employee=nurses[3],
        details=VaccinationDetails(Outcome.VACCINATED_ELSEWHERE, elsewhere="gp", given_on=timezone.localdate()),
    )
    client = client_for(Role.CLINICIAN)
    page = client.get(reverse("immunisation:uptake", args=[campaign.pk]))
    assert page.status_code == 200
    assert "70%" in page.content.decode()  # 7 of 10 frontline
    response = client.get(reverse("immunisation:national_return", args=[campaign.pk]))
    assert response["Content-Type"].startswith("text/csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    figures = dict(zip(header, row, strict=True))
    start = f"{campaign.starts_on:%-d %B %Y}"
    assert figures["Organisation code"] == "RA1"
    assert figures["All doctors: frontline healthcare workers with direct patient care"] == "4"
    assert figures[f"All doctors: vaccinated since {start}"] == "3"
    assert figures[f"Qualified nurses (including midwives and health visitors): vaccinated since {start}"] == "4"
    assert figures["Total: frontline healthcare workers with direct patient care"] == "10"
    assert figures[f"Total: vaccinated since {start}"] == "7"
    assert AccessLogEntry.objects.filter(kind=AccessKind.EXPORT, reason__startswith="Vaccination uptake").count() == 1


def test_reading_a_record_is_logged_and_the_employee_sees_their_own(world, clinician, user_for, client_for):
    employee_user = user_for(Role.EMPLOYEE)
    person = EmployeeFactory(organisation=world.trust_a, user=employee_user)
    services.add_entry(by=clinician, employee=person, details=EntryDetails("hepatitis_b", "dose", timezone.localdate()))
    page = client_for(Role.CLINICIAN).get(reverse("immunisation:record", args=[person.pk]))
    assert page.status_code == 200 and "Dose 2 of 3" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        kind=AccessKind.IMMUNISATION, employee=person, reason="Immunisation record"
    ).exists()
    mine = signed_in_client(employee_user).get(reverse("immunisation:my_record"))
    assert mine.status_code == 200 and "Dose 2 of 3" in mine.content.decode()
    # Nobody at the employer reads it.
    assert client_for(Role.MANAGER).get(reverse("immunisation:record", args=[person.pk])).status_code == 403
    assert client_for(Role.BOARD).get(reverse("immunisation:staff")).status_code == 403
