"""Thin Celery tasks: ids in, a call into ``mail`` out. Safe to run twice."""

from celery import shared_task

from . import mail


@shared_task(name="harassment_portal.tasks.send_email")
def send_email(outbox_id: int) -> str:
    return mail.deliver(outbox_id)


@shared_task(name="harassment_portal.tasks.requeue_due_emails")
def requeue_due_emails() -> int:
    return mail.requeue_due()


@shared_task(name="harassment_portal.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    from . import retention

    return retention.anonymise_due()
