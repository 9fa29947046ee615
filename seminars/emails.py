"""One builder per seminar email; each goes through the outbox in the person's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from harassment_portal import mail

from . import calendar, links
from .models import Registration, RegistrationStatus


def _queue(
    registration: Registration, name: str, *, attach_calendar: bool = False, **context
) -> None:
    with translation.override(registration.language):
        attachments = [calendar.ics_attachment(registration)] if attach_calendar else None
        mail.queue_email(
            to=registration.email,
            template=f"seminars/emails/{name}",
            context={
                "registration": registration,
                "seminar": registration.seminar,
                "manage_url": settings.SITE_URL + links.manage_path(registration),
                **context,
            },
            language=registration.language,
            about=registration,
            attachments=attachments,
        )


def queue_status(registration: Registration) -> None:
    """The confirmation of a seat, or of a place on the waiting list."""
    if registration.status == RegistrationStatus.WAITING:
        _queue(registration, "waiting")
    else:
        _queue(registration, "confirmation", attach_calendar=True)


def queue_promoted(registration: Registration) -> None:
    _queue(registration, "promoted", attach_calendar=True)


def queue_cancelled(registration: Registration, *, by_office: bool) -> None:
    _queue(registration, "cancelled", by_office=by_office)


def queue_reminder(registration: Registration) -> None:
    _queue(registration, "reminder", attach_calendar=True)


def queue_archive(registration: Registration) -> None:
    _queue(registration, "archive")


def queue_my_registrations(registrations: list[Registration]) -> None:
    first = registrations[0]
    with translation.override(first.language):
        mail.queue_email(
            to=first.email,
            template="seminars/emails/my_registrations",
            about=first,  # so that retention finds it
            context={
                "items": [
                    {
                        "registration": r,
                        "seminar": r.seminar,
                        "manage_url": settings.SITE_URL + links.manage_path(r),
                    }
                    for r in registrations
                ]
            },
            language=first.language,
        )
