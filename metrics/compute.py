"""Each KPI computed in the database for a scope and a date range (aggregates and subqueries,
no per-row Python). Working days come from the CalendarDay table: a subtraction of ordinals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
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
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from assessments.models import Assessment
from health_protection.immunisation.selectors import frontline_uptake
from health_protection.injuries.models import InoculationInjury
from health_protection.surveillance.models import Enrolment as SurveillanceEnrolment
from health_protection.surveillance.models import Result as SurveillanceResult
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
from suppliers.selectors import supplier_attainment

from .models import CalendarDay, SatisfactionSurvey
from .periods import bounds
from .scopes import Scope, campaign_filter

WITHIN_WORKING_DAYS = 2


@dataclass(frozen=True)
class Figure:
    """numerator and denominator make figures of several periods combinable (metrics.combine);
    a median also keeps its distribution: {working days: cases}."""

    numerator: float | None
    denominator: float | None
    value: float | None
    distribution: dict[int, int] | None = None


def _working_day(field: str) -> Subquery:
    """The working-day ordinal of a date annotation on the outer query."""
    return Subquery(
        CalendarDay.objects.filter(date=OuterRef(field)).values("working_day")[:1], output_field=IntegerField()
    )


def percent(part: int, whole: int) -> Figure:
    return Figure(part, whole, round(100.0 * part / whole, 1) if whole else None)


def referrals_received(scope: Scope, start: date, end: date) -> Figure:
    low, high = bounds(start, end)
    n = Referral.objects.filter(scope.case_filter(), submitted_at__gte=low, submitted_at__lt=high).count()
    return Figure(n, None, n)


def wait_to_first_appointment(scope: Scope, start: date, end: date) -> Figure:
    waits = first_appointment_waits(scope.case_filter("referral__"), start, end)
    rows = waits.values("wait_days").annotate(n=Count("pk")).order_by()  # type: ignore[misc]  # wait_days is an annotation
    distribution = {int(row["wait_days"]): row["n"] for row in rows if row["wait_days"] is not None}
    return figure_from_distribution(distribution)


def figure_from_distribution(distribution: dict[int, int]) -> Figure:
    """The median of whole working days, exactly as PERCENTILE_CONT(0.5) would give it."""
    n = sum(distribution.values())
    if not n:
        return Figure(None, 0, None, {})
    middle, seen, value_low, value_high = ((n - 1) // 2, n // 2), 0, None, None
    for days in sorted(distribution):
        if value_low is None and seen + distribution[days] > middle[0]:
            value_low = days
        if seen + distribution[days] > middle[1]:
            value_high = days
            break
        seen += distribution[days]
    assert value_low is not None and value_high is not None
    return Figure(None, n, round((value_low + value_high) / 2, 1), distribution)


def dna_rate(scope: Scope, start: date, end: date) -> Figure:
    low, high = bounds(start, end)
    counts = Appointment.objects.filter(
        scope.case_filter("referral__"),
        start__gte=low,
        start__lt=high,
        status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.DNA],
    ).aggregate(total=Count("pk"), dna=Count("pk", filter=Q(status=AppointmentStatus.DNA)))
    return percent(counts["dna"], counts["total"])


def open_caseload(scope: Scope, start: date, end: date) -> Figure:
    _, high = bounds(start, end)
    n = (
        Referral.objects.filter(scope.case_filter(), submitted_at__lt=high)
        .exclude(status=Status.DRAFT)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=high))
        .count()
    )
    return Figure(n, None, n)


def reports_within(cases: Q, start: date, end: date, days: int) -> tuple[int, int]:
    """(reports sent for consent within `days` working days of the appointment, all reports sent) in the period."""
    counts = reports_with_days(cases, start, end).aggregate(
        total=Count("pk"), within=Count("pk", filter=Q(days__lte=days))
    )
    return counts["within"], counts["total"]


def reports_with_days(cases: Q, start: date, end: date) -> QuerySet[OutcomeReport]:
    """Reports sent for consent in the period after an attended appointment, with `days`: working days from the
    latest such appointment to sending. `cases` filters Referral rows through `referral__`."""
    low, high = bounds(start, end)
    attended = Appointment.objects.filter(
        referral=OuterRef("referral"), status=AppointmentStatus.ATTENDED, start__lte=OuterRef("sent_for_consent_at")
    )
    return (
        OutcomeReport.objects.filter(cases, sent_for_consent_at__gte=low, sent_for_consent_at__lt=high)
        .annotate(seen=Subquery(attended.order_by("-start").values("start")[:1]))
        .filter(seen__isnull=False)
        .annotate(
            sent_day=Cast(TruncDate("sent_for_consent_at"), DateField()), seen_day=Cast(TruncDate("seen"), DateField())
        )
        .annotate(days=_working_day("sent_day") - _working_day("seen_day"))
    )


def first_appointment_waits(cases: Q, start: date, end: date) -> QuerySet[Appointment]:
    """First appointments of accepted cases that fall in the period, with `wait_days`: working days from
    acceptance. Driven by the appointments in the period (indexed), so its cost follows the period, not
    the scope's whole history. `cases` filters Referral rows through `referral__`."""
    low, high = bounds(start, end)
    earlier = Appointment.objects.filter(referral=OuterRef("referral")).filter(
        Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), pk__lt=OuterRef("pk"))
    )
    return (
        Appointment.objects.filter(cases, start__gte=low, start__lt=high, referral__accepted_at__isnull=False)
        .exclude(Exists(earlier))
        .annotate(
            accepted_day=Cast(TruncDate("referral__accepted_at"), DateField()),
            first_day=Cast(TruncDate("start"), DateField()),
        )
        .annotate(wait_days=_working_day("first_day") - _working_day("accepted_day"))
    )


