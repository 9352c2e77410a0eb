"""A year of demo cases across the whole life cycle (seed_demo). Runs once: skipped if cases exist."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from ohwb_portal.working_days import add_working_days
from organisations.models import Employee

from .models import (
    MANAGER_QUESTIONS,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    ClosureOutcome,
    ConsentChannel,
    ConsentChoice,
    ConsentDecision,
    EqualityActLikely,
    Fitness,
    Kind,
    Measures,
    MeasureStage,
    Modality,
    OutcomeReport,
    PractitionerType,
    Priority,
    ReasonCategory,
    Referral,
    Status,
)

CASES_PER_ORGANISATION = 110
RECENT_CASES_PER_ORGANISATION = 25
ADJUSTMENTS = [
    "Phased return over 4 weeks",
    "No night shifts for 8 weeks",
    "Adjusted workstation and chair",
    "Regular breaks every 2 hours",
    "Temporary restriction on heavy lifting",
    "Flexible start times",
]


def _at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(world: Any) -> None:
    if Referral.objects.filter(organisation__in=[*world.trusts, world.gp_practice]).exists():
        return
    rng = world.rng
    today = timezone.localdate()
    plans = [
        (world.trusts[0], world.oh_service, world.users["manager"], world.users["clinician"]),
        (world.trusts[1], world.supplier_oh_service, world.users["manager2"], world.users["clinician2"]),
        (world.gp_practice, world.oh_service, world.users["manager_gp"], world.users["clinician"]),
    ]
    for organisation, service, manager, clinician in plans:
        staff = list(Employee.objects.filter(organisation=organisation).exclude(user__isnull=False)[:80])
        # A year of history, and a busier last three weeks so that caseloads and queues have work in them.
        ages = [int(rng.triangular(0, 365, 60)) for _ in range(CASES_PER_ORGANISATION)]
        ages += [rng.randint(0, 21) for _ in range(RECENT_CASES_PER_ORGANISATION)]
        for age_days in ages:
            _one_case(world, rng, today, organisation, service, manager, clinician, rng.choice(staff), age_days)
    # The demo employee has an open case with a report waiting for their decision.
    employee = Employee.objects.get(user=world.users["employee"])
    _one_case(
        world,
        rng,
        today,
        world.trusts[0],
        world.oh_service,
        world.users["manager"],
        world.users["clinician"],
        employee,
        20,
        force=Status.AWAITING_CONSENT,
    )
    _follow_up_case(world, today, employee)


def _follow_up_case(world: Any, today: Any, employee: Employee) -> None:
    """Report versions: version 1 released to the manager, a follow-up, and version 2 waiting for the
    employee's decision. The manager sees version 1, marked earlier; the employee decides on version 2."""
    clinician, manager = world.users["clinician"], world.users["manager"]
    start = today - timedelta(days=60)
    referral = Referral.objects.create(
        organisation=world.trusts[0],
        employee=employee,
        referred_by=manager,
        oh_service=world.oh_service,
        reason_category=ReasonCategory.MUSCULOSKELETAL,
        manager_questions=["fit_for_role", "adjustments"],
        work_details="Ward nurse, 12-hour shifts, manual handling",
        employee_agreed=True,
        status=Status.AWAITING_CONSENT,
        submitted_at=_at(start, 9),
        accepted_at=_at(start + timedelta(days=1), 11),
        priority=Priority.ROUTINE,
        practitioner_type=PractitionerType.OH_NURSE,
    )
    for day, follow_up in ((8, False), (45, True)):
        Appointment.objects.create(
            referral=referral,
            clinician=clinician,
            start=_at(start + timedelta(days=day), 10),
            modality=Modality.TELEPHONE,
            is_follow_up=follow_up,
            status=AppointmentStatus.ATTENDED,
            attendance_recorded_at=_at(start + timedelta(days=day), 11),
        )
    answers = dict.fromkeys(referral.question_texts, "Yes, with the adjustments described.")
    first = OutcomeReport.objects.create(
        referral=referral,
        version=1,
        author=clinician,
        fitness=Fitness.FIT_WITH_ADJUSTMENTS,
        adjustments=["Temporary restriction on heavy lifting"],
        answers=answers,
        equality_act=EqualityActLikely.UNCLEAR,
        follow_up_plan="Review in 6 weeks.",
        sent_for_consent_at=_at(start + timedelta(days=9), 16),
        released_at=_at(start + timedelta(days=10), 12),
    )
    ConsentDecision.objects.create(
        report=first,
        choice=ConsentChoice.RELEASE_NOW,
        decided_by=employee.user or clinician,
        channel=ConsentChannel.PORTAL,
    )
    AdjustmentFollowUp.objects.create(report=first, adjustment=first.adjustments[0])
    OutcomeReport.objects.create(
        referral=referral,
        version=2,
        author=clinician,
        fitness=Fitness.FIT,
        answers=dict.fromkeys(referral.question_texts, "Yes: back to full duties."),
        equality_act=EqualityActLikely.UNLIKELY,
        follow_up_plan="No further review needed.",
        sent_for_consent_at=_at(start + timedelta(days=46), 16),
    )


