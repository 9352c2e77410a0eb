"""The header's count of unread notifications, kept in the cache and forgotten whenever it may change.

A count only (no title, no body), so nothing personal is in the cache. Every way the portal marks notifications
read goes through `forget`; creating or saving one forgets through a signal. The cached figure also lapses on its
own after a while, as a backstop for writes made outside the portal (the demo seed, the load generator).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

log = logging.getLogger(__name__)

KEEP_SECONDS = 5 * 60


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    try:
        count = cache.get(_key(user.pk))
    except Exception:  # noqa: BLE001 - the cache is down: count in the database
        return Notification.objects.visible_to(user).unread().count()
    if isinstance(count, int):
        return count
    count = Notification.objects.visible_to(user).unread().count()
    try:
        cache.set(_key(user.pk), count, KEEP_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("unread count not kept (cache unavailable)")
    return count


def forget(user_id: Any) -> None:
    try:
        cache.delete(_key(user_id))
    except Exception:  # noqa: BLE001 - a count kept before the outage lapses within KEEP_SECONDS
        log.warning("could not forget the unread count of user %s", user_id)
