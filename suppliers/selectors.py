"""Reads for suppliers: a call-off's service-level attainment, month by month (PRODUCT.md section 5).

Where the supplier runs the client's cases in the portal, each level is measured from the cases themselves;
for other months the supplier's monthly return is used. A month with neither is not counted.

Measuring from the cases needs the case records and the working-day calendar, which sit above suppliers; the
app that owns them (metrics) registers its measure when Django starts, as apps register their work links, so
suppliers import nothing above them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from organisations.models import Organisation

from .models import CallOff, MonthlyReturn, ServiceLevel

# (call-off, level, first day of the month) -> percent of the month's cases within the level, None when none.
CaseMeasure = Callable[[CallOff, ServiceLevel, date], float | None]
_case_measure: list[CaseMeasure] = []


def measure_levels_from_cases(measure: CaseMeasure) -> None:
    """Register how a level is measured from the cases (one measure; registering again replaces it)."""
    _case_measure[:] = [measure]


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
    return _case_measure[0](call_off, level, month) if _case_measure else None


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


def supplier_attainment(supplier_organisation: Organisation, start: date, end: date) -> tuple[int, int]:
    """(level months met, level months measured) over the supplier's signed call-offs."""
    met = measured = 0
    for call_off in CallOff.objects.filter(
        supplier__organisation=supplier_organisation, client_signed_at__isnull=False, supplier_signed_at__isnull=False
    ):
        for row in call_off_attainment(call_off, start, end):
            if row.met is not None:
                measured += 1
                met += row.met
    return met, measured
