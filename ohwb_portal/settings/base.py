"""Settings shared by every environment, read from environment variables.

With no variables set this is the embedded default for trying the portal:
SQLite, Celery tasks run in process, mail printed to the console.
Set DATABASE_URL and REDIS_URL to run on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, SELF

from ohwb_portal.beat_schedule import BEAT_SCHEDULE
from ohwb_portal.observability import sentry

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# The demo key only ever serves the embedded default; production.py refuses to start without a real one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="demo-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the portal, pinned, not from a CDN
    "django_filters",
    "crispy_forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    # ours
    "ohwb_portal",
    "accounts",
    "organisations",
    "audit",
    "notifications",
    "referrals",
    "assessments",
    "suppliers",
    # health protection (PRODUCT.md section 11) and clinics and bookings (section 12)
    "health_protection.surveillance",
    "health_protection.injuries",
    "health_protection.immunisation",
    "clinics",
    # commissioning insight (PRODUCT.md section 13)
    "commissioning.wellbeing_plan",
    "commissioning.maturity",
    "metrics",
    "commissioning.proactive",
]

MIDDLEWARE = [
    # First, so every answer and log line (even a probe's, even an error's) has its request id and is timed.
    "ohwb_portal.observability.request_id.RequestIdMiddleware",
    "ohwb_portal.observability.metrics.LatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /livez and /healthz answered here, before anything that reads the session or the database.
    "ohwb_portal.probes.ProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that it also marks the answers of the middleware below (redirects to two-factor, lockout).
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.CachedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    # The role this session acts in (PRODUCT.md section 8); token clients choose theirs in accounts.api_auth.
    "accounts.middleware.ActingMembershipMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last, as django-axes documents.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ohwb_portal.urls"
# Widget templates (e.g. the NHS.UK date input) come from templates/ like every other template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "ohwb_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.current_membership",
                "notifications.context_processors.unread_notifications",
                "ohwb_portal.navigation.main_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Every Redis connection (cache, broker, result backend, health check) gives up within about a second, so a
# frozen Redis (alive but not answering) never holds a request: the outbox or the sweep takes over.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ohwb_portal.cache_backend.FailFastRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": REDIS_SOCKET_TIMEOUT, "socket_connect_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, loading the user with what every page shows (accounts/backends.py).
    "accounts.backends.PortalModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (accounts.lockout): 5 failures of one username from one address lock that pair for 15 minutes (a
# cool-off, not a permanent lock). Counted per username and address together, so a trust's shared address is
# not locked for everyone behind it by one person's mistakes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Bounds an attacker rotating addresses: 20 failures of one username from any addresses within an hour lock that
# username (only) until the hour has passed. Counted from axes' failure log.
OHWB_LOCKOUT_USERNAME_FAILURE_LIMIT = env.int("OHWB_LOCKOUT_USERNAME_FAILURE_LIMIT", default=20)
OHWB_LOCKOUT_USERNAME_WINDOW = timedelta(minutes=env.int("OHWB_LOCKOUT_USERNAME_WINDOW_MINUTES", default=60))
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HANDLER = env("AXES_HANDLER", default="accounts.lockout.PortalLockoutHandler")

OTP_TOTP_ISSUER = "OHWB Portal"

# Optional OIDC single sign-on (NHS CIS2 or another provider); off unless OIDC_ENABLED is set.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "accounts.oidc.PortalOIDCBackend")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_MEMBERSHIPS_CLAIM = env("OIDC_MEMBERSHIPS_CLAIM", default="ohwb_memberships")
OIDC_PROVIDER_IS_STRONG_AUTH = env.bool("OIDC_PROVIDER_IS_STRONG_AUTH", default=True)
OIDC_CREATE_USER = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso-refused/"

# Signed out after 30 minutes idle (accounts.middleware.SessionTimeoutMiddleware) and after 10 hours in any case.
# Dashboards use a rolled-up figure for this month while it is younger than this; the beat task
# metrics-current-month refreshes them every 10 minutes, so this allows one late run.
OHWB_KPI_FRESH_MINUTES = env.int("OHWB_KPI_FRESH_MINUTES", default=25)
OHWB_SESSION_IDLE_SECONDS = env.int("OHWB_SESSION_IDLE_SECONDS", default=30 * 60)
OHWB_SESSION_MAX_SECONDS = env.int("OHWB_SESSION_MAX_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = OHWB_SESSION_MAX_SECONDS
# Read from the cache, kept in the database: no session query on a page (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# build/ holds nhsuk-frontend, copied from node_modules by scripts/build_frontend.sh.
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    # Random names on disk, and no file left behind by a failed save (ohwb_portal.storage).
    "default": {"BACKEND": "ohwb_portal.storage.PortalFileSystemStorage"},
    # Hashed, compressed names; JavaScript module imports rewritten to them (ohwb_portal.storage).
    "staticfiles": {"BACKEND": "ohwb_portal.storage.PortalStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = False

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ohwb-portal@localhost")
# The SMTP server (production's default backend); a timeout so a silent server cannot hold a worker.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
GOVUK_NOTIFY_API_KEY = env("GOVUK_NOTIFY_API_KEY", default="")
# Notify templates with ((subject)) and ((body)) placeholders; our message text lives in the portal.
GOVUK_NOTIFY_EMAIL_TEMPLATE_ID = env("GOVUK_NOTIFY_EMAIL_TEMPLATE_ID", default="")
GOVUK_NOTIFY_SMS_TEMPLATE_ID = env("GOVUK_NOTIFY_SMS_TEMPLATE_ID", default="")
# Clinics and bookings: Notify's address (a test points it at a fake server on loopback), and whether e-mail goes
# through Notify too or through Django's mail backend (which can attach the calendar invitation).
GOVUK_NOTIFY_BASE_URL = env("GOVUK_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
GOVUK_NOTIFY_FOR_EMAIL = env.bool("GOVUK_NOTIFY_FOR_EMAIL", default=True)
OHWB_OUTBOX_KEEP_DAYS = env.int("OHWB_OUTBOX_KEEP_DAYS", default=90)
# Documents on a referral: size of one file, and how many and how much in all (referrals/attachment_rules.py).
OHWB_ATTACHMENT_MAX_FILE_MB = env.int("OHWB_ATTACHMENT_MAX_FILE_MB", default=10)
OHWB_ATTACHMENTS_MAX_COUNT = env.int("OHWB_ATTACHMENTS_MAX_COUNT", default=10)
OHWB_ATTACHMENTS_MAX_TOTAL_MB = env.int("OHWB_ATTACHMENTS_MAX_TOTAL_MB", default=25)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token authentication, acting in the membership the X-OHWB-Membership header names.
        "accounts.api_auth.MembershipTokenAuthentication",
    ],
    # Deny by default: every endpoint needs a signed-in user with 2FA where the role demands it.
    "DEFAULT_PERMISSION_CLASSES": ["ohwb_portal.permissions.IsAuthenticatedAndVerified"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    # A refused action (ohwb_portal.refusals.ActionRefused) is 409 with its message.
    "EXCEPTION_HANDLER": "ohwb_portal.refusals.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OHWB Portal API",
    "DESCRIPTION": "Occupational health and wellbeing for NHS organisations. Same permissions as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["ohwb_portal.permissions.IsAuthenticatedAndVerified"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from an outside service.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "ClosureOutcomeEnum": "referrals.models.ClosureOutcome",
        "ClearanceOutcomeEnum": "assessments.models.ClearanceOutcome",
        "AssessmentStatusEnum": "assessments.models.AssessmentStatus",
        "ReferralStatusEnum": "referrals.models.Status",
        "ReferralKindEnum": "referrals.models.Kind",
        "AppointmentStatusEnum": "referrals.models.AppointmentStatus",
        "SurveillanceOutcomeEnum": "health_protection.surveillance.models.Outcome",
        "SurveillanceStatusEnum": "health_protection.surveillance.status.Status",
        "InjuryKindEnum": "health_protection.injuries.models.InjuryKind",
        "InjuryStatusEnum": "health_protection.injuries.models.InjuryStatus",
        "BloodBorneVirusStatusEnum": "health_protection.injuries.models.BbvStatus",
        "VaccinationOutcomeEnum": "health_protection.immunisation.models.Outcome",
        "PlanActionStatusEnum": "commissioning.wellbeing_plan.models.ActionStatus",
    },
}

# --- Celery (background work; see ohwb_portal/celery.py and docs/SCALING.md "Background work") ---
# With no REDIS_URL, tasks run in process (embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Defaults for a task that gives none; every task of ours sets both (a test reads them all): the soft limit
# below the hard one, and the hard one below the visibility timeout.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 270
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: how long before a task taken by a worker that died is given to another. Every task's
# hard time limit is below it (long jobs are split into short ones), so a running task is never given twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # Connecting for a publish: one retry at once, not kombu's default of retries two seconds apart.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT  # the result backend, if one is ever configured
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
# A publish that fails is retried once, at once: the caller then logs it and the outbox or a sweep catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The heartbeat that /healthz reads: sent by beat every OHWB_HEARTBEAT_SECONDS, stale after
# OHWB_HEARTBEAT_MAX_AGE_SECONDS (fault tests shorten both).
OHWB_HEARTBEAT_SECONDS = env.float("OHWB_HEARTBEAT_SECONDS", default=30.0)
OHWB_HEARTBEAT_MAX_AGE_SECONDS = env.float("OHWB_HEARTBEAT_MAX_AGE_SECONDS", default=120.0)
CELERY_BEAT_SCHEDULE = {
    **BEAT_SCHEDULE,
    "notifications-worker-heartbeat": {
        **BEAT_SCHEDULE["notifications-worker-heartbeat"],
        "schedule": OHWB_HEARTBEAT_SECONDS,
    },
}
CELERY_WORKER_SEND_TASK_EVENTS = False
# --- end of Celery ---

# Content Security Policy (django-csp 4): scripts and styles from our own origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # nhsuk-frontend's stylesheet loads the NHS font (Frutiger) from NHS England's asset server.
        "font-src": ["'self'", "https://assets.nhs.uk"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Disclosure control for aggregate figures (PRODUCT.md section 6).
OHWB_SMALL_NUMBER_THRESHOLD = env.int("OHWB_SMALL_NUMBER_THRESHOLD", default=5)
# Proactive support (commissioning/proactive, docs/adr/0019): who is listed for their line manager as "consider a
# referral": this many days' absence, or this many spells, in the last this many months.
OHWB_PROACTIVE_ABSENCE_DAYS = env.int("OHWB_PROACTIVE_ABSENCE_DAYS", default=28)
OHWB_PROACTIVE_SPELLS = env.int("OHWB_PROACTIVE_SPELLS", default=3)
OHWB_PROACTIVE_WINDOW_MONTHS = env.int("OHWB_PROACTIVE_WINDOW_MONTHS", default=6)
# The portal's public address, for links in e-mails and text messages.
OHWB_BASE_URL = env("OHWB_BASE_URL", default="http://127.0.0.1:8000")
# Retention per record type (PRODUCT.md section 8): years after closure or clearance, then the action.
OHWB_RETENTION = {
    "referral": {"years": env.int("OHWB_RETAIN_REFERRAL_YEARS", default=6), "action": "anonymise"},
    "pre_employment": {"years": env.int("OHWB_RETAIN_PRE_EMPLOYMENT_YEARS", default=6), "action": "anonymise"},
    # Health surveillance records: 40 years from the last entry (COSHH regulation 11), then deleted.
    "surveillance": {"years": env.int("OHWB_RETAIN_SURVEILLANCE_YEARS", default=40), "action": "delete"},
    # 40 years from the exposure: COSHH 2002 Schedule 3 para 4 for blood-borne viruses (docs/adr/0011).
    "inoculation_injury": {"years": env.int("OHWB_RETAIN_INOCULATION_INJURY_YEARS", default=40), "action": "anonymise"},
    # Staff immunisation (health_protection/immunisation/records.py): a record until the person's 75th birthday
    # (NHS Records Management Code of Practice, occupational health records); a campaign's outcomes 6 years after
    # the campaign ends (its national returns are made by then).
    "immunisation_record": {"years": env.int("OHWB_RETAIN_IMMUNISATION_AGE", default=75), "action": "anonymise"},
    "campaign_vaccination": {"years": env.int("OHWB_RETAIN_CAMPAIGN_YEARS", default=6), "action": "delete"},
}
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-Portal-2026")
# seed_demo makes users with a published password: production.py turns this off.
OHWB_ALLOW_DEMO_DATA = True

# Every line: time, level, logger, request id (ohwb_portal.observability.request_id). LOG_FORMAT=json for collectors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ohwb_portal.observability.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ohwb_portal.observability.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("LOG_FORMAT", default="text"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Prometheus scrape at /ops/metrics with "Authorization: Bearer <token>"; off (404) while unset.
OHWB_METRICS_TOKEN = env("OHWB_METRICS_TOKEN", default="")
# Optional error reporting (sentry-sdk): off unless SENTRY_DSN is set; never personal data or request bodies.
SENTRY_DSN = env("SENTRY_DSN", default="")
sentry.init(
    SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"), release=env("OHWB_RELEASE", default=None)
)
