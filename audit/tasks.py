from celery import shared_task

from . import retention


@shared_task(time_limit=3600, soft_time_limit=3500)
def retention_sweep() -> dict[str, int]:
    return retention.sweep()
