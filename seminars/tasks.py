"""Thin Celery tasks for seminars."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="seminars.tasks.send_reminders")
def send_reminders() -> int:
    return services.send_reminders(today=timezone.localdate())


# A batch that fails (the database restarting) is tried again; the job also runs twice a day.
@shared_task(
    name="seminars.tasks.send_reminder_batch",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
)
def send_reminder_batch(registration_ids: list[int]) -> int:
    return services.remind(registration_ids, now=timezone.now())  # when the batch runs
