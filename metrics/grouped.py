"""Each KPI for every scope of one kind and every month at once, for the rollup: one query grouped by scope and
month, where metrics.compute asks one query per scope per month. The rows counted and the expressions are
compute's own (its querysets with no scope filter, grouped), so the figures are equal, which
metrics/tests/test_grouped_rollup.py checks against the per-scope computation.

Cases are grouped by their organisation or their OH service; a supplier's figures are those of the OH service it
runs, and an ICS's are added up from its members' (metrics.rollups). Months are local (Europe/London) months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth

from health_protection.immunisation.frontline import frontline_filter
from health_protection.immunisation.models import VACCINATED_OUTCOMES, Campaign, CampaignKind, Vaccination
from health_protection.surveillance.models import Enrolment as SurveillanceEnrolment
from health_protection.surveillance.models import Result as SurveillanceResult
from organisations.models import Employee
from referrals.models import (
    IN_WORK_OUTCOMES,
    RETURNED_TO_WORK_OUTCOMES,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    Measures,
    MeasureStage,
    Referral,
    Status,
)

from .compute import (
    INJURY_COUNTS,
    WITHIN_WORKING_DAYS,
    WORK_ABILITY_SUMS,
    Figure,
    clearances_with_days,
    figure_from_distribution,
    first_appointment_waits,
    injuries_judged,
    percent,
    reports_with_days,
    with_both_scores,
    work_ability_figure,
)
from .models import SatisfactionSurvey
from .periods import bounds, month_to_date
from .scopes import ScopeKind

Key = tuple[int, date]  # (organisation id of the scope, first day of the month)

# The field a case (or check, injury, campaign) names its scope by, for the kinds grouped here.
SCOPE_FIELDS: dict[str, str] = {ScopeKind.ORGANISATION: "organisation", ScopeKind.OH_SERVICE: "oh_service"}


@dataclass(frozen=True)
class Span:
    """The months rolled up: each covers its local month, this month only up to today (month_to_date)."""

    months: tuple[date, ...]

    @classmethod
    def of(cls, months: list[date]) -> Span:
        return cls(tuple(sorted(set(months))))

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def last_day(self) -> date:
        return month_to_date(self.months[-1])

    def end(self, month: date) -> date:
        return month_to_date(month)

    def high(self, month: date) -> datetime:
        """The first moment after the month (this month: after today)."""
        return bounds(month, self.end(month))[1]


def _by_month(
    rows: QuerySet[Any], scope: str, moment: str, span: Span, *also: str, **aggregates: Any
) -> Iterator[tuple[Key, dict[str, Any]]]:
    """`rows` in the span (already filtered to it or not) grouped by scope, local month of `moment` and `also`."""
    low, high = bounds(span.first_day, span.last_day)
    grouped = (
        rows.filter(**{f"{moment}__gte": low, f"{moment}__lt": high})
        .annotate(rollup_month=TruncMonth(moment, output_field=DateField()))
        .values(scope, "rollup_month", *also)
        .annotate(**aggregates)
        .order_by()
    )
    wanted = set(span.months)
    for row in grouped:
        if row[scope] is not None and row["rollup_month"] in wanted:
            yield (row[scope], row["rollup_month"]), row


def _counts(
    rows: QuerySet[Any], scope: str, moment: str, span: Span, part: str, whole: str, **aggregates: Any
) -> dict[Key, Figure]:
    return {key: percent(row[part], row[whole]) for key, row in _by_month(rows, scope, moment, span, **aggregates)}


def referrals_received(field: str, span: Span) -> dict[Key, Figure]:
    rows = _by_month(Referral.objects.all(), field, "submitted_at", span, n=Count("pk"))
    return {key: Figure(row["n"], None, row["n"]) for key, row in rows}


def wait_to_first_appointment(field: str, span: Span) -> dict[Key, Figure]:
    waits = first_appointment_waits(Q(), span.first_day, span.last_day)
    distributions: dict[Key, dict[int, int]] = {}
    for key, row in _by_month(waits, f"referral__{field}", "start", span, "wait_days", n=Count("pk")):
        distribution = distributions.setdefault(key, {})  # waits all outside the calendar: an empty figure
        if row["wait_days"] is not None:
            distribution[int(row["wait_days"])] = row["n"]
    return {key: figure_from_distribution(distribution) for key, distribution in distributions.items()}


def dna_rate(field: str, span: Span) -> dict[Key, Figure]:
    seen = Appointment.objects.filter(status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.DNA])
    dna = Count("pk", filter=Q(status=AppointmentStatus.DNA))
    return _counts(seen, f"referral__{field}", "start", span, "dna", "total", total=Count("pk"), dna=dna)


def open_caseload(field: str, span: Span) -> dict[Key, Figure]:
    """A stock at each month's end: one count per month over the cases open at any of them."""
    ends = {f"open_{i}": (month, span.high(month)) for i, month in enumerate(span.months)}
    earliest = min(high for _, high in ends.values())
    cases = (
        Referral.objects.filter(submitted_at__lt=max(high for _, high in ends.values()))
        .exclude(status=Status.DRAFT)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=earliest))
    )
    counts = {
        name: Count("pk", filter=Q(submitted_at__lt=high) & (Q(closed_at__isnull=True) | Q(closed_at__gte=high)))
        for name, (_, high) in ends.items()
    }
    figures = {}
    for row in cases.values(field).annotate(**counts).order_by():
        if row[field] is not None:
            for name, (month, _) in ends.items():
                figures[(row[field], month)] = Figure(row[name], None, row[name])
    return figures


