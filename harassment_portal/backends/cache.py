"""A Redis cache that degrades to "no cache" while Redis is unreachable or hangs.

The cache only speeds pages up; a Redis outage must not turn a page view or a submission into
a server error, nor make it wait. Reads then miss, writes and deletes are dropped, and a
warning is logged; after a failure (a refused connection or a socket timeout) the cache is
skipped for ``REDIS_BREAKER_SECONDS`` (``core.breaker``), so a hung Redis costs one process
one short wait, not one per cache call.

Checked against Django 5.2.19 (``django.core.cache.backends.redis``) and redis-py 8.1.0.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from core.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

# One per process (Django's cache objects are per thread): the project has one Redis cache.
BREAKER = CircuitBreaker("Redis cache")

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "django.core.cache.backends.redis.RedisCacheClient.__init__": "84b786df9ad9dd73",
    "django.core.cache.backends.redis.RedisCacheClient.get_client": "ba56fb39ace75b84",
    "django.core.cache.backends.redis.RedisCacheClient._get_connection_pool": "025850f6ffcb98ed",
    "django.core.cache.backends.redis.RedisCache.__init__": "40131bec6169f7fa",
    "django.core.cache.backends.redis.RedisCache._cache": "9ff16af6c04a2401",
}


def _fail_soft(default):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not BREAKER.is_open():
                try:
                    return method(self, *args, **kwargs)
                except RedisError as exc:
                    logger.warning("cache %s skipped: %s", method.__name__, type(exc).__name__)
                    BREAKER.trip(exc)
            return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _default_of_get(key, default=None, version=None):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and building one (its table of
    response callbacks) costs more CPU than the call itself: about 0.2 ms, a third of serving a
    cached page. A ``redis.Redis`` is safe to share between threads (it takes a connection
    from the pool for each command), so one per pool is enough.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_soft(_default_of_get)(RedisCache.get)
    get_many = _fail_soft({})(RedisCache.get_many)
    has_key = _fail_soft(False)(RedisCache.has_key)
    add = _fail_soft(False)(RedisCache.add)
    set = _fail_soft(None)(RedisCache.set)
    set_many = _fail_soft([])(RedisCache.set_many)
    touch = _fail_soft(False)(RedisCache.touch)
    delete = _fail_soft(False)(RedisCache.delete)
    delete_many = _fail_soft(None)(RedisCache.delete_many)
    incr = _fail_soft(0)(RedisCache.incr)  # 0: "no count known", e.g. a rate limit lets it pass

    @_fail_soft(0)
    def count(self, key: str, *, timeout: int) -> int:
        """Add one to the counter at ``key`` (created with ``timeout``); return the new count.

        One round trip (``SET NX`` and ``INCR`` pipelined) instead of the three of ``add`` then
        ``incr``. 0 while Redis is unreachable: "no count known".
        """
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            return pipe.execute()[1]

    @_fail_soft(lambda keys, **kwargs: [0] * len(keys))
    def count_many(self, keys: list[str], *, timeout: int) -> list[int]:
        """``count`` for several counters in one round trip (the limits of one POST)."""
        keys = [self.make_and_validate_key(key) for key in keys]
        client = self._cache.get_client(keys[0], write=True)
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, 0, ex=timeout, nx=True)
                pipe.incr(key)
            return pipe.execute()[1::2]
