"""Recall invitations and overdue reminders, run daily by Celery beat (ohwb_portal/beat_schedule.py). Each is
idempotent: an enrolment is locked while it is handled and each invitation is made once per date due and round,
so a second run, or two at once, sends nothing twice and never revokes a link another run has just sent."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Enrolment
from .status import RECALL_WINDOW


@shared_task(time_limit=600, soft_time_limit=570)
def send_recalls() -> int:
    """A recall link to everyone whose check falls due within the recall window (or has passed) and who has not
    had one for this date due."""
    horizon = timezone.localdate() + RECALL_WINDOW
    due = Enrolment.objects.active().filter(programme__active=True, due_on__lte=horizon)
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        sent += services.send_recall(enrolment=Enrolment(pk=pk)) is not None
    return sent


@shared_task(time_limit=600, soft_time_limit=570)
def chase_overdue() -> int:
    """This round's reminder to everyone overdue (see services.chase)."""
    today = timezone.localdate()
    overdue = Enrolment.objects.active().filter(programme__active=True, due_on__lt=today)
    sent = 0
    for pk in list(overdue.values_list("pk", flat=True)):
        sent += services.chase(enrolment=Enrolment(pk=pk), today=today) is not None
    return sent