def report_turnaround(field: str, span: Span) -> dict[Key, Figure]:
    reports = reports_with_days(Q(), span.first_day, span.last_day)
    within = Count("pk", filter=Q(days__lte=WITHIN_WORKING_DAYS))
    return _counts(
        reports, f"referral__{field}", "sent_for_consent_at", span, "within", "total", total=Count("pk"), within=within
    )


def clearance_turnaround(field: str, span: Span) -> dict[Key, Figure]:
    cleared = clearances_with_days(Q(), span.first_day, span.last_day)
    within = Count("pk", filter=Q(days__lte=WITHIN_WORKING_DAYS))
    return _counts(cleared, field, "cleared_at", span, "within", "total", total=Count("pk"), within=within)


def _closed() -> QuerySet[Referral]:
    return Referral.objects.filter(status=Status.CLOSED)


def return_to_work(field: str, span: Span) -> dict[Key, Figure]:
    back = Count("pk", filter=Q(closure_outcome__in=RETURNED_TO_WORK_OUTCOMES))
    absent = _closed().filter(absent_at_referral=True)
    return _counts(absent, field, "closed_at", span, "back", "total", total=Count("pk"), back=back)


def remained_in_work(field: str, span: Span) -> dict[Key, Figure]:
    stayed = Count("pk", filter=Q(closure_outcome__in=IN_WORK_OUTCOMES))
    at_work = _closed().filter(absent_at_referral=False)
    return _counts(at_work, field, "closed_at", span, "stayed", "total", total=Count("pk"), stayed=stayed)


def work_ability_gain(field: str, span: Span) -> dict[Key, Figure]:
    rows = _by_month(with_both_scores(_closed()), field, "closed_at", span, **WORK_ABILITY_SUMS)
    return {key: work_ability_figure(row["n"], row["total"]) for key, row in rows}


def outcome_capture(field: str, span: Span) -> dict[Key, Figure]:
    end_measures = Measures.objects.filter(referral=OuterRef("pk"), stage=MeasureStage.CLOSURE)
    closed = _closed().annotate(has_end_measures=Exists(end_measures))
    captured = Count("pk", filter=Q(has_end_measures=True))
    return _counts(closed, field, "closed_at", span, "captured", "total", total=Count("pk"), captured=captured)


def adjustments_in_place(field: str, span: Span) -> dict[Key, Figure]:
    in_place = Count(
        "pk",
        filter=Q(
            status=AdjustmentStatus.IN_PLACE,
            answered_at__lte=F("report__released_at") + timedelta(weeks=4),
        ),
    )
    return _counts(
        AdjustmentFollowUp.objects.all(),
        f"report__referral__{field}",
        "report__released_at",
        span,
        "in_place",
        "total",
        total=Count("pk"),
        in_place=in_place,
    )


def satisfaction(field: str, span: Span) -> dict[Key, Figure]:
    satisfied = Count("pk", filter=Q(score__gte=4))
    surveys = SatisfactionSurvey.objects.all()
    return _counts(
        surveys, f"referral__{field}", "answered_at", span, "satisfied", "total", total=Count("pk"), satisfied=satisfied
    )


def injuries_assessed_same_day(field: str, span: Span) -> dict[Key, Figure]:
    injuries = injuries_judged(Q(), span.first_day, span.last_day)
    return _counts(injuries, field, "reported_at", span, "same_day", "total", **INJURY_COUNTS)


def surveillance_compliance(field: str, span: Span) -> dict[Key, Figure]:
    """A stock at each month's end: for each month, whom it had enrolled and whether each one's check was due then
    on or after the month's last day (compute.surveillance_compliance), all months in one pass."""
    enrolments = SurveillanceEnrolment.objects.filter(enrolled_at__lt=span.high(span.months[-1]))
    annotations, counts = {}, {}
    for i, month in enumerate(span.months):
        high = span.high(month)
        latest = SurveillanceResult.objects.filter(enrolment=OuterRef("pk"), recorded_at__lt=high).order_by(
            "-performed_on", "-recorded_at"
        )
        annotations[f"due_{i}"] = Coalesce(Subquery(latest.values("next_due_on")[:1]), F("first_due_on"))
        enrolled = Q(enrolled_at__lt=high) & (Q(ended_at__isnull=True) | Q(ended_at__gte=high))
        counts[f"total_{i}"] = Count("pk", filter=enrolled)
        counts[f"in_date_{i}"] = Count("pk", filter=enrolled & Q(**{f"due_{i}__gte": span.end(month)}))
    scope = f"programme__{field}"
    figures = {}
    for row in enrolments.annotate(**annotations).values(scope).annotate(**counts).order_by():
        if row[scope] is not None:
            for i, month in enumerate(span.months):
                figures[(row[scope], month)] = percent(row[f"in_date_{i}"], row[f"total_{i}"])
    return figures


