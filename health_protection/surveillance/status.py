"""Whether a member of staff is up to date, due or overdue: the one definition pages, API, filters, tasks and
the KPI (metrics.compute surveillance_compliance) share.

  overdue     the date due has passed
  due         the date due is within the recall window (the recall invitation has gone out)
  up to date  the date due is further away than that

SURVEILLANCE_COMPLIANCE counts staff who are not overdue (up to date or due) as compliant: a check that falls due
next week is in date today.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import models
from django.db.models import Q

RECALL_WINDOW = timedelta(days=28)


class Status(models.TextChoices):
    UP_TO_DATE = "up_to_date", "Up to date"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    ENDED = "ended", "Left the programme"


def status_on(due_on: date, today: date, *, ended: bool = False) -> str:
    if ended:
        return Status.ENDED
    if due_on < today:
        return Status.OVERDUE
    if due_on <= today + RECALL_WINDOW:
        return Status.DUE
    return Status.UP_TO_DATE


def status_filter(status: str, today: date, prefix: str = "") -> Q:
    """Q for Enrolment rows (prefix e.g. 'enrolment__') in `status` on `today`; ended enrolments are in none but
    ENDED."""
    open_ = Q(**{f"{prefix}ended_at__isnull": True})
    if status == Status.ENDED:
        return ~open_
    if status == Status.OVERDUE:
        return open_ & Q(**{f"{prefix}due_on__lt": today})
    if status == Status.DUE:
        return open_ & Q(**{f"{prefix}due_on__gte": today, f"{prefix}due_on__lte": today + RECALL_WINDOW})
    return open_ & Q(**{f"{prefix}due_on__gt": today + RECALL_WINDOW})


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 January + 1 month is
    28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
