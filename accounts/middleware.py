"""Session rules applied to every request: idle and absolute timeouts, two-factor before anything else, the
role the session acts in, and no storing of responses that may carry personal data."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.middleware import OTPMiddleware

from . import verified_devices
from .acting import ACTING_MEMBERSHIP_SESSION_KEY, act_in, default_membership, own_membership
from .two_factor import request_needs_verification

SESSION_STARTED_KEY = "ohwb_signed_in_at"
SESSION_LAST_SEEN_KEY = "ohwb_last_seen_at"

# Paths a user may reach before passing two-factor.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/livez", "/api/", "/assessments/q/", "/metrics/survey/")


# Pages reached without an account that still show a person's health answers (single-use links).
NO_STORE_PUBLIC_PREFIXES = ("/api/", "/assessments/q/", "/metrics/survey/")
# Public probes for load balancers: no personal data, and polled often.
NO_STORE_EXEMPT_PATHS = ("/healthz", "/livez")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user and every API response (PRODUCT.md 8).

    Pages, API answers, errors, redirects and file downloads alike, so a shared computer's browser cache or a
    proxy never keeps a copy. Static files are answered by WhiteNoise before this runs, so they keep caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path in NO_STORE_EXEMPT_PATHS:
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(NO_STORE_PUBLIC_PREFIXES) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the verified authenticator remembered in the cache between pages.

    `request.user.is_verified()` answers from the cache; the device itself is loaded only when a page uses it.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if not persistent_id:
            return user
        if verified_devices.remembered_owner(persistent_id) == user.pk:
            user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
            return user
        device = self._finalize_device(request, user, self._device_from_persistent_id(persistent_id))
        user.otp_device = device
        if device is not None:
            verified_devices.remember(persistent_id, user.pk)
        return user


class ActingMembershipMiddleware:
    """Each request of a browser session acts in the membership that session chose with the role switcher.

    Validated on every request (a membership removed since, or not the user's, falls back to the default).
    Sessions that never switched read the stored default as before, with no extra query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.session.get(ACTING_MEMBERSHIP_SESSION_KEY)
        if chosen is not None and request.user.is_authenticated:
            membership = own_membership(request.user, chosen)
            if membership is None:
                del request.session[ACTING_MEMBERSHIP_SESSION_KEY]
                membership = default_membership(request.user)
            act_in(request.user, membership)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The API enforces the same rule itself (ohwb_portal.permissions) and answers 403, not a redirect.
        if not request.path.startswith(OPEN_PREFIXES) and request_needs_verification(request):
            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Signs a user out after 30 minutes without activity, and after 10 hours in any case.

    The last-activity time is rewritten at most once a minute, so a busy user's requests do not
    each write the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            last = session.get(SESSION_LAST_SEEN_KEY, now)
            if now - last > settings.OHWB_SESSION_IDLE_SECONDS or now - started > settings.OHWB_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, "You were signed out because you had not used the portal for a while.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            if now - last > 60 or SESSION_LAST_SEEN_KEY not in session:
                session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)
