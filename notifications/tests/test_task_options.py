"""Every task's options are valid where it matters: sent through a real broker as beat sends them, and
time limits that fit inside the broker's visibility timeout."""

from __future__ import annotations

import json

import pytest
import redis
from celery.beat import Scheduler

from ohwb_portal.celery import app as celery_app
from ohwb_portal.celery import time_limit_problems

pytestmark = pytest.mark.fault


def our_tasks():
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscover every tasks.py
    return {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}


def test_every_beat_entry_is_sent_through_a_real_broker_with_its_real_options(throwaway_redis):
    tasks = our_tasks()
    scheduler = Scheduler(app=celery_app, lazy=True)
    scheduler.setup_schedule()  # the entries beat reads from CELERY_BEAT_SCHEDULE
    entries = {name: entry for name, entry in scheduler.schedule.items() if not entry.task.startswith("celery.")}
    unknown = sorted(entry.task for entry in entries.values() if entry.task not in tasks)
    assert not unknown, f"beat entries naming no registered task (their options would never be checked): {unknown}"
    errors = {}
    with celery_app.producer_or_acquire() as producer:
        for name, entry in entries.items():
            try:
                scheduler.apply_async(entry, producer=producer, advance=False)  # beat's own code path
            except Exception as exc:  # noqa: BLE001 - collect every failure, not just the first
                errors[name] = str(exc)
    client = redis.Redis.from_url(throwaway_redis.url)
    queued = [json.loads(raw) for raw in client.lrange("celery", 0, -1)]
    sent = sorted(message["headers"]["task"] for message in queued)
    limits = {message["headers"]["task"]: message["headers"]["timelimit"] for message in queued}
    print(f"\nBeat entries: {len(entries)}; sent through the broker: {len(sent)}; scheduling errors: {len(errors)}")
    assert errors == {}
    assert sent == sorted(entry.task for entry in entries.values())
    for task_name, (hard, soft) in limits.items():
        assert hard is None or soft is None or soft < hard, task_name


def test_every_task_has_a_soft_limit_below_its_hard_limit_below_the_visibility_timeout():
    tasks = our_tasks()
    assert len(tasks) >= 20  # all apps' tasks were found
    problems = time_limit_problems(celery_app)
    print(f"\nTasks checked: {len(tasks)}; time limit problems: {len(problems)}")
    assert problems == []


def test_the_limit_check_reports_a_task_that_could_be_handed_to_a_second_worker(settings):
    task = celery_app.tasks["metrics.tasks.rollup_kpis"]
    old = task.time_limit, task.soft_time_limit
    try:
        task.time_limit, task.soft_time_limit = 7200, 7000
        assert any("metrics.tasks.rollup_kpis" in problem for problem in time_limit_problems(celery_app))
        task.time_limit, task.soft_time_limit = 60, 90
        assert any("metrics.tasks.rollup_kpis" in problem for problem in time_limit_problems(celery_app))
    finally:
        task.time_limit, task.soft_time_limit = old


def test_manage_py_check_refuses_a_visibility_timeout_shorter_than_a_task(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    call_command("check")  # the real settings pass
    old = dict(celery_app.conf.broker_transport_options)
    celery_app.conf.broker_transport_options = {**old, "visibility_timeout": 600}
    try:
        with pytest.raises(SystemCheckError, match="not below the visibility timeout 600 s"):
            call_command("check")
    finally:
        celery_app.conf.broker_transport_options = old
