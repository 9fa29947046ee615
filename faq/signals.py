"""Cache invalidation only: a staff edit shows on the public page at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import forget_now_and_on_commit

from . import services
from .models import FaqCategory, FaqEntry


@receiver([post_save, post_delete], sender=FaqEntry)
@receiver([post_save, post_delete], sender=FaqCategory)
def forget_cached_faq(**kwargs) -> None:
    forget_now_and_on_commit(services.forget_cached_sections)
