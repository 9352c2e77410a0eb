"""The one place that hands work to the broker: never raises, and after a failure skips the broker for a while so
that a request queuing several messages waits for one timeout, not one per message."""

from __future__ import annotations

import pytest

from notifications import enqueue as enqueue_module
from notifications import tasks
from notifications.enqueue import enqueue
from ohwb_portal.celery import app as celery_app


def test_a_failed_publish_is_logged_then_the_broker_is_skipped_until_it_has_had_time(monkeypatch, caplog):
    calls = []

    def broker_down(*args, **kwargs):
        calls.append(kwargs)
        raise TimeoutError("Redis is not answering")

    monkeypatch.setattr(tasks.deliver_message, "apply_async", broker_down)
    assert enqueue(tasks.deliver_message, 1) is False
    assert enqueue(tasks.deliver_message, 2) is False
    assert len(calls) == 1 and calls[0]["retry"] is False  # the second did not wait for the broker again
    assert "left for the sweep" in caplog.text
    monkeypatch.setattr(enqueue_module, "_broker_down_until", {})  # the skip window has passed
    sent = []
    monkeypatch.setattr(tasks.deliver_message, "apply_async", lambda **kw: sent.append(kw["args"]))
    assert enqueue(tasks.deliver_message, 3) is True and sent == [[3]]


def test_in_process_a_failing_task_does_not_mark_the_broker_down(monkeypatch):
    def task_fails(*args, **kwargs):
        raise ValueError("the task itself failed")

    monkeypatch.setattr(tasks.deliver_message, "apply_async", task_fails)
    celery_app.conf.task_always_eager = True
    try:
        assert enqueue(tasks.deliver_message, 1) is False
    finally:
        celery_app.conf.task_always_eager = False
    assert enqueue_module._broker_down_until == {}


@pytest.mark.parametrize("failure", [ConnectionRefusedError, TimeoutError, OSError])
def test_no_failure_of_the_broker_reaches_the_caller(monkeypatch, failure):
    def broker_fails(*args, **kwargs):
        raise failure("broker")

    monkeypatch.setattr(tasks.deliver_message, "apply_async", broker_fails)
    assert enqueue(tasks.deliver_message, 1) is False
