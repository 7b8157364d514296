"""The cache as an optimisation only: when it is unreachable, pages compute what they would have read from it.

Redis (the production cache) may be stopped or restarting; a page must then still serve, only slower. These helpers
swallow the cache's connection errors (logged as warnings) so that views need no try/except of their own.
"""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is gone: redis-py's errors, or the socket's.
CACHE_DOWN = (RedisError, OSError)


def get(key, default=None):
    """cache.get, or `default` when the cache is unreachable."""
    try:
        return cache.get(key, default)
    except CACHE_DOWN:
        logger.warning("cache unreachable: %s computed without it", key.split(":", 1)[0])
        return default


def set(key, value, timeout) -> bool:
    """cache.set; False (and nothing stored) when the cache is unreachable."""
    try:
        cache.set(key, value, timeout)
    except CACHE_DOWN:
        logger.warning("cache unreachable: %s not stored", key.split(":", 1)[0])
        return False
    return True
