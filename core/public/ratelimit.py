"""A fixed-window rate limit in the cache, keyed by a hash of the client's address.

It fails open: while the cache is unreachable nobody is limited, because turning away a person
who needs help is worse than letting a burst of spam through for a while.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token

HOUR = 3600


def client_address(request) -> str:
    """The client's IP: the proxy's X-Forwarded-For when configured, else REMOTE_ADDR."""
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def visitor(request) -> str:
    """The browser: its CSRF secret (its cookie), which every public form page sets anyway, so
    that a GET creates no server-side session. Form stamps are bound to it; limits count it."""
    get_token(request)
    return request.META.get("CSRF_COOKIE", "")


def within_public_limits(request, scope: str, *, person: str, per_person: int) -> bool:
    """Count one public POST per person (``person``, an email address; not counted if empty),
    per browser and, with a higher ceiling, per client address: a shared address (an office,
    a mobile carrier) does not refuse honest people, and one client sending form after form
    is cut off. One round trip to Redis."""
    return within(
        (f"{scope}-address", client_address(request), settings.ADDRESS_RATE_LIMIT_PER_HOUR),
        (f"{scope}-browser", visitor(request), settings.BROWSER_RATE_LIMIT_PER_HOUR),
        (scope, person.strip().casefold(), per_person),
        window=HOUR,
    )


def _key(scope: str, identity: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]


def use_once(scope: str, identity: str, *, timeout: int) -> bool:
    """True the first time ``identity`` is used within ``timeout`` seconds (a form's stamp),
    False on every later use; True while the cache is unreachable (fails open)."""
    key = f"once:{scope}:{_key(scope, identity)}"
    if hasattr(cache, "count"):
        return cache.count(key, timeout=timeout) <= 1
    if cache.add(key, 1, timeout=timeout):
        return True
    return cache.get(key) is None  # (gone: evicted or unreachable)


def _window_key(scope: str, identity: str, window: int) -> str:
    return f"ratelimit:{scope}:{int(time.time() // window)}:{_key(scope, identity)}"


def within(*limits: tuple[str, str, int], window: int) -> bool:
    """Count one attempt against each ``(scope, identity, limit)``; False when any is used up.
    Identities that are empty (no email given) are not counted. One round trip to Redis."""
    limits = tuple((scope, identity, limit) for scope, identity, limit in limits if identity)
    if not limits:
        return True
    if hasattr(cache, "count_many"):
        keys = [_window_key(scope, identity, window) for scope, identity, _ in limits]
        counts = cache.count_many(keys, timeout=window + 5)
        return all(count <= limit for count, (*_, limit) in zip(counts, limits, strict=True))
    # (every limit counts the attempt, as in one round trip: no short circuit)
    return all(
        [hit(scope, identity, limit=limit, window=window) for scope, identity, limit in limits]
    )


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; return False when ``identity`` has used up ``limit`` in ``window`` s."""
    key = _window_key(scope, identity, window)
    if hasattr(cache, "count"):  # the Redis cache: one round trip
        return cache.count(key, timeout=window + 5) <= limit
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key vanished (evicted, or the cache is unreachable)
        return True
    return count <= limit
