"""One builder per seminar email; each goes through the outbox in the person's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from harassment_portal import mail

from . import calendar, links
from .models import Registration, RegistrationStatus


@dataclass(frozen=True)
class PreparedEmail:
    """A seminar email rendered for one registration, not yet stored in the outbox."""

    template: str
    rendered: mail.RenderedEmail
    attachments: list[dict[str, str]] | None
    status: str  # the registration status it was written for


def _prepare(
    registration: Registration, name: str, *, attach_calendar: bool = False, **context
) -> PreparedEmail:
    template = f"seminars/emails/{name}"
    with translation.override(registration.language):
        attachments = [calendar.ics_attachment(registration)] if attach_calendar else None
        rendered = mail.render_email(
            template,
            {
                "registration": registration,
                "seminar": registration.seminar,
                "manage_url": settings.SITE_URL + links.manage_path(registration),
                **context,
            },
            language=registration.language,
        )
    return PreparedEmail(template, rendered, attachments, registration.status)


def store(registration: Registration, prepared: PreparedEmail) -> None:
    mail.store_emails([_outgoing(registration, prepared)])


def _outgoing(registration: Registration, prepared: PreparedEmail) -> mail.Outgoing:
    return mail.Outgoing(
        to=registration.email,
        template=prepared.template,
        rendered=prepared.rendered,
        language=registration.language,
        about=registration,
        attachments=prepared.attachments,
    )


def _queue(
    registrations: list[Registration], name: str, *, attach_calendar: bool = False, **context
) -> None:
    """Render ``name`` for each registration and store them all with one INSERT."""
    prepared = [
        _prepare(r, name, attach_calendar=attach_calendar, **context) for r in registrations
    ]
    mail.store_emails([_outgoing(r, p) for r, p in zip(registrations, prepared, strict=True)])


def prepare_status(registration: Registration) -> PreparedEmail:
    """The confirmation of a seat, or of a place on the waiting list (may be unsaved yet)."""
    if registration.status == RegistrationStatus.WAITING:
        return _prepare(registration, "waiting")
    return _prepare(registration, "confirmation", attach_calendar=True)


def queue_status(registration: Registration) -> None:
    store(registration, prepare_status(registration))


def queue_promoted(registration: Registration) -> None:
    _queue([registration], "promoted", attach_calendar=True)


def queue_cancelled(registration: Registration, *, by_office: bool) -> None:
    _queue([registration], "cancelled", by_office=by_office)


def queue_reminders(registrations: list[Registration]) -> None:
    _queue(registrations, "reminder", attach_calendar=True)


def queue_archive_notices(registrations: list[Registration]) -> None:
    _queue(registrations, "archive")


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
