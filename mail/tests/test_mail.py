"""The outbox: render, store with the change, send after commit, once, and retry on failure."""

import datetime as dt
import logging
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from mail import delivery, outbox, smtp, sweep, tasks
from mail.models import OutboxEmail

pytestmark = pytest.mark.django_db
REFUSING = "harassment_portal.tests.backends.RefusingBackend"
COUNTING = "mail.tests.test_mail.CountingBackend"
ADDRESS = "hanako.marker@example.jp"


class CountingBackend(LocmemBackend):
    """A mail server connection that counts how often it is opened, and can be made to drop
    during one message (``drop_on``: the subject of the message it drops on)."""

    opened = 0
    drop_on = ""

    def open(self):
        type(self).opened += 1
        self.broken = False
        return True

    def close(self):
        self.broken = True

    def send_messages(self, messages):
        if self.broken:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        if any(message.subject == self.drop_on for message in messages):
            self.broken = True
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def fresh_connection():
    """Each test starts without this process's open mail server connection."""
    smtp.close()
    CountingBackend.opened, CountingBackend.drop_on = 0, ""
    yield
    smtp.close()


def queue(language="ja", to=ADDRESS):
    return outbox.queue_email(to=to, template="emails/test_message", context={}, language=language)


def queue_numbered(count):
    """``count`` emails told apart by their subjects (``Email 0``, ``Email 1``...)."""
    emails = [queue(to=f"person{n}@example.jp") for n in range(count)]
    for n, email in enumerate(emails):
        OutboxEmail.objects.filter(pk=email.pk).update(subject=f"Email {n}")
    return emails


def test_email_is_rendered_in_the_recipients_language():
    ja = queue("ja")
    en = queue("en")
    assert "テスト" in ja.subject
    assert "Test email" in en.subject
    assert "0120-182-276" in ja.body_text
    assert '<html lang="en">' in en.body_html
    assert "\n" not in en.subject


def test_email_is_sent_after_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue("en")
        assert mailoutbox == []  # nothing leaves before the commit
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.sent_at is not None and email.attempts == 1
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == [ADDRESS]
    assert sent.extra_headers["Message-ID"] == email.message_id
    assert sent.alternatives[0][1] == "text/html"


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the business change failed")
    assert callbacks == []
    assert OutboxEmail.objects.count() == 0
    assert mailoutbox == []


def test_a_row_is_never_sent_twice(mailoutbox):
    email = queue()
    assert delivery.deliver(email.pk) == "sent"
    assert delivery.deliver(email.pk) == "already-sent"
    assert len(mailoutbox) == 1


def test_delivering_a_missing_row_is_harmless(mailoutbox):
    assert delivery.deliver(999_999) == "locked-or-missing"
    assert mailoutbox == []


