from celery import shared_task

from . import services


# Daily: an ongoing absence adds a day each day, so the rule is applied again without waiting for the next extract.
@shared_task(time_limit=600, soft_time_limit=540)
def refresh_support_suggestions() -> int:
    return services.refresh_all_suggestions()
