"""Sessions read from the cache and kept in the database (Django's cached_db), safe while Redis is down.

A page reads its session from Redis, not PostgreSQL. Two changes to Django's store:
- a cache that is down never fails a request: the database answers and the cache is skipped;
- the cached copy lives at most a few minutes. A session deleted from the database (signing out) while Redis
  could not be told is then gone from the cache within that time too, not after the session's ten hours.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache.backends.base import BaseCache

log = logging.getLogger(__name__)

CACHED_COPY_SECONDS = 5 * 60


class SessionStore(CachedDBStore):
    # Set by Django's stores; django-stubs does not declare these private attributes.
    _cache: BaseCache
    _session: dict[str, Any]

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - Redis down: the database has every session
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._keep_in_cache(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)  # the database first: it is the record
        self._keep_in_cache(self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        super(CachedDBStore, self).delete(session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:  # noqa: BLE001
            log.warning("session deleted, but the cache could not be told: its copy expires on its own")

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except Exception:  # noqa: BLE001
            return super(CachedDBStore, self).exists(session_key)

    def _keep_in_cache(self, data: dict[str, Any], expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, CACHED_COPY_SECONDS))
        except Exception:  # noqa: BLE001
            log.warning("session not kept in the cache (cache unavailable)")
