"""When a case has waited too long at its current step: the one rule for the overdue flag, the overdue filter, the
home page's counts and the triage alert.

Targets in working days (PRODUCT sections 6 and 7): a referral is triaged within 2 working days of being sent,
and an accepted case has its first appointment within 10 (the WAIT_TO_FIRST_APPT target).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from ohwb_portal.working_days import working_days_between

from .models import Referral, Status

TRIAGE_WITHIN_WORKING_DAYS = 2
FIRST_APPOINTMENT_WITHIN_WORKING_DAYS = 10


def overdue_before(working_days: int, today: date | None = None) -> datetime:
    """The moment before which a clock that started is overdue today: started on a day with more than
    `working_days` working days after it, up to and including today."""
    today = today or timezone.localdate()
    day = today - timedelta(days=1)
    while working_days_between(day, today) <= working_days:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def triage_overdue(today: date | None = None) -> Q:
    return Q(status=Status.SUBMITTED, submitted_at__lt=overdue_before(TRIAGE_WITHIN_WORKING_DAYS, today))


def booking_overdue(today: date | None = None) -> Q:
    return Q(status=Status.TRIAGED, accepted_at__lt=overdue_before(FIRST_APPOINTMENT_WITHIN_WORKING_DAYS, today))


def overdue(today: date | None = None) -> Q:
    return triage_overdue(today) | booking_overdue(today)


def with_overdue(cases: QuerySet[Referral], today: date | None = None) -> QuerySet[Referral]:
    """Each case with `triage_overdue` and `booking_overdue`, for the flag on lists."""
    return cases.annotate(
        triage_overdue=ExpressionWrapper(triage_overdue(today), output_field=BooleanField()),
        booking_overdue=ExpressionWrapper(booking_overdue(today), output_field=BooleanField()),
    )
