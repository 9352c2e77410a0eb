"""The urgent alert and the follow-up chasers for inoculation injuries (scheduled in ohwb_portal/beat_schedule.py).

Each is idempotent: the outbox key names the event (this injury unassessed; this test, at this booking, missed), so a
second run, or two at once, sends nothing more. Messages say that something is due and link to the portal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from .models import PEP_WITHIN, BloodTestStatus, FollowUpTest, InjuryStatus, InoculationInjury
from .selectors import BOOK_AHEAD
from .services import tell_employee, tell_oh

REMIND_AHEAD = timedelta(days=2)  # the member of staff is reminded of a booked test two days before
MISSED_AFTER = timedelta(days=1)  # a booked test with no result a day after its time is chased


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


@shared_task(time_limit=300, soft_time_limit=270)
def alert_unassessed_injuries() -> int:
    """Every OH administrator and clinician of the service, once, about an injury still not assessed an hour after
    it was reported (they were told at once as well: this is the second, louder call)."""
    cutoff = timezone.now() - PEP_WITHIN
    queued = 0
    waiting = InoculationInjury.objects.filter(status=InjuryStatus.REPORTED, reported_at__lte=cutoff)
    for injury in waiting.select_related("oh_service"):
        queued += tell_oh(
            injury,
            template="injuries_unassessed",
            key=f"injury-unassessed-{injury.pk}",
            reported=_when(injury.reported_at),
        )
    return queued


@shared_task(time_limit=600, soft_time_limit=570)
def chase_follow_up_tests() -> int:
    """Daily: tests due within two weeks and not booked (to the OH administrators), overdue ones again; booked
    ones two days ahead (to the member of staff); booked ones passed without a result (to both)."""
    now, today = timezone.now(), timezone.localdate()
    queued = 0
    tests = FollowUpTest.objects.filter(injury__status=InjuryStatus.FOLLOW_UP).select_related(
        "injury__employee__user", "injury__oh_service"
    )
    for test in tests.filter(status=BloodTestStatus.TO_BOOK, due_on__lte=today + BOOK_AHEAD):
        context = {"week": test.week, "due": f"{test.due_on:%-d %B %Y}"}
        overdue = test.due_on < today
        queued += tell_oh(
            test.injury,
            template="injuries_test_overdue" if overdue else "injuries_test_to_book",
            key=f"injury-test-{'overdue' if overdue else 'to-book'}-{test.pk}",
            roles=("oh_admin",),
            **context,
        )
    for test in tests.filter(status=BloodTestStatus.BOOKED, booked_for__gt=now, booked_for__lte=now + REMIND_AHEAD):
        assert test.booked_for is not None
        queued += tell_employee(
            test.injury,
            template="injuries_test_reminder",
            key=f"injury-test-reminder-{test.pk}-{test.booked_for:%Y%m%d%H%M}",
            when=_when(test.booked_for),
        )
    for test in tests.filter(status=BloodTestStatus.BOOKED, booked_for__lte=now - MISSED_AFTER):
        assert test.booked_for is not None
        booking = f"{test.booked_for:%Y%m%d%H%M}"
        queued += tell_employee(
            test.injury,
            template="injuries_test_missed",
            key=f"injury-test-missed-{test.pk}-{booking}",
            when=_when(test.booked_for),
        )
        queued += tell_oh(
            test.injury,
            template="injuries_test_overdue",
            key=f"injury-test-missed-oh-{test.pk}-{booking}",
            roles=("oh_admin",),
            week=test.week,
            due=f"{test.due_on:%-d %B %Y}",
        )
    return queued
