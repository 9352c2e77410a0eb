"""A year of ESR absence extracts for the demo (seed_demo); runs once.

Each month the IG lead of the first trust imports the month's extract, at that moment (`world.when`), through the
same service as the page; the import makes the line manager's suggestions. The manager decides a few days later:
some referrals are started and sent (the oldest later withdrawn, the employee back at work before the appointment),
others are "not now". This month's extract leaves three suggestions waiting on the demo manager's list, and the
board's page and annual report have a year of counts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from accounts.models import User
from organisations.demo import DemoWorld
from organisations.models import Employee
from referrals import services as referral_services
from referrals.models import OPEN_STATUSES, Kind, Referral

from . import services
from .models import AbsenceImport, SupportSuggestion

HEADER = "Employee Number,Assignment Number,Absence Start Date,Absence End Date,Days Lost,Hours Lost,Absence Reason\n"
REASONS = ["S10 Anxiety/stress/depression/other psychiatric illnesses", "S12 Other musculoskeletal problems", ""]
NOT_NOW = ["Already back at work and doing well", "We are meeting next week to talk it through", ""]


def _row(employee: Employee, starts: date, ends: date | None, days: int | None, reason: str) -> str:
    end = f"{ends:%d/%m/%Y}" if ends else ""
    lost = "" if days is None else str(days)
    hours = "" if days is None else f"{days * 7.5:g}"
    return f"{employee.esr_number},{employee.esr_number}-1,{starts:%d/%m/%Y},{end},{lost},{hours},{reason}\n"


def seed(world: DemoWorld) -> None:
    trust = world.trusts[0]
    if AbsenceImport.objects.filter(organisation=trust).exists():
        return
    rng = world.rng
    ig_lead, manager = world.users["ig_lead"], world.users["manager"]
    open_cases = Referral.objects.filter(kind=Kind.MANAGEMENT, status__in=OPEN_STATUSES).values("employee_id")
    staff = list(
        Employee.objects.filter(organisation=trust, user__isnull=True, line_manager=manager)
        .exclude(pk__in=open_cases)
        .order_by("esr_number")
    )
    rng.shuffle(staff)
    # Three kept for this month's extract, so the demo manager always has suggestions waiting.
    waiting, staff = staff[:3], staff[3:]
    for months_ago in range(11, -1, -1):
        moment = world.now - timedelta(days=30 * months_ago + 2)
        if not world.when(moment):
            continue
        today = moment.date()
        if months_ago == 0:
            people = waiting
        else:
            count = rng.randint(5, 8)
            people, staff = staff[:count], staff[count:]
        rows = []
        for n, employee in enumerate(people):
            if n % 3 == 2:  # short, repeated absence: three spells in the last months
                for back in (120, 70, 20):
                    starts = today - timedelta(days=back + rng.randint(0, 9))
                    rows.append(_row(employee, starts, starts + timedelta(days=1), 2, rng.choice(REASONS)))
            elif n % 3 == 1:  # absent now, for a month so far
                rows.append(
                    _row(employee, today - timedelta(days=rng.randint(28, 45)), None, None, rng.choice(REASONS))
                )
            else:  # a long absence, over now
                starts = today - timedelta(days=rng.randint(50, 80))
                length = rng.randint(28, 40)
                rows.append(_row(employee, starts, starts + timedelta(days=length - 1), length, rng.choice(REASONS)))
        # Someone whose absence does not reach the level: in the extract, never suggested.
        if staff and months_ago == 11:
            starts = today - timedelta(days=rng.randint(10, 20))
            rows.append(_row(staff[-1], starts, starts + timedelta(days=2), 3, ""))
            staff = staff[:-1]
        services.import_absence_extract(
            organisation=trust,
            by=ig_lead,
            content=HEADER + "".join(rows),
            file_name=f"esr-absence-{today:%Y-%m}.csv",
            today=today,
        )
        if months_ago == 0:
            continue  # this month's wait for the manager
        _decide(world, manager, moment + timedelta(days=rng.randint(2, 6)), months_ago)


def _decide(world: DemoWorld, manager: User, moment: datetime, months_ago: int) -> None:
    if not world.when(moment):
        return
    rng = world.rng
    for suggestion in SupportSuggestion.objects.filter(decision="", employee__line_manager=manager):
        world.when(moment)  # each decision on the day, not after the last one's withdrawal
        if rng.random() < 0.55:
            referral = services.start_referral(suggestion=suggestion, by=manager)
            referral_services.update_draft(
                referral=referral,
                by=manager,
                reason_category=rng.choice(["musculoskeletal", "mental_health", "work_related_stress", "other"]),
                manager_questions=["fit_for_role", "adjustments"],
                work_details="Ward-based role, 37.5 hours a week on a rota of early and late shifts.",
                employee_agreed=True,
            )
            referral_services.submit_referral(referral=referral, by=manager)
            if months_ago > 2 and world.when(moment + timedelta(days=10)):
                referral_services.withdraw(referral=referral, by=manager, reason="Back at work before the appointment")
        else:
            services.decide_not_now(suggestion=suggestion, by=manager, reason=rng.choice(NOT_NOW))
