"""API permissions: deny by default. Row filtering happens in each model's `visible_to`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from accounts.two_factor import request_needs_verification

if TYPE_CHECKING:  # DRF imports this module while loading its settings, before rest_framework.views can load
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsAuthenticatedAndVerified(BasePermission):
    """A signed-in user who has passed two-factor where their role needs it.

    Token-authenticated clients are trusted integrations whose token an admin issued,
    so the OTP check applies to browser sessions only.
    """

    message = "Sign in (with two-factor authentication where your role needs it) to use the API."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return not (request.auth is None and request_needs_verification(request))
