"""Reminders and chasers: sent when due, once, and never before."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from notifications.models import OutboxMessage
from referrals import tasks
from referrals.models import OutcomeReport, Referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def sent(template):
    return OutboxMessage.objects.filter(template=template).count()


def test_appointment_reminders_two_days_and_two_hours_before_once_each(case):
    case.accept().book()  # three days ahead
    assert tasks.send_appointment_reminders() == 0
    with time_machine.travel(case.appointment.start - timedelta(days=1, hours=23)):
        assert tasks.send_appointment_reminders() == 1
        assert tasks.send_appointment_reminders() == 0
    with time_machine.travel(case.appointment.start - timedelta(hours=1)):
        assert tasks.send_appointment_reminders() == 1
    assert sent("referrals_appointment_reminder") == 2


def test_triage_overdue_after_two_working_days_excluding_bank_holidays(case):
    # Submitted on Thursday 24 December 2026: Christmas and Boxing Day (substitute 28th) do not count.
    Referral.objects.filter(pk=case.referral.pk).update(submitted_at=datetime(2026, 12, 24, 10, tzinfo=LONDON))
    with time_machine.travel(datetime(2026, 12, 30, 9, tzinfo=LONDON)):  # 29th, 30th = 2 working days
        assert tasks.alert_overdue_triage() == 0
    with time_machine.travel(datetime(2026, 12, 31, 9, tzinfo=LONDON)):
        assert tasks.alert_overdue_triage() == 1
        assert tasks.alert_overdue_triage() == 0
    assert OutboxMessage.objects.get(template="referrals_triage_overdue").recipient == case.oh_admin


def test_consent_chaser_once_after_five_days(case):
    case.accept().book().attend().report()
    assert tasks.chase_consent() == 0
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert tasks.chase_consent() == 1
        assert tasks.chase_consent() == 0


def test_adjustment_chaser_after_four_weeks_only_for_unanswered(case):
    case.accept().book().attend().report().release()
    with time_machine.travel(timezone.now() + timedelta(weeks=3)):
        assert tasks.chase_adjustments() == 0
    with time_machine.travel(timezone.now() + timedelta(weeks=5)):
        assert tasks.chase_adjustments() == 1
        assert tasks.chase_adjustments() == 0
    assert OutboxMessage.objects.get(template="referrals_adjustment_chaser").recipient == case.manager


def test_end_measures_chaser_only_when_missing(case):
    from referrals import services

    case.accept().book().attend()
    services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work")
    assert sent("referrals_end_measures_request") == 1  # asked at closure
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert tasks.chase_end_measures() == 1
        assert tasks.chase_end_measures() == 0
    assert OutcomeReport.objects.count() == 0
