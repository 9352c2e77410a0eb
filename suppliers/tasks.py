from celery import shared_task

from . import services


@shared_task(time_limit=300, soft_time_limit=270)
def suspend_lapsed_suppliers() -> int:
    return services.suspend_lapsed_suppliers()


@shared_task(time_limit=300, soft_time_limit=270)
def expire_ended_call_offs() -> int:
    return services.expire_ended_call_offs()


@shared_task(time_limit=300, soft_time_limit=270)
def send_expiry_warnings() -> int:
    return services.expiry_warnings()


@shared_task(time_limit=300, soft_time_limit=270)
def start_signed_call_offs() -> int:
    return services.start_signed_call_offs()


# Retried: a run that fails part-way has queued nothing twice (the outbox keys), so running again is safe.
@shared_task(time_limit=300, soft_time_limit=270, autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def send_value_used_alerts() -> int:
    return services.value_used_alerts()
