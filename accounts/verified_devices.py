"""Which authenticator a verified session used, remembered in the cache so a page need not load it.

Only the device's persistent id and its owner's id are kept (never its secret). A device changed or removed
(an administrator's logged reset, a new enrolment) is forgotten at once, so the next page loads it afresh and
finds it gone; a cache that is down only costs the query.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

from ohwb_portal.caching import forget as forget_kept

log = logging.getLogger(__name__)

REMEMBER_SECONDS = 10 * 60


def _key(persistent_id: str) -> str:
    return f"accounts:verified-device:{persistent_id}"


def remembered_owner(persistent_id: str) -> int | None:
    try:
        owner = cache.get(_key(persistent_id))
    except Exception:  # noqa: BLE001 - the cache is down: load the device instead
        return None
    return owner if isinstance(owner, int) else None


def remember(persistent_id: str, owner_id: int) -> None:
    try:
        cache.set(_key(persistent_id), owner_id, REMEMBER_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("verified device not remembered (cache unavailable)")


def forget(device: Any) -> None:
    """Called when a device is saved or deleted; a copy the cache could not drop lapses after REMEMBER_SECONDS."""
    forget_kept(_key(device.persistent_id))