def flu_uptake_frontline(field: str, span: Span) -> dict[Key, Figure]:
    """immunisation.selectors.frontline_uptake for every scope and month from three reads: the flu campaigns, the
    frontline staff of each organisation, and each campaign's frontline vaccinations by the day they were given."""
    campaigns = list(
        Campaign.objects.filter(kind=CampaignKind.FLU, starts_on__lte=span.last_day, ends_on__gte=span.first_day)
        .order_by("starts_on")
        .values("pk", "organisation_id", f"{field}_id", "starts_on", "ends_on")
    )
    if not campaigns:
        return {}
    staff = dict(
        Employee.objects.filter(frontline_filter(), organisation_id__in={c["organisation_id"] for c in campaigns})
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    given: dict[int, list[tuple[date, int]]] = defaultdict(list)
    vaccinations = (
        Vaccination.objects.filter(campaign__in=[c["pk"] for c in campaigns], outcome__in=VACCINATED_OUTCOMES)
        .filter(frontline_filter("employee__"))
        .values("campaign_id", "given_on")
        .annotate(n=Count("pk"))
        .order_by("campaign_id", "given_on")
    )
    for row in vaccinations:
        given[row["campaign_id"]].append((row["given_on"], row["n"]))

    def vaccinated_by(campaign: dict[str, Any], on: date) -> int:
        counted_on = min(on, campaign["ends_on"])
        return sum(n for day, n in given[campaign["pk"]] if day is not None and day <= counted_on)

    figures = {}
    for month in span.months:
        start, end = month, span.end(month)
        # Each organisation's latest flu campaign running in the month, per scope (flu_campaigns_in).
        latest: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        for campaign in campaigns:
            if campaign["starts_on"] <= end and campaign["ends_on"] >= start and campaign[f"{field}_id"] is not None:
                latest[campaign[f"{field}_id"]][campaign["organisation_id"]] = campaign
        for scope_id, chosen in latest.items():
            vaccinated = sum(vaccinated_by(c, end) for c in chosen.values())
            figures[(scope_id, month)] = percent(vaccinated, sum(staff.get(org, 0) for org in chosen))
    return figures


GroupedKpi = Callable[[str, Span], dict[Key, Figure]]

# Each KPI grouped, and its figure for a scope and month with nothing to count (what compute gives then).
GROUPED: dict[str, tuple[GroupedKpi, Figure]] = {
    "REFERRALS_RECEIVED": (referrals_received, Figure(0, None, 0)),
    "WAIT_TO_FIRST_APPT": (wait_to_first_appointment, figure_from_distribution({})),
    "DNA_RATE": (dna_rate, percent(0, 0)),
    "OPEN_CASELOAD": (open_caseload, Figure(0, None, 0)),
    "REPORT_TURNAROUND": (report_turnaround, percent(0, 0)),
    "CLEARANCE_TURNAROUND": (clearance_turnaround, percent(0, 0)),
    "RETURN_TO_WORK": (return_to_work, percent(0, 0)),
    "REMAINED_IN_WORK": (remained_in_work, percent(0, 0)),
    "WORK_ABILITY_GAIN": (work_ability_gain, work_ability_figure(0, None)),
    "OUTCOME_CAPTURE": (outcome_capture, percent(0, 0)),
    "ADJUSTMENTS_IN_PLACE": (adjustments_in_place, percent(0, 0)),
    "SATISFACTION": (satisfaction, percent(0, 0)),
    "INJURIES_ASSESSED_SAME_DAY": (injuries_assessed_same_day, percent(0, 0)),
    "SURVEILLANCE_COMPLIANCE": (surveillance_compliance, percent(0, 0)),
    "FLU_UPTAKE_FRONTLINE": (flu_uptake_frontline, percent(0, 0)),
}


def figures_by_scope(code: str, kind: str, span: Span) -> dict[Key, Figure]:
    """`code` for every scope of `kind` (organisation or OH service) with anything to count; the rest: `empty(code)`."""
    grouped, _ = GROUPED[code]
    return grouped(SCOPE_FIELDS[kind], span)


def empty(code: str) -> Figure:
    return GROUPED[code][1]
