"""Each KPI for every scope of one kind and every month at once, for the rollup: one query grouped by scope and
month, where metrics.compute asks one query per scope per month. The rows counted and the expressions are
compute's own (its querysets with no scope filter, grouped), so the figures are equal, which
metrics/tests/test_grouped_rollup.py checks against the per-scope computation.

Cases are grouped by their organisation or their OH service; a supplier's figures are those of the OH service it
runs, and an ICS's are added up from its members' (metrics.rollups). Months are local (Europe/London) months.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

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
ByKind = dict[str, dict[Key, Figure]]  # scope kind -> figures

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


Totals = dict[str, dict[tuple[Any, ...], Counter[str]]]  # kind -> (scope id, month, *also) -> aggregate -> sum


def _by_month(rows: QuerySet[Any], prefix: str, moment: str, span: Span, *also: str, **aggregates: Any) -> Totals:
    """`rows` in the span grouped by organisation, OH service, local month of `moment` and `also`, in one query;
    then added up for each scope kind (a case has one of each, so each kind's sums are its scopes' counts)."""
    low, high = bounds(span.first_day, span.last_day)
    fields = {kind: f"{prefix}{field}" for kind, field in SCOPE_FIELDS.items()}
    grouped = (
        rows.filter(**{f"{moment}__gte": low, f"{moment}__lt": high})
        .annotate(rollup_month=TruncMonth(moment, output_field=DateField()))
        .values(*fields.values(), "rollup_month", *also)
        .annotate(**aggregates)
        .order_by()
    )
    wanted = set(span.months)
    totals: Totals = {kind: defaultdict(Counter) for kind in SCOPE_FIELDS}
    for row in grouped:
        if row["rollup_month"] not in wanted:
            continue
        for kind, field in fields.items():
            if row[field] is not None:
                key = (row[field], row["rollup_month"], *(row[name] for name in also))
                sums = totals[kind][key]
                for name in aggregates:
                    sums[name] += row[name] or 0
    return totals


def _each_kind(totals: Totals, figure: Callable[[Counter[str]], Figure]) -> ByKind:
    return {kind: {(key[0], key[1]): figure(sums) for key, sums in by_key.items()} for kind, by_key in totals.items()}


def _counts(
    rows: QuerySet[Any], prefix: str, moment: str, span: Span, part: str, whole: str, **aggregates: Any
) -> ByKind:
    totals = _by_month(rows, prefix, moment, span, **aggregates)
    return _each_kind(totals, lambda sums: percent(sums[part], sums[whole]))


def referrals_received(span: Span) -> ByKind:
    totals = _by_month(Referral.objects.all(), "", "submitted_at", span, n=Count("pk"))
    return _each_kind(totals, lambda sums: Figure(sums["n"], None, sums["n"]))


def wait_to_first_appointment(span: Span) -> ByKind:
    waits = first_appointment_waits(Q(), span.first_day, span.last_day)
    totals = _by_month(waits, "referral__", "start", span, "wait_days", n=Count("pk"))
    figures: ByKind = {}
    for kind, by_key in totals.items():
        distributions: dict[Key, dict[int, int]] = {}
        for (scope_id, month, wait_days), sums in by_key.items():
            distribution = distributions.setdefault((scope_id, month), {})  # waits all outside the calendar: empty
            if wait_days is not None:
                distribution[int(wait_days)] = distribution.get(int(wait_days), 0) + sums["n"]
        figures[kind] = {key: figure_from_distribution(d) for key, d in distributions.items()}
    return figures


def dna_rate(span: Span) -> ByKind:
    seen = Appointment.objects.filter(status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.DNA])
    dna = Count("pk", filter=Q(status=AppointmentStatus.DNA))
    return _counts(seen, "referral__", "start", span, "dna", "total", total=Count("pk"), dna=dna)


def open_caseload(span: Span) -> ByKind:
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
    figures: ByKind = {kind: {} for kind in SCOPE_FIELDS}
    sums: dict[str, Counter[Key]] = {kind: Counter() for kind in SCOPE_FIELDS}
    for row in cases.values(*SCOPE_FIELDS.values()).annotate(**counts).order_by():
        for kind, field in SCOPE_FIELDS.items():
            if row[field] is not None:
                for name, (month, _) in ends.items():
                    sums[kind][(row[field], month)] += row[name]
    for kind, by_key in sums.items():
        figures[kind] = {key: Figure(n, None, n) for key, n in by_key.items()}
    return figures


def report_turnaround(span: Span) -> ByKind:
    reports = reports_with_days(Q(), span.first_day, span.last_day)
    within = Count("pk", filter=Q(days__lte=WITHIN_WORKING_DAYS))
    return _counts(
        reports, "referral__", "sent_for_consent_at", span, "within", "total", total=Count("pk"), within=within
    )


def clearance_turnaround(span: Span) -> ByKind:
    cleared = clearances_with_days(Q(), span.first_day, span.last_day)
    within = Count("pk", filter=Q(days__lte=WITHIN_WORKING_DAYS))
    return _counts(cleared, "", "cleared_at", span, "within", "total", total=Count("pk"), within=within)


def _closed() -> QuerySet[Referral]:
    return Referral.objects.filter(status=Status.CLOSED)


def return_to_work(span: Span) -> ByKind:
    back = Count("pk", filter=Q(closure_outcome__in=RETURNED_TO_WORK_OUTCOMES))
    absent = _closed().filter(absent_at_referral=True)
    return _counts(absent, "", "closed_at", span, "back", "total", total=Count("pk"), back=back)


def remained_in_work(span: Span) -> ByKind:
    stayed = Count("pk", filter=Q(closure_outcome__in=IN_WORK_OUTCOMES))
    at_work = _closed().filter(absent_at_referral=False)
    return _counts(at_work, "", "closed_at", span, "stayed", "total", total=Count("pk"), stayed=stayed)


def work_ability_gain(span: Span) -> ByKind:
    totals = _by_month(with_both_scores(_closed()), "", "closed_at", span, **WORK_ABILITY_SUMS)
    return _each_kind(totals, lambda sums: work_ability_figure(sums["n"], sums["total"]))


def outcome_capture(span: Span) -> ByKind:
    end_measures = Measures.objects.filter(referral=OuterRef("pk"), stage=MeasureStage.CLOSURE)
    closed = _closed().annotate(has_end_measures=Exists(end_measures))
    captured = Count("pk", filter=Q(has_end_measures=True))
    return _counts(closed, "", "closed_at", span, "captured", "total", total=Count("pk"), captured=captured)


def adjustments_in_place(span: Span) -> ByKind:
    in_place = Count(
        "pk",
        filter=Q(status=AdjustmentStatus.IN_PLACE, answered_at__lte=F("report__released_at") + timedelta(weeks=4)),
    )
    return _counts(
        AdjustmentFollowUp.objects.all(),
        "report__referral__",
        "report__released_at",
        span,
        "in_place",
        "total",
        total=Count("pk"),
        in_place=in_place,
    )


def satisfaction(span: Span) -> ByKind:
    satisfied = Count("pk", filter=Q(score__gte=4))
    surveys = SatisfactionSurvey.objects.all()
    return _counts(
        surveys, "referral__", "answered_at", span, "satisfied", "total", total=Count("pk"), satisfied=satisfied
    )


def injuries_assessed_same_day(span: Span) -> ByKind:
    injuries = injuries_judged(Q(), span.first_day, span.last_day)
    return _counts(injuries, "", "reported_at", span, "same_day", "total", **INJURY_COUNTS)


def surveillance_compliance(span: Span) -> ByKind:
    """compute.surveillance_compliance for every scope and month end from two reads (the enrolments, and their
    results), matched in Python: each enrolment's date due at a month's end is the next date due of its latest
    result recorded by then (by date performed, then recorded), else its first date due."""
    last_high = span.high(span.months[-1])
    enrolments = list(
        SurveillanceEnrolment.objects.filter(enrolled_at__lt=last_high).values_list(
            "pk", "programme__organisation_id", "programme__oh_service_id", "enrolled_at", "ended_at", "first_due_on"
        )
    )
    results: dict[int, list[tuple[date, datetime, date]]] = defaultdict(list)
    recorded = SurveillanceResult.objects.filter(
        enrolment__in=SurveillanceEnrolment.objects.filter(enrolled_at__lt=last_high), recorded_at__lt=last_high
    )
    for enrolment_id, performed_on, recorded_at, next_due_on in recorded.values_list(
        "enrolment_id", "performed_on", "recorded_at", "next_due_on"
    ):
        results[enrolment_id].append((performed_on, recorded_at, next_due_on))
    sums: dict[str, dict[Key, Counter[str]]] = {kind: defaultdict(Counter) for kind in SCOPE_FIELDS}
    ends = [(month, span.high(month), span.end(month)) for month in span.months]
    for pk, organisation_id, service_id, enrolled_at, ended_at, first_due_on in enrolments:
        for month, high, end in ends:
            if not (enrolled_at < high and (ended_at is None or ended_at >= high)):
                continue
            known = [r for r in results.get(pk, ()) if r[1] < high]
            due_then = max(known, key=lambda r: (r[0], r[1]))[2] if known else first_due_on
            for kind, scope_id in ((ScopeKind.ORGANISATION, organisation_id), (ScopeKind.OH_SERVICE, service_id)):
                if scope_id is not None:
                    counts = sums[kind][(scope_id, month)]
                    counts["total"] += 1
                    counts["in_date"] += due_then is not None and due_then >= end
    return {
        kind: {key: percent(c["in_date"], c["total"]) for key, c in by_key.items()} for kind, by_key in sums.items()
    }


def flu_uptake_frontline(span: Span) -> ByKind:
    return {kind: _flu_uptake(field, span) for kind, field in SCOPE_FIELDS.items()}


def _flu_uptake(field: str, span: Span) -> dict[Key, Figure]:
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


GroupedKpi = Callable[[Span], ByKind]

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


def figures_by_kind(code: str, span: Span) -> ByKind:
    """`code` for every scope of each kind (organisation, OH service) with anything to count: kind -> (scope id,
    month) -> figure. The rest have nothing to count: `empty(code)`."""
    grouped, _ = GROUPED[code]
    return grouped(span)


def empty(code: str) -> Figure:
    return GROUPED[code][1]
