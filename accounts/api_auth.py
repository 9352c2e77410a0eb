"""Token clients act in the membership named by the X-OHWB-Membership header, else in the user's default.

A header naming anything but one of the token user's own memberships is refused with 403: a client must never
silently act in a role it did not ask for.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import PermissionDenied

from .acting import MEMBERSHIP_HEADER, act_in, default_membership, own_membership

META_KEY = "HTTP_" + MEMBERSHIP_HEADER.upper().replace("-", "_")


class MembershipTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        raw = request.META.get(META_KEY)
        if raw is None:
            membership = default_membership(user)
        else:
            membership = own_membership(user, raw)
            if membership is None:
                raise PermissionDenied(f"{MEMBERSHIP_HEADER} must be the id of one of your own memberships.")
        act_in(user, membership)
        return user, token


class MembershipTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token and the header in the OpenAPI schema (and Swagger UI's Authorize dialog)."""

    target_class = MembershipTokenAuthentication
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Token-based authentication: send "Authorization: Token <key>" (an administrator issues the key). '
                f"Optionally send the header {MEMBERSHIP_HEADER}: <membership id> to act in one of the token user's "
                "own memberships (roles) for that request; without it the request acts in the user's default "
                f"membership. An {MEMBERSHIP_HEADER} that is not the id of one of the user's own memberships is "
                "refused with 403. Browser sessions act in the role chosen with the portal's role switcher."
            ),
        }
