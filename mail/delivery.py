"""Sending an outbox row once: lock it, send it, record the outcome or the failure.

Each row is sent in its own transaction under its own row lock, so a worker killed mid-batch
has recorded every email it sent but the one in flight. A failure is recorded with a back-off
(1, 2, 4 ... 60 minutes); after ``OUTBOX_MAX_ATTEMPTS`` the row is marked failed for staff.

Log lines carry row ids and exception classes only: never an address, subject or body.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import mime, smtp
from .models import OutboxEmail

logger = logging.getLogger(__name__)


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
            smtp.send(mime.build_message(email))
        except Exception as exc:  # SMTP refused, timed out, DNS...: record and back off
            smtp.close()  # the next email gets a fresh connection
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
