"""A fixed-window rate limit in the cache, keyed by a hash of the client's address.

It fails open: while the cache is unreachable nobody is limited, because turning away a person
who needs help is worse than letting a burst of spam through for a while.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's IP: the proxy's X-Forwarded-For when configured, else REMOTE_ADDR."""
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; return False when ``identity`` has used up ``limit`` in ``window`` s."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{int(time.time() // window)}:{digest}"
    if hasattr(cache, "count"):  # the Redis cache: one round trip
        return cache.count(key, timeout=window + 5) <= limit
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key vanished (evicted, or the cache is unreachable)
        return True
    return count <= limit
