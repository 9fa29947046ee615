"""Once-a-day jobs: the claim that makes a repeated or concurrent run do nothing."""

import datetime as dt

from django.db import IntegrityError, transaction

from .models import JobRun


def claim_daily_run(job: str, day: dt.date) -> bool:
    """Record that ``job`` runs for ``day``; False if it already has.

    Call it inside the transaction that does the job's work, so that a failed run leaves no
    claim behind and is tried again.
    """
    try:
        with transaction.atomic():
            JobRun.objects.create(job=job, run_on=day)
    except IntegrityError:
        return False
    return True
