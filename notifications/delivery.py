"""Sending one outbox message: by e-mail through Django's mail backend, or through GOV.UK Notify."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from .messages import render_message
from .models import Channel, OutboxMessage


class DeliveryError(Exception):
    """The message could not be sent now; the worker retries it later."""


def notify_client() -> Any:
    """The GOV.UK Notify client, when an API key is configured; None means send e-mail through Django."""
    if not settings.GOVUK_NOTIFY_API_KEY:
        return None
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.GOVUK_NOTIFY_API_KEY, base_url=settings.GOVUK_NOTIFY_BASE_URL)


def _send_mail(message: OutboxMessage, subject: str, body: str) -> None:
    email = EmailMessage(subject, body, None, [message.to_address])
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["content_type"])
    email.send()


def send(message: OutboxMessage) -> None:
    rendered = render_message(message.template, message.context)
    client = notify_client()
    try:
        if message.channel == Channel.SMS:
            if client is None:
                raise DeliveryError("Text messages need GOV.UK Notify: set GOVUK_NOTIFY_API_KEY")
            # Notify's generic template takes the whole text as personalisation; reference de-duplicates.
            client.send_sms_notification(
                phone_number=message.to_address,
                template_id=settings.GOVUK_NOTIFY_SMS_TEMPLATE_ID,
                personalisation={"body": rendered.body},
                reference=message.idempotency_key,
            )
        elif client is not None and settings.GOVUK_NOTIFY_FOR_EMAIL:
            client.send_email_notification(
                email_address=message.to_address,
                template_id=settings.GOVUK_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation={"subject": rendered.subject, "body": rendered.body},
                reference=message.idempotency_key,
            )
        else:
            _send_mail(message, rendered.subject, rendered.body)
    except DeliveryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc
