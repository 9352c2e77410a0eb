"""What /healthz checks: the database, Redis (cache and broker) and a recent worker heartbeat."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        return f"down: {exc.__class__.__name__}"
    return "ok"


def check_redis() -> str:
    if not settings.REDIS_URL:
        return "not used (tasks run in process)"
    try:
        redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        ).ping()
    except Exception as exc:  # noqa: BLE001
        return f"down: {exc.__class__.__name__}"
    return "ok"


def check_worker() -> str:
    if not settings.REDIS_URL:
        return "not used (tasks run in process)"
    from notifications.tasks import HEARTBEAT_CACHE_KEY

    try:
        beat = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception as exc:  # noqa: BLE001
        return f"unknown: {exc.__class__.__name__}"
    if beat is None:
        return "down: no heartbeat yet"
    age = time.time() - float(beat)
    return "ok" if age <= settings.OHWB_HEARTBEAT_MAX_AGE_SECONDS else f"down: last heartbeat {int(age)} s ago"


def health() -> tuple[bool, dict[str, str]]:
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(value == "ok" or value.startswith("not used") for value in checks.values())
    return healthy, checks
