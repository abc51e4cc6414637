"""The shared cache (Redis), for a site that must keep working without it.

The cache holds rendered public pages and the rate-limit counters; losing it for a minute must
cost speed and strictness, never a signature. `ResilientRedisCache` is Django's own Redis
backend whose failures are not errors: a read misses, a write is dropped, and an increment
fails the way django-ratelimit reads as "fail open" (RATELIMIT_FAIL_OPEN). So a page is
rendered from the database and a signer is let through, with a warning in the log.

After a failure every process leaves the cache alone for CACHE_RETRY_SECONDS, so a cache that
hangs rather than refuses costs one short timeout (CACHE_TIMEOUT), not one per request; and
the log gets one warning per process per retry period, not one per request."""

import logging
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis import RedisError

logger = logging.getLogger(__name__)

# What a lost, refused or hung connection raises (socket errors are OSErrors).
CACHE_ERRORS = (RedisError, OSError)


class _Outage:
    """Until when this process leaves the cache alone. Shared by all threads: Django gives
    each thread its own cache object."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until = 0.0

    def ongoing(self) -> bool:
        return time.monotonic() < self._until

    def begin(self, error: Exception) -> None:
        with self._lock:
            if self.ongoing():
                return
            self._until = time.monotonic() + settings.CACHE_RETRY_SECONDS
        logger.warning(
            "Cache unreachable (%s: %s); pages are rendered from the database and rate "
            "limits are not applied for the next %s s.",
            type(error).__name__,
            error,
            settings.CACHE_RETRY_SECONDS,
        )

    def end(self) -> None:
        self._until = 0.0


outage = _Outage()


def _without_cache(fallback):
    """Run the cache operation, or answer `fallback(*args, **kwargs)` when the cache is down."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if outage.ongoing():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as error:
                outage.begin(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _miss(key, default=None, *args, **kwargs):
    return default


def _not_done(*args, **kwargs):
    return False


def _nothing(*args, **kwargs):
    return {}


def _no_count(*args, **kwargs):
    # What Django's backends raise for a key that is not there; django-ratelimit then finds
    # no count and, with RATELIMIT_FAIL_OPEN, lets the request through.
    raise ValueError("cache unavailable")


class ResilientRedisCache(RedisCache):
    get = _without_cache(_miss)(RedisCache.get)
    get_many = _without_cache(_nothing)(RedisCache.get_many)
    has_key = _without_cache(_not_done)(RedisCache.has_key)
    add = _without_cache(_not_done)(RedisCache.add)
    set = _without_cache(_not_done)(RedisCache.set)
    set_many = _without_cache(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _without_cache(_not_done)(RedisCache.touch)
    delete = _without_cache(_not_done)(RedisCache.delete)
    delete_many = _without_cache(_not_done)(RedisCache.delete_many)
    incr = _without_cache(_no_count)(RedisCache.incr)
    clear = _without_cache(_not_done)(RedisCache.clear)

    def reachable(self) -> bool:
        """Whether Redis answers now, whatever the last failure (for /healthz)."""
        try:
            self._cache.get_client(write=False).ping()
        except CACHE_ERRORS:
            return False
        outage.end()
        return True
