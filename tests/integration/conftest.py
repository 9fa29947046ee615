"""Real services for the integration tests: a private Redis, a Celery worker, PostgreSQL.

Each test starts its own Redis on a free port, so stopping it disturbs nothing else, and a
worker process on the production settings, pointed at the test database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from conftest import free_port, require_service
from harassment_portal.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)


def wait_until(condition, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class RedisServer:
    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        assert wait_until(lambda: _pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def postgres_url() -> str:
    db = connection.settings_dict
    require_service(
        "PostgreSQL", db["ENGINE"] == "django.db.backends.postgresql", "set DATABASE_URL"
    )
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    require_service("redis-server", shutil.which("redis-server") is not None, "not on PATH")
    server = RedisServer(free_port(), tmp_path)
    yield server
    server.stop()


class Worker:
    def __init__(self, log: Path):
        self.log, self.process, self._log_file = log, None, None

    def start(
        self, *, broker_url: str, database_url: str, email_url: str, extra_env: dict | None = None
    ) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "PYTEST"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="harassment_portal.settings.production",
            DJANGO_SECRET_KEY="integration-test-secret-key-0123456789abcdefghijklmnopqrstuv",
            # The worker must read what the tests' process encrypted.
            PORTAL_ENCRYPTION_KEYS=",".join(settings.PORTAL_ENCRYPTION_KEYS),
            PORTAL_SEARCH_KEYS=",".join(settings.PORTAL_SEARCH_KEYS),
            DATABASE_URL=database_url,
            DATABASE_CONN_MAX_AGE="0",
            REDIS_URL=broker_url,
            EMAIL_URL=email_url,
            EMAIL_TIMEOUT="5",
        )
        env.update(extra_env or {})
        if self._log_file:  # started again after a stop or a kill
            self._log_file.close()
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "harassment_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{os.getpid()}@localhost",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        assert wait_until(
            lambda: "ready." in self.output() or self.process.poll() is not None, timeout=60
        ), "worker did not start"
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file:
            self._log_file.close()


@pytest.fixture
def worker(tmp_path) -> Iterator[Worker]:
    process = Worker(tmp_path / "worker.log")
    yield process
    process.stop()


@contextmanager
def publishing_to(broker_url: str):
    """Make this process queue tasks on ``broker_url`` instead of running them in-process."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url

    def forget_connections():
        # kombu keeps its pools per broker URL; the app only caches which pool it uses.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_connections()
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    try:
        yield
    finally:
        forget_connections()
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


@pytest.fixture
def start_stack(postgres_url, redis_server, worker, smtp_sink):
    """Start the private Redis and a worker that mails to the SMTP sink (when the test says)."""

    def start() -> None:
        redis_server.start()
        worker.start(
            broker_url=redis_server.url,
            database_url=postgres_url,
            email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
        )

    return start


@contextmanager
def row_held(instance, *, release_after: float | None = None) -> Iterator[None]:
    """Another connection holds ``instance``'s row lock (as another worker, or staff saving
    the record, would) until the block ends, or ``release_after`` seconds into it."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                type(instance).objects.select_for_update().get(pk=instance.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=10)
    timer = threading.Timer(release_after, release.set) if release_after is not None else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)
        if timer:
            timer.cancel()
