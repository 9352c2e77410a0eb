"""The Celery app. Safe defaults (JSON only, acks late, time limits, short broker timeouts) and the beat schedule
(ohwb_portal/beat_schedule.py) live in settings as CELERY_*."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready
from django.core import checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohwb_portal.settings.dev")

logger = logging.getLogger(__name__)

app = Celery("ohwb_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DEFAULT_VISIBILITY_TIMEOUT = 3600  # kombu's Redis default


def time_limit_problems(celery_app: Celery) -> list[str]:
    """Each of our tasks needs a soft limit below its hard limit (so it can stop cleanly), and a hard limit below
    the broker's visibility timeout: a task still running past it is handed to a second worker as well."""
    visibility = celery_app.conf.broker_transport_options.get("visibility_timeout", DEFAULT_VISIBILITY_TIMEOUT)
    problems = []
    for name, task in sorted(celery_app.tasks.items()):
        if name.startswith("celery."):
            continue
        hard = task.time_limit or celery_app.conf.task_time_limit
        soft = task.soft_time_limit or celery_app.conf.task_soft_time_limit
        if not hard or not soft:
            problems.append(f"{name}: needs both a time limit and a soft time limit")
        elif soft >= hard:
            problems.append(f"{name}: soft time limit {soft} s is not below its time limit {hard} s")
        elif hard >= visibility:
            problems.append(f"{name}: time limit {hard} s is not below the visibility timeout {visibility} s")
    return problems


@checks.register()
def task_limits_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """`manage.py check` (and every start of the web process) refuses settings that would let a running task be
    handed to a second worker, for example a CELERY_VISIBILITY_TIMEOUT shorter than the longest task."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # every app's tasks.py, so that all tasks are registered
    return [checks.Error(problem, id="ohwb_celery.E001") for problem in time_limit_problems(app)]


@worker_ready.connect
def report_alive_at_start(**kwargs: object) -> None:
    """A fresh worker is healthy at once, without waiting for beat's first heartbeat; and it says so loudly if
    the settings let a running task be handed to a second worker (for example a shorter visibility timeout)."""
    from notifications.tasks import record_worker_heartbeat

    for problem in time_limit_problems(app):
        logger.error("Task time limits: %s", problem)
    record_worker_heartbeat()