def _one_case(
    world: Any,
    rng: Any,
    today: Any,
    organisation: Any,
    service: Any,
    manager: Any,
    clinician: Any,
    employee: Employee,
    age_days: int,
    force: str | None = None,
) -> None:
    submitted_day = today - timedelta(days=age_days)
    is_self = rng.random() < 0.2
    reason = rng.choices(list(ReasonCategory.values), weights=[30, 28, 6, 8, 20, 8])[0]
    absent = rng.random() < 0.45
    referral = Referral.objects.create(
        kind=Kind.SELF if is_self else Kind.MANAGEMENT,
        organisation=organisation,
        employee=employee,
        referred_by=None if is_self else manager,
        oh_service=service,
        reason_category=reason,
        absent_at_referral=absent and not is_self,
        absent_since=submitted_day - timedelta(days=rng.randint(3, 40)) if absent and not is_self else None,
        manager_questions=[] if is_self else rng.sample(list(MANAGER_QUESTIONS), 3),
        work_details="" if is_self else "Clinical role with shift work and manual handling",
        description="I would like some support." if is_self else "",
        employee_agreed=True,
        urgent_requested=rng.random() < 0.15,
        status=Status.SUBMITTED,
        submitted_at=_at(submitted_day, 9),
    )
    # How far the case has got depends on its age (and a little chance).
    if force is None and age_days < 2:
        return
    if force is None and rng.random() < 0.04:
        Referral.objects.filter(pk=referral.pk).update(
            status=Status.RETURNED_TO_MANAGER, returned_reason="Please attach the risk assessment."
        )
        return
    accepted_day = add_working_days(submitted_day, rng.choice([1, 1, 2, 2, 3, 4]))
    if accepted_day > today:
        return
    referral.accepted_at = _at(accepted_day, 11)
    referral.priority = Priority.URGENT if referral.urgent_requested else Priority.ROUTINE
    referral.practitioner_type = rng.choice(PractitionerType.values)
    referral.status = Status.TRIAGED
    wait = rng.choice([3, 5, 6, 8, 9, 10, 12, 15])
    appointment_day = add_working_days(accepted_day, wait)
    dna = rng.random() < 0.07
    if appointment_day > today - timedelta(days=1) and force is None:
        if appointment_day <= today + timedelta(days=14):
            Appointment.objects.create(
                referral=referral,
                clinician=clinician,
                start=_at(appointment_day, 10),
                modality=rng.choice(Modality.values),
                location="OH department, room 2",
            )
            referral.status = Status.APPOINTMENT_BOOKED
        referral.save()
        return
    Appointment.objects.create(
        referral=referral,
        clinician=clinician,
        start=_at(appointment_day, 10),
        modality=rng.choice(Modality.values),
        status=AppointmentStatus.DNA if dna else AppointmentStatus.ATTENDED,
        attendance_recorded_at=_at(appointment_day, 11),
    )
    if dna:
        referral.dna_count = 1
        appointment_day = add_working_days(appointment_day, 5)
        Appointment.objects.create(
            referral=referral,
            clinician=clinician,
            start=_at(appointment_day, 14),
            modality=Modality.TELEPHONE,
            status=AppointmentStatus.ATTENDED,
            attendance_recorded_at=_at(appointment_day, 15),
        )
    intake = rng.randint(2, 7)
    Measures.objects.create(
        referral=referral,
        stage=MeasureStage.INTAKE,
        work_ability=intake,
        wellbeing=rng.randint(2, 8),
        recorded_by=clinician,
    )
    referral.status = Status.ASSESSED
    report_day = add_working_days(appointment_day, rng.choice([0, 1, 1, 2, 2, 2, 3, 5]))
    if report_day > today:
        referral.save()
        return
    fitness = rng.choices(Fitness.values, weights=[25, 50, 20, 5])[0]
    adjustments = rng.sample(ADJUSTMENTS, rng.randint(1, 3)) if fitness != Fitness.FIT else []
    report = OutcomeReport.objects.create(
        referral=referral,
        author=clinician,
        fitness=fitness,
        adjustments=adjustments,
        answers=dict.fromkeys(
            referral.question_texts, "The employee is likely to manage their role with the support described."
        ),
        equality_act=rng.choice(EqualityActLikely.values),
        follow_up_plan="Review in 6 weeks if needed.",
        sent_for_consent_at=_at(report_day, 16),
    )
    referral.status = Status.AWAITING_CONSENT
    decision_day = report_day + timedelta(days=rng.randint(0, 4))
    if force == Status.AWAITING_CONSENT or decision_day > today:
        referral.save()
        return
    employee_user = referral.employee.user or world.users["clinician"]
    withheld = rng.random() < 0.06
    choice = ConsentChoice.WITHHOLD if withheld else rng.choice([ConsentChoice.RELEASE_NOW, ConsentChoice.APPROVE])
    if choice == ConsentChoice.APPROVE:
        ConsentDecision.objects.create(
            report=report,
            choice=ConsentChoice.SHOW_ME_FIRST,
            decided_by=employee_user,
            channel=ConsentChannel.RECORDED_BY_CLINICIAN,
        )
    ConsentDecision.objects.create(
        report=report, choice=choice, decided_by=employee_user, channel=ConsentChannel.RECORDED_BY_CLINICIAN
    )
    if withheld:
        report.withheld_at = _at(decision_day, 12)
        referral.status = Status.WITHHELD
    else:
        report.released_at = _at(decision_day, 12)
        referral.status = Status.RELEASED
        for adjustment in adjustments:
            answered = referral.kind == Kind.MANAGEMENT and rng.random() < 0.8 and age_days > 40
            AdjustmentFollowUp.objects.create(
                report=report,
                adjustment=adjustment,
                status=rng.choices(
                    [AdjustmentStatus.IN_PLACE, AdjustmentStatus.PARTLY, AdjustmentStatus.NOT_POSSIBLE],
                    weights=[75, 15, 10],
                )[0]
                if answered
                else AdjustmentStatus.PENDING,
                answered_at=_at(decision_day + timedelta(days=rng.randint(5, 30)), 9) if answered else None,
                answered_by=manager if answered else None,
            )
    report.save()
    close_day = decision_day + timedelta(days=rng.randint(7, 60))
    if close_day > today:
        referral.save()
        return
    if referral.absent_at_referral:
        outcome = rng.choices(
            [
                ClosureOutcome.RETURNED_FULL,
                ClosureOutcome.RETURNED_ADJUSTED,
                ClosureOutcome.PHASED_RETURN,
                ClosureOutcome.ILL_HEALTH_RETIREMENT,
                ClosureOutcome.LEFT_EMPLOYMENT,
                ClosureOutcome.NOT_KNOWN,
            ],
            weights=[30, 25, 25, 5, 8, 7],
        )[0]
    else:
        outcome = rng.choices(
            [
                ClosureOutcome.REMAINED_IN_WORK,
                ClosureOutcome.REDEPLOYED,
                ClosureOutcome.LEFT_EMPLOYMENT,
                ClosureOutcome.NOT_KNOWN,
            ],
            weights=[80, 8, 7, 5],
        )[0]
    referral.status = Status.CLOSED
    referral.closure_outcome = outcome
    referral.closed_at = _at(close_day, 15)
    if rng.random() < 0.82:
        Measures.objects.create(
            referral=referral,
            stage=MeasureStage.CLOSURE,
            work_ability=min(10, max(0, intake + rng.randint(-1, 4))),
            recorded_by=clinician,
        )
    referral.save()
