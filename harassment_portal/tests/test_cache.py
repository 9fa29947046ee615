"""A Redis outage slows pages down but never breaks them."""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings

from conftest import free_port
from core import business_days
from core.public import ratelimit
from faq import services as faq_services

pytestmark = pytest.mark.django_db


def redis_cache_at(port: int, timeout: float) -> dict:
    """CACHES for the portal's cache backend on a Redis at ``port`` of this machine."""
    return {
        "default": {
            "BACKEND": "harassment_portal.backends.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def redis_down():
    with override_settings(CACHES=redis_cache_at(free_port(), 0.5)):
        yield


def test_cache_calls_degrade_to_misses(redis_down, caplog):
    with caplog.at_level(logging.WARNING):
        assert cache.get("k", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("k", 1) is False
        cache.set("k", 1)
        cache.delete_many(["a"])
    assert "cache get skipped: ConnectionError" in caplog.text


def test_the_rate_limit_lets_people_through_while_redis_is_down(redis_down):
    assert cache.count("k", timeout=60) == 0  # no count known
    assert ratelimit.hit("consultation", "198.51.100.1", limit=0, window=3600) is True


def test_pages_and_deadlines_work_while_redis_is_down(client, redis_down):
    faq_services.load_seed()
    response = client.get("/en/faq/")
    assert response.status_code == 200
    assert "What is customer harassment?" in response.content.decode()
    assert business_days.add_business_days(dt.date(2026, 5, 1), 5) == dt.date(2026, 5, 13)


def test_one_redis_client_serves_every_cache_call(redis_down):
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool


def test_several_counts_are_unknown_while_redis_is_down(redis_down):
    assert cache.count_many(["a", "b"], timeout=60) == [0, 0]  # the limits let people through


@pytest.fixture
def redis_hung():
    """A server that accepts connections and never answers (a SIGSTOPped Redis): only the
    socket timeout ends a call."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # never accepted: the kernel completes the handshakes
    with override_settings(CACHES=redis_cache_at(listener.getsockname()[1], 0.2)):
        yield
    listener.close()


def test_after_one_timeout_the_cache_is_skipped_until_the_breaker_closes(redis_hung, monkeypatch):
    from harassment_portal.backends import cache as redis_cache

    tries = []
    get_client = redis_cache.ReusedClientRedisCacheClient.get_client

    def counted(self, *args, **kwargs):
        tries.append(1)
        return get_client(self, *args, **kwargs)

    monkeypatch.setattr(redis_cache.ReusedClientRedisCacheClient, "get_client", counted)
    assert cache.get("page") is None  # waited for the socket timeout, then a miss
    assert redis_cache.BREAKER.is_open()
    assert cache.get("page") is None and cache.set("page", "x") is None
    assert ratelimit.hit("t", "192.0.2.1", limit=1, window=60) is True  # fails open
    assert len(tries) == 1  # one wait; the rest skipped Redis
    redis_cache.BREAKER.reset()  # (the period has passed)
    assert cache.get("page") is None
    assert len(tries) == 2  # tried again
