"""Cache invalidation only: keeps cached reads in step with every way a row can change."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CLOSURES_CACHE_KEY, OfficeClosure


@receiver([post_save, post_delete], sender=OfficeClosure)
def forget_cached_closures(**kwargs) -> None:
    # Now and again after commit: a request between the two could cache the old list.
    cache.delete(CLOSURES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CLOSURES_CACHE_KEY))
