"""Reads for dashboards: monthly series from the nightly rollup (current month live), and headline figures."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import OrganisationKind
from referrals.models import Referral

from .combine import MEDIANS, combine
from .compute import Figure, compute
from .definitions import KPIS, Kpi
from .models import MonthlyKpi
from .scopes import Scope, scope_for


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def last_months(count: int, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def _figure(row: MonthlyKpi) -> Figure | None:
    distribution = {int(days): n for days, n in row.distribution.items()} if row.distribution is not None else None
    if row.kpi in MEDIANS and distribution is None:
        return None  # rolled up before medians kept their distribution: compute again
    return Figure(row.numerator, row.denominator, row.value, distribution)


def many_series(codes: list[str], scope: Scope, months: list[date]) -> dict[str, list[tuple[date, Figure]]]:
    """Past months from MonthlyKpi in one query; any month not rolled up yet, and the current month, computed now."""
    current = timezone.localdate().replace(day=1)
    stored: dict[tuple[str, date], Figure | None] = {
        (row.kpi, row.month): _figure(row)
        for row in MonthlyKpi.objects.filter(
            scope_kind=scope.kind, scope=scope.organisation, kpi__in=codes, month__in=[m for m in months if m < current]
        )
    }
    return {
        code: [(m, stored.get((code, m)) or compute(code, scope, m, month_end(m))) for m in months] for code in codes
    }


def series(code: str, scope: Scope, months: list[date]) -> list[tuple[date, Figure]]:
    return many_series([code], scope, months)[code]


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def period_figures(scope: Scope, start: date, end: date, codes: list[str] | None = None) -> dict[str, Figure]:
    """Each KPI for any period: its whole past months added up from the rollup, only the rest computed now."""
    codes = codes or list(KPIS)
    current = timezone.localdate().replace(day=1)
    whole = [m for m in months_between(start, end) if m >= start and month_end(m) <= end and m < current]
    if not whole:
        return {code: compute(code, scope, start, end) for code in codes}
    stored = many_series(codes, scope, whole)
    before, after = whole[0] - timedelta(days=1), month_end(whole[-1]) + timedelta(days=1)
    figures = {}
    for code in codes:
        pieces = [compute(code, scope, start, before)] if start <= before else []
        pieces += [figure for _, figure in stored[code]]
        if after <= end:
            pieces.append(compute(code, scope, after, end))
        figures[code] = combine(code, pieces)
    return figures


def last_complete_months(count: int, today: date | None = None) -> tuple[date, date]:
    """First and last day of the `count` whole months before this one: the period board figures cover."""
    this_month = (today or timezone.localdate()).replace(day=1)
    months = last_months(count + 1, this_month)[:-1]
    return months[0], this_month - timedelta(days=1)


def rollup(scope: Scope, months: list[date]) -> int:
    written = 0
    for month in months:
        for code in KPIS:
            figure = compute(code, scope, month, month_end(month))
            MonthlyKpi.objects.update_or_create(
                scope_kind=scope.kind,
                scope=scope.organisation,
                kpi=code,
                month=month,
                defaults={
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "value": figure.value,
                    "distribution": figure.distribution,
                },
            )
            written += 1
    return written


def all_scopes() -> list[Scope]:
    kinds = [
        OrganisationKind.TRUST,
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.ICS,
        OrganisationKind.OH_SERVICE,
        OrganisationKind.SUPPLIER,
    ]
    return [scope_for(org) for org in Organisation.objects.filter(kind__in=kinds)]


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


def referral_breakdown(scope: Scope, start: date, end: date, field: str) -> dict[str, int]:
    """Referrals received, counted by one field: aggregate only (equality fields never leave as rows)."""
    from .compute import _bounds

    low, high = _bounds(start, end)
    rows = (
        Referral.objects.filter(scope.case_filter(), submitted_at__gte=low, submitted_at__lt=high)
        .values(field)
        .annotate(n=Count("pk"))
        .order_by(field)
    )
    return {(row[field] or "not recorded"): row["n"] for row in rows}