def first_appointments_within(cases: Q, start: date, end: date, days: int) -> tuple[int, int]:
    """(first appointments within `days` working days of acceptance, all first appointments) in the period;
    `cases` filters through `referral__`."""
    counts = first_appointment_waits(cases, start, end).aggregate(
        total=Count("pk"), within=Count("pk", filter=Q(wait_days__lte=days))
    )
    return counts["within"], counts["total"]


def clearances_within(checks: Q, start: date, end: date, days: int) -> tuple[int, int]:
    counts = clearances_with_days(checks, start, end).aggregate(
        total=Count("pk"), within=Count("pk", filter=Q(days__lte=days))
    )
    return counts["within"], counts["total"]


def clearances_with_days(checks: Q, start: date, end: date) -> QuerySet[Assessment]:
    """Clearances given in the period after a complete questionnaire, with `days`: working days between the two."""
    low, high = bounds(start, end)
    return (
        Assessment.objects.filter(
            checks, cleared_at__gte=low, cleared_at__lt=high, questionnaire_completed_at__isnull=False
        )
        .annotate(
            done_day=Cast(TruncDate("questionnaire_completed_at"), DateField()),
            cleared_day=Cast(TruncDate("cleared_at"), DateField()),
        )
        .annotate(days=_working_day("cleared_day") - _working_day("done_day"))
    )


def report_turnaround(scope: Scope, start: date, end: date) -> Figure:
    return percent(*reports_within(scope.case_filter("referral__"), start, end, WITHIN_WORKING_DAYS))


def clearance_turnaround(scope: Scope, start: date, end: date) -> Figure:
    return percent(*clearances_within(scope.assessment_filter(), start, end, WITHIN_WORKING_DAYS))


def _closed(scope: Scope, start: date, end: date) -> QuerySet[Referral]:
    low, high = bounds(start, end)
    return Referral.objects.filter(scope.case_filter(), status=Status.CLOSED, closed_at__gte=low, closed_at__lt=high)


def return_to_work(scope: Scope, start: date, end: date) -> Figure:
    counts = (
        _closed(scope, start, end)
        .filter(absent_at_referral=True)
        .aggregate(total=Count("pk"), back=Count("pk", filter=Q(closure_outcome__in=RETURNED_TO_WORK_OUTCOMES)))
    )
    return percent(counts["back"], counts["total"])


def remained_in_work(scope: Scope, start: date, end: date) -> Figure:
    counts = (
        _closed(scope, start, end)
        .filter(absent_at_referral=False)
        .aggregate(total=Count("pk"), stayed=Count("pk", filter=Q(closure_outcome__in=IN_WORK_OUTCOMES)))
    )
    return percent(counts["stayed"], counts["total"])


def work_ability_gain(scope: Scope, start: date, end: date) -> Figure:
    result = with_both_scores(_closed(scope, start, end)).aggregate(**WORK_ABILITY_SUMS)
    return work_ability_figure(result["n"], result["total"])


def with_both_scores(cases: QuerySet[Referral]) -> QuerySet[Referral]:
    """The cases with a work ability score at intake and at closure (annotated `intake` and `closure`)."""

    def score(stage: str) -> Subquery:
        return Subquery(Measures.objects.filter(referral=OuterRef("pk"), stage=stage).values("work_ability")[:1])

    return cases.annotate(intake=score(MeasureStage.INTAKE), closure=score(MeasureStage.CLOSURE)).filter(
        intake__isnull=False, closure__isnull=False
    )


