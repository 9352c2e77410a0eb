"""Sends a user whose role needs two-factor to set it up or enter a code before anything else."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user

from .two_factor import needs_verification

# Paths a user may reach before passing two-factor.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The API enforces the same rule itself (ohwb_portal.permissions) and answers 403, not a redirect.
        if not request.path.startswith(OPEN_PREFIXES) and needs_verification(user):
            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
