"""A year of demo cases across the whole life cycle (seed_demo). Runs once: skipped if cases exist.

Each case is a story of steps on the dates it says; every step is the service a user's click calls, run at
its moment (`world.when`), so the case has its timeline, history rows and messages. A step dated after now
has not happened yet, and the case stays where it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

from django.utils import timezone

from accounts.models import User
from ohwb_portal.working_days import add_working_days
from organisations.demo import DemoWorld, at
from organisations.models import Employee, Organisation

from . import services
from .models import (
    MANAGER_QUESTIONS,
    AdjustmentStatus,
    Appointment,
    CaseEvent,
    ClosureOutcome,
    ConsentChannel,
    ConsentChoice,
    EqualityActLikely,
    Fitness,
    Kind,
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
ANSWER = "The employee is likely to manage their role with the support described."
NOT_IN_PLACE_REASON = "The ward could not release the shifts needed this month."


def seed(world: DemoWorld) -> None:
    if Referral.objects.filter(organisation__in=[*world.trusts, world.gp_practice]).exists():
        return
    rng = world.rng
    plans = [
        (world.trusts[0], world.oh_service, "manager", ""),
        (world.trusts[1], world.supplier_oh_service, "manager2", "2"),
        (world.gp_practice, world.oh_service, "manager_gp", ""),
    ]
    for organisation, service, manager, suffix in plans:
        team = _Team(world, organisation, service, world.users[manager], suffix)
        staff = list(Employee.objects.filter(organisation=organisation).exclude(user__isnull=False)[:80])
        # A year of history, and a busier last three weeks so that caseloads and queues have work in them.
        ages = [int(rng.triangular(0, 365, 60)) for _ in range(CASES_PER_ORGANISATION)]
        ages += [rng.randint(0, 21) for _ in range(RECENT_CASES_PER_ORGANISATION)]
        for age_days in ages:
            _one_case(team, rng.choice(staff), age_days)
    # The demo employee has an open case with a report waiting for their decision.
    employee = Employee.objects.get(user=world.users["employee"])
    team = _Team(world, world.trusts[0], world.oh_service, world.users["manager"], "")
    _one_case(team, employee, 20, stop_awaiting_consent=True)
    _follow_up_case(team, employee)
    _drafts_and_a_reply(team)
    _conversation(team)
    _closed_case_asking_for_the_score(team, employee)


def _drafts_and_a_reply(team: _Team) -> None:
    """The demo manager has two drafts (one barely started) and a referral OH returned with a question, which
    they answered and sent again: each return and reply shows on the case."""
    staff = list(Employee.objects.filter(organisation=team.organisation, user__isnull=True).order_by("pk")[:3])
    yesterday = team.world.today - timedelta(days=1)
    if len(staff) < 3 or not team.world.when(at(yesterday, 9)):
        return
    services.create_management_referral(
        manager=team.manager, employee=staff[0], submit=False, work_details="Porter, early shifts"
    )
    services.create_management_referral(
        manager=team.manager,
        employee=staff[1],
        submit=False,
        reason_category=ReasonCategory.MUSCULOSKELETAL,
        absent_at_referral=False,
        manager_questions=["fit_for_role", "adjustments"],
        work_details="Healthcare assistant on a surgical ward, 12-hour shifts with manual handling",
    )
    case = services.create_management_referral(
        manager=team.manager,
        employee=staff[2],
        submit=True,
        reason_category=ReasonCategory.WORK_RELATED_STRESS,
        absent_at_referral=False,
        manager_questions=["fit_for_role"],
        work_details="Ward clerk",
        employee_agreed=True,
    )
    if team.world.when(at(yesterday, 11)):
        services.return_to_manager(
            referral=case, by=team.oh_admin, reason="What has changed at work recently, and what support is in place?"
        )
    if team.world.when(at(yesterday, 15)):
        services.resend_referral(
            referral=case,
            by=team.manager,
            reply="The ward moved to a new rota in October; weekly one-to-ones with the ward manager since.",
            work_details="Ward clerk on a busy surgical ward; new rota since October",
        )


def _conversation(team: _Team) -> None:
    """A case where the manager and OH have written to each other (the last message still new to OH), and a
    clinical note with an addendum under it."""
    case = (
        Referral.objects.filter(
            referred_by=team.manager, oh_service=team.service, status__in=[Status.APPOINTMENT_BOOKED, Status.ASSESSED]
        )
        .order_by("-submitted_at")
        .first()
    )
    if case is None:
        return
    thread = [
        (team.manager, "Could the appointment be on a Tuesday? They work nights on Mondays."),
        (team.oh_admin, "Yes, we can offer Tuesdays. We will confirm the time with them."),
        (team.manager, "Thank you. Their rota is on the shared drive."),
    ]
    for hours_ago, (writer, text) in zip((3, 2, 1), thread, strict=True):
        team.world.when(team.world.now - timedelta(hours=hours_ago))
        services.send_case_message(referral=case, by=writer, text=text)
    if case.status == Status.ASSESSED:
        note = services.add_clinical_note(
            referral=case, author=team.clinician, text="Discussed work tasks; lifting is the main difficulty."
        )
        services.add_clinical_note(
            referral=case,
            author=team.clinician,
            text="Correction: the difficulty is with pushing beds, not lifting.",
            addendum_to=note,
        )


class _Team:
    """Who works one organisation's cases: its manager, and the OH administrator and clinician serving it."""

    def __init__(self, world: DemoWorld, organisation: Organisation, service: Organisation, manager: User, suffix: str):
        self.world, self.rng = world, world.rng
        self.organisation, self.service, self.manager = organisation, service, manager
        self.oh_admin = world.users[f"oh_admin{suffix}"]
        self.clinician = world.users[f"clinician{suffix}"]


