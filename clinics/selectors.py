"""Reads of the diary, each starting from `visible_to` where a user asks: free slots, the slots an employee's link
offers, the waiting list, a clinician's week and capacity against demand."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, AssessmentStatus, ClearanceOutcome
from ohwb_portal.working_days import is_working_day
from organisations.models import Organisation, active_membership
from organisations.roles import Role, ServiceLine
from referrals.actions import TRANSITIONS
from referrals.models import OPEN_STATUSES, Priority, Referral, Status

from .models import HOLDING_STATUSES, Booking, BookingStatus, Clinic, DiaryException, Slot
from .rules import (
    SELF_CHANGE_CUTOFF,
    SLOTS_OFFERED,
    TARGET_WORKING_DAYS,
    Wait,
    target_date,
    target_for,
    wait_so_far,
)

WAITING_STATUSES = (Status.TRIAGED, Status.DNA)
# A UK mobile number (07..., +447..., 00447...), spaces and dashes allowed: the SMS reminders go to these only.
MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


# --- contact ---------------------------------------------------------------------------------------------------


def employee_email(referral: Referral) -> str:
    employee = referral.employee
    return employee.email or (employee.user.email if employee.user else "")


def mobile_number(referral: Referral) -> str:
    """The employee's mobile number in international form, or "" when none is held (a landline gets no SMS)."""
    phone = re.sub(r"[\s\-()]", "", referral.employee.phone or "")
    if not MOBILE.match(phone):
        return ""
    return "+44" + phone[-10:]


def booking_email(booking: Booking) -> str:
    if booking.referral_id:
        return employee_email(booking.referral)  # type: ignore[arg-type]
    return booking.assessment.candidate_email if booking.assessment else ""


def booking_mobile(booking: Booking) -> str:
    return mobile_number(booking.referral) if booking.referral_id else ""  # type: ignore[arg-type]


def letter_needed(booking: Booking) -> bool:
    """Staff with no e-mail address are sent a letter (printed from the booking's page)."""
    return not booking_email(booking)


# --- clinics, slots and bookings -------------------------------------------------------------------------------


def clinics(*, user: Any) -> QuerySet[Clinic]:
    return Clinic.objects.visible_to(user).select_related("clinician").order_by("name", "pk")


def clinicians(*, user: Any) -> QuerySet[User]:
    """The clinicians of the OH service the user works in."""
    membership = active_membership(user)
    if membership is None or membership.role not in (Role.OH_ADMIN, Role.CLINICIAN):
        return User.objects.none()
    return User.objects.filter(
        memberships__organisation=membership.organisation, memberships__role=Role.CLINICIAN
    ).order_by("last_name", "first_name", "pk")


def free_slots_of(clinic: Clinic) -> QuerySet[Slot]:
    return Slot.objects.filter(clinic=clinic).free()


def upcoming_slots(*, clinic: Clinic, limit: int = 40) -> list[Slot]:
    """The clinic's next slots, each with its booking (if any) as `holding`."""
    slots = list(Slot.objects.filter(clinic=clinic, start__gte=timezone.now()).offered().order_by("start")[:limit])
    _attach_bookings(slots)
    return slots


def _attach_bookings(slots: list[Slot]) -> None:
    if not slots:
        return
    bookings = Booking.objects.holding().filter(
        clinician_id__in={s.clinician_id for s in slots}, start__lt=slots[-1].end, end__gt=slots[0].start
    )
    by_clinician: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings.select_related("referral__employee", "assessment"):
        by_clinician[booking.clinician_id].append(booking)
    for slot in slots:
        slot.holding = next(  # type: ignore[attr-defined]
            (b for b in by_clinician[slot.clinician_id] if b.start < slot.end and b.end > slot.start), None
        )


def bookings_to_move(*, clinic: Clinic) -> QuerySet[Booking]:
    """Bookings in the clinic's slots on days it no longer runs (an exception, or the clinic ending)."""
    return Booking.objects.filter(
        slot__clinic=clinic, slot__withdrawn_at__isnull=False, status=BookingStatus.BOOKED, start__gt=timezone.now()
    ).select_related("referral__employee", "assessment")


