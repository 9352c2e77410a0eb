"""Fixtures for tests that need real services started by the test itself (never the shared ones)."""

from __future__ import annotations

import pytest

from notifications.enqueue import forget_failures
from notifications.tests.realservices import ThrowawayRedis, use_broker
from ohwb_portal.celery import app as celery_app


@pytest.fixture
def throwaway_redis():
    """A Redis of the test's own, used as this process's Celery broker for the test."""
    server = ThrowawayRedis()
    server.start()
    old_url = celery_app.conf.broker_url
    use_broker(server.url)
    yield server
    use_broker(old_url)
    server.cleanup()


@pytest.fixture(autouse=True)
def broker_presumed_up():
    """A broker failure seen by one test must not make the next test skip its publish."""
    forget_failures()
    yield
    forget_failures()
