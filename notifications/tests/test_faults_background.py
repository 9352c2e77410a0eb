"""Fault tests for background work on real processes: a running beat keeps /healthz green; work asked for while
Redis is down is stored and built by the sweep; a frozen Redis (SIGSTOP) never holds a request.

Each test starts its own Redis, worker and beat (never the shared ones) and prints what was attempted, saved,
delivered and duplicated.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from metrics.models import BoardReport, BoardReportStatus
from notifications.models import OutboxMessage, OutboxStatus
from notifications.tasks import HEARTBEAT_CACHE_KEY
from notifications.tests.realservices import Beat, Worker, wait_until
from ohwb_portal.celery import app as celery_app
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Referral

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_everywhere(throwaway_redis, settings):
    """This process uses the throwaway Redis for its cache too, as production uses one Redis for both."""
    settings.REDIS_URL = throwaway_redis.url
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "ohwb_portal.cache_backend.FailFastRedisCache",
            "LOCATION": throwaway_redis.url,
            "KEY_PREFIX": "",
        }
    }
    return throwaway_redis


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def test_worker_and_beat_keep_healthz_green_past_twice_the_heartbeat_age(redis_everywhere, mail_dir, settings):
    interval, max_age = 1, 5
    settings.OHWB_HEARTBEAT_MAX_AGE_SECONDS = max_age
    env = {"OHWB_HEARTBEAT_SECONDS": str(interval), "OHWB_HEARTBEAT_MAX_AGE_SECONDS": str(max_age)}
    # Beat first: on a loaded machine a beat started after the worker could leave the worker's own start-up
    # heartbeat older than the (test's very short) maximum age before beat's first one arrives.
    beat = Beat(redis_everywhere.url, mail_dir, env=env)
    worker = Worker(redis_everywhere.url, mail_dir, env=env)
    started = time.time()
    answers = []
    try:
        while time.time() - started < 2 * max_age + 2:
            answers.append(Client().get("/healthz").status_code)
            time.sleep(1)
        beat_log = beat.log_text()
        worker_log = worker.log_text()
    finally:
        beat.stop()
        worker.stop()
    last = float(cache.get(HEARTBEAT_CACHE_KEY) or 0)  # the same Redis and key the worker wrote
    beats = worker_log.count("record_worker_heartbeat") // 2  # received + succeeded
    print(
        f"\nWorker and beat ran {time.time() - started:.0f} s (heartbeat every {interval} s, stale after {max_age} s): "
        f"/healthz answers {sorted(set(answers))} x{len(answers)}; heartbeats run by the worker: {beats}; "
        f"last heartbeat {time.time() - last:.1f} s before the end; scheduling errors in beat's log: "
        f"{beat_log.count('SchedulingError')}"
    )
    assert "SchedulingError" not in beat_log
    assert last > started + max_age  # beat's heartbeats, not only the one the worker sends at start
    assert answers and set(answers) == {200}


def test_board_report_asked_for_while_redis_is_down_is_built_by_the_sweep(
    redis_everywhere, mail_dir, user_for, tmp_path
):
    board = user_for(Role.BOARD)
    client = signed_in_client(board)
    redis_everywhere.stop()
    started = time.monotonic()
    api = client.post(
        "/api/v1/reports/board/",
        {"narrative": {"Summary from the OH lead": "A good year."}},
        content_type="application/json",
    )
    took_api = time.monotonic() - started
    page = client.post("/metrics/board-reports/", {"summary": "Asked for on the page."})
    took = time.monotonic() - started
    saved = BoardReport.objects.count()
    print(
        f"\nRedis down: 2 board reports asked for (API, page): answers {api.status_code}, {page.status_code} in "
        f"{took_api:.1f} s and {took - took_api:.1f} s; saved {saved}, "
        f"status {sorted(BoardReport.objects.values_list('status', flat=True))}"
    )
    assert api.status_code == 202 and page.status_code == 302
    assert saved == 2 and set(BoardReport.objects.values_list("status", flat=True)) == {BoardReportStatus.QUEUED}

    redis_everywhere.start()
    BoardReport.objects.update(requested_at=timezone.now() - timedelta(minutes=2))
    worker = Worker(redis_everywhere.url, mail_dir, concurrency=2, env={"MEDIA_ROOT": str(tmp_path / "media")})
    try:
        for _ in range(2):  # two sweeps (two beats, or a sweep and a manual run): still one build each
            celery_app.send_task("metrics.tasks.sweep_board_reports")
        waited = wait_until(
            lambda: BoardReport.objects.filter(status=BoardReportStatus.READY).count() == 2, timeout=120, interval=0.5
        )
        celery_app.send_task("notifications.tasks.sweep_outbox")
        time.sleep(1)
        worker_log = worker.log_text()
    finally:
        worker.stop()
    ready_messages = OutboxMessage.objects.filter(template="metrics_board_report_ready").count()
    builds = worker_log.count("succeeded in") and worker_log.count(": 'ready'")
    print(
        f"Redis back, two sweeps queued: both reports ready {waited:.1f} s later; PDFs built {builds}; "
        f"'ready' messages {ready_messages}"
    )
    assert ready_messages == 2 and builds == 2


def test_frozen_redis_does_not_hold_a_referral_and_its_message_is_delivered_once_after(
    redis_everywhere, mail_dir, world
):
    manager = member(Role.MANAGER, world.trust_a)
    member(Role.OH_ADMIN, world.oh_service)
    member(Role.OH_ADMIN, world.oh_service)
    employee = EmployeeFactory(organisation=world.trust_a)
    client = signed_in_client(manager)
    client.get("/referrals/new/")
    celery_app.send_task("notifications.tasks.sweep_outbox")  # this process has a live broker connection
    redis.Redis.from_url(redis_everywhere.url).delete("celery")
    form = {
        "employee": employee.pk,
        "reason_category": "mental_health",
        "absent": "absent",
        "absent_since_0": "1",
        "absent_since_1": "11",
        "absent_since_2": "2026",
        "manager_questions": ["fit_for_role"],
        "work_details": "Ward clerk",
        "employee_agreed": "on",
        "submit_referral": "",
    }
    redis_everywhere.freeze()
    try:
        started = time.monotonic()
        response = client.post("/referrals/new/", form)
        took = time.monotonic() - started
        home = client.get(response["Location"]) if response.status_code == 302 else None
        took_page = time.monotonic() - started - took
    finally:
        redis_everywhere.thaw()
    saved = Referral.objects.count()
    messages = OutboxMessage.objects.exclude(to_address="")
    print(
        f"\nRedis frozen (SIGSTOP): referral POST answered {response.status_code} in {took:.2f} s, the case page "
        f"{home.status_code if home else '-'} in {took_page:.2f} s; referrals saved {saved}; "
        f"messages waiting in the outbox {messages.filter(status=OutboxStatus.PENDING).count()}"
    )
    assert response.status_code == 302 and took < 3
    assert saved == 1
    assert messages.count() >= 1

    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    worker = Worker(redis_everywhere.url, mail_dir)
    try:
        celery_app.send_task("notifications.tasks.sweep_outbox")
        waited = wait_until(lambda: not messages.filter(status=OutboxStatus.PENDING).exists(), timeout=60)
        time.sleep(1)  # anything the frozen Redis had half-received is handed out by now too
    finally:
        worker.stop()
    sent = len(list(mail_dir.iterdir()))
    print(
        f"Redis thawed (SIGCONT): {messages.count()} messages, all sent {waited:.1f} s after the sweep; "
        f"e-mails written {sent}; duplicated {sent - messages.count()}"
    )
    assert sent == messages.count()


def test_worker_killed_while_building_a_report_is_rebuilt_by_the_sweep_not_after_an_hour(
    redis_everywhere, mail_dir, user_for, tmp_path
):
    media = tmp_path / "media"
    client = signed_in_client(user_for(Role.BOARD))
    first = Worker(redis_everywhere.url, mail_dir, env={"MEDIA_ROOT": str(media), "OHWB_TEST_BUILD_DELAY": "60"})
    response = client.post(
        "/api/v1/reports/board/",
        {"narrative": {"Summary from the OH lead": "Killed."}},
        content_type="application/json",
    )
    assert response.status_code == 202
    first.wait_for_log("Task metrics.tasks.build_board_report")
    first.kill_hard()
    first.stop()
    report = BoardReport.objects.get()
    print(f"\nWorker killed (SIGKILL) while building a board report: status {report.status}")
    assert report.status == BoardReportStatus.QUEUED

    BoardReport.objects.update(requested_at=timezone.now() - timedelta(minutes=2))  # as if a minute had passed
    # The new worker's broker would give the unacknowledged task back only after an hour: the sweep must not wait.
    second = Worker(redis_everywhere.url, mail_dir, env={"MEDIA_ROOT": str(media), "CELERY_VISIBILITY_TIMEOUT": "3600"})
    try:
        celery_app.send_task("metrics.tasks.sweep_board_reports")
        waited = wait_until(lambda: BoardReport.objects.get().status == BoardReportStatus.READY, timeout=120)
    finally:
        second.stop()
    pdfs = list((media / "board_reports").iterdir())
    ready = OutboxMessage.objects.filter(template="metrics_board_report_ready").count()
    print(f"Sweep queued: report ready {waited:.1f} s later; PDFs on disk {len(pdfs)}; 'ready' messages {ready}")
    assert len(pdfs) == 1 and ready == 1
