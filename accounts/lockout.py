"""Lockout after repeated failures (PRODUCT.md section 8), on django-axes' database handler.

Axes counts failures per username and address together (settings.AXES_LOCKOUT_PARAMETERS), so one person's
wrong passwords behind a trust's shared address lock only that username at that address. The cost: an attacker
who rotates addresses gets AXES_FAILURE_LIMIT tries per address. This handler bounds that with a slower limit per
username across all addresses: OHWB_LOCKOUT_USERNAME_FAILURE_LIMIT failures within OHWB_LOCKOUT_USERNAME_WINDOW,
counted from axes' own failure log. Reaching it locks that one username (from every address) until the window
has passed; it can never lock out other people.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


def username_failures(username: str | None) -> int:
    if not username:
        return 0
    since = timezone.now() - settings.OHWB_LOCKOUT_USERNAME_WINDOW
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


class PortalLockoutHandler(AxesDatabaseHandler):
    def _username_locked(self, request: Any, credentials: dict[str, Any] | None) -> bool:
        username = get_client_username(request, credentials)
        return username_failures(username) >= settings.OHWB_LOCKOUT_USERNAME_FAILURE_LIMIT

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or self._username_locked(request, credentials)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and self._username_locked(request, credentials):
            request.axes_locked_out = True
