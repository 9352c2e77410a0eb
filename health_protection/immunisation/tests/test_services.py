"""The services: records built on the pre-employment check, recalls through the outbox, and the campaign rules (an
expired batch refused, consent first, one outcome per person, vaccinators only on their own campaign)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from health_protection.immunisation import selectors, services
from health_protection.immunisation.actions import ImmunisationError, allowed_campaign_actions
from health_protection.immunisation.models import (
    Antigen,
    AntigenState,
    AntigenStatus,
    Campaign,
    CampaignClinic,
    CampaignVaccinator,
    EntryKind,
    ImmunisationRecord,
    Outcome,
    Vaccination,
    VaccineBatch,
)
from health_protection.immunisation.services import EntryDetails, VaccinationDetails
from notifications.models import OutboxMessage
from notifications.services import FORBIDDEN_CONTEXT_KEYS
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(user_for):
    return user_for(Role.CLINICIAN)


def test_a_record_shows_the_pre_employment_checks_immunisations_without_typing_them_again(world, user_for, clinician):
    check = f.cleared_check(user_for(Role.RECRUITER), clinician, email="new.starter@example.nhs.uk")
    employee = EmployeeFactory(organisation=world.trust_a, email="New.Starter@example.nhs.uk")
    record = services.open_record(by=clinician, employee=employee)
    assert record.pre_employment_check == check
    assert record.oh_service == world.oh_service
    states = {s.antigen: s for s in record.statuses.all()}
    assert states[Antigen.MMR].state == AntigenState.COMPLETE
    assert states[Antigen.MMR].source.startswith(f"Pre-employment check {check.reference}")
    assert states[Antigen.HEPATITIS_B].state == AntigenState.ACTION_NEEDED  # outstanding at the check
    assert states[Antigen.HEPATITIS_B].next_due_on == timezone.localdate()
    assert states[Antigen.PERTUSSIS].state == AntigenState.NOT_REQUIRED
    # The check's own row is the one read: nothing was copied into the record.
    check.immunisations.mmr = "outstanding"
    check.immunisations.save()
    services.refresh_statuses(record)
    assert record.statuses.get(antigen=Antigen.MMR).state == AntigenState.ACTION_NEEDED


def test_a_check_of_another_organisation_or_address_is_not_linked(world, user_for, clinician):
    f.cleared_check(user_for(Role.RECRUITER), clinician, email="someone@example.nhs.uk")
    elsewhere = EmployeeFactory(organisation=world.trust_b, email="someone@example.nhs.uk")
    assert selectors.matching_check(elsewhere) is None
    other = EmployeeFactory(organisation=world.trust_a, email="other@example.nhs.uk")
    assert services.open_record(by=clinician, employee=other).pre_employment_check is None


def test_entries_move_the_course_on(world, clinician):
    employee = EmployeeFactory(organisation=world.trust_a)
    first = date.today() - timedelta(days=40)
    services.add_entry(
        by=clinician, employee=employee, details=EntryDetails(Antigen.HEPATITIS_B, EntryKind.DOSE, first)
    )
    status = AntigenStatus.objects.get(record__employee=employee, antigen=Antigen.HEPATITIS_B)
    assert (status.state, status.next_step) == (AntigenState.UNDER_WAY, "Dose 2 of 3")
    with pytest.raises(ImmunisationError, match="antibody level"):
        services.add_entry(
            by=clinician, employee=employee, details=EntryDetails(Antigen.HEPATITIS_B, EntryKind.ANTIBODY, first)
        )
    with pytest.raises(ImmunisationError, match="not something recorded"):
        services.add_entry(
            by=clinician, employee=employee, details=EntryDetails(Antigen.MMR, EntryKind.ANTIBODY, first)
        )


@pytest.mark.parametrize("role", [Role.OH_ADMIN, Role.MANAGER, Role.VACCINATOR, Role.BOARD])
def test_only_the_holding_services_clinicians_add_to_a_record(world, user_for, role):
    employee = EmployeeFactory(organisation=world.trust_a)
    with pytest.raises(PermissionDenied):
        services.add_entry(
            by=user_for(role), employee=employee, details=EntryDetails(Antigen.MMR, EntryKind.DOSE, date.today())
        )
    other_clinician = member(Role.CLINICIAN, world.other_oh_service)
    with pytest.raises(PermissionDenied):
        services.add_entry(
            by=other_clinician, employee=employee, details=EntryDetails(Antigen.MMR, EntryKind.DOSE, date.today())
        )


def test_recalls_go_through_the_outbox_once_with_no_health_detail(
    world, clinician, user_for, django_capture_on_commit_callbacks
):
    employee = EmployeeFactory(organisation=world.trust_a, user=user_for(Role.EMPLOYEE), email="nurse@example.nhs.uk")
    services.add_entry(
        by=clinician,
        employee=employee,
        details=EntryDetails(Antigen.MMR, EntryKind.DOSE, date.today() - timedelta(days=60)),
    )  # second dose due a month after the first: overdue by a month
    with django_capture_on_commit_callbacks():
        assert services.send_recalls() == 2  # due, and 28 days overdue
    assert services.send_recalls() == 0  # run twice: nothing new
    messages = OutboxMessage.objects.filter(template__startswith="immunisation_recall")
    assert messages.count() == 2
    for message in messages:
        assert not FORBIDDEN_CONTEXT_KEYS & set(message.context)
        text = " ".join(str(v) for v in message.context.values()).lower()
        assert "mmr" not in text and "measles" not in text and "dose" not in text


# --- campaigns ------------------------------------------------------------------------------------------------------


@pytest.fixture
def running(world, clinician):
    campaign = f.campaign(clinician, world.trust_a)
    batch = f.batch(clinician)
    clinic = f.clinic(clinician, campaign, batch_=batch)
    vaccinator = f.vaccinator_on(campaign, by=clinician)
    return campaign, batch, clinic, vaccinator


def vaccinated(batch: VaccineBatch) -> VaccinationDetails:
    return VaccinationDetails(Outcome.VACCINATED, consent_given=True, batch=batch, site="left_arm")


def test_a_vaccinator_records_a_vaccination_with_consent_and_batch(world, running):
    campaign, batch, clinic, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    v = services.record_vaccination(
        by=vaccinator, campaign=campaign, employee=person, details=vaccinated(batch), clinic=clinic
    )
    assert (v.outcome, v.batch, v.given_on, v.clinic) == (Outcome.VACCINATED, batch, timezone.localdate(), clinic)
    with pytest.raises(ImmunisationError, match="already recorded as vaccinated"):
        services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=vaccinated(batch))


def test_an_expired_batch_is_refused_in_the_users_words(world, running, clinician):
    campaign, batch, clinic, vaccinator = running
    expired = f.batch(clinician, number="OLD1", expires_in=3)
    person = EmployeeFactory(organisation=world.trust_a)
    with time_machine.travel(timezone.now() + timedelta(days=5)), pytest.raises(ImmunisationError) as refused:
        services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=vaccinated(expired))
    expiry = f"{expired.expires_on:%-d %B %Y}"
    assert str(refused.value) == (
        f"Batch OLD1 expired on {expiry} and must not be given. Take a batch that is in date, and set the expired one "
        "aside."
    )
    assert not Vaccination.objects.filter(employee=person).exists()


def test_consent_first_a_covid_batch_not_for_flu_and_a_decline_needs_its_reason(world, running, clinician):
    campaign, batch, clinic, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    with pytest.raises(ImmunisationError, match="consent"):
        services.record_vaccination(
            by=vaccinator,
            campaign=campaign,
            employee=person,
            details=VaccinationDetails(Outcome.VACCINATED, batch=batch, site="left_arm"),
        )
    covid = f.batch(clinician, kind="covid_19", number="COV1")
    with pytest.raises(ImmunisationError, match="COVID-19 vaccine: this is a Flu campaign"):
        services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=vaccinated(covid))
    with pytest.raises(ImmunisationError, match="reason"):
        services.record_vaccination(
            by=vaccinator, campaign=campaign, employee=person, details=VaccinationDetails(Outcome.DECLINED)
        )


def test_a_decline_can_become_a_vaccination(world, running):
    campaign, batch, clinic, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    services.record_vaccination(
        by=vaccinator,
        campaign=campaign,
        employee=person,
        details=VaccinationDetails(Outcome.DECLINED, decline_reason="later"),
    )
    v = services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=vaccinated(batch))
    assert (v.outcome, v.decline_reason) == (Outcome.VACCINATED, "")
    assert Vaccination.objects.filter(employee=person).count() == 1


def test_vaccinated_elsewhere_counts_from_the_date_given(world, running):
    campaign, batch, clinic, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    when = timezone.localdate() - timedelta(days=3)
    details = VaccinationDetails(Outcome.VACCINATED_ELSEWHERE, elsewhere="pharmacy", given_on=when)
    assert (
        services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=details).given_on == when
    )
    with pytest.raises(ImmunisationError, match="future"):
        later = VaccinationDetails(
            Outcome.VACCINATED_ELSEWHERE, elsewhere="gp", given_on=timezone.localdate() + timedelta(days=1)
        )
        services.record_vaccination(
            by=vaccinator, campaign=campaign, employee=EmployeeFactory(organisation=world.trust_a), details=later
        )


def test_vaccinators_only_on_their_own_campaign_and_staff(world, running, clinician):
    campaign, batch, clinic, vaccinator = running
    person = EmployeeFactory(organisation=world.trust_a)
    not_named = member(Role.VACCINATOR, world.oh_service)
    other_org = member(Role.VACCINATOR, world.other_oh_service)
    for user in (not_named, other_org, member(Role.MANAGER, world.trust_a), member(Role.BOARD, world.trust_a)):
        with pytest.raises(PermissionDenied):
            services.record_vaccination(by=user, campaign=campaign, employee=person, details=vaccinated(batch))
        assert allowed_campaign_actions(user, campaign) == frozenset()
    with pytest.raises(ImmunisationError, match="not a vaccinator of"):
        services.name_vaccinator(by=clinician, campaign=campaign, user=other_org)
    with pytest.raises(ImmunisationError, match="not on the staff"):
        services.record_vaccination(
            by=vaccinator,
            campaign=campaign,
            employee=EmployeeFactory(organisation=world.trust_b),
            details=vaccinated(batch),
        )
    peer = f.vaccinator_on(campaign, world.trust_a, by=clinician)  # a peer vaccinator on the trust's wards
    assert "record_vaccination" in allowed_campaign_actions(peer, campaign)


def test_nothing_is_recorded_outside_the_campaigns_dates(world, clinician):
    today = timezone.localdate()
    planned = f.campaign(
        clinician, world.trust_a, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=100)
    )
    ended = f.campaign(
        clinician,
        world.trust_a,
        kind="covid_19",
        starts_on=today - timedelta(days=100),
        ends_on=today - timedelta(days=1),
    )
    batch = f.batch(clinician)
    for campaign, words in ((planned, "has not started yet"), (ended, "ended on")):
        vaccinator = member(Role.VACCINATOR, world.oh_service)
        CampaignVaccinator.objects.create(campaign=campaign, user=vaccinator, added_by=clinician)  # named before
        with pytest.raises(ImmunisationError, match=words):
            services.record_vaccination(
                by=vaccinator,
                campaign=campaign,
                employee=EmployeeFactory(organisation=world.trust_a),
                details=vaccinated(batch),
            )
    assert allowed_campaign_actions(clinician, ended) == {"see_uptake"}


# --- who sees what --------------------------------------------------------------------------------------------------


def test_visible_to(world, running, clinician, user_for):
    campaign, batch, clinic, vaccinator = running
    own_user = user_for(Role.EMPLOYEE)
    person = EmployeeFactory(organisation=world.trust_a, user=own_user)
    services.record_vaccination(by=vaccinator, campaign=campaign, employee=person, details=vaccinated(batch))
    services.add_entry(by=clinician, employee=person, details=EntryDetails(Antigen.MMR, EntryKind.DOSE, date.today()))
    sees = {
        "clinician": clinician,
        "oh_admin": user_for(Role.OH_ADMIN),
        "vaccinator": vaccinator,
        "employee": own_user,
        "oh_ig_lead": member(Role.IG_LEAD, world.oh_service),
        "manager": user_for(Role.MANAGER),
        "board": user_for(Role.BOARD),
        "trust_ig_lead": user_for(Role.IG_LEAD),
        "other_vaccinator": member(Role.VACCINATOR, world.other_oh_service),
        "unnamed_vaccinator": member(Role.VACCINATOR, world.oh_service),
        "other_clinician": member(Role.CLINICIAN, world.other_oh_service),
    }
    seen = {
        name: (
            ImmunisationRecord.objects.visible_to(user).count(),
            Vaccination.objects.visible_to(user).count(),
            Campaign.objects.visible_to(user).count(),
            CampaignClinic.objects.visible_to(user).count(),
            VaccineBatch.objects.visible_to(user).count(),
        )
        for name, user in sees.items()
    }
    assert seen == {
        "clinician": (1, 1, 1, 1, 1),
        "oh_admin": (1, 1, 1, 1, 1),
        "vaccinator": (0, 1, 1, 1, 1),  # the campaign's list, never the staff record
        "employee": (1, 1, 0, 0, 0),
        "oh_ig_lead": (1, 1, 0, 0, 0),
        "manager": (0, 0, 0, 0, 0),
        "board": (0, 0, 0, 0, 0),
        "trust_ig_lead": (0, 0, 0, 0, 0),
        "other_vaccinator": (0, 0, 0, 0, 0),
        "unnamed_vaccinator": (0, 0, 0, 0, 0),
        "other_clinician": (0, 0, 0, 0, 0),
    }
