"""Figures and charts kept in the cache for a while; a cache that is down only costs the time to recompute."""

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
