"""Working days in England and Wales: Monday to Friday, less bank holidays (the `holidays` package).

Used for every clock in the portal: triage overdue, report turnaround, clearance turnaround, SLAs.
"""

from __future__ import annotations

from bisect import bisect_right
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


def _weekdays_up_to(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `day`."""
    elapsed = day.toordinal() - 1
    return elapsed // 7 * 5 + min(elapsed % 7 + 1, 5)


@lru_cache(maxsize=64)
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    return tuple(sorted(d for d in _bank_holidays(year) if d.weekday() < 5))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when end is not after start.

    Counted, not walked: a case waiting for years (a waiting list of them) costs the same as one waiting a week."""
    if end <= start:
        return 0
    holidays_in_range = sum(
        bisect_right(days, end) - bisect_right(days, start)
        for days in map(_weekday_bank_holidays, range(start.year, end.year + 1))
    )
    return _weekdays_up_to(end) - _weekdays_up_to(start) - holidays_in_range


def bank_holidays_between(start: date, end: date) -> list[date]:
    """Bank holidays in a range, for SQL that counts working days (metrics)."""
    days: list[date] = []
    for year in range(start.year, end.year + 1):
        days.extend(d for d in _bank_holidays(year) if start <= d <= end)
    return sorted(days)
