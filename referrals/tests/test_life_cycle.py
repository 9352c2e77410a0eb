"""Every transition of a case through the services, each refused transition, and what it sends."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services
from referrals.models import (
    AdjustmentFollowUp,
    CaseEvent,
    ClosureOutcome,
    ConsentChannel,
    ConsentChoice,
    MeasureStage,
    Referral,
    Status,
)

pytestmark = pytest.mark.django_db


def templates_sent():
    return sorted(OutboxMessage.objects.values_list("template", flat=True))


def test_submitted_referral_routes_to_the_serving_oh_service_and_tells_its_admins(case):
    referral = case.reload()
    assert (referral.status, referral.oh_service) == (Status.SUBMITTED, case.world.oh_service)
    assert referral.submitted_at is not None
    assert templates_sent() == ["referrals_new_for_triage"]
    assert OutboxMessage.objects.get().recipient == case.oh_admin


def test_referral_needs_the_employees_agreement(world):
    manager = member(Role.MANAGER, world.trust_a)
    employee = EmployeeFactory(organisation=world.trust_a)
    with pytest.raises(services.TransitionError, match="agreed"):
        services.create_management_referral(
            manager=manager, employee=employee, submit=True, reason_category="other", employee_agreed=False
        )
    assert not Referral.objects.exists()


def test_manager_cannot_refer_another_organisations_staff(world):
    manager = member(Role.MANAGER, world.trust_a)
    with pytest.raises(PermissionDenied):
        services.create_management_referral(
            manager=manager,
            employee=EmployeeFactory(organisation=world.trust_b),
            submit=True,
            reason_category="other",
            absent_at_referral=False,
            other_questions="Can they do nights?",
            work_details="Porter",
            employee_agreed=True,
        )


def test_no_serving_oh_service_is_a_clear_error(world):
    from organisations.tests.factories import OrganisationFactory

    lonely = OrganisationFactory(name="Unserved Trust")
    manager = member(Role.MANAGER, lonely)
    with pytest.raises(services.TransitionError, match="No occupational health service"):
        services.create_management_referral(
            manager=manager,
            employee=EmployeeFactory(organisation=lonely),
            submit=True,
            reason_category="other",
            absent_at_referral=False,
            other_questions="Can they do nights?",
            work_details="Porter",
            employee_agreed=True,
        )


def test_full_journey_to_release_and_closure(case):
    case.accept().book().attend().report().release()
    referral = case.reload()
    assert referral.status == Status.RELEASED
    assert case.report_obj.released_at is not None
    assert list(AdjustmentFollowUp.objects.values_list("adjustment", flat=True)) == [
        "Reduced hours for 4 weeks",
        "No heavy lifting",
    ]
    services.close_case(referral=referral, by=case.clinician, outcome=ClosureOutcome.PHASED_RETURN, work_ability=7)
    referral.refresh_from_db()
    assert (referral.status, referral.closure_outcome) == (Status.CLOSED, ClosureOutcome.PHASED_RETURN)
    assert referral.measures.get(stage=MeasureStage.CLOSURE).work_ability == 7
    assert [(e.from_status, e.to_status) for e in CaseEvent.objects.filter(referral=referral)] == [
        ("draft", "submitted"),
        ("submitted", "triaged"),
        ("triaged", "appointment_booked"),
        ("appointment_booked", "assessed"),
        ("assessed", "report_drafted"),
        ("report_drafted", "awaiting_consent"),
        ("awaiting_consent", "released"),
        ("released", "closed"),
    ]
    assert templates_sent() == [
        "referrals_appointment_booked",
        "referrals_consent_request",
        "referrals_new_for_triage",
        "referrals_report_released",
        "referrals_survey_request",
    ]


def test_show_me_first_then_approve(case):
    case.accept().book().attend().report()
    services.record_consent(report=case.report_obj, by=case.employee_user, choice=ConsentChoice.SHOW_ME_FIRST)
    assert case.reload().status == Status.AWAITING_CONSENT
    services.record_consent(report=case.report_obj, by=case.employee_user, choice=ConsentChoice.APPROVE)
    assert case.reload().status == Status.RELEASED


def test_approve_without_seeing_first_is_refused(case):
    case.accept().book().attend().report()
    with pytest.raises(services.TransitionError):
        services.record_consent(report=case.report_obj, by=case.employee_user, choice=ConsentChoice.APPROVE)


def test_factual_corrections_go_back_to_the_clinician(case):
    case.accept().book().attend().report()
    services.record_consent(report=case.report_obj, by=case.employee_user, choice=ConsentChoice.SHOW_ME_FIRST)
    services.record_consent(
        report=case.report_obj, by=case.employee_user, choice=ConsentChoice.CORRECTIONS, comment="My job title is wrong"
    )
    assert case.reload().status == Status.REPORT_DRAFTED
    case.report_obj.refresh_from_db()
    assert case.report_obj.corrections_requested == "My job title is wrong"
    assert "referrals_corrections_requested" in templates_sent()


def test_withhold_tells_the_manager_only_that(case):
    case.accept().book().attend().report()
    services.record_consent(report=case.report_obj, by=case.employee_user, choice=ConsentChoice.WITHHOLD)
    assert case.reload().status == Status.WITHHELD
    message = OutboxMessage.objects.get(template="referrals_consent_withheld")
    assert message.recipient == case.manager
    assert set(message.context) == {"reference", "link"}


def test_consent_recorded_by_clinician_keeps_the_channel(case):
    case.accept().book().attend().report()
    decision = services.record_consent(
        report=case.report_obj,
        by=case.clinician,
        choice=ConsentChoice.RELEASE_NOW,
        channel=ConsentChannel.RECORDED_BY_CLINICIAN,
    )
    assert (decision.channel, decision.decided_by) == ("clinician", case.clinician)


def test_only_the_employee_decides_in_the_portal(case):
    case.accept().book().attend().report()
    for someone in (case.manager, case.clinician, case.oh_admin):
        with pytest.raises(PermissionDenied):
            services.record_consent(report=case.report_obj, by=someone, choice=ConsentChoice.RELEASE_NOW)


def test_return_to_manager_and_resubmit(case):
    services.return_to_manager(referral=case.referral, by=case.oh_admin, reason="Add the risk assessment")
    referral = case.reload()
    assert (referral.status, referral.returned_reason) == (Status.RETURNED_TO_MANAGER, "Add the risk assessment")
    assert "referrals_returned" in templates_sent()
    services.resend_referral(referral=referral, by=case.manager, reply="Attached")
    assert case.reload().status == Status.SUBMITTED


def test_first_dna_rebooks_second_dna_returns_to_manager_same_day(case):
    case.accept().book()
    services.record_attendance(appointment=case.start().appointment, by=case.oh_admin, attended=False)
    assert case.reload().status == Status.DNA
    case.book()
    services.record_attendance(appointment=case.start().appointment, by=case.oh_admin, attended=False)
    referral = case.reload()
    assert (referral.status, referral.dna_count) == (Status.RETURNED_TO_MANAGER, 2)
    message = OutboxMessage.objects.get(template="referrals_second_dna")
    assert message.recipient == case.manager and message.status == "pending"


def test_follow_up_after_release(case):
    case.accept().book().attend().report().release()
    services.book_appointment(
        referral=case.referral,
        by=case.oh_admin,
        clinician=case.clinician,
        start=timezone.now() + timedelta(days=30),
        length_minutes=30,
        modality="video",
    )
    referral = case.reload()
    assert referral.status == Status.FOLLOW_UP_BOOKED
    assert referral.appointments.filter(is_follow_up=True).count() == 1


def test_notes_are_locked_and_corrected_by_addendum(case):
    case.accept()
    note = services.add_clinical_note(referral=case.referral, author=case.clinician, text="First contact")
    addendum = services.add_clinical_note(
        referral=case.referral, author=case.clinician, text="Correction", addendum_to=note
    )
    assert addendum.addendum_to == note
    assert not hasattr(services, "edit_clinical_note")


@pytest.mark.parametrize(
    "action",
    ["accept", "book", "report", "close", "send_for_consent"],
)
def test_refused_transitions_from_submitted(case, action):
    calls = {
        "accept": lambda: services.accept(
            referral=case.referral, by=case.oh_admin, priority="routine", practitioner_type="oh_nurse"
        ),
        "book": lambda: case.book(),
        "report": lambda: case.report(send=False),
        "close": lambda: services.close_case(referral=case.referral, by=case.clinician, outcome="not_known"),
        "send_for_consent": lambda: None,
    }
    if action == "accept":
        calls["accept"]()
        with pytest.raises(services.TransitionError, match="cannot be accepted"):
            calls["accept"]()
        return
    if action == "send_for_consent":
        case.accept().book().attend().report()  # already sent
        with pytest.raises(services.TransitionError, match="cannot be sent for consent"):
            services.send_for_consent(report=case.report_obj, by=case.clinician)
        return
    with pytest.raises(services.TransitionError):
        calls[action]()
    assert case.reload().status == Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.MANAGER, Role.BOARD, Role.SUPPLIER, Role.PROCUREMENT])
def test_only_oh_staff_triage(case, role):
    outsider = member(role, case.world.trust_a if role != Role.SUPPLIER else case.world.supplier)
    with pytest.raises(PermissionDenied):
        services.accept(referral=case.referral, by=outsider, priority="routine", practitioner_type="oh_nurse")


def test_other_oh_services_clinician_cannot_write_notes(case):
    case.accept()
    stranger = member(Role.CLINICIAN, case.world.other_oh_service)
    with pytest.raises(PermissionDenied):
        services.add_clinical_note(referral=case.referral, author=stranger, text="x")
    with pytest.raises(PermissionDenied):
        services.add_clinical_note(referral=case.referral, author=case.oh_admin, text="x")


def test_self_referral_tells_no_manager(world):
    from organisations.tests.factories import ServiceAssignmentFactory

    ServiceAssignmentFactory(oh_service=world.oh_service, client=world.trust_a, service_line="physiotherapy")
    oh_admin = member(Role.OH_ADMIN, world.oh_service)
    manager = member(Role.MANAGER, world.trust_a)
    user = member(Role.EMPLOYEE, world.trust_a)
    EmployeeFactory(organisation=world.trust_a, user=user, line_manager=manager)
    referral = services.self_refer(user=user, service_line="physiotherapy", description="Sore back")
    assert (referral.status, referral.kind, referral.reason_category) == ("submitted", "self", "musculoskeletal")
    assert referral.referred_by is None and referral.oh_service == world.oh_service
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [oh_admin.pk]


def test_manager_answers_adjustments_with_reasons(case):
    case.accept().book().attend().report().release()
    partly, full = AdjustmentFollowUp.objects.order_by("pk")
    with pytest.raises(services.TransitionError, match="why"):
        services.answer_adjustment(follow_up=partly, by=case.manager, status="partly")
    services.answer_adjustment(follow_up=partly, by=case.manager, status="partly", reason="Rota allows 2 weeks")
    services.answer_adjustment(follow_up=full, by=case.manager, status="in_place")
    assert set(AdjustmentFollowUp.objects.values_list("status", flat=True)) == {"partly", "in_place"}
    with pytest.raises(PermissionDenied):
        services.answer_adjustment(follow_up=full, by=case.clinician, status="in_place")


def test_withdraw_cancels_booked_appointments(case):
    case.accept().book()
    services.withdraw(referral=case.referral, by=case.manager, reason="Employee left")
    assert case.reload().status == Status.WITHDRAWN
    case.appointment.refresh_from_db()
    assert case.appointment.status == "cancelled"
