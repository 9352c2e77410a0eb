"""The diary's periodic work: slots made for the weeks ahead, and booking reminders. Both idempotent."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services
from .rules import REMINDERS


@shared_task(time_limit=600, soft_time_limit=570)
def extend_clinic_slots() -> int:
    """Nightly: each running clinic's slots are made up to the horizon (existing slots are left as they are)."""
    return services.extend_slots()


@shared_task(time_limit=300, soft_time_limit=270)
def send_booking_reminders() -> int:
    """SMS reminders 2 days and 2 hours before (e-mail too for further assessments); each key once."""
    now = timezone.now()
    return sum(services.send_reminders(now=now, label=label, ahead=ahead) for label, ahead in REMINDERS.items())
