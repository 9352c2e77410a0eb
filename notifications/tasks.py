"""Outbox delivery: one task per message, retried with backoff, and a sweep that catches anything left.

A message is locked (SELECT ... FOR UPDATE SKIP LOCKED) while it is sent and marked sent in the same
transaction, so the same task delivered twice at once sends once, and a worker killed before it
commits leaves the message pending for the retry (acks late) or the sweep.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .delivery import DeliveryError, send
from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
HEARTBEAT_CACHE_KEY = "ohwb:worker-heartbeat"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most an hour, between tries."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def deliver_message(message_id: int) -> str:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            return "locked or gone"
        if message.status != OutboxStatus.PENDING:
            return "already done"
        delay = float(os.environ.get("OHWB_TEST_DELIVERY_DELAY", "0"))  # fault tests kill a worker here
        if delay:
            time.sleep(delay)
        message.attempts += 1
        try:
            send(message)
        except DeliveryError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("Outbox message %s failed after %s attempts: %s", message.pk, message.attempts, exc)
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "will retry" if message.status == OutboxStatus.PENDING else "failed"
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def sweep_outbox(limit: int = 500) -> int:
    """Send pending messages that are due: those saved while the broker was down, and retries."""
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, created_at__lte=now - timedelta(seconds=30))
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for message_id in ids:
        deliver_message(message_id)
    return len(ids)


@shared_task(time_limit=30, soft_time_limit=20)
def record_worker_heartbeat() -> float:
    now = time.time()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=600)
    return now


@shared_task(time_limit=300, soft_time_limit=270)
def purge_sent_messages(days: int | None = None) -> int:
    """Sent messages are kept for a while for support questions, then removed."""
    keep_days = days or settings.OHWB_OUTBOX_KEEP_DAYS
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxStatus.SENT, sent_at__lt=timezone.now() - timedelta(days=keep_days)
    ).delete()
    return deleted
