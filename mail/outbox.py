"""The one way the portal builds and stores an email: render it, store it with the change.

``render_email`` renders a template triple (``<name>.subject.txt``, ``<name>.txt``,
``<name>.html``) in the recipient's language into an unsaved ``OutboxEmail``: the one type an
email has from its rendering to its sending. ``store`` inserts such rows inside the caller's
transaction; once that transaction commits, ``tasks.enqueue`` queues a ``send_emails`` task with
the ids of the rows it stored (``tasks.SEND_CHUNK`` ids per task). ``queue_email`` does both.

Sending (``delivery``), the per-process mail server connection (``smtp``) and the beat job that
queues again what is left pending (``tasks.requeue_due_emails``) are their own modules.

Checked against Django 5.2.19 (``BaseDatabaseWrapper.run_on_commit``, read by
``_enqueue_on_commit``).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import mime, tasks
from .models import OutboxEmail

# The normal path sends within seconds; a row still pending after this is queued again.
FIRST_SWEEP_AFTER = dt.timedelta(seconds=60)

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "django.db.backends.base.base.BaseDatabaseWrapper.on_commit": "3eb44439e2c553cb",
    "django.db.backends.base.base.BaseDatabaseWrapper.run_and_clear_commit_hooks": (
        "1da159e7e8c8cf20"
    ),
}


def render_email(
    template: str,
    context: dict[str, Any],
    *,
    to: str,
    language: str,
    about: models.Model | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxEmail:
    """``template``'s subject, text and HTML parts rendered in ``language`` for ``to``, as an
    unsaved outbox row. ``about`` (the record the email concerns, for its admin page and for
    retention) may itself be unsaved yet: it is resolved when the row is stored.
    ``attachments`` are text files: ``{"filename": ..., "content": ..., "mimetype": ...}``."""
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
    email = OutboxEmail(
        to_email=to,
        language=language,
        template=template,
        # A subject is one line: no header injection, no stray template whitespace.
        subject=re.sub(r"\s+", " ", subject).strip(),
        body_text=text.strip() + "\n",
        body_html=html,
        attachments=attachments or [],
    )
    email.record = about
    return email


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    about: models.Model | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxEmail:
    """Render an email for ``to`` and store it in the current transaction; it is sent after
    commit."""
    email = render_email(
        template, context, to=to, language=language, about=about, attachments=attachments
    )
    (stored,) = store([email])
    return stored


def store(emails: list[OutboxEmail]) -> list[OutboxEmail]:
    """Store rendered rows as pending, each with a fresh Message-ID, in one INSERT (a batch of
    reminders paid a round trip per row); queue them once the transaction commits."""
    now = timezone.now()
    for email in emails:
        if email.record is not None:
            email.content_type = ContentType.objects.get_for_model(email.record)
            email.object_id = str(email.record.pk)
        _stamp(email, now)
    return _insert(emails)


def _stamp(email: OutboxEmail, now: dt.datetime) -> None:
    email.message_id = make_msgid(domain=_message_id_domain())
    email.created_at = now
    email.next_attempt_at = now + FIRST_SWEEP_AFTER


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
        tasks.enqueue(*self.ids)


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
        row = OutboxEmail(**{name: getattr(email, name) for name in copied})
        _stamp(row, timezone.now())
        (row,) = _insert([row])
        return row


def retry_now(email: OutboxEmail) -> None:
    """Put a failed or pending row back in the queue at once (staff action)."""
    with transaction.atomic():
        OutboxEmail.objects.filter(pk=email.pk).exclude(status=OutboxEmail.Status.SENT).update(
            status=OutboxEmail.Status.PENDING, next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER
        )
        transaction.on_commit(lambda: tasks.enqueue(email.pk))


def _message_id_domain() -> str:
    return mime.sender_address().rpartition("@")[2] or "localhost"
