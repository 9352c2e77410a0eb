"""The outbox: one message per event, delivered with retries, never carrying health details."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import delivery, tasks
from notifications.models import Notification, OutboxMessage, OutboxStatus
from notifications.services import queue_message
from organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(user_for):
    return user_for(Role.MANAGER)


def queue(user, key="event-1", **kwargs):
    return queue_message(template="test_message", idempotency_key=key, to_user=user, link="/x/", **kwargs)


def test_same_event_queued_twice_makes_one_message(user):
    assert queue(user) is not None
    assert queue(user) is None
    assert OutboxMessage.objects.count() == 1
    assert Notification.objects.filter(user=user).count() == 1


def test_delivery_is_enqueued_after_commit_only(user, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.deliver_message, "apply_async", lambda args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(user)
        assert sent == []
    assert len(callbacks) == 1 and sent == [[message.pk]]


def test_broker_down_does_not_break_the_change(user, django_capture_on_commit_callbacks, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.deliver_message, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(user)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PENDING


def test_health_details_are_refused_in_message_context(user):
    with pytest.raises(ValueError, match="health details"):
        queue(user, context={"diagnosis": "anything"})
    assert not OutboxMessage.objects.exists()


def test_deliver_sends_once(user):
    message = queue(user)
    assert tasks.deliver_message(message.pk) == "sent"
    assert tasks.deliver_message(message.pk) == "already done"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "A message from the OHWB Portal"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_failures_back_off_then_give_up(user, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(delivery, "_send_mail", broken)
    message = queue(user)
    with time_machine.travel(timezone.now(), tick=False):
        assert tasks.deliver_message(message.pk) == "will retry"
        message.refresh_from_db()
        assert message.next_attempt_at == timezone.now() + timedelta(minutes=1)
        assert "SMTP server unreachable" in message.last_error
        assert tasks.deliver_message(message.pk) == "will retry"
        message.refresh_from_db()
        assert message.next_attempt_at == timezone.now() + timedelta(minutes=2)
    for _ in range(tasks.MAX_ATTEMPTS - 2):
        tasks.deliver_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, tasks.MAX_ATTEMPTS)


def test_sweep_sends_due_messages_and_waits_for_retries(user, monkeypatch):
    due = queue(user, "due")
    later = queue(user, "later")
    fresh = queue(user, "fresh")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.filter(pk__in=[due.pk, later.pk]).update(created_at=an_hour_ago)
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert tasks.sweep_outbox() == 1
    statuses = dict(OutboxMessage.objects.values_list("idempotency_key", "status"))
    assert statuses == {"due": "sent", "later": "pending", "fresh": "pending"}
    assert fresh  # too new: its own on-commit delivery is still in flight


class FakeNotify:
    def __init__(self):
        self.calls = []

    def send_email_notification(self, **kwargs):
        self.calls.append(("email", kwargs))

    def send_sms_notification(self, **kwargs):
        self.calls.append(("sms", kwargs))


def test_gov_uk_notify_used_when_configured(user, monkeypatch, settings):
    settings.GOVUK_NOTIFY_API_KEY = "test-key"
    settings.GOVUK_NOTIFY_EMAIL_TEMPLATE_ID = "email-template"
    settings.GOVUK_NOTIFY_SMS_TEMPLATE_ID = "sms-template"
    fake = FakeNotify()
    monkeypatch.setattr(delivery, "notify_client", lambda: fake)
    email = queue(user, "n-email")
    sms = queue(user, "n-sms", channel="sms", to_address="07700900123", in_portal=False)
    tasks.deliver_message(email.pk)
    tasks.deliver_message(sms.pk)
    assert fake.calls == [
        (
            "email",
            {
                "email_address": user.email,
                "template_id": "email-template",
                "personalisation": {
                    "subject": "A message from the OHWB Portal",
                    "body": "Something happened in the portal. Sign in to see it: http://127.0.0.1:8000/x/",
                },
                "reference": "n-email",
            },
        ),
        (
            "sms",
            {
                "phone_number": "07700900123",
                "template_id": "sms-template",
                "personalisation": {
                    "body": "Something happened in the portal. Sign in to see it: http://127.0.0.1:8000/x/"
                },
                "reference": "n-sms",
            },
        ),
    ]
    assert mail.outbox == []


def test_sms_without_notify_is_kept_and_explained(user):
    message = queue(user, "sms", channel="sms", to_address="07700900123")
    assert tasks.deliver_message(message.pk) == "will retry"
    message.refresh_from_db()
    assert "GOVUK_NOTIFY_API_KEY" in message.last_error


def test_every_scheduled_task_exists():
    from django.conf import settings

    from ohwb_portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
