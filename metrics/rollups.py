"""The monthly KPI rollup written: each scope's figures for some months upserted into MonthlyKpi, which the
selectors read. Past months are rolled up nightly, this month so far every few minutes (metrics.tasks)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from organisations.roles import OrganisationKind

from .combine import combine
from .compute import Figure, compute
from .definitions import KPIS
from .models import MonthlyKpi
from .periods import month_to_date
from .scopes import Scope, ScopeKind
from .selectors import all_scopes, figure_of


def rollup(scope: Scope, months: list[date]) -> int:
    """Compute and store every KPI of `scope` for `months` (this month: so far), in one upsert."""
    figures = {(code, month): compute(code, scope, month, month_to_date(month)) for month in months for code in KPIS}
    return _store(scope, figures)


def rollup_from_members(ics: Scope, months: list[date]) -> int:
    """An ICS's figures added up from its members' rows, which must be rolled up first: an ICS's cases are
    exactly its members' cases, so this equals computing them (tested) at a fraction of the cost. Any
    month a member lacks, or a member of a kind without its own rows, is computed from the cases instead."""
    members = list(ics.organisation.members.all())
    rolled_up_kinds = {OrganisationKind.TRUST, OrganisationKind.GP_PRACTICE}
    if not members or any(m.kind not in rolled_up_kinds for m in members):
        return rollup(ics, months)
    parts: dict[tuple[str, date], list[Figure]] = defaultdict(list)
    rows = MonthlyKpi.objects.filter(scope_kind=ScopeKind.ORGANISATION, scope__in=members, month__in=months)
    for row in rows:
        figure = figure_of(row)
        if figure is not None:
            parts[(row.kpi, row.month)].append(figure)
    figures = {}
    for month in months:
        for code in KPIS:
            found = parts.get((code, month), [])
            figures[(code, month)] = (
                combine(code, found, across_organisations=True)
                if len(found) == len(members)
                else compute(code, ics, month, month_to_date(month))
            )
    return _store(ics, figures)


def rollup_all(months: list[date]) -> int:
    """Every scope for `months`: ICSs last, from their members' fresh rows."""
    scopes = all_scopes()
    written = sum(rollup(scope, months) for scope in scopes if scope.kind != ScopeKind.ICS)
    return written + sum(rollup_from_members(scope, months) for scope in scopes if scope.kind == ScopeKind.ICS)


def _store(scope: Scope, figures: dict[tuple[str, date], Figure]) -> int:
    now = timezone.now()
    rows = [
        MonthlyKpi(
            scope_kind=scope.kind,
            scope=scope.organisation,
            kpi=code,
            month=month,
            numerator=figure.numerator,
            denominator=figure.denominator,
            value=figure.value,
            distribution=figure.distribution,
            computed_at=now,
        )
        for (code, month), figure in figures.items()
    ]
    MonthlyKpi.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["scope_kind", "scope", "kpi", "month"],
        update_fields=["numerator", "denominator", "value", "distribution", "computed_at"],
    )
    return len(rows)
