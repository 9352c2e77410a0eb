"""Each KPI computed in the database for a scope and a date range (aggregates and subqueries,
no per-row Python). Working days come from the CalendarDay table: a subtraction of ordinals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from assessments.models import Assessment
from referrals.models import (
    IN_WORK_OUTCOMES,
    RETURNED_TO_WORK_OUTCOMES,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    Measures,
    MeasureStage,
    OutcomeReport,
    Referral,
    Status,
)

from .models import CalendarDay, SatisfactionSurvey
from .scopes import Scope

WITHIN_WORKING_DAYS = 2


@dataclass(frozen=True)
class Figure:
    numerator: float | None
    denominator: float | None
    value: float | None


class Median(Aggregate):
    """PERCENTILE_CONT(0.5) on PostgreSQL; SQLite (the demo database) has no percentile function."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _working_day(field: str) -> Subquery:
    """The working-day ordinal of a date annotation on the outer query."""
    return Subquery(
        CalendarDay.objects.filter(date=OuterRef(field)).values("working_day")[:1], output_field=IntegerField()
    )


def _percent(part: int, whole: int) -> Figure:
    return Figure(part, whole, round(100.0 * part / whole, 1) if whole else None)


def referrals_received(scope: Scope, start: date, end: date) -> Figure:
    low, high = _bounds(start, end)
    n = Referral.objects.filter(scope.case_filter(), submitted_at__gte=low, submitted_at__lt=high).count()
    return Figure(n, None, n)


def wait_to_first_appointment(scope: Scope, start: date, end: date) -> Figure:
    return _median(_first_appointment_waits(scope.case_filter(), start, end), "wait_days")


def _median(queryset: QuerySet, field: str) -> Figure:
    n = queryset.count()
    if not n:
        return Figure(None, 0, None)
    if connection.vendor == "postgresql":
        value = queryset.aggregate(m=Median(field))["m"]
    else:  # SQLite demo database: the middle value, read by offset in the database
        ordered = queryset.order_by(field).values_list(field, flat=True)
        middle = [ordered[(n - 1) // 2], ordered[n // 2]]
        value = sum(middle) / 2
    return Figure(None, n, round(float(value), 1))


def dna_rate(scope: Scope, start: date, end: date) -> Figure:
    low, high = _bounds(start, end)
    counts = Appointment.objects.filter(
        scope.case_filter("referral__"),
        start__gte=low,
        start__lt=high,
        status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.DNA],
    ).aggregate(total=Count("pk"), dna=Count("pk", filter=Q(status=AppointmentStatus.DNA)))
    return _percent(counts["dna"], counts["total"])


def open_caseload(scope: Scope, start: date, end: date) -> Figure:
    _, high = _bounds(start, end)
    n = (
        Referral.objects.filter(scope.case_filter(), submitted_at__lt=high)
        .exclude(status=Status.DRAFT)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=high))
        .count()
    )
    return Figure(n, None, n)


def reports_within(cases: Q, start: date, end: date, days: int) -> tuple[int, int]:
    """(reports sent for consent within `days` working days of the appointment, all reports sent) in the period."""
    low, high = _bounds(start, end)
    attended = Appointment.objects.filter(
        referral=OuterRef("referral"), status=AppointmentStatus.ATTENDED, start__lte=OuterRef("sent_for_consent_at")
    )
    reports = (
        OutcomeReport.objects.filter(cases, sent_for_consent_at__gte=low, sent_for_consent_at__lt=high)
        .annotate(seen=Subquery(attended.order_by("-start").values("start")[:1]))
        .filter(seen__isnull=False)
        .annotate(
            sent_day=Cast(TruncDate("sent_for_consent_at"), DateField()), seen_day=Cast(TruncDate("seen"), DateField())
        )
        .annotate(days=_working_day("sent_day") - _working_day("seen_day"))
    )
    counts = reports.aggregate(total=Count("pk"), within=Count("pk", filter=Q(days__lte=days)))
    return counts["within"], counts["total"]


def _first_appointment_waits(cases: Q, start: date, end: date) -> QuerySet[Referral]:
    """Cases whose first appointment falls in the period, with `wait_days`: working days from acceptance."""
    low, high = _bounds(start, end)
    first = Appointment.objects.filter(referral=OuterRef("pk")).order_by("start").values("start")[:1]
    return (
        Referral.objects.filter(cases, accepted_at__isnull=False)
        .annotate(first_start=Subquery(first))
        .filter(first_start__gte=low, first_start__lt=high)
        .annotate(
            accepted_day=Cast(TruncDate("accepted_at"), DateField()),
            first_day=Cast(TruncDate("first_start"), DateField()),
        )
        .annotate(wait_days=_working_day("first_day") - _working_day("accepted_day"))
    )


def first_appointments_within(cases: Q, start: date, end: date, days: int) -> tuple[int, int]:
    """(first appointments within `days` working days of acceptance, all first appointments) in the period."""
    counts = _first_appointment_waits(cases, start, end).aggregate(
        total=Count("pk"), within=Count("pk", filter=Q(wait_days__lte=days))
    )
    return counts["within"], counts["total"]


