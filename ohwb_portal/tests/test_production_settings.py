"""Production settings, each in a fresh process: probes over plain http, SMTP from the environment, the public
address required, demo data refused."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from accounts.models import User

from .production import run_manage, run_production

PROBE = """
import json
from django.test import Client
client = Client()
out = {}
for path in ("/livez", "/healthz", "/accounts/sign-in/"):
    response = client.get(path)
    out[path] = [response.status_code, response.get("Location", "")]
print(json.dumps(out))
"""


def test_probes_answer_over_plain_http_while_pages_redirect_to_https():
    result = run_production(PROBE, DATABASE_URL="postgres://postgres@127.0.0.1:1/none")
    assert result.returncode == 0, result.stderr[-2000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["/livez"][0] == 200
    # healthz reports the (here unreachable) database itself instead of a 301 a probe would count as success.
    assert answers["/healthz"][0] == 503
    assert answers["/accounts/sign-in/"][0] == 301
    assert answers["/accounts/sign-in/"][1].startswith("https://")


SMTP = """
from django.conf import settings
from django.core.mail import get_connection
mail = get_connection()
print(type(mail).__name__, mail.host, mail.port, mail.username, mail.password, mail.use_tls, mail.use_ssl, mail.timeout)
"""


def test_smtp_server_is_read_from_the_environment():
    result = run_production(
        SMTP,
        EMAIL_HOST="smtp.trust.nhs.uk",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="not-a-real-password",  # noqa: S106 - a test value
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="7",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["EmailBackend", "smtp.trust.nhs.uk", "2525", "portal", "not-a-real-password"] + [
        "True",
        "False",
        "7",
    ]


def test_smtp_defaults_time_out_instead_of_hanging_a_worker():
    result = run_production(SMTP)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "10"


@pytest.mark.parametrize("value", [None, "", "localhost", "ftp://ohwb.example.nhs.uk"])
def test_production_refuses_to_start_without_its_public_address(value):
    result = run_production("print('started')", OHWB_BASE_URL=value)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "Set OHWB_BASE_URL to the portal's public address" in result.stderr


def test_public_address_is_used_as_given():
    result = run_production("from django.conf import settings; print(settings.OHWB_BASE_URL)")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "https://ohwb.example.nhs.uk"


@pytest.mark.django_db(transaction=True)
def test_seed_demo_refuses_to_run_on_production_settings():
    db = connection.settings_dict
    result = run_manage("seed_demo", DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    assert result.returncode != 0
    assert "seed_demo does not run on the production settings" in result.stderr
    assert "OperationalError" not in result.stderr
    assert User.objects.count() == 0
