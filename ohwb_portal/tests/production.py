"""Run a snippet of Python in a fresh process on the production settings (they cannot be loaded twice in one)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What an operator must give production; a test removes or changes one to see the refusal.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ohwb_portal.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "OHWB_BASE_URL": "https://ohwb.example.nhs.uk",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
}
# Local-mode switches that would hide what production does.
_CLEARED = ("OHWB_LOCAL_HTTP", "DJANGO_SECURE_SSL_REDIRECT", "EMAIL_BACKEND", "SENTRY_DSN")


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_production(code: str, *, timeout: float = 60, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """`code` runs after django.setup(); its stdout and stderr come back."""
    prelude = "import django\ndjango.setup()\n"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_manage(*args: str, timeout: float = 120, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
