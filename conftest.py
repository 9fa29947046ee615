"""Fixtures shared by every test."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache


def require_service(name: str, available: bool, why: str = "") -> None:
    """Skip when a service is missing; fail instead under REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    message = f"service not available: {name}" + (f" ({why})" if why else "")
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + "; REQUIRE_SERVICES=1 demands it")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_in_staff(client, group: str, username: str):
    """A staff member of the role ``group`` (``backoffice.roles``), logged in on ``client``."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password="pw-0123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def no_fill_delay(settings):
    """Forms sent by tests come back faster than the anti-bot minimum a person needs."""
    settings.FORM_MIN_FILL_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the Redis cache in CI is a database of its own),
    with no form layout or prepared form fields kept from another test (core/public/layouts.py,
    core/public/forms.py), and with the Redis circuit breakers closed (core/breaker.py)."""
    from core.public import forms as portal_forms
    from core.public import layouts as form_layouts
    from harassment_portal.backends import cache as redis_cache
    from mail import tasks as mail_tasks

    def fresh():
        redis_cache.BREAKER.reset()
        mail_tasks.BREAKER.reset()
        cache.clear()
        form_layouts.forget_all()
        portal_forms.forget_prepared_fields()

    fresh()
    yield
    fresh()


@dataclass
class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives."""

    host: str
    port: int
    messages: list = field(default_factory=list)
    refuse: bool = False
    delay: float = 0.0  # seconds before each message is accepted: a slow mail server
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(envelope)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        from email import message_from_bytes

        with self.lock:
            return [
                "".join(message_from_bytes(env.content)["Message-ID"].split())
                for env in self.messages
            ]


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()
