"""The monthly KPI rollup written: each scope's figures for some months upserted into MonthlyKpi, which the
selectors read. Past months are rolled up nightly, this month so far every few minutes (metrics.tasks)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import OrganisationKind

from .combine import combine
from .compute import Figure, compute
from .definitions import KPIS
from .grouped import GROUPED, ByKind, Span, empty, figures_by_kind
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


def rollup_all(months: list[date], organisation_ids: Collection[int] | None = None) -> int:
    """Every scope (or those of `organisation_ids`) for `months`, each KPI in one grouped query per scope kind
    (metrics.grouped) rather than one per scope and month; an ICS added up from its members' figures, as
    `rollup_from_members` adds up their rows."""
    scopes = all_scopes()
    if organisation_ids is not None:
        wanted = set(organisation_ids)
        scopes = [scope for scope in scopes if scope.organisation.pk in wanted]
    if not months or not scopes:
        return 0
    span = Span.of(months)
    by_code = {code: figures_by_kind(code, span) for code in GROUPED}
    figures: dict[Scope, dict[tuple[str, date], Figure]] = {}
    for scope in scopes:
        if scope.kind != ScopeKind.ICS:
            figures[scope] = _grouped_figures(scope, span, by_code)
    by_organisation = {scope.organisation.pk: scope for scope in figures}
    members = _members_of([scope.organisation for scope in scopes if scope.kind == ScopeKind.ICS])
    for scope in scopes:
        if scope.kind == ScopeKind.ICS:
            own = members[scope.organisation.pk]
            member_scopes = [by_organisation.get(member.pk) for member in own]
            figures[scope] = _ics_figures(scope, span, own, member_scopes, figures)
    return _store_many(figures)


def _grouped_figures(scope: Scope, span: Span, by_code: dict[str, ByKind]) -> dict[tuple[str, date], Figure]:
    kind: str
    if scope.kind == ScopeKind.SUPPLIER:  # the cases of the OH service it runs (Scope.case_filter)
        profile = getattr(scope.organisation, "supplier_profile", None)
        kind, scope_id = ScopeKind.OH_SERVICE, getattr(profile, "oh_service_id", None)
    else:
        kind, scope_id = scope.kind, scope.organisation.pk
    figures = {}
    for month in span.months:
        for code in KPIS:
            if code not in GROUPED:  # service levels: a supplier's own, month by month
                figures[(code, month)] = compute(code, scope, month, month_to_date(month))
            elif scope_id is None:
                figures[(code, month)] = empty(code)
            else:
                figures[(code, month)] = by_code[code][kind].get((scope_id, month), empty(code))
    return figures


def _members_of(icss: list[Organisation]) -> dict[int, list[Organisation]]:
    members: dict[int, list[Organisation]] = {ics.pk: [] for ics in icss}
    for member in Organisation.objects.filter(ics__in=icss).order_by("pk"):
        assert member.ics_id is not None
        members[member.ics_id].append(member)
    return members


def _ics_figures(
    ics: Scope,
    span: Span,
    members: list[Organisation],
    member_scopes: list[Scope | None],
    figures: dict[Scope, dict[tuple[str, date], Figure]],
) -> dict[tuple[str, date], Figure]:
    """rollup_from_members' figures, from the members' figures in hand: computed from the cases instead when a
    member is of a kind without figures of its own."""
    rolled_up_kinds = {OrganisationKind.TRUST, OrganisationKind.GP_PRACTICE}
    if not members or any(m.kind not in rolled_up_kinds for m in members) or None in member_scopes:
        return {
            (code, month): compute(code, ics, month, month_to_date(month)) for month in span.months for code in KPIS
        }
    return {
        (code, month): combine(
            code,
            [figures[member][(code, month)] for member in member_scopes if member is not None],
            across_organisations=True,
        )
        for month in span.months
        for code in KPIS
    }


# Rows upserted per statement: a national rollup writes about 116,000.
STORE_BATCH = 20_000


def _store_many(figures: dict[Scope, dict[tuple[str, date], Figure]]) -> int:
    rows = [row for scope, by_code in figures.items() for row in _rows(scope, by_code)]
    with transaction.atomic():
        _upsert(rows)
    return len(rows)


def _rows(scope: Scope, figures: dict[tuple[str, date], Figure]) -> list[MonthlyKpi]:
    now = timezone.now()
    return [
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


def _upsert(rows: list[MonthlyKpi]) -> None:
    MonthlyKpi.objects.bulk_create(
        rows,
        batch_size=STORE_BATCH,
        update_conflicts=True,
        unique_fields=["scope_kind", "scope", "kpi", "month"],
        update_fields=["numerator", "denominator", "value", "distribution", "computed_at"],
    )


def _store(scope: Scope, figures: dict[tuple[str, date], Figure]) -> int:
    rows = _rows(scope, figures)
    _upsert(rows)
    return len(rows)
