"""Cache invalidation only: a change to a session or its seats shows on the public pages at once."""

import functools

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import forget_now_and_on_commit
from core.public import page_cache

from .models import Registration, Seminar

SEMINAR_LIST = "seminar-list"


def session_key(pk: int) -> str:
    """The cache key of a published session with its seat count (``views.published_session``)."""
    return f"seminar-session:v1:{pk}"


@receiver([post_save, post_delete], sender=Seminar)
@receiver([post_save, post_delete], sender=Registration)
def forget_cached_pages(sender, instance, **kwargs) -> None:
    session = session_key(instance.pk if sender is Seminar else instance.seminar_id)
    stale = [*page_cache.keys(SEMINAR_LIST), session]
    forget_now_and_on_commit(functools.partial(cache.delete_many, stale))
