"""The outbox on the real stack: PostgreSQL, Redis, a Celery worker process and an SMTP server."""

import datetime as dt
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mail import delivery, outbox, tasks
from mail.models import OutboxEmail

from .conftest import publishing_to, row_held, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def queue_in_a_transaction(to: str = "recipient@example.jp") -> OutboxEmail:
    with transaction.atomic():
        return outbox.queue_email(to=to, template="emails/test_message", context={}, language="ja")


def test_worker_delivers_an_outbox_email_to_a_real_smtp_server(
    start_stack, redis_server, worker, smtp_sink
):
    start_stack()
    with publishing_to(redis_server.url):
        email = queue_in_a_transaction()

    assert wait_until(lambda: len(smtp_sink.messages) == 1), worker.output()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert smtp_sink.message_ids() == [email.message_id]
    assert smtp_sink.messages[0].rcpt_tos == ["recipient@example.jp"]


def test_with_the_broker_down_the_change_commits_and_the_email_follows_exactly_once(
    start_stack, redis_server, worker, smtp_sink
):
    # The broker is not running yet: the change must still commit, quickly.
    with publishing_to(redis_server.url):
        started = time.monotonic()
        email = queue_in_a_transaction()
        elapsed = time.monotonic() - started
    assert elapsed < 1.5, f"the submission waited {elapsed:.2f}s on a dead broker"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING and email.attempts == 0

    # The broker comes back with a worker; the beat sweeper queues the row again, once this
    # process's circuit breaker has closed (beat sweeps every minute; the breaker is open for
    # a few seconds after the failure, and a sweep meanwhile claims nothing).
    start_stack()
    with publishing_to(redis_server.url):
        assert tasks.BREAKER.is_open()
        assert tasks.requeue_due(now=timezone.now() + outbox.FIRST_SWEEP_AFTER) == 0
        assert wait_until(lambda: not tasks.BREAKER.is_open(), timeout=10)
        assert tasks.requeue_due(now=timezone.now() + outbox.FIRST_SWEEP_AFTER) == 1
        assert wait_until(lambda: len(smtp_sink.messages) == 1), worker.output()
        # Later sweeps and a stray duplicate task send nothing more.
        assert tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=1)) == 0
        tasks.enqueue(email.pk)
        assert wait_until(lambda: "already-sent" in worker.output(), timeout=15)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1
    assert smtp_sink.message_ids() == [email.message_id]


def test_smtp_refusals_are_retried_until_the_server_accepts(
    start_stack, redis_server, worker, smtp_sink
):
    smtp_sink.refuse = True
    start_stack()
    with publishing_to(redis_server.url):
        email = queue_in_a_transaction()
        assert wait_until(lambda: OutboxEmail.objects.get(pk=email.pk).attempts == 1)
        email.refresh_from_db()
        assert email.status == OutboxEmail.Status.PENDING
        assert "451" in email.last_error  # visible to staff in the outbox meanwhile

        smtp_sink.refuse = False
        assert tasks.requeue_due(now=email.next_attempt_at) == 1
        assert wait_until(lambda: len(smtp_sink.messages) == 1), worker.output()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2


@pytest.fixture
def unsent(monkeypatch):
    """Rows stay pending after their commit: no task runs them (the tests send them)."""
    monkeypatch.setattr(tasks, "enqueue", lambda *ids: True)


def test_a_row_another_worker_is_sending_is_skipped_then_sent_once(
    postgres_url, unsent, mailoutbox
):
    first, second = (queue_in_a_transaction(f"person{index}@example.jp") for index in range(2))
    with row_held(first):  # another worker is sending it
        assert delivery.deliver_many([first.pk, second.pk]) == {"locked-or-missing": 1, "sent": 1}
    first.refresh_from_db()
    assert first.status == OutboxEmail.Status.PENDING and first.attempts == 0
    assert delivery.deliver_many([first.pk, second.pk]) == {"sent": 1, "already-sent": 1}
    assert sorted(message.to[0] for message in mailoutbox) == [
        "person0@example.jp",
        "person1@example.jp",
    ]


def test_only_the_record_of_a_send_skips_the_wait_for_the_disk(postgres_url, unsent, mailoutbox):
    """Asynchronous commit is the sending transaction's own setting, not the connection's."""
    email = queue_in_a_transaction()
    with transaction.atomic():
        assert delivery._lock(email.pk) == (OutboxEmail.Status.PENDING, 0)
        assert _setting("synchronous_commit") == "off"
    assert _setting("synchronous_commit") == "on"
    assert delivery.deliver(email.pk) == "sent"
    assert _setting("synchronous_commit") == "on"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1
    assert email.sent_at >= email.last_attempt_at


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def _sessions_opened() -> int:
    """Connections PostgreSQL has accepted to this database so far (pg_stat_database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_the_worker_keeps_its_database_connection_from_one_email_to_the_next(
    postgres_url, redis_server, worker, smtp_sink
):
    """Celery's Django fixup would close it around every task: a new PostgreSQL backend per
    email, which cost more server CPU than the email itself (``make bench``)."""
    redis_server.start()
    worker.start(
        broker_url=redis_server.url,
        database_url=postgres_url,
        email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
        extra_env={"DATABASE_CONN_MAX_AGE": "60"},
    )
    with publishing_to(redis_server.url):
        queue_in_a_transaction("first@example.jp")
        assert wait_until(lambda: len(smtp_sink.messages) == 1), worker.output()
        before = _sessions_opened()
        for number in range(10):
            queue_in_a_transaction(f"person{number}@example.jp")  # one task each
        assert wait_until(lambda: len(smtp_sink.messages) == 11), worker.output()
    assert _sessions_opened() - before <= 1
