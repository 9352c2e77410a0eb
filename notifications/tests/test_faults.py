"""Fault tests against real services: Redis down during a save, a worker killed mid-task, a task delivered twice.

Each starts its own Redis and Celery worker processes (never the shared ones) and prints what it measured.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import queue_message
from notifications.tests.realservices import Worker, wait_until
from ohwb_portal.celery import app as celery_app
from organisations.roles import Role

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def sent_mails(mail_dir):
    return list(mail_dir.iterdir())


def test_redis_down_while_saving_then_message_sent_when_back(throwaway_redis, mail_dir, user_for):
    """A clinician sets up two-factor (a change that sends a security notice) while Redis is down."""
    from django.test import Client

    user = user_for(Role.CLINICIAN)
    client = Client()
    client.force_login(user)
    client.get("/accounts/two-factor/set-up/")
    device = user.totpdevice_set.get()
    throwaway_redis.stop()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/accounts/two-factor/set-up/", {"code": code})
    device.refresh_from_db()
    message = OutboxMessage.objects.get(template="accounts_two_factor_enabled")
    print(
        f"\nRedis down: page answered {response.status_code}, device confirmed={device.confirmed}, "
        f"message status={message.status}"
    )
    assert response.status_code == 302 and device.confirmed and message.status == OutboxStatus.PENDING

    throwaway_redis.start()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    worker = Worker(throwaway_redis.url, mail_dir)
    try:
        celery_app.send_task("notifications.tasks.sweep_outbox")  # as beat does every minute
        waited = wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT)
    finally:
        worker.stop()
    print(
        f"Redis back: message sent {waited:.1f} s after the sweep was queued; "
        f"e-mails written: {len(sent_mails(mail_dir))}"
    )
    assert len(sent_mails(mail_dir)) == 1


def test_worker_killed_mid_task_runs_it_again_once(throwaway_redis, mail_dir, user_for):
    user = user_for(Role.MANAGER)
    message = queue_message(template="test_message", idempotency_key="kill-test", to_user=user)
    first = Worker(throwaway_redis.url, mail_dir, delay=30)
    celery_app.send_task("notifications.tasks.deliver_message", args=[message.pk])
    first.wait_for_log("Task notifications.tasks.deliver_message")
    first.kill_hard()
    first.stop()  # already dead: this only removes its log file
    print(f"\nWorker killed with SIGKILL mid-task; message status={OutboxMessage.objects.get(pk=message.pk).status}")
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PENDING
    second = Worker(throwaway_redis.url, mail_dir)
    try:
        waited = wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT)
    finally:
        second.stop()
    message.refresh_from_db()
    print(
        f"Redelivered and sent {waited:.1f} s after the new worker started; attempts recorded={message.attempts}; "
        f"e-mails written={len(sent_mails(mail_dir))}"
    )
    assert len(sent_mails(mail_dir)) == 1
    assert message.attempts == 1  # the killed attempt never committed


def test_same_task_delivered_twice_at_once_has_one_effect(throwaway_redis, mail_dir, user_for):
    user = user_for(Role.MANAGER)
    # Stored directly, so that the only deliveries are the two sent below.
    message = OutboxMessage.objects.create(
        template="test_message", idempotency_key="twice-test", recipient=user, to_address=user.email
    )
    worker = Worker(throwaway_redis.url, mail_dir, delay=2, concurrency=2)
    try:
        for _ in range(2):
            celery_app.send_task("notifications.tasks.deliver_message", args=[message.pk])
        wait_until(lambda: worker.log_text().count("succeeded") >= 2, timeout=60)
        results = [
            line.split("succeeded in")[1].strip() for line in worker.log_text().splitlines() if "succeeded" in line
        ]
    finally:
        worker.stop()
    print(f"\nSame task delivered twice at once: results {results}; e-mails written={len(sent_mails(mail_dir))}")
    assert len(sent_mails(mail_dir)) == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
