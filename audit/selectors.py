"""Reads of the access log, always through `AccessLogEntry.objects.visible_to` (one place decides who sees what)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import AccessLogEntry

if TYPE_CHECKING:  # for the annotation only
    from accounts.models import User


def access_log(*, user: User) -> QuerySet[AccessLogEntry]:
    """The rows this user may read, newest first, with what the page and the export show of each."""
    return AccessLogEntry.objects.visible_to(user).select_related("user", "organisation", "employee")
