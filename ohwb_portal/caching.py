"""Values kept in the cache for a while (figures, charts, counts); a cache that is down only costs recomputing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
log = logging.getLogger(__name__)


def remembered(key: str, seconds: int, make: Callable[[], T]) -> T:
    try:
        value = cache.get(key)
    except Exception:  # Redis down or unreachable: the page must still render
        log.warning("cache unavailable, computing %s", key, exc_info=True)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, seconds)
        except Exception:
            log.warning("cache unavailable, not keeping %s", key, exc_info=True)
    return value


def forget(key: str) -> None:
    """Drop a kept value after what it was made from changed. A cache that is down cannot be told: the value then
    lapses at the end of the `seconds` it was kept for, which is why every kept value has a short one."""
    try:
        cache.delete(key)
    except Exception:
        log.warning("cache unavailable, could not forget %s", key, exc_info=True)