def _book(team: _Team, case: Referral, start: Any, modality: str, location: str = "") -> Appointment:
    return services.book_appointment(
        referral=case,
        by=team.oh_admin,
        clinician=team.clinician,
        start=start,
        length_minutes=45,
        modality=modality,
        location=location,
    )


def _submitted(team: _Team, employee: Employee, day: date, is_self: bool) -> Referral:
    rng = team.rng
    reason = rng.choices(list(ReasonCategory.values), weights=[30, 28, 6, 8, 20, 8])[0]
    absent = rng.random() < 0.45 and not is_self
    urgent = rng.random() < 0.15
    team.world.when(at(day, 9))
    if is_self:
        return _self_referral(team, employee, reason, urgent)
    return services.create_management_referral(
        manager=team.manager,
        employee=employee,
        submit=True,
        reason_category=reason,
        absent_at_referral=absent,
        absent_since=day - timedelta(days=rng.randint(3, 40)) if absent else None,
        manager_questions=rng.sample(list(MANAGER_QUESTIONS), 3),
        work_details="Clinical role with shift work and manual handling",
        employee_agreed=True,
        urgent_requested=urgent,
    )


def _self_referral(team: _Team, employee: Employee, reason: str, urgent: bool) -> Referral:
    """Written with its event: `services.self_refer` needs the employee's own portal account, and the demo
    staff have none. The case is created and submitted as that service leaves it: two history rows, one event."""
    case = Referral.objects.create(
        kind=Kind.SELF,
        organisation=employee.organisation,
        employee=employee,
        reason_category=reason,
        description="I would like some support.",
        employee_agreed=True,
        urgent_requested=urgent,
    )
    CaseEvent.objects.create(referral=case, by=None, from_status=case.status, to_status=Status.SUBMITTED)
    case.status, case.submitted_at, case.oh_service = Status.SUBMITTED, timezone.now(), team.service
    case.save()
    return case


