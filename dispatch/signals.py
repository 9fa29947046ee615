"""Cache invalidation only: a change to the office closures shows on the overview at once."""

import datetime as dt

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from harassment_portal import business_days, page_cache
from harassment_portal.models import OfficeClosure

OVERVIEW_PAGE = "dispatch-overview"


def forget_overview() -> None:
    """Drop the overview (its "counts from" and contact dates) for every receipt window that
    may be cached now: yesterday's to tomorrow's, before and after office hours."""
    now = timezone.now()
    windows = {
        business_days.receipt_window(now + dt.timedelta(hours=hours)) for hours in range(-36, 37, 6)
    }
    page_cache.forget(OVERVIEW_PAGE, variants=sorted(windows))


@receiver([post_save, post_delete], sender=OfficeClosure)
def forget_cached_overview(**kwargs) -> None:
    # Now and again after commit: a request between the two could cache the old dates.
    forget_overview()
    transaction.on_commit(forget_overview)
