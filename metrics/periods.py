"""The periods figures cover: months, the board's 12 whole months, and a period's bounds as aware datetimes."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
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


@dataclass(frozen=True)
class MonthRange:
    """The months a dashboard, export or board report covers, from `first` to `last` (first days of months).
    A range reaching this month ends with it incomplete: shown as "month to date", never judged against a
    target, and left out of the headline figures, which add up the whole months only."""

    first: date
    last: date
    today: date

    @classmethod
    def default(cls, today: date | None = None) -> MonthRange:
        """The board's 12 whole months, and this month so far."""
        today = today or timezone.localdate()
        months = last_months(13, today)
        return cls(months[0], months[-1], today)

    @property
    def months(self) -> list[date]:
        return months_between(self.first, self.last)

    @property
    def incomplete(self) -> date | None:
        """This month, when the range reaches it."""
        current = self.today.replace(day=1)
        return current if self.last == current else None

    @property
    def whole_months(self) -> list[date]:
        return [m for m in self.months if m != self.incomplete]

    @property
    def judged(self) -> bool:
        """Whether the headline figures are of whole months, so can be judged against their targets."""
        return bool(self.whole_months)

    @property
    def headline_period(self) -> tuple[date, date]:
        """First and last day the headline figures cover: the whole months, or this month so far if none."""
        whole = self.whole_months
        if whole:
            return whole[0], month_end(whole[-1])
        return self.first, self.today

    @property
    def is_default(self) -> bool:
        return self == MonthRange.default(self.today)

    def query(self) -> str:
        """The range as it is kept in a URL (the dashboard's form fields)."""
        return (
            f"from_month={self.first.month}&from_year={self.first.year}"
            f"&to_month={self.last.month}&to_year={self.last.year}"
        )
