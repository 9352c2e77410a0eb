"""The Celery app. Safe defaults (JSON only, acks late, time limits) and the beat schedule
(ohwb_portal/beat_schedule.py) live in settings as CELERY_*."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohwb_portal.settings.dev")

app = Celery("ohwb_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def report_alive_at_start(**kwargs: object) -> None:
    """A fresh worker is healthy at once, without waiting for beat's first heartbeat."""
    from notifications.tasks import record_worker_heartbeat

    record_worker_heartbeat()
