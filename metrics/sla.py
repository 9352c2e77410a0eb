"""Service-level attainment per call-off, month by month (PRODUCT.md section 5).

Where the supplier runs the client's cases in the portal, each level is computed from the cases
themselves; for other months the supplier's monthly return is used. A month with neither is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from suppliers.models import CallOff, MonthlyReturn, ServiceLevel, ServiceLevelMetric

from .compute import clearances_within, first_appointments_within, reports_within


@dataclass(frozen=True)
class LevelMonth:
    level: ServiceLevel
    month: date
    percent: float | None
    source: str  # cases, return, none

    @property
    def met(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.level.target_percent


def _months(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def _from_cases(call_off: CallOff, level: ServiceLevel, month: date) -> float | None:
    from .selectors import month_end

    service = call_off.supplier.oh_service
    if service is None:
        return None
    cases = Q(referral__organisation=call_off.client, referral__oh_service=service)
    last = month_end(month)
    if level.metric == ServiceLevelMetric.APPOINTMENT_WITHIN:
        within, total = first_appointments_within(cases, month, last, level.working_days)
    elif level.metric == ServiceLevelMetric.REPORT_WITHIN:
        within, total = reports_within(cases, month, last, level.working_days)
    else:
        within, total = clearances_within(
            Q(organisation=call_off.client, oh_service=service), month, last, level.working_days
        )
    return round(100.0 * within / total, 1) if total else None


def call_off_attainment(call_off: CallOff, start: date, end: date) -> list[LevelMonth]:
    returns = {r.month: r.levels_met for r in MonthlyReturn.objects.filter(call_off=call_off)}
    window_start = max(start, call_off.start_date)
    window_end = min(end, call_off.end_date)
    rows = []
    for level in call_off.service_levels.all():
        for month in _months(window_start, window_end) if window_start <= window_end else []:
            percent = _from_cases(call_off, level, month)
            source = "cases"
            if percent is None and str(level.pk) in returns.get(month, {}):
                percent, source = float(returns[month][str(level.pk)]), "return"
            rows.append(LevelMonth(level, month, percent, source if percent is not None else "none"))
    return rows


def supplier_attainment(supplier_organisation: Any, start: date, end: date) -> tuple[int, int]:
    met = measured = 0
    for call_off in CallOff.objects.filter(
        supplier__organisation=supplier_organisation, client_signed_at__isnull=False, supplier_signed_at__isnull=False
    ):
        for row in call_off_attainment(call_off, start, end):
            if row.met is not None:
                measured += 1
                met += row.met
    return met, measured
