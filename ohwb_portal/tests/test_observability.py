"""Observability: request ids in logs and tasks, Prometheus metrics for operators only,
error reporting off unless configured and never sending health data."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from notifications.models import OutboxMessage, OutboxStatus
from ohwb_portal.observability import request_id
from ohwb_portal.observability.sentry import scrub_event
from organisations.roles import Role

from .production import run_production

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789abcdef"  # noqa: S105 - a test value


class TestRequestId:
    def test_every_answer_names_its_request(self):
        first = Client().get("/accounts/sign-in/")
        second = Client().get("/accounts/sign-in/")
        assert len(first["X-Request-ID"]) == 32
        assert first["X-Request-ID"] != second["X-Request-ID"]
        assert Client().get("/livez")["X-Request-ID"]

    def test_proxy_request_id_is_kept_when_well_formed(self):
        response = Client().get("/livez", HTTP_X_REQUEST_ID="lb-7f3a-0001")
        assert response["X-Request-ID"] == "lb-7f3a-0001"

    @pytest.mark.parametrize("bad", ["x" * 200, "abc\ndef", "<script>", ""])
    def test_malformed_request_id_is_replaced(self, bad):
        response = Client().get("/livez", HTTP_X_REQUEST_ID=bad)
        assert response["X-Request-ID"] != bad and len(response["X-Request-ID"]) == 32

    def test_log_lines_carry_time_level_logger_and_request_id(self, settings):
        formatter = logging.Formatter(settings.LOGGING["formatters"]["text"]["format"])
        record = logging.LogRecord("referrals.services", logging.WARNING, __file__, 1, "case %s", ("R-1",), None)
        with request_id.bound("abc123"):
            assert request_id.RequestIdFilter().filter(record)
        line = formatter.format(record)
        assert line.endswith("WARNING referrals.services [abc123] case R-1")
        assert line[:4].isdigit()  # starts with the time

    def test_json_lines_for_log_collectors(self):
        record = logging.LogRecord("ohwb_portal.errors", logging.ERROR, __file__, 1, "down %s", ("db",), None)
        record.request_id = "abc123"
        line = json.loads(request_id.JsonFormatter().format(record))
        assert line["level"] == "ERROR" and line["logger"] == "ohwb_portal.errors"
        assert line["request_id"] == "abc123" and line["message"] == "down db" and line["time"]

    def test_task_published_in_a_request_carries_its_id(self):
        headers: dict[str, str] = {}
        with request_id.bound("req-42"):
            request_id.add_to_task_headers(headers=headers)
        assert headers == {"ohwb_request_id": "req-42"}


@pytest.fixture
def metrics_token(settings):
    settings.OHWB_METRICS_TOKEN = TOKEN
    return TOKEN


class TestPrometheus:
    def test_endpoint_is_off_without_a_token_setting(self, settings, client_for):
        settings.OHWB_METRICS_TOKEN = ""
        assert Client().get("/ops/metrics").status_code == 404
        assert client_for(Role.IG_LEAD).get("/ops/metrics").status_code == 404

    @pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Token {TOKEN}", f"Bearer {TOKEN}x"])
    def test_refused_without_the_right_token(self, metrics_token, header):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = Client().get("/ops/metrics", **extra)
        assert response.status_code in (401, 403)
        assert b"ohwb_" not in response.content

    def test_signed_in_users_are_refused_too(self, metrics_token, client_for):
        for role in (Role.IG_LEAD, Role.OH_ADMIN, Role.BOARD):
            response = client_for(role).get("/ops/metrics")
            assert response.status_code == 401 and b"ohwb_" not in response.content

    def test_operator_reads_latency_outbox_backlog_queue_depth_and_task_failures(self, metrics_token, user_for):
        for key in ("one", "two"):
            OutboxMessage.objects.create(idempotency_key=key, template="t", status=OutboxStatus.PENDING)
        OutboxMessage.objects.create(idempotency_key="three", template="t", status=OutboxStatus.FAILED)
        Client().get("/accounts/sign-in/")
        response = Client().get("/ops/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert 'ohwb_http_request_duration_seconds_count{method="GET",route="accounts:login",status="2xx"}' in text
        assert "ohwb_outbox_backlog 2.0" in text
        assert "ohwb_outbox_failed 1.0" in text
        assert 'ohwb_celery_queue_depth{queue="celery"}' in text
        assert "ohwb_celery_task_failures_total" in text
        assert "ohwb_database_up 1.0" in text

    def test_task_failure_is_counted(self, metrics_token):
        from ohwb_portal.observability import metrics

        before = metrics.task_failures().get("referrals.tasks.example", 0)
        metrics.count_task_failure(sender=type("T", (), {"name": "referrals.tasks.example"})())
        assert metrics.task_failures()["referrals.tasks.example"] == before + 1


class TestErrorReporting:
    def test_off_unless_a_dsn_is_set(self):
        result = run_production("import sentry_sdk; print(sentry_sdk.get_client().is_active())")
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip().splitlines()[-1] == "False"

    def test_on_with_a_dsn_and_never_sends_personal_data_or_bodies(self):
        code = (
            "import sentry_sdk; o = sentry_sdk.get_client().options; "
            "print(sentry_sdk.get_client().is_active(), o['send_default_pii'], o['max_request_body_size'], "
            "o['include_local_variables'])"
        )
        result = run_production(code, SENTRY_DSN="http://public@127.0.0.1:9/1")
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip().splitlines()[-1] == "True False never False"

    def test_event_is_scrubbed_of_request_data(self):
        event = {
            "request": {
                "url": "https://ohwb.example.nhs.uk/referrals/12/",
                "method": "POST",
                "data": {"clinical_note": "depression"},
                "cookies": {"sessionid": "x"},
                "query_string": "q=Jane+Smith",
                "headers": {"Authorization": "Token abc", "User-Agent": "x"},
            },
            "user": {"username": "clinician", "email": "c@nhs.net"},
            "message": "boom",
        }
        scrubbed = scrub_event(event, {})
        assert scrubbed is not None
        assert scrubbed["request"] == {"url": "https://ohwb.example.nhs.uk/referrals/12/", "method": "POST"}
        assert "user" not in scrubbed
