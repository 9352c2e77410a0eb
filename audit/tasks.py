from typing import Any

from celery import shared_task

from . import retention


@shared_task(time_limit=3600, soft_time_limit=3500)
def retention_sweep() -> dict[str, Any]:
    """Returns what was done and which records failed (by id), for the task result and the logs."""
    return retention.sweep().summary()
