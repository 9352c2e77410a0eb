"""Hand work to the broker without ever failing or holding the request that asked for it (PRODUCT.md section 7).

The work itself is already stored (an outbox message, a board report row), so a publish that fails only costs
the time until a sweep picks it up. A failed publish is logged, never raised. After one failure the broker is
skipped for a short while, so a request queuing several things waits for one timeout (about a second), not one
per message.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

SKIP_AFTER_FAILURE_SECONDS = 15.0
_broker_down_until: dict[str, float] = {}  # per broker address, in this process


def _broker() -> str:
    return str(current_app.conf.broker_url)


def enqueue(task: Any, *args: Any) -> bool:
    """Publish `task(*args)` now; False (and a warning) if the broker is down, frozen or was just found so."""
    broker = _broker()
    if time.monotonic() < _broker_down_until.get(broker, 0.0):
        logger.warning("Broker recently unavailable; %s%s left for the sweep", task.name, list(args))
        return False
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:  # noqa: BLE001 - broker down or not answering: the stored work waits for the sweep
        if task.app.conf.task_always_eager:  # embedded default: the task itself failed, in this process
            logger.exception("%s%s failed in process; the sweep tries again", task.name, list(args))
            return False
        _broker_down_until[broker] = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS
        logger.warning("Broker unavailable; %s%s left for the sweep", task.name, list(args), exc_info=settings.DEBUG)
        return False
    _broker_down_until.pop(broker, None)
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Publish after the current transaction commits (so the worker finds the row), never raising."""
    transaction.on_commit(lambda: enqueue(task, *args))


def forget_failures() -> None:
    """Tests: start with the broker presumed up."""
    _broker_down_until.clear()
