"""The per-address rate limit."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from redis.client import Pipeline

from conftest import require_service
from core.public import ratelimit


def test_limit_counts_per_identity_within_the_window():
    assert [ratelimit.hit("t", "198.51.100.1", limit=2, window=3600) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert ratelimit.hit("t", "198.51.100.2", limit=2, window=3600) is True
    assert ratelimit.hit("other-scope", "198.51.100.1", limit=2, window=3600) is True


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy trusted: the socket address
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1, 203.0.113.9", "203.0.113.9"),  # a spoofed first hop is ignored
        (2, "203.0.113.9", "192.0.2.1"),  # fewer hops than proxies: fall back
    ],
)
def test_client_address_trusts_only_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert ratelimit.client_address(request) == expected


def test_on_redis_the_count_is_one_round_trip_and_expires_with_its_window(monkeypatch):
    """(In CI the cache is Redis; elsewhere this needs REDIS_URL.)"""
    require_service("Redis", hasattr(cache, "count"), "set REDIS_URL")
    round_trips = []
    pipeline_execute = Pipeline.execute

    def execute(pipe, *args, **kwargs):
        round_trips.append([command[0][0] for command in pipe.command_stack])
        return pipeline_execute(pipe, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", execute)
    assert [ratelimit.hit("t", "198.51.100.7", limit=1, window=60) for _ in range(2)] == [
        True,
        False,
    ]
    client = cache._cache.get_client(write=True)
    (key,) = client.keys("*ratelimit:t:*")
    assert 60 < client.ttl(key) <= 65  # the window and a margin, set when the key was made
    assert int(client.get(key)) == 2
    assert round_trips == [["SET", "INCRBY"], ["SET", "INCRBY"]]


def test_several_limits_are_counted_together_and_any_one_refuses():
    person, browser, address = ("p", "a@example.jp", 2), ("b", "cookie", 3), ("ip", "192.0.2.1", 4)
    results = [ratelimit.within(person, browser, address, window=3600) for _ in range(3)]
    assert results == [True, True, False]  # the person's limit refuses the third
    other_person = ("p", "b@example.jp", 2)
    assert ratelimit.within(other_person, browser, address, window=3600) is False  # browser: 4
    assert ratelimit.within(("p", "", 1), window=3600) is True  # no email: not counted


def test_on_redis_several_limits_are_one_round_trip(monkeypatch):
    require_service("Redis", hasattr(cache, "count_many"), "set REDIS_URL")
    round_trips = []
    pipeline_execute = Pipeline.execute

    def execute(pipe, *args, **kwargs):
        round_trips.append([command[0][0] for command in pipe.command_stack])
        return pipeline_execute(pipe, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", execute)
    assert ratelimit.within(("a", "x", 1), ("b", "y", 1), window=60) is True
    assert ratelimit.within(("a", "x", 1), ("b", "z", 1), window=60) is False
    assert round_trips == [["SET", "INCRBY", "SET", "INCRBY"]] * 2
