"""The Celery app. Safe defaults (JSON only, acks late, time limits) live in settings as CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohwb_portal.settings.dev")

app = Celery("ohwb_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
