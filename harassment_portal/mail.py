"""The one way the portal builds, stores and sends an email: the outbox.

``queue_email`` renders a template triple (``<name>.subject.txt``, ``<name>.txt``,
``<name>.html``) in the recipient's language and stores it as an ``OutboxEmail`` row inside the
caller's transaction; once that transaction commits, a ``send_emails`` task is queued with the
ids of the rows that transaction stored (``SEND_CHUNK`` ids per task). ``deliver`` (the task
body, once per id) locks the row, sends it once, and records success or the failure with a
back-off, each row in its own transaction. ``requeue_due`` (a beat job, every minute) queues
again the rows whose time has come, so a broker or SMTP outage delays mail but never loses it.

A worker process keeps one connection to the mail server open from one email to the next (a new
connection per email costs more than the email): it is closed after any error, replaced when it
has been idle for ``SMTP_IDLE_REUSE``, and closed when the worker stops.

Log lines carry row ids and exception classes only: never an address, subject or body.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import threading
import time
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import mime
from .models import OutboxEmail

logger = logging.getLogger(__name__)

# The normal path sends within seconds; a row still pending after this is queued again.
FIRST_SWEEP_AFTER = dt.timedelta(seconds=60)
# After the sweeper queues a row it waits this long before queueing it again.
SWEEP_LEASE = dt.timedelta(minutes=5)
SWEEP_BATCH = 500
# Outbox ids per send task: the rows stored in one transaction, or swept together.
SEND_CHUNK = 50
# An open SMTP connection is reused only if its last email went out this recently: well inside
# the five minutes RFC 5321 asks a server to wait, so an idle-dropped one is never written to.
SMTP_IDLE_REUSE = 30.0  # seconds


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict[str, Any], *, language: str) -> RenderedEmail:
    """Render ``template``'s subject, text and HTML parts in ``language``."""
    context = {
        "site_url": settings.SITE_URL,
        "office_email": settings.OFFICE_EMAIL,
        "office_phone": settings.OFFICE_PHONE,
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    # A subject is one line: no header injection, no stray template whitespace.
    subject = re.sub(r"\s+", " ", subject).strip()
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


@dataclass(frozen=True)
class Outgoing:
    """An email rendered beforehand (e.g. before taking a lock), ready to store."""

    to: str
    template: str
    rendered: RenderedEmail
    language: str
    about: models.Model | None = None
    attachments: list[dict[str, str]] | None = None


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    about: models.Model | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxEmail:
    """Store an email for ``to`` in the current transaction; it is sent after commit.

    ``attachments`` are text files: ``{"filename": ..., "content": ..., "mimetype": ...}``.
    """
    rendered = render_email(template, context, language=language)
    (email,) = store_emails([Outgoing(to, template, rendered, language, about, attachments)])
    return email


def store_emails(emails: list[Outgoing]) -> list[OutboxEmail]:
    """Store pending rows, each with a fresh Message-ID, in one INSERT (a batch of reminders
    paid a round trip per row); queue them once the transaction commits."""
    now = timezone.now()
    rows = [
        _new_row(
            now,
            to_email=email.to,
            language=email.language,
            template=email.template,
            subject=email.rendered.subject,
            body_text=email.rendered.text,
            body_html=email.rendered.html,
            attachments=email.attachments or [],
            content_type=(
                ContentType.objects.get_for_model(email.about) if email.about is not None else None
            ),
            object_id=str(email.about.pk) if email.about is not None else "",
        )
        for email in emails
    ]
    return _insert(rows)


def _new_row(now: dt.datetime, **fields: Any) -> OutboxEmail:
    return OutboxEmail(
        **fields,
        message_id=make_msgid(domain=_message_id_domain()),
        created_at=now,
        next_attempt_at=now + FIRST_SWEEP_AFTER,
    )


def _insert(rows: list[OutboxEmail]) -> list[OutboxEmail]:
    """One INSERT for several rows where the database returns their ids (PostgreSQL, SQLite
    3.35+); one per row otherwise, and for a single row."""
    features = transaction.get_connection(router.db_for_write(OutboxEmail)).features
    if len(rows) > 1 and features.can_return_rows_from_bulk_insert:
        for row in rows:
            row.fill_blind_indexes()  # (bulk_create does not call save())
        OutboxEmail.objects.bulk_create(rows)
    else:
        for row in rows:
            row.save(force_insert=True)
    for row in rows:
        _enqueue_on_commit(row.pk)
    return rows


class _EnqueueOnCommit:
    """The on-commit callback that queues the rows stored at one savepoint level of a
    transaction: one callback, and one task per ``SEND_CHUNK`` rows, instead of one per row."""

    def __init__(self, outbox_id: int) -> None:
        self.ids = [outbox_id]
        self.called = False  # (tests' captured callbacks stay listed after they ran)

    def __call__(self) -> None:
        self.called = True
        enqueue(*self.ids)


def _enqueue_on_commit(outbox_id: int) -> None:
    """Queue ``outbox_id`` once the transaction commits, with the rows stored before it.

    The row joins the previous row's callback only if that is the last callback registered and
    was registered at the same savepoint level: a rolled-back savepoint then drops its rows
    with its own callback, exactly as Django drops one callback per row. This reads Django's
    ``run_on_commit`` list (two tests fail loudly if its shape changes). In tests, an email
    stored before a ``django_capture_on_commit_callbacks`` block takes in the emails stored
    inside it at the same level: store them in their own ``atomic`` block there.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.run_on_commit:
        savepoints, callback, *_ = connection.run_on_commit[-1]
        if (
            isinstance(callback, _EnqueueOnCommit)
            and not callback.called
            and savepoints == set(connection.savepoint_ids)
        ):
            callback.ids.append(outbox_id)
            return
    transaction.on_commit(_EnqueueOnCommit(outbox_id))


def enqueue(*outbox_ids: int) -> bool:
    """Queue send tasks, ``SEND_CHUNK`` ids each; if the broker is unreachable, leave the rows to
    the sweeper (and stop at once: a web request must not wait on a dead broker per chunk)."""
    from .tasks import send_emails

    try:
        for start in range(0, len(outbox_ids), SEND_CHUNK):
            send_emails.delay(list(outbox_ids[start : start + SEND_CHUNK]))
    except Exception as exc:  # the broker is down: the sweeper will queue the rows again
        logger.warning(
            "outbox emails %s not queued (%s); the sweeper will retry",
            ", ".join(map(str, outbox_ids)),
            type(exc).__name__,
        )
        return False
    return True


# An SMTP error may quote the addresses it refused; staff see the error without them.
ADDRESS = re.compile(r"[^\s<>'\"(),;:\[\]]+@[^\s<>'\"(),;:\[\]]+")


def describe_failure(exc: Exception) -> str:
    return ADDRESS.sub("[address]", f"{type(exc).__name__}: {exc}")[:2000]


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the ``attempts``-th failure: 1, 2, 4 ... minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver(outbox_id: int) -> str:
    """Send one outbox row at most once; return what happened (for logs and tests)."""
    email = OutboxEmail.objects.filter(pk=outbox_id).first()
    return _deliver(email) if email is not None else "locked-or-missing"


def deliver_many(outbox_ids: list[int]) -> dict[str, int]:
    """``deliver`` each row in turn; return how many ended which way.

    The rows are read (and decrypted) in one query; each is then sent in its own transaction
    under its own row lock, so a worker killed mid-batch has recorded every email sent before.
    """
    emails = OutboxEmail.objects.in_bulk(outbox_ids)
    outcomes: dict[str, int] = {}
    for outbox_id in outbox_ids:
        email = emails.get(outbox_id)
        outcome = _deliver(email) if email is not None else "locked-or-missing"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _deliver(email: OutboxEmail) -> str:
    """Lock the row, check it is still pending (another worker may have sent it since it was
    read), send it, and record the outcome, in one transaction."""
    with transaction.atomic():
        state = _lock(email.pk)
        if state is None:
            return "locked-or-missing"
        status, attempts = state
        if status != OutboxEmail.Status.PENDING:
            return f"already-{status}"
        now = timezone.now()
        email.attempts = attempts + 1
        email.last_attempt_at = now
        try:
            _send(mime.build_message(email))
        except Exception as exc:  # SMTP refused, timed out, DNS...: record and back off
            close_connection()  # the next email gets a fresh connection
            email.last_error = describe_failure(exc)
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
            email.next_attempt_at = now + retry_delay(email.attempts)
            OutboxEmail.objects.filter(pk=email.pk).update(
                attempts=email.attempts,
                last_attempt_at=now,
                last_error=email.last_error,
                status=email.status,
                next_attempt_at=email.next_attempt_at,
            )
            logger.warning(
                "outbox email %s failed on attempt %s (%s)",
                email.pk,
                email.attempts,
                type(exc).__name__,
            )
            return "failed"
        _record_sent(email.pk, attempts=email.attempts, attempted_at=now)
    logger.info("outbox email %s sent", email.pk)
    return "sent"


# The lock and the record of a send are the two statements run for every email: written as
# SQL, because compiling them through the ORM took longer than running them (``make bench``).
# The table name is the model's constant, never input.
_TABLE = OutboxEmail._meta.db_table
_LOCK = f'SELECT status, attempts FROM "{_TABLE}" WHERE id = %s'  # noqa: S608
# On PostgreSQL the same statement makes this transaction's commit asynchronous: the worker does
# not wait for the disk flush after each email (on this machine's disk that wait was longer
# than the rest of the database work). The trade-off, for this transaction only: if PostgreSQL
# itself crashes, the record of the last fraction of a second of sends may be lost, and those
# emails are then sent again. A killed worker loses nothing (the server has the commit), and an
# email is never lost either way: the row stays pending until a record of its sending survives.
_LOCK_PG = (
    f"SELECT status, attempts, set_config('synchronous_commit', 'off', true)"  # noqa: S608
    f' FROM "{_TABLE}" WHERE id = %s FOR UPDATE SKIP LOCKED'
)
_RECORD_SENT = (
    f'UPDATE "{_TABLE}" SET status = %s, attempts = %s, last_attempt_at = %s, sent_at = %s,'  # noqa: S608
    " last_error = '' WHERE id = %s"
)


def _lock(outbox_id: int) -> tuple[str, int] | None:
    """The row's status and attempts, locked until the transaction ends; ``None`` if another
    worker holds it (or it is gone)."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_PG if connection.vendor == "postgresql" else _LOCK, [outbox_id])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _record_sent(outbox_id: int, *, attempts: int, attempted_at: dt.datetime) -> None:
    connection = transaction.get_connection()
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_SENT,
            [
                OutboxEmail.Status.SENT.value,
                attempts,
                adapt(attempted_at),
                adapt(timezone.now()),
                outbox_id,
            ],
        )


