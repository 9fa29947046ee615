"""A per-process circuit breaker for a service that may hang (Redis as cache or broker).

A Redis that is stopped refuses connections at once; a Redis that hangs (SIGSTOP, a full
network buffer, a failover) accepts them and never answers, so every call waits for its
socket timeout. After one such failure the breaker is *open* for ``REDIS_BREAKER_SECONDS``:
callers skip the service (a cache read misses, a task is left to the outbox sweeper) instead
of waiting again, so a hung Redis costs a request at most one short wait per process and
period. The first call after the period tries the service again.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException) -> None:
        """Stop calling the service for a while, after ``error``."""
        seconds = settings.REDIS_BREAKER_SECONDS
        if not self.is_open():
            logger.warning(
                "%s unavailable (%s): skipped for %ss", self.name, type(error).__name__, seconds
            )
        self._open_until = time.monotonic() + seconds

    def reset(self) -> None:
        self._open_until = 0.0