def clearances_within(checks: Q, start: date, end: date, days: int) -> tuple[int, int]:
    low, high = _bounds(start, end)
    cleared = (
        Assessment.objects.filter(
            checks, cleared_at__gte=low, cleared_at__lt=high, questionnaire_completed_at__isnull=False
        )
        .annotate(
            done_day=Cast(TruncDate("questionnaire_completed_at"), DateField()),
            cleared_day=Cast(TruncDate("cleared_at"), DateField()),
        )
        .annotate(days=_working_day("cleared_day") - _working_day("done_day"))
    )
    counts = cleared.aggregate(total=Count("pk"), within=Count("pk", filter=Q(days__lte=days)))
    return counts["within"], counts["total"]


def report_turnaround(scope: Scope, start: date, end: date) -> Figure:
    return _percent(*reports_within(scope.case_filter("referral__"), start, end, WITHIN_WORKING_DAYS))


def clearance_turnaround(scope: Scope, start: date, end: date) -> Figure:
    return _percent(*clearances_within(scope.assessment_filter(), start, end, WITHIN_WORKING_DAYS))


def _closed(scope: Scope, start: date, end: date) -> QuerySet[Referral]:
    low, high = _bounds(start, end)
    return Referral.objects.filter(scope.case_filter(), status=Status.CLOSED, closed_at__gte=low, closed_at__lt=high)


def return_to_work(scope: Scope, start: date, end: date) -> Figure:
    counts = (
        _closed(scope, start, end)
        .filter(absent_at_referral=True)
        .aggregate(total=Count("pk"), back=Count("pk", filter=Q(closure_outcome__in=RETURNED_TO_WORK_OUTCOMES)))
    )
    return _percent(counts["back"], counts["total"])


def remained_in_work(scope: Scope, start: date, end: date) -> Figure:
    counts = (
        _closed(scope, start, end)
        .filter(absent_at_referral=False)
        .aggregate(total=Count("pk"), stayed=Count("pk", filter=Q(closure_outcome__in=IN_WORK_OUTCOMES)))
    )
    return _percent(counts["stayed"], counts["total"])


def work_ability_gain(scope: Scope, start: date, end: date) -> Figure:
    def score(stage: str) -> Subquery:
        return Subquery(Measures.objects.filter(referral=OuterRef("pk"), stage=stage).values("work_ability")[:1])

    cases = (
        _closed(scope, start, end)
        .annotate(intake=score(MeasureStage.INTAKE), closure=score(MeasureStage.CLOSURE))
        .filter(intake__isnull=False, closure__isnull=False)
    )
    result = cases.aggregate(n=Count("pk"), gain=Avg(F("closure") - F("intake"), output_field=FloatField()))
    value = round(result["gain"], 2) if result["gain"] is not None else None
    return Figure(None, result["n"], value)


def outcome_capture(scope: Scope, start: date, end: date) -> Figure:
    end_measures = Measures.objects.filter(referral=OuterRef("pk"), stage=MeasureStage.CLOSURE)
    counts = (
        _closed(scope, start, end)
        .annotate(has_end_measures=Exists(end_measures))
        .aggregate(total=Count("pk"), captured=Count("pk", filter=Q(has_end_measures=True)))
    )
    return _percent(counts["captured"], counts["total"])


def adjustments_in_place(scope: Scope, start: date, end: date) -> Figure:
    low, high = _bounds(start, end)
    counts = AdjustmentFollowUp.objects.filter(
        scope.case_filter("report__referral__"),
        report__released_at__gte=low,
        report__released_at__lt=high,
    ).aggregate(
        total=Count("pk"),
        in_place=Count(
            "pk",
            filter=Q(status=AdjustmentStatus.IN_PLACE, answered_at__lte=F("report__released_at") + timedelta(weeks=4)),
        ),
    )
    return _percent(counts["in_place"], counts["total"])


def satisfaction(scope: Scope, start: date, end: date) -> Figure:
    low, high = _bounds(start, end)
    counts = SatisfactionSurvey.objects.filter(
        scope.case_filter("referral__"),
        answered_at__gte=low,
        answered_at__lt=high,
    ).aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=4)))
    return _percent(counts["satisfied"], counts["total"])


def sla_attainment(scope: Scope, start: date, end: date) -> Figure:
    """Per supplier: each (call-off, service level, month) is met or not; see metrics.sla."""
    if scope.kind != "supplier":
        return Figure(None, 0, None)
    from .sla import supplier_attainment

    met, measured = supplier_attainment(scope.organisation, start, end)
    return _percent(met, measured)


COMPUTE: dict[str, Callable[[Scope, date, date], Figure]] = {
    "REFERRALS_RECEIVED": referrals_received,
    "WAIT_TO_FIRST_APPT": wait_to_first_appointment,
    "DNA_RATE": dna_rate,
    "OPEN_CASELOAD": open_caseload,
    "REPORT_TURNAROUND": report_turnaround,
    "CLEARANCE_TURNAROUND": clearance_turnaround,
    "RETURN_TO_WORK": return_to_work,
    "REMAINED_IN_WORK": remained_in_work,
    "WORK_ABILITY_GAIN": work_ability_gain,
    "OUTCOME_CAPTURE": outcome_capture,
    "ADJUSTMENTS_IN_PLACE": adjustments_in_place,
    "SATISFACTION": satisfaction,
    "SLA_ATTAINMENT": sla_attainment,
}


def compute(code: str, scope: Scope, start: date, end: date) -> Figure:
    return COMPUTE[code](scope, start, end)
