"""Working days in England and Wales: Monday to Friday, less bank holidays (the `holidays` package).

Used for every clock in the portal: triage overdue, report turnaround, clearance turnaround, SLAs.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England's calendar; Wales has the same bank holidays.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when end is not after start."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def bank_holidays_between(start: date, end: date) -> list[date]:
    """Bank holidays in a range, for SQL that counts working days (metrics)."""
    days: list[date] = []
    for year in range(start.year, end.year + 1):
        days.extend(d for d in _bank_holidays(year) if start <= d <= end)
    return sorted(days)
