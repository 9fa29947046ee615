"""Cache invalidation only: a staff edit shows on the public page at once."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .models import FaqCategory, FaqEntry


@receiver([post_save, post_delete], sender=FaqEntry)
@receiver([post_save, post_delete], sender=FaqCategory)
def forget_cached_faq(**kwargs) -> None:
    # Now and again after commit: a request between the two could cache the old text.
    services.forget_cached_sections()
    transaction.on_commit(services.forget_cached_sections)
