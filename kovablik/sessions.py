"""Sessions kept in the database and read from the shared cache, the cache being an optimisation only.

Django's cached_db backend saves a signed-in page its session query, but lets some cache errors through: with
Redis stopped, every signed-in page would fail, where the portal must keep serving (tests/kovablik/
test_resilience_redis.py). Here every cache call may fail and the database answers instead.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)

# A session's copy lives at most this long in the cache. It bounds how long a copy the cache failed to update or
# drop (a logout while Redis was unreachable) can outlive the database row: the database is read again after it.
CACHE_SECONDS = 5 * 60


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unreachable: reading the session from the database", exc_info=True)
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def exists(self, session_key):
        # Asked only when a new key is made: the database, which holds every session, answers alone.
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("Session cache unreachable: a deleted session's copy expires by itself", exc_info=True)

    def _cache_set(self, data, expiry_age):
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, CACHE_SECONDS))
        except Exception:
            logger.warning("Session cache unreachable: the session is kept in the database only", exc_info=True)
