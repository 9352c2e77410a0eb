import pytest

from ohwb_portal.celery import app as celery_app
from referrals.tests.conftest import case  # noqa: F401  (the case fixture, reused)


@pytest.fixture
def tasks_in_process():
    """Run what a task queues at once, in this process, as the embedded default does (no broker)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
