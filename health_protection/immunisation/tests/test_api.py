"""The API: whole payloads for records and campaigns, uptake as counts only, recording through the same service
(an expired batch is 409 with its reason), and nothing for the manager, the board or another organisation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AccessKind, AccessLogEntry
from health_protection.immunisation import services
from health_protection.immunisation.models import Vaccination, VaccineBatch
from health_protection.immunisation.services import EntryDetails
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

from . import factories as f

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def running(world, user_for):
    clinician = user_for(Role.CLINICIAN)
    campaign = f.campaign(clinician, world.trust_a)
    batch = f.batch(clinician)
    vaccinator = f.vaccinator_on(campaign, by=clinician)
    return clinician, campaign, batch, vaccinator


def test_a_record_in_full_for_the_oh_service_and_logged(world, running):
    clinician = running[0]
    person = EmployeeFactory(organisation=world.trust_a, esr_number="12345678", first_name="Ada", last_name="Lovel")
    services.add_entry(by=clinician, employee=person, details=EntryDetails("mmr", "dose", timezone.localdate()))
    record = person.immunisation_record
    answer = api(clinician).get(f"/api/v1/immunisation/records/{record.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("reference", "esr_number", "name", "maternity_role", "pre_employment_check")} == {
        "reference": record.reference,
        "esr_number": "12345678",
        "name": "Ada Lovel",
        "maternity_role": False,
        "pre_employment_check": None,
    }
    mmr = next(s for s in body["statuses"] if s["antigen"] == "mmr")
    assert mmr == {
        "antigen": "mmr",
        "state": "under_way",
        "next_step": "Second dose",
        "next_due_on": mmr["next_due_on"],
        "source": "Recorded by occupational health",
    }
    assert [e["kind"] for e in body["entries"]] == ["dose"]
    assert AccessLogEntry.objects.filter(kind=AccessKind.IMMUNISATION, object_id=str(record.pk)).count() == 1
    for role in (Role.MANAGER, Role.BOARD, Role.VACCINATOR):
        outsider = member(role, world.trust_a if role != Role.VACCINATOR else world.oh_service)
        assert api(outsider).get("/api/v1/immunisation/records/").json()["count"] == 0


def test_campaign_uptake_is_counts_for_oh_and_refused_to_a_vaccinator(world, running):
    clinician, campaign, batch, vaccinator = running
    f.staff(world.trust_a, 2, staff_group="medical_dental")
    answer = api(clinician).get(f"/api/v1/immunisation/campaigns/{campaign.pk}/uptake/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["target_percent"] == 80 and body["frontline"]["staff"] == 2
    assert [g["name"] for g in body["groups"]][0] == "All doctors"
    assert api(vaccinator).get(f"/api/v1/immunisation/campaigns/{campaign.pk}/uptake/").status_code == 403
    detail = api(vaccinator).get(f"/api/v1/immunisation/campaigns/{campaign.pk}/").json()
    assert detail["allowed_actions"] == ["record_vaccination"]
    other = member(Role.VACCINATOR, world.other_oh_service)
    assert api(other).get(f"/api/v1/immunisation/campaigns/{campaign.pk}/").status_code == 404


def test_recording_through_the_api_uses_the_same_rule(world, running):
    clinician, campaign, batch, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    url = f"/api/v1/immunisation/campaigns/{campaign.pk}/staff/{person.pk}/vaccination/"
    expired = f.batch(clinician, number="EXP1", expires_in=0)
    VaccineBatch.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=2))
    body = {"outcome": "vaccinated", "consent_given": True, "batch": expired.pk, "site": "left_arm"}
    refused = api(vaccinator).post(url, body, format="json")
    assert refused.status_code == 409 and "EXP1 expired on" in refused.json()["detail"]
    done = api(vaccinator).post(url, {**body, "batch": batch.pk}, format="json")
    assert done.status_code == 201
    assert done.json()["outcome"] == "vaccinated" and Vaccination.objects.get().batch == batch
    for outsider in (member(Role.MANAGER, world.trust_a), member(Role.VACCINATOR, world.other_oh_service)):
        assert api(outsider).post(url, body, format="json").status_code == 404
