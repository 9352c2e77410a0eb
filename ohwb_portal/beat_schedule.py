"""Every periodic task, in one place (read by Celery beat through CELERY_BEAT_SCHEDULE).

Task names are strings, so this module imports no Django code and settings can load it.
All tasks are idempotent: a run missed or repeated does no harm.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "notifications-sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    "notifications-worker-heartbeat": {"task": "notifications.tasks.record_worker_heartbeat", "schedule": 30.0},
    "notifications-purge-old-sent": {
        "task": "notifications.tasks.purge_sent_messages",
        "schedule": crontab(minute=3, hour=2),
    },
}
