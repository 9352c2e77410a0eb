"""A task started during a request logs that request's id in a real Celery worker."""

from __future__ import annotations

import pytest

from notifications.tests.realservices import ThrowawayRedis, Worker
from ohwb_portal.celery import app as celery_app
from ohwb_portal.observability import request_id

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def use_broker(url):
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_worker_log_names_the_request_that_started_the_task(tmp_path):
    server = ThrowawayRedis()
    server.start()
    old_url = celery_app.conf.broker_url
    use_broker(server.url)
    worker = Worker(server.url, tmp_path)
    try:
        with request_id.bound("req-fault-0042"):
            celery_app.send_task("notifications.tasks.sweep_outbox")
        celery_app.send_task("notifications.tasks.sweep_outbox")  # from beat: no request
        worker.wait_for_log("started by request req-fault-0042")
        worker.wait_for_log("succeeded", timeout=30)
        lines = worker.log_text().splitlines()
    finally:
        worker.stop()
        use_broker(old_url)
        server.cleanup()
    tagged = [line for line in lines if "[req-fault-0042]" in line]
    print(f"\nTask from a request: attempted 2 tasks, worker log lines naming the request: {len(tagged)}")
    assert tagged and all(line[:4].isdigit() and " INFO " in line for line in tagged)
    assert "ohwb_portal.tasks" in tagged[0]
