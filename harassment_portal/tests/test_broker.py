"""The Redis broker transport: one client per channel, and messages still go through."""

from django.conf import settings
from kombu import Connection

from conftest import require_service
from harassment_portal.backends.broker import Channel
from harassment_portal.celery import app


def test_a_channel_keeps_one_client_and_messages_still_go_through():
    url = settings.CELERY_BROKER_URL
    require_service("Redis", url.startswith("redis://"), "set REDIS_URL")
    assert app.conf.broker_transport == "harassment_portal.backends.broker:Transport"
    with Connection(url, transport=app.conf.broker_transport) as connection:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        assert channel._create_client() is channel._create_client()
        queue = connection.SimpleQueue("portal-test-broker")
        try:
            queue.put({"outbox": [1, 2]})
            message = queue.get(timeout=5)
            message.ack()
            assert message.payload == {"outbox": [1, 2]}
        finally:
            queue.clear()
            queue.close()
