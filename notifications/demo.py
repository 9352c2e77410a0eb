"""The demo's messages as a year of worker runs leaves them (seed_demo, last): delivered, older ones read,
and those past the keeping time purged. Nothing is sent: the delivery task finds them already sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F

from .models import Notification, OutboxMessage, OutboxStatus
from .tasks import purge_sent_messages

DELIVERED_AFTER = timedelta(minutes=2)
READ_AFTER = timedelta(days=1)
UNREAD_FOR = timedelta(days=30)  # recent notifications are still waiting in the users' lists


def seed(world: Any) -> None:
    queued = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, created_at__lte=world.now)
    queued.update(status=OutboxStatus.SENT, attempts=1, sent_at=F("created_at") + DELIVERED_AFTER)
    Notification.objects.filter(read_at__isnull=True, created_at__lt=world.now - UNREAD_FOR).update(
        read_at=F("created_at") + READ_AFTER
    )
    purge_sent_messages()
