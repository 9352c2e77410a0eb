"""Prometheus metrics at /ops/metrics, for operators only (a bearer token, OHWB_METRICS_TOKEN; off when unset).

  ohwb_http_request_duration_seconds  request latency by method, route name and status class
  ohwb_outbox_backlog / _failed       messages waiting to send / failed after all retries; oldest waiting (s)
  ohwb_celery_queue_depth             tasks waiting in each broker queue
  ohwb_celery_task_failures_total     task failures by task name, counted by the workers in Redis
  ohwb_database_up                    1 when the scrape could read the database
With gunicorn's several workers set PROMETHEUS_MULTIPROC_DIR (an empty directory) so latency is summed over all.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger("ohwb_portal.metrics")
PATH = "/ops/metrics"
FAILURES_KEY = "ohwb:metrics:task-failures"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUEST_SECONDS = Histogram(
    "ohwb_http_request_duration_seconds",
    "Time to answer a request",
    ["method", "route", "status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
_local_failures: dict[str, int] = {}  # no Redis (tasks run in process): counted here


class LatencyMiddleware:
    """Labels are the route's name, never its address: an address holds ids, which would make a series each."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else ("probe" if request.path in ("/livez", "/healthz") else "unmatched")
        method = request.method if request.method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE") else "OTHER"
        REQUEST_SECONDS.labels(method, route, f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
        return response


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def count_task_failure(sender: Any = None, **kwargs: Any) -> None:
    """Celery task_failure receiver (runs in the worker)."""
    name = getattr(sender, "name", None) or "unknown"
    if not settings.REDIS_URL:
        _local_failures[name] = _local_failures.get(name, 0) + 1
        return
    try:
        _redis().hincrby(FAILURES_KEY, name, 1)
    except Exception as exc:  # noqa: BLE001 - a metric must never fail the task's own error handling
        logger.warning("Could not count a task failure (%s)", type(exc).__name__)


def task_failures() -> dict[str, int]:
    if not settings.REDIS_URL:
        return dict(_local_failures)
    return {key.decode(): int(value) for key, value in _redis().hgetall(FAILURES_KEY).items()}


def _queue_names() -> list[str]:
    from ohwb_portal.celery import app

    names = {app.conf.task_default_queue or "celery"}
    names.update(getattr(queue, "name", str(queue)) for queue in (app.conf.task_queues or []))
    return sorted(names)


class PortalCollector(Collector):
    """Read at each scrape, from the database and the broker, so every web process reports the same."""

    def collect(self) -> Iterator[Any]:
        yield from self._outbox()
        yield from self._broker()

    def _outbox(self) -> Iterator[Any]:
        from django.db.models import Min
        from django.utils import timezone

        from notifications.models import OutboxMessage, OutboxStatus

        up = GaugeMetricFamily("ohwb_database_up", "1 when the scrape could read the database")
        try:
            pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
            backlog = pending.count()
            oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
            failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
        except Exception as exc:  # noqa: BLE001 - report the outage as a metric, not a failed scrape
            logger.warning("Metrics could not read the outbox (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("ohwb_outbox_backlog", "Messages waiting to be sent", value=backlog)
        yield GaugeMetricFamily("ohwb_outbox_failed", "Messages that failed after all retries", value=failed)
        age = (timezone.now() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily("ohwb_outbox_oldest_pending_seconds", "Age of the oldest waiting message", value=age)

    def _broker(self) -> Iterator[Any]:
        depth = GaugeMetricFamily("ohwb_celery_queue_depth", "Tasks waiting in the broker queue", labels=["queue"])
        failures = CounterMetricFamily("ohwb_celery_task_failures", "Task failures by task", labels=["task"])
        up = GaugeMetricFamily("ohwb_broker_up", "1 when the scrape could read the broker")
        try:
            if settings.REDIS_URL:
                client = _redis()
                for name in _queue_names():
                    depth.add_metric([name], client.llen(name))
            else:
                for name in _queue_names():
                    depth.add_metric([name], 0)  # tasks run in process: nothing ever waits
            for task, count in sorted(task_failures().items()):
                failures.add_metric([task], count)
            up.add_metric([], 1)
        except Exception as exc:  # noqa: BLE001
            logger.warning("Metrics could not read the broker (%s)", type(exc).__name__)
            up.add_metric([], 0)
        yield up
        yield depth
        yield failures


def _authorised(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    return given.startswith("Bearer ") and hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.OHWB_METRICS_TOKEN
    if not token:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    if not _authorised(request, token):
        response = HttpResponse("A metrics token is needed", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(PortalCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE)
