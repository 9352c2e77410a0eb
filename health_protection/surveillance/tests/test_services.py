"""Surveillance programmes through their services: enrolment by rule and by name, recall links and chasers (each
once, however often the tasks run), answers sent back, results moving the date due on, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from health_protection.surveillance import selectors, services, tasks
from health_protection.surveillance.actions import SurveillanceError, allowed_actions
from health_protection.surveillance.models import (
    Basis,
    Enrolment,
    Invitation,
    Outcome,
    ProgrammeKind,
    RecallPurpose,
    Recording,
    Result,
)
from health_protection.surveillance.presenters import enrolment_values, status_of
from health_protection.surveillance.status import Status, add_months, status_on
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory

from .factories import enrolled, link_token, programme

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 10, 9, 0)), tick=False):
        yield


@pytest.fixture
def people(user_for, world):
    clinician, oh_admin = user_for(Role.CLINICIAN), user_for(Role.OH_ADMIN)
    manager = user_for(Role.MANAGER)
    return {"clinician": clinician, "oh_admin": oh_admin, "manager": manager}


@pytest.fixture
def noise(people, world):
    return programme(by=people["oh_admin"], organisation=world.trust_a, kind=ProgrammeKind.NOISE)


def _links(enrolment: Enrolment) -> list[str]:
    keys = [f"surveillance-link-{i.pk}" for i in enrolment.invitations.all()]
    return [m.context["link"] for m in OutboxMessage.objects.filter(idempotency_key__in=keys).order_by("pk")]


def test_statuses_and_months():
    assert status_on(TODAY - timedelta(days=1), TODAY) == Status.OVERDUE
    assert status_on(TODAY, TODAY) == Status.DUE
    assert status_on(TODAY + timedelta(days=28), TODAY) == Status.DUE
    assert status_on(TODAY + timedelta(days=29), TODAY) == Status.UP_TO_DATE
    assert status_on(TODAY, TODAY, ended=True) == Status.ENDED
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_only_the_serving_oh_service_starts_a_programme(world, user_for, people):
    with pytest.raises(PermissionDenied):
        programme(by=people["manager"], organisation=world.trust_a)
    with pytest.raises(SurveillanceError, match="does not serve"):
        programme(by=people["oh_admin"], organisation=world.trust_b)
    custom = programme(
        by=people["clinician"],
        organisation=world.trust_a,
        kind=ProgrammeKind.CUSTOM,
        name="Latex sensitisation",
        recording=Recording.CATEGORY,
        categories="No reaction\nReaction",
        interval_months=24,
    )
    assert (custom.name, custom.recording, custom.interval_months) == ("Latex sensitisation", "category", 24)
    with pytest.raises(SurveillanceError, match="categories"):
        programme(
            by=people["clinician"],
            organisation=world.trust_a,
            kind=ProgrammeKind.CUSTOM,
            name="X",
            recording=Recording.CATEGORY,
        )


def test_rules_enrol_matching_staff_once(world, people, noise):
    by = people["oh_admin"]
    porter = EmployeeFactory(organisation=world.trust_a, job_role="Porter", email="p@example.nhs.uk")
    estates = EmployeeFactory(organisation=world.trust_a, job_role="Electrician", department="Estates")
    EmployeeFactory(organisation=world.trust_a, job_role="Staff Nurse", department="Ward 3")
    EmployeeFactory(organisation=world.trust_b, job_role="Porter")  # another employer's porter
    services.add_rule(programme=noise, by=by, basis=Basis.JOB_ROLE, value="porter")
    services.add_rule(programme=noise, by=by, basis=Basis.DEPARTMENT, value="Estates")
    with pytest.raises(SurveillanceError, match="already"):
        services.add_rule(programme=noise, by=by, basis=Basis.JOB_ROLE, value="PORTER")
    assert services.apply_rules(programme=noise, by=by) == 2
    assert services.apply_rules(programme=noise, by=by) == 0  # run again: nobody twice
    enrolments = {e.employee_id: e for e in Enrolment.objects.filter(programme=noise)}
    assert set(enrolments) == {porter.pk, estates.pk}
    assert enrolments[porter.pk].basis == Basis.JOB_ROLE and enrolments[estates.pk].basis == Basis.DEPARTMENT
    assert enrolments[porter.pk].due_on == TODAY + timedelta(days=28)
    with pytest.raises(SurveillanceError, match="already under"):
        services.enrol(programme=noise, by=by, employee=porter)
    with pytest.raises(SurveillanceError, match="not on the staff"):
        services.enrol(programme=noise, by=by, employee=EmployeeFactory(organisation=world.trust_b))


def test_another_oh_service_cannot_touch_the_programme(world, user_for, noise):
    other_admin = user_for(Role.OH_ADMIN, world.other_oh_service)
    with pytest.raises(PermissionDenied):
        services.add_rule(programme=noise, by=other_admin, basis=Basis.JOB_ROLE, value="Porter")
    with pytest.raises(PermissionDenied):
        services.enrol(programme=noise, by=other_admin, employee=EmployeeFactory(organisation=world.trust_a))


def test_recall_and_chasers_go_once_each_with_a_working_link(world, people, noise):
    enrolment = enrolled(by=people["oh_admin"], programme=noise, first_due_on=TODAY + timedelta(days=20))
    far = enrolled(by=people["oh_admin"], programme=noise, first_due_on=TODAY + timedelta(days=60))
    assert tasks.send_recalls() == 1
    assert tasks.send_recalls() == 0  # idempotent
    assert far.invitations.count() == 0
    recall = enrolment.invitations.get()
    assert (recall.purpose, recall.for_due_on) == (RecallPurpose.RECALL, enrolment.due_on)
    message = OutboxMessage.objects.get(idempotency_key=f"surveillance-link-{recall.pk}")
    assert message.template == "surveillance_recall" and message.to_address == "staff@example.nhs.uk"
    assert "/surveillance/recall/" in message.context["link"]

    # Overdue: the day after the date due the first chaser, with a new link (the old one stops working), and
    # the line manager hears that someone is overdue.
    enrolment.employee.line_manager = people["manager"]
    enrolment.employee.save()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 31, 9, 0)), tick=False):
        assert tasks.chase_overdue() == 1
        assert tasks.chase_overdue() == 0
    first, second = _links(enrolment)
    with pytest.raises(services.LinkProblem):
        services.resolve_link(link_token(first))
    assert services.resolve_link(link_token(second)).purpose == RecallPurpose.CHASER
    manager_note = OutboxMessage.objects.get(template="surveillance_staff_overdue")
    assert manager_note.recipient == people["manager"] and "programme" not in manager_note.context
    # Two weeks later the second round; after three rounds, no more (on day 60 only the other person, by then
    # overdue too, gets a first reminder).
    for day, expected in ((14, 0), (15, 1), (29, 1), (38, 0), (60, 1)):
        when = timezone.make_aware(timezone.datetime(2026, 3, 30, 9, 0)) + timedelta(days=day)
        with time_machine.travel(when, tick=False):
            assert tasks.chase_overdue() == expected, day
    assert enrolment.invitations.filter(purpose=RecallPurpose.CHASER).count() == 3
    assert OutboxMessage.objects.filter(template="surveillance_staff_overdue").count() == 1


def test_answers_sent_once_then_reviewed_by_the_result(world, people, noise):
    enrolment = enrolled(by=people["oh_admin"], programme=noise, first_due_on=TODAY)
    services.send_recall(enrolment=enrolment)
    token = link_token(_links(enrolment)[0])
    services.submit_answers(
        raw_token=token, answers={"hearing": "yes", "hearing_details": "In the canteen", "tinnitus": "no", "x": "y"}
    )
    with pytest.raises(services.LinkProblem) as used:
        services.submit_answers(raw_token=token, answers={})
    assert used.value.kind == "used"
    answered = Invitation.objects.get(enrolment=enrolment)
    assert answered.answers == {"hearing": "yes", "hearing_details": "In the canteen", "tinnitus": "no"}
    assert list(selectors.review_queue(user=people["clinician"])) == [enrolment]
    # Answers are back for this date due: no chaser for it.
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 12, 9, 0)), tick=False):
        assert tasks.chase_overdue() == 0

    result = services.record_result(
        enrolment=enrolment,
        by=people["clinician"],
        performed_on=TODAY,
        outcome=Outcome.FIT,
        category="Category 2: mild hearing impairment",
        findings="Mild loss at 4 kHz",
    )
    assert result.invitation == answered
    enrolment.refresh_from_db()
    assert (enrolment.due_on, enrolment.last_outcome, enrolment.last_checked_on) == (
        date(2027, 3, 10),
        Outcome.FIT,
        TODAY,
    )
    assert status_of(enrolment) == Status.UP_TO_DATE
    assert list(selectors.review_queue(user=people["clinician"])) == []


def test_a_result_records_what_the_programme_records(world, people):
    spirometry = programme(by=people["clinician"], organisation=world.trust_a, kind=ProgrammeKind.RESPIRATORY)
    enrolment = enrolled(by=people["clinician"], programme=spirometry)
    clinician = people["clinician"]
    record = services.record_result
    with pytest.raises(SurveillanceError, match="FEV1"):
        record(enrolment=enrolment, by=clinician, performed_on=TODAY, outcome=Outcome.FIT, values={"fev1": "x"})
    with pytest.raises(SurveillanceError, match="more than FVC"):
        record(
            enrolment=enrolment,
            by=clinician,
            performed_on=TODAY,
            outcome=Outcome.FIT,
            values={"fev1": "4.1", "fvc": "3.9"},
        )
    with pytest.raises(SurveillanceError, match="restrictions"):
        record(
            enrolment=enrolment,
            by=clinician,
            performed_on=TODAY,
            outcome=Outcome.FIT_WITH_RESTRICTIONS,
            values={"fev1": "3.1", "fvc": "3.9"},
        )
    with pytest.raises(SurveillanceError, match="future"):
        record(
            enrolment=enrolment,
            by=clinician,
            performed_on=TODAY + timedelta(days=1),
            outcome=Outcome.FIT,
            values={"fev1": "3.1", "fvc": "3.9"},
        )
    result = record(
        enrolment=enrolment,
        by=clinician,
        performed_on=TODAY,
        outcome=Outcome.REFER,
        values={"fev1": "2.9", "fvc": "4.0"},
        next_due_on=TODAY + timedelta(days=90),
    )
    assert result.values == {"fev1": "2.9", "fvc": "4.0", "fev1_fvc_percent": "72.5"}
    enrolment.refresh_from_db()
    assert enrolment.due_on == TODAY + timedelta(days=90)
    noise = programme(by=clinician, organisation=world.trust_a)
    other = enrolled(by=clinician, programme=noise)
    with pytest.raises(SurveillanceError, match="category"):
        record(enrolment=other, by=clinician, performed_on=TODAY, outcome=Outcome.FIT, category="Loud")


def test_only_the_services_clinicians_record_results(world, people, user_for, noise):
    enrolment = enrolled(by=people["oh_admin"], programme=noise)
    for user in (people["oh_admin"], people["manager"], user_for(Role.CLINICIAN, world.other_oh_service)):
        with pytest.raises(PermissionDenied):
            services.record_result(
                enrolment=enrolment,
                by=user,
                performed_on=TODAY,
                outcome=Outcome.FIT,
                category="Category 1: acceptable hearing",
            )
    assert allowed_actions(people["clinician"], enrolment) == ["record_result", "invite", "end"]
    assert allowed_actions(people["oh_admin"], enrolment) == ["invite", "end"]
    assert allowed_actions(people["manager"], enrolment) == []
    enrolment = services.end_enrolment(enrolment=enrolment, by=people["oh_admin"], reason="Moved to a quiet role")
    assert allowed_actions(people["clinician"], enrolment) == []
    with pytest.raises(SurveillanceError, match="left the programme"):
        services.invite(enrolment=enrolment, by=people["oh_admin"])
    assert tasks.send_recalls() == 0


def test_a_manager_sees_status_and_outcome_of_own_staff_only(world, people, user_for, noise):
    manager = people["manager"]
    mine = enrolled(by=people["oh_admin"], programme=noise, line_manager=manager)
    enrolled(by=people["oh_admin"], programme=noise)  # someone else's report
    services.record_result(
        enrolment=mine,
        by=people["clinician"],
        performed_on=TODAY,
        outcome=Outcome.FIT_WITH_RESTRICTIONS,
        restrictions="No work above 85 dB",
        category="Category 3: poor hearing",
        findings="Referred to audiology",
    )
    assert list(selectors.team(user=manager)) == [mine]
    values = enrolment_values(manager, selectors.team(user=manager).get())
    assert values == {
        "id": mine.pk,
        "reference": mine.reference,
        "employee_name": mine.employee.full_name,
        "programme_name": "Noise (audiometry)",
        "status": "up_to_date",
        "due_on": date(2027, 3, 10),
        "outcome": "fit_with_restrictions",
    }
    assert not selectors.results(user=manager, enrolment=mine).exists()
    assert not selectors.results(user=people["oh_admin"], enrolment=mine).exists()
    assert selectors.results(user=people["clinician"], enrolment=mine).count() == 1
    assert not Result.objects.visible_to(user_for(Role.CLINICIAN, world.other_oh_service)).exists()
    assert not Enrolment.objects.visible_to(user_for(Role.MANAGER, world.trust_b)).exists()
    assert not Enrolment.objects.visible_to(user_for(Role.BOARD)).exists()
    told = OutboxMessage.objects.get(template="surveillance_check_recorded")
    assert told.recipient == manager and set(told.context) == {"organisation", "link"}
