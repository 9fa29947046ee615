"""Thin Celery tasks for seminars."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="seminars.tasks.send_reminders")
def send_reminders() -> int:
    return services.send_reminders(today=timezone.localdate())


@shared_task(name="seminars.tasks.send_reminder_batch")
def send_reminder_batch(registration_ids: list[int]) -> int:
    return services.remind(registration_ids)