@override_settings(EMAIL_BACKEND=REFUSING)
def test_smtp_failure_is_recorded_with_backoff_and_the_row_stays_pending(caplog):
    email = queue()
    before = timezone.now()
    with caplog.at_level(logging.WARNING):
        assert delivery.deliver(email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert "SMTPDataError" in email.last_error
    assert email.next_attempt_at >= before + dt.timedelta(minutes=1)
    # The log names the row and the error class, never the address or the subject.
    assert f"outbox email {email.pk} failed" in caplog.text
    assert ADDRESS not in caplog.text and email.subject not in caplog.text


@override_settings(EMAIL_BACKEND=REFUSING, OUTBOX_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_row_is_marked_failed():
    email = queue()
    for _ in range(3):
        OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        delivery.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 3


def test_backoff_doubles_up_to_an_hour():
    assert [delivery.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [
        1,
        2,
        4,
        8,
        60,
        60,
        60,
    ]


def test_an_smtp_outage_delays_mail_but_never_loses_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    email = queue()
    with override_settings(EMAIL_BACKEND=REFUSING):
        delivery.deliver(email.pk)
    assert mailoutbox == []
    # Later, the server accepts again and the sweeper's time for the row has come.
    later = timezone.now() + dt.timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_due(now=later) == 1  # in-process tasks: queued and sent at once
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2
    assert len(mailoutbox) == 1


def test_sweeper_takes_only_due_pending_rows_and_leases_them(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "enqueue", lambda *ids: queued.extend(ids))
    due = queue()
    not_yet = queue()
    sent = queue()
    now = timezone.now()
    OutboxEmail.objects.filter(pk=due.pk).update(next_attempt_at=now - dt.timedelta(seconds=1))
    OutboxEmail.objects.filter(pk=not_yet.pk).update(next_attempt_at=now + dt.timedelta(hours=1))
    OutboxEmail.objects.filter(pk=sent.pk).update(
        status=OutboxEmail.Status.SENT, next_attempt_at=now - dt.timedelta(hours=1)
    )
    assert tasks.requeue_due(now=now) == 1
    due.refresh_from_db()
    assert due.next_attempt_at == now + sweep.LEASE
    # Leased: the same row is not queued again on the next sweep a minute later.
    assert tasks.requeue_due(now=now + dt.timedelta(minutes=1)) == 0


def test_broker_outage_leaves_the_row_pending_and_logs_no_personal_data(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    attempts = []

    def broker_down(ids):
        attempts.append(ids)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.send_emails, "delay", broker_down)
    monkeypatch.setattr(tasks, "SEND_CHUNK", 1)
    first, second = queue(), queue()
    with caplog.at_level(logging.WARNING):
        assert tasks.enqueue(first.pk, second.pk) is False
    first.refresh_from_db()
    assert first.status == OutboxEmail.Status.PENDING
    assert f"outbox emails {first.pk}, {second.pk} not queued (OperationalError)" in caplog.text
    assert ADDRESS not in caplog.text
    assert attempts == [[first.pk]]  # not one failed publish per chunk: a request must not wait
    # The breaker is open: the next requests publish nothing and wait for nothing, and the
    # sweeper claims nothing (a claim would push the rows' next attempt back).
    third = queue()
    assert tasks.enqueue(third.pk) is False
    assert attempts == [[first.pk]]
    assert tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=1)) == 0
    tasks.BREAKER.reset()  # (the period has passed)
    monkeypatch.setattr(tasks.send_emails, "delay", lambda ids: attempts.append(ids))
    assert tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=1)) == 3


def test_resend_creates_a_new_row_and_keeps_the_old_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
    with django_capture_on_commit_callbacks(execute=True):
        second = outbox.resend(first)
    assert second.pk != first.pk and second.message_id != first.message_id
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 2
    assert len(mailoutbox) == 2


@override_settings(EMAIL_BACKEND=REFUSING, OUTBOX_MAX_ATTEMPTS=1)
def test_retry_now_puts_a_failed_row_back_in_the_queue(
    django_capture_on_commit_callbacks, mailoutbox
):
    email = queue()
    delivery.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox.retry_now(email)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_emails_about_a_record_can_be_listed():
    from core.models import OfficeClosure

    record = OfficeClosure.objects.create(date=dt.date(2026, 12, 1), reason="x")
    about = outbox.queue_email(
        to=ADDRESS, template="emails/test_message", context={}, language="en", about=record
    )
    queue()
    assert list(OutboxEmail.objects.about(record)) == [about]


