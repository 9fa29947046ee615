"""Thin Celery tasks of the core: the session sweep and the nightly retention run.

The names are the ones they had in the project package, so that queued messages still run.
"""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import retention


@shared_task(name="harassment_portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions: a form draft must not outlive its two hours in the table."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@shared_task(name="harassment_portal.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    return retention.anonymise_due()
