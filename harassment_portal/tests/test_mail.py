"""The outbox: render, store with the change, send after commit, once, and retry on failure."""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from harassment_portal import mail
from harassment_portal.models import OutboxEmail

pytestmark = pytest.mark.django_db
REFUSING = "harassment_portal.tests.backends.RefusingBackend"
ADDRESS = "hanako.marker@example.jp"


def queue(language="ja", to=ADDRESS):
    return mail.queue_email(to=to, template="emails/test_message", context={}, language=language)


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
    assert mail.deliver(email.pk) == "sent"
    assert mail.deliver(email.pk) == "already-sent"
    assert len(mailoutbox) == 1


def test_delivering_a_missing_row_is_harmless(mailoutbox):
    assert mail.deliver(999_999) == "locked-or-missing"
    assert mailoutbox == []


@override_settings(EMAIL_BACKEND=REFUSING)
def test_smtp_failure_is_recorded_with_backoff_and_the_row_stays_pending(caplog):
    email = queue()
    before = timezone.now()
    with caplog.at_level(logging.WARNING):
        assert mail.deliver(email.pk) == "failed"
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
        mail.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 3


def test_backoff_doubles_up_to_an_hour():
    assert [mail.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [
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
        mail.deliver(email.pk)
    assert mailoutbox == []
    # Later, the server accepts again and the sweeper's time for the row has come.
    later = timezone.now() + dt.timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.requeue_due(now=later) == 1  # in-process tasks: queued and sent at once
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 2
    assert len(mailoutbox) == 1


def test_sweeper_takes_only_due_pending_rows_and_leases_them(monkeypatch):
    queued = []
    monkeypatch.setattr(mail, "enqueue", queued.append)
    due = queue()
    not_yet = queue()
    sent = queue()
    now = timezone.now()
    OutboxEmail.objects.filter(pk=due.pk).update(next_attempt_at=now - dt.timedelta(seconds=1))
    OutboxEmail.objects.filter(pk=not_yet.pk).update(next_attempt_at=now + dt.timedelta(hours=1))
    OutboxEmail.objects.filter(pk=sent.pk).update(
        status=OutboxEmail.Status.SENT, next_attempt_at=now - dt.timedelta(hours=1)
    )
    assert mail.requeue_due(now=now) == 1
    due.refresh_from_db()
    assert due.next_attempt_at == now + mail.SWEEP_LEASE
    # Leased: the same row is not queued again on the next sweep a minute later.
    assert mail.requeue_due(now=now + dt.timedelta(minutes=1)) == 0


def test_broker_outage_leaves_the_row_pending_and_logs_no_personal_data(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from harassment_portal import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    email = queue()
    with caplog.at_level(logging.WARNING):
        assert mail.enqueue(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert f"outbox email {email.pk} not queued (OperationalError)" in caplog.text
    assert ADDRESS not in caplog.text


def test_resend_creates_a_new_row_and_keeps_the_old_one(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
    with django_capture_on_commit_callbacks(execute=True):
        second = mail.resend(first)
    assert second.pk != first.pk and second.message_id != first.message_id
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 2
    assert len(mailoutbox) == 2


@override_settings(EMAIL_BACKEND=REFUSING, OUTBOX_MAX_ATTEMPTS=1)
def test_retry_now_puts_a_failed_row_back_in_the_queue(
    django_capture_on_commit_callbacks, mailoutbox
):
    email = queue()
    mail.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        mail.retry_now(email)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_emails_about_a_record_can_be_listed():
    from harassment_portal.models import OfficeClosure

    record = OfficeClosure.objects.create(date=dt.date(2026, 12, 1), reason="x")
    about = mail.queue_email(
        to=ADDRESS, template="emails/test_message", context={}, language="en", about=record
    )
    queue()
    assert list(OutboxEmail.objects.about(record)) == [about]
