"""The sweeper's claim: the pending rows whose time has come, leased so that the next sweep
leaves them alone while their send task is on its way (``tasks.requeue_due_emails``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import OutboxEmail

# After the sweeper queues a row it waits this long before queueing it again.
LEASE = dt.timedelta(minutes=5)
BATCH = 500


def claim_due(*, now: dt.datetime, limit: int = BATCH) -> list[int]:
    """The ids of up to ``limit`` pending rows whose ``next_attempt_at`` has passed, each with
    its next attempt moved ``LEASE`` ahead; rows another transaction holds are skipped."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids
