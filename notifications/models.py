"""The notification outbox (PRODUCT.md section 7).

A message is written in the same transaction as the change that causes it, then delivered by a
worker with retries; so a change never fails because Redis or a worker is down, and no message
is lost. Message content never carries health details: it says that something happened and links
to the portal, where the reader's permissions apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed after all retries"


class OutboxMessage(models.Model):
    # Unique: the same event queued twice (a task run twice, a retried request) makes one message.
    idempotency_key = models.CharField(max_length=200, unique=True)
    template = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.CharField(max_length=254, help_text="E-mail address or phone number")
    context = models.JSONField(default=dict, blank=True)
    # Files sent with an e-mail (a calendar invitation): [{"filename", "content_type", "content"}], text only.
    # Django's mail backends attach them; GOV.UK Notify cannot carry a calendar file, so its e-mail has the link.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_pending_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to_address} ({self.status})"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-portal notification in a user's list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    idempotency_key = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
