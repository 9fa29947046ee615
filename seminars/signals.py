"""Cache invalidation only: a change to a session or its seats shows on the public list at once."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from harassment_portal import page_cache

from .models import Registration, Seminar

SEMINAR_LIST = "seminar-list"


@receiver([post_save, post_delete], sender=Seminar)
@receiver([post_save, post_delete], sender=Registration)
def forget_cached_list(**kwargs) -> None:
    # Now and again after commit: a request between the two could cache the old list.
    page_cache.forget(SEMINAR_LIST)
    transaction.on_commit(lambda: page_cache.forget(SEMINAR_LIST))
