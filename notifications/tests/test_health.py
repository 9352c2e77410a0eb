"""/healthz: database, Redis and worker heartbeat; 503 when one is down."""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from notifications.tasks import HEARTBEAT_CACHE_KEY, record_worker_heartbeat

pytestmark = pytest.mark.django_db


def test_all_up_answers_200():
    record_worker_heartbeat()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "worker": "ok"}}


def test_stale_heartbeat_answers_503():
    cache.set(HEARTBEAT_CACHE_KEY, time.time() - 600)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("down: last heartbeat")


def test_redis_down_answers_503(settings):
    record_worker_heartbeat()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("down")


def test_embedded_default_without_redis_is_healthy(settings):
    settings.REDIS_URL = ""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "not used (tasks run in process)"


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"ok"
