"""The urgent alert after the hour and the follow-up chasers: each sends once per event, however often it runs."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from health_protection.injuries import services, tasks
from notifications.models import OutboxMessage

from .factories import injury_at

pytestmark = pytest.mark.django_db


def _sent(template):
    return sorted(m.recipient_id or m.to_address for m in OutboxMessage.objects.filter(template=template))


def test_an_injury_unassessed_after_the_hour_alerts_the_oh_service_once(people):
    injury = injury_at(people, occurred_at=timezone.now() - timedelta(minutes=5))
    assert tasks.alert_unassessed_injuries() == 0  # within the hour: the alert at reporting is enough
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert tasks.alert_unassessed_injuries() == 2
        assert tasks.alert_unassessed_injuries() == 0  # twice: nothing more
    assert _sent("injuries_unassessed") == sorted([people.oh_admin.pk, people.clinician.pk])
    services.assess(
        injury=injury,
        by=people.clinician,
        risk="low",
        hep_b_immunity="immune",
        pep_advice="not_indicated",
        riddor_reportable=False,
    )
    OutboxMessage.objects.filter(template="injuries_unassessed").delete()
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert tasks.alert_unassessed_injuries() == 0  # assessed: nothing waiting


def test_follow_up_tests_are_chased_to_book_then_reminded_then_chased_when_missed(people):
    injury = injury_at(people, "assessed")
    six = injury.tests.get(week=6)
    assert tasks.chase_follow_up_tests() == 0  # six weeks away: not yet
    due = timezone.make_aware(timezone.datetime.combine(six.due_on, timezone.datetime.min.time())) + timedelta(hours=9)
    with time_machine.travel(due - timedelta(days=10)):
        assert tasks.chase_follow_up_tests() == 1  # to the OH administrator
        assert tasks.chase_follow_up_tests() == 0
        assert _sent("injuries_test_to_book") == [people.oh_admin.pk]
    with time_machine.travel(due + timedelta(days=1)):
        assert tasks.chase_follow_up_tests() == 1
        assert _sent("injuries_test_overdue") == [people.oh_admin.pk]
        booked_for = timezone.now() + timedelta(days=3)
        services.book_test(test=six, by=people.oh_admin, at=booked_for)
    with time_machine.travel(booked_for - timedelta(days=1)):
        assert tasks.chase_follow_up_tests() == 1
        assert tasks.chase_follow_up_tests() == 0
        assert _sent("injuries_test_reminder") == [people.employee_user.pk]
    with time_machine.travel(booked_for + timedelta(days=2)):
        assert tasks.chase_follow_up_tests() == 2  # the member of staff and the OH administrator
        assert tasks.chase_follow_up_tests() == 0
        assert _sent("injuries_test_missed") == [people.employee_user.pk]
    # Moved to a new time: that booking's own reminder and chaser.
    with time_machine.travel(booked_for + timedelta(days=2)):
        services.book_test(test=six, by=people.oh_admin, at=timezone.now() + timedelta(days=1))
        assert tasks.chase_follow_up_tests() == 1
        assert len(_sent("injuries_test_reminder")) == 2


def test_a_closed_injury_is_chased_no_more(people):
    injury = injury_at(people, "closed")
    with time_machine.travel(timezone.now() + timedelta(weeks=30)):
        assert tasks.chase_follow_up_tests() == 0
        assert tasks.alert_unassessed_injuries() == 0
    assert dict(injury.tests.values_list("week", "status")) == {6: "done", 12: "not_needed", 24: "not_needed"}
