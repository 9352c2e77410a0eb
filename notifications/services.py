"""Queue messages through the outbox. Call inside the transaction of the change that causes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import unread
from .enqueue import enqueue_on_commit
from .messages import render_message
from .models import Channel, Notification, OutboxMessage

if TYPE_CHECKING:  # for the annotation only
    from accounts.models import User

# Started by name after commit: the delivery task imports services, never the other way.
DELIVER_MESSAGE = "notifications.tasks.deliver_message"

# Context keys that would carry health details; messages say only that something happened.
FORBIDDEN_CONTEXT_KEYS = frozenset(
    {
        "diagnosis",
        "notes",
        "clinical_notes",
        "answers",
        "questionnaire",
        "fitness",
        "reason",
        "reason_category",
        "adjustments",
        "condition",
        "medication",
        "outcome",
        "work_ability",
    }
)


def queue_message(
    *,
    template: str,
    idempotency_key: str,
    to_user: User | None = None,
    to_address: str = "",
    channel: str = Channel.EMAIL,
    context: dict[str, object] | None = None,
    link: str = "",
    in_portal: bool = True,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxMessage | None:
    """Store a message for delivery after commit; returns None if this key was already queued.

    `context` must be JSON-serialisable and hold no health details. With `to_user` and
    `in_portal`, the user also gets an in-portal notification linking to `link`. `attachments` (e-mail only):
    text files as {"filename", "content_type", "content"}, such as a calendar invitation.
    """
    context = dict(context or {})
    leaked = FORBIDDEN_CONTEXT_KEYS.intersection(context)
    if leaked:
        raise ValueError(f"Messages must not carry health details: {sorted(leaked)}")
    if link:
        # E-mails need a full address; the in-portal notification keeps the portal-relative link.
        context.setdefault("link", link if "://" in link else settings.OHWB_BASE_URL.rstrip("/") + link)
    rendered = render_message(template, context)  # fail now, not in the worker, on a broken template
    address = to_address or (getattr(to_user, "email", "") if channel == Channel.EMAIL else "")
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                idempotency_key=idempotency_key,
                template=template,
                channel=channel,
                recipient=to_user,
                to_address=address,
                context=context,
                attachments=list(attachments or []) if channel == Channel.EMAIL else [],
            )
    except IntegrityError:
        return None
    if to_user is not None and in_portal:
        Notification.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={"user": to_user, "title": rendered.subject, "body": rendered.body, "link": link},
        )
    if address:
        # Broker down or frozen: the sweep sends it later.
        enqueue_on_commit(current_app.tasks[DELIVER_MESSAGE], message.pk)
    return message


def mark_read(*, user: User, link: str) -> int:
    """Mark a user's unread notifications that point at `link` read: what they asked for has been done."""
    marked = Notification.objects.visible_to(user).unread().filter(link=link).update(read_at=timezone.now())
    if marked:
        unread.forget(user.pk)
    return marked


def mark_all_read(*, user: User) -> int:
    marked = Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
    unread.forget(user.pk)
    return marked