def exceptions(*, clinic: Clinic) -> QuerySet[DiaryException]:
    return DiaryException.objects.filter(
        Q(clinic=clinic) | Q(clinic__isnull=True, clinician_id=clinic.clinician_id),
        last_day__gte=timezone.localdate(),
    )


def bookable_slots(
    *,
    user: Any,
    practitioner_type: str = "",
    modality: str = "",
    after: datetime | None = None,
    exclude: Booking | None = None,
    limit: int = 30,
) -> list[Slot]:
    """Free slots of the user's OH service from `after` (now by default), soonest first."""
    slots = Slot.objects.visible_to(user).free().filter(start__gt=after or timezone.now())
    if practitioner_type:
        slots = slots.filter(clinic__practitioner_type=practitioner_type)
    if modality:
        slots = slots.filter(clinic__modality=modality)
    return list(slots.select_related("clinic", "clinician").order_by("start", "pk")[:limit])


def suitable_slots(
    referral: Referral, *, modality: str = "", exclude: Booking | None = None
) -> tuple[list[Slot], bool]:
    """What an employee's link offers: free slots of their OH service's clinics for the case's practitioner type,
    more than a day ahead (so they can still be changed), within the wait target where there are any (True), or
    else the soonest after it (False)."""
    slots = Slot.objects.filter(clinic__oh_service_id=referral.oh_service_id).free()
    slots = slots.filter(start__gt=timezone.now() + SELF_CHANGE_CUTOFF)
    if referral.practitioner_type:
        slots = slots.filter(clinic__practitioner_type=referral.practitioner_type)
    if modality:
        slots = slots.filter(clinic__modality=modality)
    if exclude is not None:
        slots = slots.exclude(start=exclude.start, clinician_id=exclude.clinician_id)
    slots = slots.select_related("clinic", "clinician").order_by("start", "pk")
    accepted = timezone.localdate(referral.accepted_at) if referral.accepted_at else timezone.localdate()
    deadline = target_date(accepted, referral.priority)
    end_of_target = timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))
    within = list(slots.filter(start__lt=end_of_target)[:SLOTS_OFFERED])
    if within:
        return within, True
    return list(slots[:SLOTS_OFFERED]), False


def bookings(*, user: Any) -> QuerySet[Booking]:
    return Booking.objects.visible_to(user).select_related("referral__employee", "assessment", "clinician", "slot")


def booking_of_appointment(*, user: Any, appointment_id: int) -> Booking | None:
    return bookings(user=user).filter(appointment_id=appointment_id).first()


def bookable_referrals(*, user: Any) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).filter(status__in=TRANSITIONS["book"] | TRANSITIONS["book_follow_up"])


def bookable_checks(*, user: Any) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).filter(
        status=AssessmentStatus.CLEARED, outcome=ClearanceOutcome.FURTHER_ASSESSMENT
    )


# --- the waiting list ------------------------------------------------------------------------------------------


def breach_cutoff(today: date, target: int) -> date:
    """The latest acceptance date that has waited more than `target` working days by today (so is breached)."""
    day, counted = today, 0
    while counted <= target:
        if is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day


@dataclass
class WaitingCase:
    reference: str
    name: str
    service_line: str
    priority: str
    accepted: date
    wait: Wait
    url_name: str
    pk: int
    rebook: bool = False

    @property
    def service_line_label(self) -> str:
        return str(ServiceLine(self.service_line).label)


@dataclass
class WaitingGroup:
    service_line: str
    priority: str
    count: int
    breached: int
    oldest: date | None
    target: int

    @property
    def label(self) -> str:
        return f"{ServiceLine(self.service_line).label}, {Priority(self.priority).label.lower()}"


@dataclass
class WaitingList:
    groups: list[WaitingGroup]
    cases: list[WaitingCase]
    total: int
    filters: dict[str, str] = field(default_factory=dict)


def _waiting_referrals(user: Any) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).filter(status__in=WAITING_STATUSES, accepted_at__isnull=False)


