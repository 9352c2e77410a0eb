"""Recalls for staff immunisations: a message when a dose or test is due, and once more when it is overdue."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=570)
def send_immunisation_recalls() -> int:
    """Idempotent: each message's key names the record, the antigen, the due date and the stage."""
    return services.send_recalls()
