"""Settings for the test suite: PostgreSQL and Redis given by scripts/test.sh."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # the load generator and benchmark commands are tested too

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 is asserted in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests call tasks directly; nothing is sent to a broker unless a test asks for it.
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    # Random names on disk, and no file left behind by a failed save (ohwb_portal.storage).
    "default": {"BACKEND": "ohwb_portal.storage.PortalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# pytest-xdist runs several workers at once (each with its own database, from pytest-django): each its own files.
WORKER = env("PYTEST_XDIST_WORKER", default="")
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "-".join(filter(None, ["test-media", WORKER]))))
WHITENOISE_AUTOREFRESH = True  # serve from finders; tests do not run collectstatic
WHITENOISE_USE_FINDERS = True
# Each run (and each worker of a run) its own cache keys: test databases start their ids again, so a figure cached
# for organisation 5 by an earlier run or another worker must not be read for another organisation 5 now.
CACHES["default"]["KEY_PREFIX"] = "-".join(filter(None, ["test", WORKER, secrets.token_hex(4)]))  # noqa: F405
