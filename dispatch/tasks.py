"""Thin Celery tasks for expert dispatch."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="dispatch.tasks.send_deadline_alerts")
def send_deadline_alerts() -> int:
    return services.send_deadline_alerts(today=timezone.localdate())


@shared_task(name="dispatch.tasks.send_visit_reminders")
def send_visit_reminders() -> int:
    return services.send_visit_reminders(today=timezone.localdate())
