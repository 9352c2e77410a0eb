"""The request a signed-in view receives: its user is a real user, never AnonymousUser.

Views behind the route policy (every view but the public ones) take `AuthenticatedRequest`, so they need no
`type: ignore` to pass `request.user` to a service that expects a `User`. This is django-stubs' documented
pattern; the type says what the route policy guarantees at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:  # for the annotation only: the project package imports no app at run time
    from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


class AuthenticatedApiRequest(Request):
    user: User
