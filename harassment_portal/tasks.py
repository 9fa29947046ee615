"""Thin Celery tasks: ids in, a call into ``mail`` out. Safe to run twice."""

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.utils import timezone

from . import mail


@shared_task(name="harassment_portal.tasks.send_emails")
def send_emails(outbox_ids: list[int]) -> dict[str, int]:
    return mail.deliver_many(outbox_ids)


@shared_task(name="harassment_portal.tasks.send_email")
def send_email(outbox_id: int) -> str:
    """One row per task: what ``mail.enqueue`` queued before ``send_emails`` (still drained)."""
    return mail.deliver(outbox_id)


@worker_process_shutdown.connect  # a prefork child
@worker_shutdown.connect  # the solo pool's one process
def close_mail_connection(**kwargs) -> None:
    mail.close_connection()


@shared_task(name="harassment_portal.tasks.requeue_due_emails")
def requeue_due_emails() -> int:
    return mail.requeue_due()


@shared_task(name="harassment_portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions: a form draft must not outlive its two hours in the table."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@shared_task(name="harassment_portal.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    from . import retention

    return retention.anonymise_due()
