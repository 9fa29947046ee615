"""Thin Celery tasks of the outbox, and the one place that queues them (``enqueue``).

Ids in, a call into ``delivery`` out; safe to run twice. The task names are the ones they had
before the outbox was an app of its own, so that messages already in the broker still run.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.db import transaction
from django.utils import timezone

from core.breaker import CircuitBreaker

from . import delivery, smtp, sweep

logger = logging.getLogger(__name__)

# After a publish fails (a broker down or hanging), this process leaves its emails to the
# sweeper for a few seconds instead of making each request wait for the broker again.
BREAKER = CircuitBreaker("Celery broker")

# Outbox ids per send task: the rows stored in one transaction, or swept together.
SEND_CHUNK = 50


@shared_task(name="harassment_portal.tasks.send_emails")
def send_emails(outbox_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_many(outbox_ids)


@shared_task(name="harassment_portal.tasks.send_email")
def send_email(outbox_id: int) -> str:
    """One row per task: what ``enqueue`` queued before ``send_emails`` (still drained)."""
    return delivery.deliver(outbox_id)


@worker_process_shutdown.connect  # a prefork child
@worker_shutdown.connect  # the solo pool's one process
def close_mail_connection(**kwargs) -> None:
    smtp.close()


@shared_task(name="harassment_portal.tasks.requeue_due_emails")
def requeue_due_emails() -> int:
    return requeue_due()


def requeue_due(*, now: dt.datetime | None = None, limit: int = sweep.BATCH) -> int:
    """Queue again the pending rows whose time has come (the beat job, every minute): a broker
    or SMTP outage delays mail but never loses it. Returns how many. While ``BREAKER`` is open
    nothing is claimed: a claim moves a row's next attempt back, and rows claimed only to be
    skipped would wait longer and longer for a broker that is back."""
    if BREAKER.is_open():
        return 0
    ids = sweep.claim_due(now=now or timezone.now(), limit=limit)
    if ids:
        transaction.on_commit(lambda: enqueue(*ids))
    return len(ids)


def enqueue(*outbox_ids: int) -> bool:
    """Queue send tasks, ``SEND_CHUNK`` ids each; if the broker is unreachable, leave the rows to
    the sweeper (and stop at once: a web request must not wait on a dead broker per chunk, nor
    the next requests while ``BREAKER`` is open)."""
    reason = "broker skipped for a while"
    if not BREAKER.is_open():
        try:
            for start in range(0, len(outbox_ids), SEND_CHUNK):
                send_emails.delay(list(outbox_ids[start : start + SEND_CHUNK]))
        except Exception as exc:  # the broker is down or hangs: the sweeper will queue them
            BREAKER.trip(exc)
            reason = type(exc).__name__
        else:
            return True
    logger.warning(
        "outbox emails %s not queued (%s); the sweeper will retry",
        ", ".join(map(str, outbox_ids)),
        reason,
    )
    return False