def _one_case(team: _Team, employee: Employee, age_days: int, stop_awaiting_consent: bool = False) -> None:
    world, rng = team.world, team.rng
    today = world.today
    submitted_day = today - timedelta(days=age_days)
    is_self = rng.random() < 0.2 and not stop_awaiting_consent
    case = _submitted(team, employee, submitted_day, is_self)
    # How far the case has got depends on its age (and a little chance).
    if not stop_awaiting_consent and age_days < 2:
        return
    if not stop_awaiting_consent and rng.random() < 0.04:
        if world.when(at(add_working_days(submitted_day, 1), 10)):
            services.return_to_manager(referral=case, by=team.oh_admin, reason="Please attach the risk assessment.")
        return
    accepted_day = add_working_days(submitted_day, rng.choice([1, 1, 2, 2, 3, 4]))
    if not world.when(at(accepted_day, 11)):
        return
    services.accept(
        referral=case,
        by=team.oh_admin,
        priority=Priority.URGENT if case.urgent_requested else Priority.ROUTINE,
        practitioner_type=rng.choice(PractitionerType.values),
    )
    appointment_day = add_working_days(accepted_day, rng.choice([3, 5, 6, 8, 9, 10, 12, 15]))
    dna = rng.random() < 0.07
    modality = rng.choice(Modality.values)
    if appointment_day > today - timedelta(days=1) and not stop_awaiting_consent:
        # Booked soon after acceptance when it is within a fortnight; later ones are not booked yet.
        if appointment_day <= today + timedelta(days=14) and world.when(at(accepted_day, 11, 30)):
            _book(team, case, at(appointment_day, 10), modality, "OH department, room 2")
        return
    world.when(at(accepted_day, 11, 30))
    appointment = _book(team, case, at(appointment_day, 10), modality)
    world.when(at(appointment_day, 11))
    services.record_attendance(appointment=appointment, by=team.clinician, attended=not dna)
    if dna:
        # Offered again straight away, five working days later by telephone; a few miss that one too.
        world.when(at(appointment_day, 11, 30))
        appointment_day = add_working_days(appointment_day, 5)
        second = _book(team, case, at(appointment_day, 14), Modality.TELEPHONE)
        if not world.when(at(appointment_day, 15)):
            return
        missed_again = rng.random() < 0.25
        services.record_attendance(appointment=second, by=team.clinician, attended=not missed_again)
        if missed_again:
            return
    intake = rng.randint(2, 7)
    services.record_measures(
        referral=case,
        by=team.clinician,
        stage=MeasureStage.INTAKE,
        work_ability=intake,
        wellbeing=rng.randint(2, 8),
    )
    report_day = add_working_days(appointment_day, rng.choice([0, 1, 1, 2, 2, 2, 3, 5]))
    if not world.when(at(report_day, 16)):
        return
    fitness = rng.choices(Fitness.values, weights=[25, 50, 20, 5])[0]
    adjustments = rng.sample(ADJUSTMENTS, rng.randint(1, 3)) if fitness != Fitness.FIT else []
    report = services.save_report_draft(
        referral=case,
        author=team.clinician,
        fitness=fitness,
        adjustments=adjustments,
        answers=dict.fromkeys(case.question_texts, ANSWER),
        equality_act=rng.choice(EqualityActLikely.values),
        follow_up_plan="Review in 6 weeks if needed.",
    )
    if not world.when(at(report_day, 16, 10)):
        return
    services.send_for_consent(report=report, by=team.clinician)
    decision_day = report_day + timedelta(days=rng.randint(0, 4))
    # Decided the next days at noon, or the same evening.
    decided = at(decision_day, 12) if decision_day > report_day else at(report_day, 18)
    if stop_awaiting_consent or not world.when(decided):
        return
    withheld = rng.random() < 0.06
    choice = ConsentChoice.WITHHOLD if withheld else rng.choice([ConsentChoice.RELEASE_NOW, ConsentChoice.APPROVE])
    # The staff in the demo have no portal accounts, so the clinician records what the employee decided.
    if choice == ConsentChoice.APPROVE:
        world.when(decided - timedelta(minutes=40))  # asked to see it first, read it, then approved
        _consent(team, report, ConsentChoice.SHOW_ME_FIRST)
        world.when(decided)
    _consent(team, report, choice)
    if not withheld:
        _answer_adjustments(team, case, report, decision_day, age_days)
    close_day = decision_day + timedelta(days=rng.randint(7, 60))
    if not world.when(at(close_day, 15)):
        return
    services.close_case(
        referral=case,
        by=team.clinician,
        outcome=_closure_outcome(rng, bool(case.absent_at_referral)),
        work_ability=min(10, max(0, intake + rng.randint(-1, 4))) if rng.random() < 0.82 else None,
    )


def _consent(team: _Team, report: OutcomeReport, choice: str) -> None:
    services.record_consent(
        report=report, by=team.clinician, choice=choice, channel=ConsentChannel.RECORDED_BY_CLINICIAN
    )


def _answer_adjustments(team: _Team, case: Referral, report: OutcomeReport, decided: date, age_days: int) -> None:
    """The referring manager says whether each released adjustment was put in place (most do, within weeks)."""
    rng = team.rng
    for follow_up in report.follow_ups.order_by("pk"):
        answered = case.kind == Kind.MANAGEMENT and rng.random() < 0.8 and age_days > 40
        status = rng.choices(
            [AdjustmentStatus.IN_PLACE, AdjustmentStatus.PARTLY, AdjustmentStatus.NOT_POSSIBLE], weights=[75, 15, 10]
        )[0]
        moment = at(decided + timedelta(days=rng.randint(5, 30)), 9)
        if not answered or not team.world.when(moment):
            continue
        reason = "" if status == AdjustmentStatus.IN_PLACE else NOT_IN_PLACE_REASON
        services.answer_adjustment(follow_up=follow_up, by=team.manager, status=status, reason=reason)


