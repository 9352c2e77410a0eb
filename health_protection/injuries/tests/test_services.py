"""The pathway through the services: reported the same day or recorded by OH, alerted as urgent, risk assessed with
PEP advised within the hour, the source's status asked for, tests at 6, 12 and 24 weeks booked and done, closed.
The manager is told of the incident and the plan, never of a result."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from health_protection.injuries import services
from health_protection.injuries.actions import InjuryError
from health_protection.injuries.models import (
    BbvStatus,
    BloodTestStatus,
    HepBImmunity,
    InjuryStatus,
    InoculationInjury,
    PepAdvice,
    ReportedVia,
    Risk,
)
from notifications.models import Notification, OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

from .factories import injury_at, people_of

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Words that would tell a reader of an e-mail or notification something clinical.
CLINICAL_WORDS = (
    "positive",
    "negative",
    "high-risk",
    "low-risk",
    "significant exposure",
    "started",
    "hepatitis",
    "hiv",
    "needle slipped",
    "bed 4",
    "deep puncture",
)


def _messages(template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=template).order_by("pk"))


def test_a_member_of_staff_reports_their_own_injury_and_oh_is_alerted_urgently(world, people):
    other_clinician = member(Role.CLINICIAN, world.other_oh_service)
    injury = injury_at(people)
    assert (injury.status, injury.reported_via, injury.oh_service) == (
        InjuryStatus.REPORTED,
        ReportedVia.SELF,
        world.oh_service,
    )
    assert injury.reference == f"INJ-{injury.pk:06d}"
    alerted = {m.recipient for m in _messages("injuries_reported")}
    assert alerted == {people.oh_admin, people.clinician}  # the service's OH staff, not another service's
    assert other_clinician not in alerted
    (told,) = _messages("injuries_incident_for_manager")
    assert told.recipient == people.manager
    assert Notification.objects.filter(user=people.manager, link=f"/injuries/{injury.pk}/").exists()


def test_oh_records_an_injury_phoned_in_by_a_member_of_staff_without_an_account(world, people):
    employee = EmployeeFactory(organisation=world.trust_a, line_manager=people.manager, email="ward7@example.nhs.uk")
    injury = services.report_injury(
        by=people.oh_admin,
        employee=employee,
        kind="splash",
        occurred_at=timezone.now() - timedelta(minutes=5),
        location="Emergency department",
        how_it_happened="Splash to the eye during cannulation",
    )
    assert injury.reported_via == ReportedVia.OH and injury.reported_by == people.oh_admin


@pytest.mark.parametrize("role", [Role.MANAGER, Role.BOARD, Role.RECRUITER, Role.IG_LEAD, Role.PROCUREMENT])
def test_nobody_else_reports_an_injury(world, people, role):
    with pytest.raises(PermissionDenied):
        services.report_injury(
            by=member(role, world.trust_a),
            employee=people.employee,
            kind="sharps",
            occurred_at=timezone.now(),
            location="Ward",
            how_it_happened="Needle",
        )


def test_a_member_of_staff_reports_only_their_own_and_another_service_records_none_of_trust_a(world, people):
    colleague = EmployeeFactory(organisation=world.trust_a)
    report = {"kind": "bite", "occurred_at": timezone.now(), "location": "Ward", "how_it_happened": "Bitten"}
    with pytest.raises(PermissionDenied):
        services.report_injury(by=people.employee_user, employee=colleague, **report)
    with pytest.raises(PermissionDenied):
        services.report_injury(by=member(Role.OH_ADMIN, world.other_oh_service), employee=people.employee, **report)
    assert not InoculationInjury.objects.exists()


def test_an_injury_in_the_future_is_refused(people):
    with pytest.raises(InjuryError, match="future"):
        injury_at(people, occurred_at=timezone.now() + timedelta(hours=1))


def test_no_message_carries_anything_clinical(people):
    injury_at(people, "closed")
    messages = list(OutboxMessage.objects.all())
    assert {m.template for m in messages} >= {
        "injuries_reported",
        "injuries_incident_for_manager",
        "injuries_plan_for_manager",
        "injuries_plan_for_employee",
        "injuries_test_booked",
        "injuries_closed_for_manager",
    }
    for message in messages:
        text = " ".join(str(v) for v in message.context.values()).lower()
        rendered = " ".join(n.title + " " + n.body for n in Notification.objects.all()).lower()
        for word in CLINICAL_WORDS:
            assert word not in text and word not in rendered, (message.template, word)


@time_machine.travel(datetime(2027, 3, 10, 14, 0, tzinfo=LONDON), tick=False)
def test_a_significant_exposure_starts_tests_at_6_12_and_24_weeks_from_the_injury(people):
    injured = datetime(2027, 3, 10, 11, 30, tzinfo=LONDON)
    injury = injury_at(people, "assessed", occurred_at=injured)
    assert injury.status == InjuryStatus.FOLLOW_UP
    assert injury.pep_advised_at == timezone.now() and injury.riddor_reportable is True
    plan = [(t.week, t.due_on, t.status) for t in injury.tests.order_by("week")]
    assert plan == [
        (6, date(2027, 4, 21), BloodTestStatus.TO_BOOK),
        (12, date(2027, 6, 2), BloodTestStatus.TO_BOOK),
        (24, date(2027, 8, 25), BloodTestStatus.TO_BOOK),
    ]
    assert [m.recipient for m in _messages("injuries_plan_for_manager")] == [people.manager]
    assert [m.recipient for m in _messages("injuries_plan_for_employee")] == [people.employee_user]


def test_an_exposure_that_is_not_significant_closes_with_no_tests(people):
    injury = injury_at(people)
    with pytest.raises(InjuryError, match="not indicated"):
        services.assess(
            injury=injury,
            by=people.clinician,
            risk=Risk.NOT_SIGNIFICANT,
            hep_b_immunity=HepBImmunity.IMMUNE,
            pep_advice=PepAdvice.STARTED,
            riddor_reportable=False,
        )
    services.assess(
        injury=injury,
        by=people.clinician,
        risk=Risk.NOT_SIGNIFICANT,
        hep_b_immunity=HepBImmunity.IMMUNE,
        pep_advice=PepAdvice.NOT_INDICATED,
        riddor_reportable=False,
    )
    injury.refresh_from_db()
    assert injury.status == InjuryStatus.CLOSED and injury.closed_at and not injury.tests.exists()
    assert injury.pep_advised_at is None
    assert [m.recipient for m in _messages("injuries_closed_for_manager")] == [people.manager]


def test_only_the_services_clinician_assesses_and_only_once(world, people):
    injury = injury_at(people)
    assessment = {
        "risk": Risk.LOW,
        "hep_b_immunity": HepBImmunity.IMMUNE,
        "pep_advice": PepAdvice.NOT_INDICATED,
        "riddor_reportable": False,
    }
    for by in (people.oh_admin, member(Role.CLINICIAN, world.other_oh_service), people.manager):
        with pytest.raises(PermissionDenied):
            services.assess(injury=injury, by=by, **assessment)
    services.assess(injury=injury, by=people.clinician, **assessment)
    with pytest.raises(InjuryError, match="already been risk assessed"):
        services.assess(injury=injury, by=people.clinician, **assessment)


def test_the_source_patients_status_is_asked_for_then_recorded(people):
    injury = injury_at(people)
    services.request_source_status(injury=injury, by=people.oh_admin, asked="Dr Patel, Ward 7 consultant")
    injury.refresh_from_db()
    assert injury.source_requested_at and injury.source_requested_from == "Dr Patel, Ward 7 consultant"
    with pytest.raises(PermissionDenied):  # the result is the clinician's to record
        services.record_source_status(
            injury=injury, by=people.oh_admin, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.NEGATIVE, hiv=BbvStatus.NEGATIVE
        )
    services.record_source_status(
        injury=injury, by=people.clinician, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.POSITIVE, hiv=BbvStatus.NEGATIVE
    )
    injury.refresh_from_db()
    assert (injury.source_hcv, bool(injury.source_recorded_at)) == (BbvStatus.POSITIVE, True)
    with pytest.raises(InjuryError, match="already recorded"):
        services.request_source_status(injury=injury, by=people.oh_admin, asked="Again")


def test_an_unknown_source_has_no_status_to_ask_for(people):
    injury = injury_at(people, source_known=False)
    assert injury.source_details == ""
    with pytest.raises(InjuryError, match="not known"):
        services.request_source_status(injury=injury, by=people.oh_admin, asked="Ward")


def test_a_test_is_booked_in_the_future_and_a_result_makes_it_done(people):
    injury = injury_at(people, "assessed")
    test = injury.tests.get(week=6)
    with pytest.raises(InjuryError, match="future"):
        services.book_test(test=test, by=people.oh_admin, at=timezone.now() - timedelta(hours=1))
    services.book_test(test=test, by=people.oh_admin, at=timezone.now() + timedelta(days=2))
    test.refresh_from_db()
    assert test.status == BloodTestStatus.BOOKED
    assert [m.recipient for m in _messages("injuries_test_booked")] == [people.employee_user]
    with pytest.raises(PermissionDenied):
        services.record_result(
            test=test, by=people.oh_admin, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.NEGATIVE, hiv=BbvStatus.NEGATIVE
        )
    services.record_result(
        test=test, by=people.clinician, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.NEGATIVE, hiv=BbvStatus.NEGATIVE
    )
    test.refresh_from_db()
    assert test.status == BloodTestStatus.DONE and test.results_recorded_by == people.clinician
    with pytest.raises(InjuryError, match="done or not needed"):
        services.book_test(test=test, by=people.oh_admin, at=timezone.now() + timedelta(days=9))


def test_closing_ends_the_tests_still_outstanding(people):
    injury = injury_at(people, "resulted")
    services.close(injury=injury, by=people.clinician)
    injury.refresh_from_db()
    statuses = dict(injury.tests.values_list("week", "status"))
    assert statuses == {6: BloodTestStatus.DONE, 12: BloodTestStatus.NOT_NEEDED, 24: BloodTestStatus.NOT_NEEDED}
    assert injury.status == InjuryStatus.CLOSED
    with pytest.raises(InjuryError):
        services.close(injury=injury, by=people.clinician)


def test_an_employer_no_oh_service_serves_is_told_who_to_call(world):
    from organisations.tests.factories import OrganisationFactory

    lonely = OrganisationFactory(name="Unserved practice", kind="gp_practice")
    user = member(Role.EMPLOYEE, lonely)
    employee = EmployeeFactory(organisation=lonely, user=user)
    with pytest.raises(InjuryError, match="No occupational health service"):
        services.report_injury(
            by=user, employee=employee, kind="sharps", occurred_at=timezone.now(), location="x", how_it_happened="y"
        )


def test_who_sees_an_injury(world, people):
    own = injury_at(people)
    other = injury_at(people_of(world, "other"))
    visible = {
        "employee": people.employee_user,
        "manager": people.manager,
        "oh_admin": people.oh_admin,
        "clinician": people.clinician,
    }
    for who, user in visible.items():
        assert list(InoculationInjury.objects.visible_to(user)) == [own], who
    nobody = [
        member(Role.MANAGER, world.trust_a),  # a manager who does not line-manage them
        member(Role.EMPLOYEE, world.trust_a),
        member(Role.BOARD, world.trust_a),
        member(Role.BOARD, world.ics),
        member(Role.IG_LEAD, world.trust_a),
        member(Role.RECRUITER, world.trust_a),
        member(Role.PROCUREMENT, world.trust_a),
        member(Role.SUPPLIER, world.supplier),
        member(Role.FRAMEWORK_ADMIN, world.framework_operator),
    ]
    for user in nobody:
        assert not InoculationInjury.objects.visible_to(user).exists(), user.active_membership
    assert list(InoculationInjury.objects.results_visible_to(people.clinician)) == [own]
    assert list(InoculationInjury.objects.results_visible_to(people.employee_user)) == [own]
    for user in (people.manager, people.oh_admin):
        assert not InoculationInjury.objects.results_visible_to(user).exists()
    assert other not in InoculationInjury.objects.visible_to(people.clinician)