def _waiting_checks(user: Any) -> QuerySet[Assessment]:
    return bookable_checks(user=user).exclude(bookings__status__in=HOLDING_STATUSES).filter(cleared_at__isnull=False)


def waiting_list(
    *, user: Any, service_line: str = "", priority: str = "", limit: int = 50, offset: int = 0
) -> WaitingList:
    """Cases accepted and waiting for an appointment (and further assessments to book), per service line and
    priority: how many, how many past their target, the oldest; then the cases, oldest first."""
    today = timezone.localdate()
    referrals = _waiting_referrals(user)
    checks = _waiting_checks(user)
    groups: list[WaitingGroup] = []
    rows = referrals.values("service_line", "priority").annotate(n=Count("pk"), oldest=Min("accepted_at"))
    cutoffs = {p: breach_cutoff(today, target_for(p)) for p in TARGET_WORKING_DAYS}
    for row in rows.order_by("service_line", "priority"):
        priority_code = row["priority"] or Priority.ROUTINE
        cutoff = timezone.make_aware(datetime.combine(cutoffs[priority_code] + timedelta(days=1), time.min))
        breached = referrals.filter(
            service_line=row["service_line"], priority=row["priority"], accepted_at__lt=cutoff
        ).count()
        groups.append(
            WaitingGroup(
                row["service_line"],
                priority_code,
                row["n"],
                breached,
                timezone.localdate(row["oldest"]) if row["oldest"] else None,
                target_for(priority_code),
            )
        )
    check_count = checks.count()
    if check_count:
        oldest = checks.aggregate(oldest=Min("cleared_at"))["oldest"]
        routine_cutoff = timezone.make_aware(datetime.combine(cutoffs[Priority.ROUTINE] + timedelta(days=1), time.min))
        groups.append(
            WaitingGroup(
                ServiceLine.PRE_EMPLOYMENT,
                Priority.ROUTINE,
                check_count,
                checks.filter(cleared_at__lt=routine_cutoff).count(),
                timezone.localdate(oldest) if oldest else None,
                target_for(Priority.ROUTINE),
            )
        )
    if service_line:
        referrals = referrals.filter(service_line=service_line)
    if priority:
        referrals = referrals.filter(priority=priority)
    cases: list[WaitingCase] = []
    shown_checks = service_line in ("", ServiceLine.PRE_EMPLOYMENT) and priority in ("", Priority.ROUTINE)
    if service_line == ServiceLine.PRE_EMPLOYMENT:
        referrals = referrals.none()
    total = referrals.count() + (check_count if shown_checks else 0)
    merged: list[tuple[Any, Any]] = [
        (r.accepted_at, r) for r in referrals.select_related("employee").order_by("accepted_at", "pk")[: offset + limit]
    ]
    if shown_checks:
        merged += [(c.cleared_at, c) for c in checks.order_by("cleared_at", "pk")[: offset + limit]]
    merged.sort(key=lambda pair: pair[0])
    for at, item in merged[offset : offset + limit]:
        accepted = timezone.localdate(at)
        if isinstance(item, Referral):
            cases.append(
                WaitingCase(
                    item.reference,
                    item.employee.full_name,
                    item.service_line,
                    item.priority or Priority.ROUTINE,
                    accepted,
                    wait_so_far(accepted, item.priority, today),
                    "clinics:book_case",
                    item.pk,
                    rebook=item.status == Status.DNA,
                )
            )
        else:
            cases.append(
                WaitingCase(
                    item.reference,
                    item.candidate_name,
                    ServiceLine.PRE_EMPLOYMENT,
                    Priority.ROUTINE,
                    accepted,
                    wait_so_far(accepted, Priority.ROUTINE, today),
                    "clinics:book_check",
                    item.pk,
                )
            )
    return WaitingList(groups, cases, total, {"service_line": service_line, "priority": priority})


# --- a clinician's week ----------------------------------------------------------------------------------------


@dataclass
class DiaryDay:
    day: date
    working: bool
    slots: list[Slot]
    outside: list[Booking]  # bookings not in one of the clinician's slots
    away: list[DiaryException]


