"""Outbox delivery. Issue 3 extends this with GOV.UK Notify, backoff and the periodic sweep."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .messages import render_message
from .models import Channel, OutboxMessage, OutboxStatus


@shared_task(acks_late=True, max_retries=5, default_retry_delay=60)
def deliver_message(message_id: int) -> str:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return "skipped"
        rendered = render_message(message.template, message.context)
        if message.channel == Channel.EMAIL:
            send_mail(rendered.subject, rendered.body, None, [message.to_address])
        message.status = OutboxStatus.SENT
        message.attempts += 1
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "attempts", "sent_at"])
    return "sent"
