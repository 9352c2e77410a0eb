"""The header's count of unread notifications, kept in the cache and forgotten whenever it may change.

A count only (no title, no body), so nothing personal is in the cache. Every way the portal marks notifications
read goes through `forget`; creating or saving one forgets through a signal. The cached figure also lapses on its
own after a while, as a backstop for writes made outside the portal (the demo seed, the load generator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ohwb_portal.caching import forget as forget_kept
from ohwb_portal.caching import remembered

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

KEEP_SECONDS = 5 * 60


def _key(user_id: Any) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    return remembered(_key(user.pk), KEEP_SECONDS, lambda: Notification.objects.visible_to(user).unread().count())


def forget(user_id: Any) -> None:
    forget_kept(_key(user_id))