def test_the_emails_of_one_transaction_are_queued_as_one_task(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_emails, "delay", queued.append)
    monkeypatch.setattr(tasks, "SEND_CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails = [queue() for _ in range(3)]
        assert queued == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        later = queue()
    first, second, third = (email.pk for email in emails)
    assert queued == [[first, second], [third], [later.pk]]  # chunks of SEND_CHUNK ids


def test_an_email_rolled_back_with_its_savepoint_is_not_queued(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_emails, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        before = queue()
        with pytest.raises(RuntimeError), transaction.atomic():
            queue()
            raise RuntimeError("this part of the change failed")
        after = queue()
    assert sorted(pk for ids in queued for pk in ids) == [before.pk, after.pk]


@pytest.mark.parametrize("returns_ids", [True, False], ids=["one insert", "insert per row"])
def test_a_stored_batch_is_queued_whole_with_its_ids(
    monkeypatch, django_capture_on_commit_callbacks, mailoutbox, returns_ids
):
    """Where the database cannot return the ids of a multi-row insert (SQLite before 3.35),
    each row is inserted on its own: a row without an id could never be sent."""
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returns_ids)
    batch = [
        outbox.render_email("emails/test_message", {}, to=f"person{n}@example.jp", language="ja")
        for n in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        stored = outbox.store(batch)
    assert all(email.pk for email in stored)
    assert sorted(m.to[0] for m in mailoutbox) == [f"person{n}@example.jp" for n in range(3)]
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 3


@override_settings(EMAIL_BACKEND=COUNTING)
def test_a_batch_of_emails_goes_out_over_one_connection(mailoutbox):
    emails = queue_numbered(5)
    assert tasks.send_emails([email.pk for email in emails]) == {"sent": 5}
    assert len(mailoutbox) == 5
    assert CountingBackend.opened == 1
    # The next task reuses the same connection.
    assert tasks.send_email(queue().pk) == "sent"
    assert CountingBackend.opened == 1


@override_settings(EMAIL_BACKEND=COUNTING)
def test_a_connection_dropped_mid_batch_is_reopened_and_the_rest_are_sent(mailoutbox):
    emails = queue_numbered(5)
    CountingBackend.drop_on = "Email 2"  # on every attempt: the message itself is the problem
    outcome = delivery.deliver_many([email.pk for email in emails])
    assert outcome == {"sent": 4, "failed": 1}
    assert sorted(message.subject for message in mailoutbox) == [
        "Email 0",
        "Email 1",
        "Email 3",
        "Email 4",
    ]
    assert CountingBackend.opened == 3  # the first, one retry for "Email 2", one after it
    dropped = OutboxEmail.objects.get(pk=emails[2].pk)
    assert dropped.status == OutboxEmail.Status.PENDING and dropped.attempts == 1
    assert "SMTPServerDisconnected" in dropped.last_error


@override_settings(EMAIL_BACKEND=COUNTING)
def test_an_idle_connection_is_replaced_before_use(mailoutbox):
    assert delivery.deliver(queue().pk) == "sent"
    smtp._smtp.last_used -= smtp.IDLE_REUSE + 1  # as if it had waited that long
    assert delivery.deliver(queue().pk) == "sent"
    assert CountingBackend.opened == 2
    assert len(mailoutbox) == 2


def test_a_send_task_queued_before_batching_is_still_delivered(mailoutbox):
    email = queue()
    assert tasks.send_email(email.pk) == "sent"
    assert tasks.send_emails([email.pk, 999_999]) == {"already-sent": 1, "locked-or-missing": 1}
    assert len(mailoutbox) == 1


@override_settings(EMAIL_BACKEND=COUNTING)
def test_a_kept_connection_the_server_closed_meanwhile_is_reopened_without_a_failure(
    mailoutbox,
):
    assert delivery.deliver(queue().pk) == "sent"
    smtp._smtp.backend.broken = True  # the server's idle timeout closed it
    email = queue()
    assert delivery.deliver(email.pk) == "sent"
    email.refresh_from_db()
    assert email.attempts == 1 and email.last_error == ""
    assert CountingBackend.opened == 2
    assert len(mailoutbox) == 2


@override_settings(EMAIL_BACKEND=COUNTING)
def test_a_new_mail_server_setting_opens_a_new_connection(mailoutbox, settings):
    assert delivery.deliver(queue().pk) == "sent"
    settings.EMAIL_PORT = 2526
    assert delivery.deliver(queue().pk) == "sent"
    assert CountingBackend.opened == 2
