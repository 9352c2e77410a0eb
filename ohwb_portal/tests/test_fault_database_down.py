"""Fault test: PostgreSQL stops under a running gunicorn with the production settings.

A throwaway cluster (never the shared server) is stopped while a signed-in user and an API client keep asking.
Pages get the static NHS.UK error page with 503, the API gets JSON, /livez stays 200, the log grows by at most
one line a request, and everything works again once the database is back.
"""

from __future__ import annotations

import pytest
import requests

from .production import run_manage
from .realprocesses import Gunicorn, ThrowawayPostgres

pytestmark = pytest.mark.fault

SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from accounts.sessions import SessionStore
from rest_framework.authtoken.models import Token
user = get_user_model().objects.create_user("fault-user", password=None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.PortalModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, Token.objects.create(user=user).key)
"""
REQUESTS_EACH = 20


@pytest.fixture(scope="module")
def cluster():
    pg = ThrowawayPostgres()
    pg.start()
    yield pg
    pg.cleanup()


def test_database_down_pages_get_static_503_api_gets_json_probes_stay_up(cluster):
    url = cluster.create_database("ohwb_fault")
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = run_manage(*args, timeout=600, DATABASE_URL=url)
        assert result.returncode == 0, result.stderr[-3000:]
    result = run_manage("shell", "-c", SIGN_IN, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr[-3000:]
    session_key, token = result.stdout.split()[-2:]

    server = Gunicorn(DATABASE_URL=url, REDIS_URL="")
    page = requests.Session()
    page.headers["X-Forwarded-Proto"] = "https"  # as the TLS proxy in front of gunicorn says
    page.cookies.set("__Host-sessionid", session_key)
    api = requests.Session()
    api.headers.update({"X-Forwarded-Proto": "https", "Authorization": f"Token {token}"})

    def answers():
        return (
            page.get(server.base + "/", allow_redirects=False, timeout=10),
            api.get(server.base + "/api/v1/employees/", timeout=10),
            page.get(server.base + "/livez", timeout=10),  # signed in: still no database
        )

    try:
        before = answers()
        assert [r.status_code < 500 for r in before] == [True, True, True], [r.status_code for r in before]

        cluster.stop()
        log_before = server.log_size()
        outage = [answers() for _ in range(REQUESTS_EACH)]
        health = page.get(server.base + "/healthz", timeout=10)
        log_growth = server.log_size() - log_before
        log_lines = server.log_text().splitlines()

        cluster.start()
        after = [answers() for _ in range(3)]
    finally:
        server.stop()

    pages, apis, probes = zip(*outage, strict=True)
    print(
        f"\nPostgreSQL down: attempted {3 * REQUESTS_EACH} requests; pages {sorted({r.status_code for r in pages})}, "
        f"API {sorted({r.status_code for r in apis})}, /livez {sorted({r.status_code for r in probes})}, "
        f"/healthz {health.status_code}; log grew {log_growth} bytes ({log_growth // (2 * REQUESTS_EACH)} a "
        f"failed request); saved 0, delivered 0, duplicated 0; after restart "
        f"{[r.status_code for r in after[-1]]}"
    )
    for response in pages:
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("text/html")
        assert "Sorry, there is a problem with the service" in response.text
        assert "nhsuk-header" in response.text and 'lang="en-GB"' in response.text
        assert "Traceback" not in response.text and "OperationalError" not in response.text
        assert response.headers.get("Retry-After")
    for response in apis:
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "application/json"
        assert response.json() == {"detail": "The service is temporarily unavailable. Try again in a few minutes."}
    assert all(r.status_code == 200 and r.text == "ok" for r in probes)
    assert health.status_code == 503 and health.json()["checks"]["database"].startswith("down")
    # One line a failed request at most, and no traceback at all; each line names its request.
    assert not any("Traceback" in line for line in log_lines)
    outage_lines = [line for line in log_lines if "Database unavailable, answered 503" in line]
    assert 0 < len(outage_lines) <= 2 * REQUESTS_EACH
    request_ids = {r.headers["X-Request-ID"] for r in pages + apis}
    assert all(" ERROR ohwb_portal.errors [" in line for line in outage_lines)
    assert {line.split("[", 1)[1].split("]", 1)[0] for line in outage_lines} <= request_ids
    assert log_growth <= 2 * REQUESTS_EACH * 300
    assert [r.status_code < 500 for r in after[-1]] == [True, True, True]
    assert after[-1][0].status_code == before[0].status_code and after[-1][1].status_code == before[1].status_code
