from typing import Any

from celery import shared_task

from . import retention


# Below the broker's visibility timeout (1 hour). Each record is its own transaction, so a sweep stopped by
# its limit has lost nothing: the next night carries on from where it stopped.
@shared_task(time_limit=1800, soft_time_limit=1700)
def retention_sweep() -> dict[str, Any]:
    """Returns what was done and which records failed (by id), for the task result and the logs."""
    return retention.sweep().summary()