@dataclass
class Week:
    clinician: User
    monday: date
    days: list[DiaryDay]
    caseload: list[Referral]
    offered: int
    booked: int


def week(*, user: Any, clinician: User, monday: date) -> Week:
    """The clinician's diary for the week (slots, bookings, leave) and caseload (open cases booked with them)."""
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = start + timedelta(days=5)
    slots = list(
        Slot.objects.visible_to(user)
        .filter(clinician=clinician, start__gte=start, start__lt=end)
        .offered()
        .select_related("clinic")
        .order_by("start")
    )
    _attach_bookings(slots)
    in_slots = {s.holding.pk for s in slots if getattr(s, "holding", None)}  # type: ignore[attr-defined]
    week_bookings = list(
        Booking.objects.visible_to(user)
        .holding()
        .filter(clinician=clinician, start__gte=start, start__lt=end)
        .select_related("referral__employee", "assessment")
    )
    away = list(
        DiaryException.objects.visible_to(user).filter(
            clinician=clinician, first_day__lte=monday + timedelta(days=4), last_day__gte=monday
        )
    )
    days = []
    for n in range(5):
        day = monday + timedelta(days=n)
        days.append(
            DiaryDay(
                day,
                is_working_day(day),
                [s for s in slots if timezone.localdate(s.start) == day],
                [b for b in week_bookings if b.pk not in in_slots and timezone.localdate(b.start) == day],
                [e for e in away if e.first_day <= day <= e.last_day],
            )
        )
    caseload = list(
        Referral.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, appointments__clinician=clinician)
        .distinct()
        .select_related("employee")
        .order_by("accepted_at", "pk")[:100]
    )
    return Week(clinician, monday, days, caseload, len(slots), len(in_slots) + sum(len(d.outside) for d in days))


# --- capacity against demand -----------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    month: date
    offered: int = 0
    booked: int = 0
    attended: int = 0
    dna: int = 0
    demand: int = 0

    @property
    def booked_percent(self) -> float | None:
        return round(100.0 * self.booked / self.offered, 1) if self.offered else None

    @property
    def dna_percent(self) -> float | None:
        seen = self.attended + self.dna
        return round(100.0 * self.dna / seen, 1) if seen else None


def _months(first: date, count: int) -> list[date]:
    months, current = [], first.replace(day=1)
    for _ in range(count):
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def capacity(*, user: Any, first_month: date, months: int = 6) -> list[MonthFigures]:
    """Per month for the user's OH service: slots offered, booked (in slots or outside them), attended and not
    attended, and demand (cases accepted and further assessments asked for that month)."""
    span = _months(first_month, months + 1)
    low = timezone.make_aware(datetime.combine(span[0], time.min))
    high = timezone.make_aware(datetime.combine(span[-1], time.min))
    figures = {m: MonthFigures(m) for m in span[:-1]}

    def by_month(queryset: QuerySet[Any], field_name: str, **counts: Any) -> None:
        rows = (
            queryset.filter(**{f"{field_name}__gte": low, f"{field_name}__lt": high})
            .annotate(month=TruncMonth(field_name))
            .values("month")
            .annotate(**counts)
            .order_by()
        )
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            target = figures.get(month)
            if target is not None:
                for name in counts:
                    setattr(target, name, getattr(target, name) + row[name])

    by_month(Slot.objects.visible_to(user).offered(), "start", offered=Count("pk"))
    by_month(
        Booking.objects.visible_to(user).holding(),
        "start",
        booked=Count("pk"),
        attended=Count("pk", filter=Q(status=BookingStatus.ATTENDED)),
        dna=Count("pk", filter=Q(status=BookingStatus.DNA)),
    )
    by_month(Referral.objects.visible_to(user), "accepted_at", demand=Count("pk"))
    by_month(bookable_checks(user=user), "cleared_at", demand=Count("pk"))
    return [figures[m] for m in span[:-1]]


def oh_service_of(user: Any) -> Organisation | None:
    membership = active_membership(user)
    return membership.organisation if membership else None
