"""Reads for dashboards: monthly figures from the rollup, and headline figures added up from them (the rollup
itself is written by metrics.rollups).

Past months are rolled up nightly. This month so far is rolled up every few minutes (metrics-current-month);
a row of it is used while it is fresh (settings.OHWB_KPI_FRESH_MINUTES), else the month is computed live.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from ohwb_portal.caching import remembered
from organisations.models import Organisation
from organisations.roles import OrganisationKind
from referrals.models import Referral

from .combine import MEDIANS, combine
from .compute import Figure, compute
from .definitions import KPIS, Kpi
from .disclosure import SUPPRESSED, is_small, protect
from .models import MonthlyKpi, SatisfactionSurvey
from .periods import board_months, bounds, last_complete_months, month_end, month_to_date, months_between
from .scopes import Scope, scope_for


def _is_fresh(month: date, computed_at: datetime, current: date) -> bool:
    if month < current:
        return True
    age = timezone.now() - computed_at
    return timezone.localdate(computed_at) == timezone.localdate() and age <= timedelta(
        minutes=settings.OHWB_KPI_FRESH_MINUTES
    )


def figure_from_row(
    kpi: str, numerator: float | None, denominator: float | None, value: float | None, stored: dict[str, int] | None
) -> Figure | None:
    distribution = {int(days): n for days, n in stored.items()} if stored is not None else None
    if kpi in MEDIANS and distribution is None:
        return None  # rolled up before medians kept their distribution: compute again
    return Figure(numerator, denominator, value, distribution)


def figure_of(row: MonthlyKpi) -> Figure | None:
    return figure_from_row(row.kpi, row.numerator, row.denominator, row.value, row.distribution)


ROW_COLUMNS = ("kpi", "month", "numerator", "denominator", "value", "distribution", "computed_at")


def many_series(codes: list[str], scope: Scope, months: list[date]) -> dict[str, list[tuple[date, Figure]]]:
    """Each month's figure (this month: so far) from MonthlyKpi in one query, read as tuples (a dashboard reads a
    few hundred rows: model instances cost more than the query); a month not rolled up yet, or this month's row
    when stale, is computed now."""
    current = timezone.localdate().replace(day=1)
    rows = MonthlyKpi.objects.filter(
        scope_kind=scope.kind, scope=scope.organisation, kpi__in=codes, month__in=months
    ).values_list(*ROW_COLUMNS)
    stored: dict[tuple[str, date], Figure | None] = {
        (kpi, month): figure_from_row(kpi, numerator, denominator, value, distribution)
        for kpi, month, numerator, denominator, value, distribution, computed_at in rows
        if _is_fresh(month, computed_at, current)
    }
    return {
        code: [(m, stored.get((code, m)) or compute(code, scope, m, month_to_date(m))) for m in months]
        for code in codes
    }


@dataclass(frozen=True)
class RollupStamp:
    """When a scope's rollup was last written: a new rollup is a new stamp, so whatever was assembled from the old
    one is not used again. `this_month_fresh`: this month's rows are young enough to be read (else computed)."""

    last: datetime | None
    this_month: datetime | None
    this_month_fresh: bool

    def seconds_fresh(self) -> int:
        """How long this month's rows stay fresh from now (0 when they are not)."""
        if not self.this_month_fresh or self.this_month is None:
            return 0
        left = timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES) - (timezone.now() - self.this_month)
        return max(int(left.total_seconds()), 1)


def rollup_stamp(scope: Scope) -> RollupStamp:
    """The scope's newest rollup row and whether this month's is fresh, in one query."""
    current = timezone.localdate().replace(day=1)
    found = MonthlyKpi.objects.filter(scope_kind=scope.kind, scope=scope.organisation).aggregate(
        last=Max("computed_at"), this_month=Max("computed_at", filter=Q(month=current))
    )
    this_month = found["this_month"]
    fresh = this_month is not None and _is_fresh(current, this_month, current)
    return RollupStamp(found["last"], this_month, fresh)


def series(code: str, scope: Scope, months: list[date]) -> list[tuple[date, Figure]]:
    return many_series([code], scope, months)[code]


def period_figures(scope: Scope, start: date, end: date, codes: list[str] | None = None) -> dict[str, Figure]:
    """Each KPI for any period: its whole months (and this month, when the period runs to today) added up from the
    rollup; only partial months at the ends are computed now."""
    codes = codes or list(KPIS)
    today = timezone.localdate()
    current = today.replace(day=1)

    def from_rollup(month: date) -> bool:
        if month < current:
            return month >= start and month_end(month) <= end
        return month == current and start <= month and end == today

    whole = [m for m in months_between(start, end) if from_rollup(m)]
    if not whole:
        return {code: compute(code, scope, start, end) for code in codes}
    stored = many_series(codes, scope, whole)
    before, after = whole[0] - timedelta(days=1), month_to_date(whole[-1], today) + timedelta(days=1)
    figures = {}
    for code in codes:
        pieces = [compute(code, scope, start, before)] if start <= before else []
        pieces += [figure for _, figure in stored[code]]
        if after <= end:
            pieces.append(compute(code, scope, after, end))
        figures[code] = combine(code, pieces)
    return figures


def all_scopes() -> list[Scope]:
    kinds = [
        OrganisationKind.TRUST,
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.ICS,
        OrganisationKind.OH_SERVICE,
        OrganisationKind.SUPPLIER,
    ]
    # A supplier counts only the cases of the OH service it runs in the portal; without one there is nothing.
    no_cases = Q(kind=OrganisationKind.SUPPLIER) & (
        Q(supplier_profile__isnull=True) | Q(supplier_profile__oh_service__isnull=True)
    )
    return [scope_for(org) for org in Organisation.objects.filter(kind__in=kinds).exclude(no_cases)]