WORK_ABILITY_SUMS = {"n": Count("pk"), "total": Sum(F("closure") - F("intake"), output_field=FloatField())}


def work_ability_figure(n: int, total: float | None) -> Figure:
    return Figure(total if n else None, n, round(total / n, 2) if n and total is not None else None)


def outcome_capture(scope: Scope, start: date, end: date) -> Figure:
    end_measures = Measures.objects.filter(referral=OuterRef("pk"), stage=MeasureStage.CLOSURE)
    counts = (
        _closed(scope, start, end)
        .annotate(has_end_measures=Exists(end_measures))
        .aggregate(total=Count("pk"), captured=Count("pk", filter=Q(has_end_measures=True)))
    )
    return percent(counts["captured"], counts["total"])


def adjustments_in_place(scope: Scope, start: date, end: date) -> Figure:
    low, high = bounds(start, end)
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
    return percent(counts["in_place"], counts["total"])


def satisfaction(scope: Scope, start: date, end: date) -> Figure:
    low, high = bounds(start, end)
    counts = SatisfactionSurvey.objects.filter(
        scope.case_filter("referral__"),
        answered_at__gte=low,
        answered_at__lt=high,
    ).aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=4)))
    return percent(counts["satisfied"], counts["total"])


def sla_attainment(scope: Scope, start: date, end: date) -> Figure:
    """Per supplier: each (call-off, service level, month) is met or not; see suppliers.selectors."""
    if scope.kind != "supplier":
        return Figure(None, 0, None)
    met, measured = supplier_attainment(scope.organisation, start, end)
    return percent(met, measured)


def injuries_assessed_same_day(scope: Scope, start: date, end: date) -> Figure:
    """Injuries reported in the period, and of them those risk-assessed on the day they were reported (London time).
    One reported today and still waiting is left out until its day is over: it may yet be assessed today."""
    counts = injuries_judged(scope.injury_filter(), start, end).aggregate(**INJURY_COUNTS)
    return percent(counts["same_day"], counts["total"])


def injuries_judged(injuries: Q, start: date, end: date) -> QuerySet[InoculationInjury]:
    """Injuries reported in the period, less today's still waiting, with `reported_day` and `assessed_day`."""
    low, high = bounds(start, end)
    today_began = bounds(timezone.localdate(), timezone.localdate())[0]
    return (
        InoculationInjury.objects.filter(injuries, reported_at__gte=low, reported_at__lt=high)
        .exclude(reported_at__gte=today_began, assessed_at__isnull=True)
        .annotate(
            reported_day=Cast(TruncDate("reported_at"), DateField()),
            assessed_day=Cast(TruncDate("assessed_at"), DateField()),
        )
    )


INJURY_COUNTS = {"total": Count("pk"), "same_day": Count("pk", filter=Q(assessed_day=F("reported_day")))}


def surveillance_compliance(scope: Scope, start: date, end: date) -> Figure:
    """Staff enrolled at the end of the period, and those of them whose check was not overdue then: each one's date
    due as it stood at that moment (the next date due of the latest check recorded by then, else the first date
    due), on or after the period's last day."""
    _, high = bounds(start, end)
    latest = SurveillanceResult.objects.filter(enrolment=OuterRef("pk"), recorded_at__lt=high).order_by(
        "-performed_on", "-recorded_at"
    )
    counts = (
        SurveillanceEnrolment.objects.filter(scope.surveillance_filter(), enrolled_at__lt=high)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=high))
        .annotate(due_then=Coalesce(Subquery(latest.values("next_due_on")[:1]), F("first_due_on")))
        .aggregate(total=Count("pk"), in_date=Count("pk", filter=Q(due_then__gte=end)))
    )
    return percent(counts["in_date"], counts["total"])


def flu_uptake_frontline(scope: Scope, start: date, end: date) -> Figure:
    """Each organisation's flu campaign running in the period, cumulative to the period's end (immunisation)."""
    return percent(*frontline_uptake(campaign_filter(scope), start, end))


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
    "INJURIES_ASSESSED_SAME_DAY": injuries_assessed_same_day,
    "SURVEILLANCE_COMPLIANCE": surveillance_compliance,
    "FLU_UPTAKE_FRONTLINE": flu_uptake_frontline,
}


def compute(code: str, scope: Scope, start: date, end: date) -> Figure:
    return COMPUTE[code](scope, start, end)
