"""Thin Celery tasks for the consultation desk."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="consultations.tasks.send_due_digest")
def send_due_digest() -> int:
    return services.send_due_digest(today=timezone.localdate())