@dataclass
class Tile:
    kpi: Kpi
    figure: Figure
    meets_target: bool | None


def headline(scope: Scope, start: date, end: date, codes: list[str] | None = None) -> list[Tile]:
    figures = period_figures(scope, start, end, codes)
    return [Tile(KPIS[code], figure, KPIS[code].meets_target(figure.value)) for code, figure in figures.items()]


BREAKDOWNS = {
    "reason_category": ("Reason for referral", "reason_category"),
    "staff_group": ("Staff group", "employee__staff_group"),
    "organisation": ("Organisation", "organisation__name"),
    "sex": ("Sex", "employee__sex"),
    "ethnic_group": ("Ethnic group", "employee__ethnic_group"),
    "disability": ("Disability", "employee__disability"),
    "age_band": ("Age band", "employee__age_band"),
}


NOT_RECORDED = "Not recorded"


@functools.cache
def breakdown_words(field: str) -> dict[str, str]:
    """Each stored value of a breakdown field and its words, from the model's choices ("long_covid" ->
    "Long COVID", "25_34" -> "25 to 34"): the one place a breakdown code becomes what people read."""
    model: Any = Referral
    *path, name = field.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return {str(value): str(label) for value, label in model._meta.get_field(name).flatchoices}


def breakdown_label(field: str, value: str) -> str:
    if not value or value == "not recorded":
        return NOT_RECORDED
    return breakdown_words(field).get(value, value)  # a name (organisation) is already words


def referral_breakdown(scope: Scope, start: date, end: date, field: str) -> dict[str, int]:
    """Referrals received, counted by one field: aggregate only (equality fields never leave as rows)."""

    def count() -> dict[str, int]:
        low, high = bounds(start, end)
        rows = (
            Referral.objects.filter(scope.case_filter(), submitted_at__gte=low, submitted_at__lt=high)
            .values(field)
            .annotate(n=Count("pk"))
            .order_by(field)
        )
        return {(row[field] or "not recorded"): row["n"] for row in rows}

    if end >= timezone.localdate():
        return count()
    # A past period's counts change only by late corrections: kept as long as a rolled-up figure is.
    key = f"breakdown:{scope.key}:{field}:{start}:{end}"
    return remembered(key, settings.OHWB_KPI_FRESH_MINUTES * 60, count)


# Counts whose months add up to the period's total shown beside them (the open caseload is a snapshot).
ADDITIVE_COUNTS = frozenset({"REFERRALS_RECEIVED"})


def hidden_months(code: str, scope: Scope, today: date | None = None) -> set[date]:
    """The months of an additive count that every page, export and API answer hides for a board user: the
    small ones, and the partners `protect` picks over the board's 12 months (always over all 12, so a page
    showing only some of them hides the same ones); this month when small."""
    if code not in ADDITIVE_COUNTS:
        return set()
    months = [*board_months(today), (today or timezone.localdate()).replace(day=1)]
    points = dict(series(code, scope, months))
    cells, _ = protect({m: points[m].value for m in months[:-1]})
    hidden = {m for m, value in cells.items() if value == SUPPRESSED}
    return hidden | ({months[-1]} if is_small(points[months[-1]].value) else set())


def range_reveals_a_hidden_month(code: str, scope: Scope, start: date, end: date) -> bool:
    """An additive count over a period other than the board's 12 months is hidden from board users when it
    covers a hidden month or a month not whole (so two periods cannot be subtracted to give one away)."""
    if code not in ADDITIVE_COUNTS:
        return False
    months = board_months()
    if (start, end) == (months[0], month_end(months[-1])):
        return board_total_hidden(code, scope)  # the board's own period: as the dashboard shows it
    today = timezone.localdate()
    if start.day != 1 or (end != month_end(end) and end != today):
        return True
    covered = months_between(start, end)
    hidden = hidden_months(code, scope) | {m for m, f in series(code, scope, covered) if is_small(f.value)}
    return bool(hidden & set(covered))


def period_total_hidden(code: str, scope: Scope, start: date, end: date) -> bool:
    """Whether a period's total of an additive count is hidden from board users: as the board's own period,
    or when it covers a hidden month, or when a breakdown beside it could not be protected by hiding cells."""
    if code not in ADDITIVE_COUNTS:
        return False
    if range_reveals_a_hidden_month(code, scope, start, end):
        return True
    return any(
        protect(referral_breakdown(scope, start, end, field))[1] == SUPPRESSED for _, field in BREAKDOWNS.values()
    )


def board_total_hidden(code: str, scope: Scope) -> bool:
    """Whether the board's 12-month total of an additive count is hidden: when some set of cells adding up to
    it (its months, or a breakdown of the referrals) cannot be protected by hiding cells alone."""
    if code not in ADDITIVE_COUNTS:
        return False
    start, end = last_complete_months(12)
    months = board_months()
    sets: list[Mapping[Any, float | None]] = [{m: f.value for m, f in series(code, scope, months)}]
    sets += [referral_breakdown(scope, start, end, field) for _, field in BREAKDOWNS.values()]
    return any(protect(cells)[1] == SUPPRESSED for cells in sets)


def survey_by_token(raw: str) -> SatisfactionSurvey | None:
    return SatisfactionSurvey.objects.by_token(raw)
