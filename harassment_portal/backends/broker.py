"""kombu's Redis transport, keeping one ``redis.Redis`` per channel.

kombu builds a new ``redis.Redis`` for every command it sends to the broker, and building one
(its table of response callbacks) cost a fifth of queueing a task, which every submission does
(``make bench``). A ``redis.Redis`` takes a connection from its pool for each command, so one
per channel and pool is enough (``cache.py`` does the same for the cache). Celery uses it
through ``CELERY_BROKER_TRANSPORT`` when the broker is Redis.

Checked against kombu 5.7.0 (``kombu.transport.redis``) and redis-py 8.1.0.
"""

from __future__ import annotations

from kombu.transport import redis

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "kombu.transport.redis.Channel._create_client": "dae92bc4075dafb9",
    "kombu.transport.redis.Channel.client": "7a86dff4bd9c8b6f",
}


class Channel(redis.Channel):
    _sync_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:  # the consumer's own client, made once by kombu
            return super()._create_client(asynchronous=True)
        client = self._sync_client
        if client is None or client.connection_pool is not self.pool:
            client = self._sync_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
