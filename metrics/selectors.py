"""Reads for dashboards: monthly series from the nightly rollup (current month live), and headline figures."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import OrganisationKind
from referrals.models import Referral

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


def series(code: str, scope: Scope, months: list[date]) -> list[tuple[date, Figure]]:
    """Past months from MonthlyKpi; any month not rolled up yet, and the current month, computed now."""
    current = timezone.localdate().replace(day=1)
    stored = {
        row.month: Figure(row.numerator, row.denominator, row.value)
        for row in MonthlyKpi.objects.filter(
            scope_kind=scope.kind, scope=scope.organisation, kpi=code, month__in=months
        )
    }
    return [(m, stored[m] if m in stored and m != current else compute(code, scope, m, month_end(m))) for m in months]


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
                defaults={"numerator": figure.numerator, "denominator": figure.denominator, "value": figure.value},
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
    tiles = []
    for code in codes or list(KPIS):
        figure = compute(code, scope, start, end)
        tiles.append(Tile(KPIS[code], figure, KPIS[code].meets_target(figure.value)))
    return tiles


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
