"""The 500 and 503 answers need no database, session or request context (in process).

The real outage, with gunicorn and a stopped PostgreSQL, is test_fault_database_down.py.
"""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from accounts.sessions import SessionStore
from organisations.roles import Role

pytestmark = pytest.mark.django_db

OUTAGE = "The service is temporarily unavailable. Try again in a few minutes."


@pytest.fixture
def signed_in(client_for):
    client = client_for(Role.MANAGER)
    client.raise_request_exception = False
    return client


@pytest.fixture
def database_down():
    """Every session read fails as it does when PostgreSQL is down (the first query a signed-in request makes)."""
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused\n\tIs it up?')
    with mock.patch.object(SessionStore, "load", side_effect=error):
        yield


@pytest.mark.parametrize("error", [OperationalError("no connection"), InterfaceError("connection already closed")])
def test_page_gets_static_503_page_and_one_log_line(signed_in, error, caplog):
    with mock.patch.object(SessionStore, "load", side_effect=error), caplog.at_level(logging.INFO):
        response = signed_in.get("/referrals/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Sorry, there is a problem with the service" in html and "nhsuk-header" in html
    assert "Traceback" not in html and "no connection" not in html
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is None
    assert "/referrals/" in records[0].getMessage() and "503" in records[0].getMessage()


def test_api_gets_json_503(signed_in, database_down):
    response = signed_in.get("/api/v1/employees/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": OUTAGE}


def test_probes_touch_no_database_even_when_signed_in(signed_in, database_down, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = signed_in.get("/livez")
    assert (response.status_code, response.content) == (200, b"ok")


def test_healthz_reports_the_database_for_a_signed_in_probe(signed_in, database_down):
    with mock.patch("ohwb_portal.health.check_database", return_value="down: OperationalError"):
        response = signed_in.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down: OperationalError"


def test_other_server_errors_get_static_500_page_with_traceback_logged(signed_in, caplog):
    with mock.patch.object(SessionStore, "load", side_effect=ZeroDivisionError), caplog.at_level(logging.ERROR):
        page = signed_in.get("/referrals/")
        api = signed_in.get("/api/v1/employees/")
    assert page.status_code == 500 and "Sorry, there is a problem with the service" in page.content.decode()
    assert api.status_code == 500 and api.json() == {"detail": "Sorry, there is a problem with the service."}
    assert any(r.exc_info for r in caplog.records)  # a real bug keeps its traceback


def test_error_page_renders_with_no_request_context():
    # Anonymous, no session: still the NHS.UK page, not Django's bare text.
    client = Client(raise_request_exception=False)
    with mock.patch("django.contrib.auth.middleware.get_user", side_effect=OperationalError("down")):
        response = client.get("/")
    assert response.status_code == 503
    assert 'lang="en-GB"' in response.content.decode()


def test_error_page_still_answers_when_its_template_cannot_render(signed_in, database_down):
    from ohwb_portal import errors

    with mock.patch.dict(errors._pages, clear=True), mock.patch.object(errors, "get_template", side_effect=OSError):
        response = signed_in.get("/referrals/")
    assert response.status_code == 503
    assert "Sorry, there is a problem with the service" in response.content.decode()
