"""The Redis cache, failing fast while Redis is down.

Every signed-in page reads the cache several times (the session, the verified authenticator, the unread count).
A Redis that is down or frozen costs each read the socket timeout (about a second), so a page would take seconds.
After one failure this backend refuses every operation at once for a few seconds, raising as a failed call would,
so callers keep their own fallbacks (the database, recomputing) and a page costs one timeout, not one per read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

T = TypeVar("T")

# How long the cache is left alone after a failure: short, so a Redis that is back is used again soon.
PAUSE_SECONDS = 5.0


class CacheUnavailable(redis.ConnectionError):
    """Raised without trying, while the cache is paused after a failure."""


class _Breaker:
    def __init__(self) -> None:
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def call(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if time.monotonic() < self._paused_until:
            raise CacheUnavailable("the cache failed a moment ago; not trying again yet")
        try:
            return operation(*args, **kwargs)
        except redis.RedisError:
            with self._lock:
                self._paused_until = time.monotonic() + PAUSE_SECONDS
            raise


# One breaker per Redis address for the whole process: every thread's cache client shares what was learnt.
_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers: list[str]) -> _Breaker:
    key = ",".join(servers)
    with _breakers_lock:
        return _breakers.setdefault(key, _Breaker())


def _guarded(name: str) -> Callable[..., Any]:
    def operation(self: FailFastRedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        return self._breaker.call(getattr(super(FailFastRedisCacheClient, self), name), *args, **kwargs)

    operation.__name__ = name
    return operation


class FailFastRedisCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._breaker = _breaker_for(servers)

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")


class FailFastRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailFastRedisCacheClient
