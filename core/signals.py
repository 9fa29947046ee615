"""Cache invalidation only: keeps cached reads in step with every way a row can change."""

import functools

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import forget_now_and_on_commit
from .models import CLOSURES_CACHE_KEY, OfficeClosure


@receiver([post_save, post_delete], sender=OfficeClosure)
def forget_cached_closures(**kwargs) -> None:
    forget_now_and_on_commit(functools.partial(cache.delete, CLOSURES_CACHE_KEY))
