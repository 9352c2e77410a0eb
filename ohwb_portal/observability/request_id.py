"""A request id for every request, in its answer's X-Request-ID, in every log line written while it runs, and in
the headers of every Celery task it starts (so the worker's log lines for that task carry it too)."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "ohwb_request_id"
# A proxy's id is kept only if it is short and plain: it goes into log lines, which must not be forged.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str] = ContextVar("ohwb_request_id", default="-")


def current() -> str:
    return _current.get()


@contextlib.contextmanager
def bound(value: str) -> Iterator[None]:
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        value = given if _WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        with bound(value):
            response = self.get_response(request)
        response[HEADER] = value
        return response


class RequestIdFilter(logging.Filter):
    """On the handlers, so every logger's records (Django's, Celery's, ours) get the field."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


# Celery signal receivers, connected in ohwb_portal.apps (web and worker processes both load them).
def add_to_task_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and current() != "-":
        headers[TASK_HEADER] = current()


_task_tokens: dict[str, Any] = {}
logger = logging.getLogger("ohwb_portal.tasks")


def bind_for_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    if task_id is None or not value:
        return
    _task_tokens[task_id] = _current.set(str(value))
    logger.info("Task %s started by request %s", getattr(task, "name", "?"), value)


def unbind_after_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        _current.reset(token)
