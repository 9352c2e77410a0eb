"""The periods figures cover: months, the board's 12 whole months, and a period's bounds as aware datetimes."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the first moment of `start` to (not including) the first moment after `end`, in local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def last_months(count: int, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def month_to_date(month: date, today: date | None = None) -> date:
    """The last day a month's figure covers: its end, or today for this month (nothing after today counts)."""
    return min(month_end(month), today or timezone.localdate())


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def last_complete_months(count: int, today: date | None = None) -> tuple[date, date]:
    """First and last day of the `count` whole months before this one: the period board figures cover."""
    this_month = (today or timezone.localdate()).replace(day=1)
    months = last_months(count + 1, this_month)[:-1]
    return months[0], this_month - timedelta(days=1)


def board_months(today: date | None = None) -> list[date]:
    """The 12 whole months the board figures (tiles, breakdowns, benchmark) add up."""
    return months_between(*last_complete_months(12, today))
