"""Cache invalidation only: a change to the office closures shows on the overview at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core import business_days
from core.cache import forget_now_and_on_commit
from core.models import OfficeClosure
from core.public import page_cache

OVERVIEW_PAGE = "dispatch-overview"


def forget_overview() -> None:
    """Drop the overview (its "counts from" and contact dates) cached for the current receipt
    window: the only one read from now on."""
    window = business_days.receipt_window(timezone.now())
    page_cache.forget(OVERVIEW_PAGE, variants=[window])


@receiver([post_save, post_delete], sender=OfficeClosure)
def forget_cached_overview(**kwargs) -> None:
    forget_now_and_on_commit(forget_overview)