class _Smtp(threading.local):
    backend: BaseEmailBackend | None = None
    configuration: tuple = ()
    last_used = 0.0


_smtp = _Smtp()


def _configuration() -> tuple:
    return tuple(
        getattr(settings, name, None)
        for name in (
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
        )
    )


def _send(message: mime.OutboxMessage) -> None:
    """Send over this process's open connection, opening one if needed.

    A kept connection the server has meanwhile closed (an idle timeout) is opened again and
    the message sent on the new one, instead of counting as a failed attempt.
    """
    if _smtp.backend is not None and (
        _smtp.configuration != _configuration()
        or time.monotonic() - _smtp.last_used > SMTP_IDLE_REUSE
    ):
        close_connection()
    reused = _smtp.backend is not None
    try:
        _open_if_needed().send_messages([message])
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        if not reused:
            raise
        close_connection()
        _open_if_needed().send_messages([message])
    _smtp.last_used = time.monotonic()


def _open_if_needed() -> BaseEmailBackend:
    if _smtp.backend is None:
        backend = get_connection()
        backend.open()
        _smtp.backend, _smtp.configuration = backend, _configuration()
    return _smtp.backend


def close_connection() -> None:
    """Close this process's mail server connection, if any (after an error, on shutdown)."""
    backend, _smtp.backend = _smtp.backend, None
    if backend is not None:
        try:
            backend.close()
        except Exception:  # a broken connection may fail to say goodbye; it is dropped anyway
            logger.info("mail server connection closed uncleanly")


def requeue_due(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Queue again the pending rows whose ``next_attempt_at`` has passed; return how many."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + SWEEP_LEASE)
        if ids:
            transaction.on_commit(lambda: enqueue(*ids))
    return len(ids)


def resend(email: OutboxEmail) -> OutboxEmail:
    """Send a row again, as a new row (staff action): a sent email stays on the record."""
    copied = [
        "to_email",
        "language",
        "template",
        "subject",
        "body_text",
        "body_html",
        "attachments",
        "content_type",
        "object_id",
    ]
    with transaction.atomic():
        (row,) = _insert(
            [_new_row(timezone.now(), **{name: getattr(email, name) for name in copied})]
        )
        return row


def retry_now(email: OutboxEmail) -> None:
    """Put a failed or pending row back in the queue at once (staff action)."""
    with transaction.atomic():
        OutboxEmail.objects.filter(pk=email.pk).exclude(status=OutboxEmail.Status.SENT).update(
            status=OutboxEmail.Status.PENDING, next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER
        )
        transaction.on_commit(lambda: enqueue(email.pk))


def _message_id_domain() -> str:
    return mime.sender_address().rpartition("@")[2] or "localhost"