def _closure_outcome(rng: Random, absent: bool) -> str:
    if absent:
        return rng.choices(
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
    return rng.choices(
        [
            ClosureOutcome.REMAINED_IN_WORK,
            ClosureOutcome.REDEPLOYED,
            ClosureOutcome.LEFT_EMPLOYMENT,
            ClosureOutcome.NOT_KNOWN,
        ],
        weights=[80, 8, 7, 5],
    )[0]


def _closed_case_asking_for_the_score(team: _Team, employee: Employee) -> None:
    """End measures: a case of the demo employee's closed ten days ago without their closing work ability score,
    which their case page asks for (and the chaser's single-use link, once the chaser has run)."""
    world = team.world
    start = world.today - timedelta(days=40)
    world.when(at(start, 9))
    case = services.create_management_referral(
        manager=team.manager,
        employee=employee,
        submit=True,
        reason_category=ReasonCategory.WORK_RELATED_STRESS,
        manager_questions=["fit_for_role"],
        work_details="Ward nurse, 12-hour shifts",
        employee_agreed=True,
    )
    world.when(at(start + timedelta(days=1), 11))
    services.accept(
        referral=case, by=team.oh_admin, priority=Priority.ROUTINE, practitioner_type=PractitionerType.OH_NURSE
    )
    appointment = _book(team, case, at(start + timedelta(days=7), 10), Modality.TELEPHONE)
    world.when(at(start + timedelta(days=7), 11))
    services.record_attendance(appointment=appointment, by=team.clinician, attended=True)
    services.record_measures(referral=case, by=team.clinician, stage=MeasureStage.INTAKE, work_ability=4)
    world.when(at(start + timedelta(days=8), 15))
    report = services.save_report_draft(
        referral=case,
        author=team.clinician,
        fitness=Fitness.FIT,
        answers=dict.fromkeys(case.question_texts, "Yes."),
        equality_act=EqualityActLikely.UNLIKELY,
    )
    services.send_for_consent(report=report, by=team.clinician)
    world.when(at(start + timedelta(days=9), 12))
    _consent(team, report, ConsentChoice.RELEASE_NOW)
    world.when(at(world.today - timedelta(days=10), 15))
    services.close_case(referral=case, by=team.clinician, outcome=ClosureOutcome.REMAINED_IN_WORK)


def _follow_up_case(team: _Team, employee: Employee) -> None:
    """Report versions: version 1 released to the manager, a follow-up, and version 2 waiting for the
    employee's decision. The manager sees version 1, marked earlier; the employee decides on version 2."""
    world = team.world
    start = world.today - timedelta(days=60)
    world.when(at(start, 9))
    case = services.create_management_referral(
        manager=team.manager,
        employee=employee,
        submit=True,
        reason_category=ReasonCategory.MUSCULOSKELETAL,
        manager_questions=["fit_for_role", "adjustments"],
        work_details="Ward nurse, 12-hour shifts, manual handling",
        employee_agreed=True,
    )
    world.when(at(start + timedelta(days=1), 11))
    services.accept(
        referral=case, by=team.oh_admin, priority=Priority.ROUTINE, practitioner_type=PractitionerType.OH_NURSE
    )
    world.when(at(start + timedelta(days=1), 11, 30))
    first_appointment = _book(team, case, at(start + timedelta(days=8), 10), Modality.TELEPHONE)
    world.when(at(start + timedelta(days=8), 11))
    services.record_attendance(appointment=first_appointment, by=team.clinician, attended=True)
    world.when(at(start + timedelta(days=9), 15))
    first = services.save_report_draft(
        referral=case,
        author=team.clinician,
        fitness=Fitness.FIT_WITH_ADJUSTMENTS,
        adjustments=["Temporary restriction on heavy lifting"],
        answers=dict.fromkeys(case.question_texts, "Yes, with the adjustments described."),
        equality_act=EqualityActLikely.UNCLEAR,
        follow_up_plan="Review in 6 weeks.",
    )
    world.when(at(start + timedelta(days=9), 16))
    services.send_for_consent(report=first, by=team.clinician)
    world.when(at(start + timedelta(days=10), 12))
    decider = employee.user
    assert decider is not None, "the follow-up case is the signed-in demo employee's own"  # noqa: S101
    services.record_consent(report=first, by=decider, choice=ConsentChoice.RELEASE_NOW)
    world.when(at(start + timedelta(days=10), 14))
    follow_up = _book(team, case, at(start + timedelta(days=45), 10), Modality.TELEPHONE)
    world.when(at(start + timedelta(days=45), 11))
    services.record_attendance(appointment=follow_up, by=team.clinician, attended=True)
    world.when(at(start + timedelta(days=46), 15))
    second = services.save_report_draft(
        referral=case,
        author=team.clinician,
        fitness=Fitness.FIT,
        answers=dict.fromkeys(case.question_texts, "Yes: back to full duties."),
        equality_act=EqualityActLikely.UNLIKELY,
        follow_up_plan="No further review needed.",
    )
    world.when(at(start + timedelta(days=46), 16))
    services.send_for_consent(report=second, by=team.clinician)
