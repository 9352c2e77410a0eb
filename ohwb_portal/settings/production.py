"""Production: every secret comes from the environment; passes `check --deploy`."""

import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("demo-"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random string of at least 50 characters.")

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes speak plain http to the process; a 301 would count as success whatever the portal's state.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
OHWB_ALLOW_DEMO_DATA = False

# Links in e-mails and text messages are built from the public address; production cannot guess it.
OHWB_BASE_URL = env("OHWB_BASE_URL", default="")
if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", OHWB_BASE_URL):
    raise ImproperlyConfigured(
        "Set OHWB_BASE_URL to the portal's public address (for example https://ohwb.example.nhs.uk): "
        "links in e-mails and text messages are built from it."
    )

# `make stack` serves plain http on localhost: browsers drop Secure cookies there, so that one
# local mode turns them off. Never set OHWB_LOCAL_HTTP on a server reachable by anyone else.
if env.bool("OHWB_LOCAL_HTTP", default=False):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
    SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
    SECURE_HSTS_SECONDS = 0
    SECURE_SSL_REDIRECT = False

# Persistent database connections: opening one per request costs a PostgreSQL backend start each time.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
