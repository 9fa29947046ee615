"""One builder per seminar email; each goes through the outbox in the person's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from mail import outbox
from mail.models import OutboxEmail

from . import calendar, links
from .models import Registration, RegistrationStatus


def _render(
    registration: Registration,
    name: str,
    *,
    attach_calendar: bool = False,
    cancel_calendar: bool = False,
    **context,
) -> OutboxEmail:
    """A seminar email for one registration, rendered and not yet stored (the registration
    itself may be unsaved yet: the outbox resolves it when the email is stored).
    ``attach_calendar`` attaches the event's .ics, ``cancel_calendar`` the .ics that removes
    it from the person's calendar."""
    with translation.override(registration.language):
        attachments = None
        if attach_calendar or cancel_calendar:
            attachments = [calendar.ics_attachment(registration, cancelled=cancel_calendar)]
        return outbox.render_email(
            f"seminars/emails/{name}",
            {
                "registration": registration,
                "seminar": registration.seminar,
                "manage_url": settings.SITE_URL + links.manage_path(registration),
                **context,
            },
            to=registration.email,
            language=registration.language,
            about=registration,
            attachments=attachments,
        )


def store(email: OutboxEmail) -> None:
    outbox.store([email])


def _queue(
    registrations: list[Registration], name: str, *, attach_calendar: bool = False, **context
) -> None:
    """Render ``name`` for each registration and store them all with one INSERT."""
    outbox.store(
        [_render(r, name, attach_calendar=attach_calendar, **context) for r in registrations]
    )


def render_status(registration: Registration) -> OutboxEmail:
    """The confirmation of a seat, or of a place on the waiting list, or the seat offered
    (may be unsaved yet)."""
    if registration.status == RegistrationStatus.WAITING:
        return _render(registration, "waiting")
    if registration.status == RegistrationStatus.OFFERED:
        return _render(registration, "offered")
    return _render(registration, "confirmation", attach_calendar=True)


def queue_status(registration: Registration) -> None:
    store(render_status(registration))


def queue_promoted(registration: Registration) -> None:
    _queue([registration], "promoted", attach_calendar=True)


def queue_offered(registration: Registration) -> None:
    """A seat is offered: accept it on the registration page by ``offer_expires_at``."""
    _queue([registration], "offered")


def queue_offer_lapsed(registrations: list[Registration]) -> None:
    """The seat offered was not accepted in time and has passed on: one email each."""
    _queue(registrations, "offer_lapsed")


def queue_cancelled(registration: Registration, *, by_office: bool, had_seat: bool) -> None:
    """The cancellation of one registration; a seat's .ics is withdrawn (METHOD:CANCEL)."""
    _queue(
        [registration],
        "cancelled",
        cancel_calendar=had_seat,
        by_office=by_office,
        calendar_attached=had_seat,
    )


def queue_session_changed(
    registrations: list[Registration], *, date_changed: bool, link_changed: bool
) -> None:
    """The new date, time or link, one email each: a seat's comes with the updated .ics."""
    outbox.store(
        [
            _render(
                r,
                "session_changed",
                attach_calendar=r.status == RegistrationStatus.CONFIRMED,
                date_changed=date_changed,
                link_changed=link_changed,
            )
            for r in registrations
        ]
    )


def queue_session_cancelled(registrations: list[Registration], *, had_seat: set[int]) -> None:
    """The session is cancelled: one email each; those who had a seat (ids in ``had_seat``)
    get the .ics that removes the event from their calendar."""
    outbox.store(
        [
            _render(
                r,
                "session_cancelled",
                cancel_calendar=r.pk in had_seat,
                calendar_attached=r.pk in had_seat,
            )
            for r in registrations
        ]
    )


def queue_office_message(registrations: list[Registration], *, body: str) -> None:
    """A message the office typed, to each person once, under the fixed subject."""
    _queue(registrations, "office_message", body=body)


def queue_reminders(registrations: list[Registration]) -> None:
    _queue(registrations, "reminder", attach_calendar=True)


def queue_archive_notices(registrations: list[Registration]) -> None:
    _queue(registrations, "archive")


def queue_my_registrations(registrations: list[Registration]) -> None:
    first = registrations[0]
    with translation.override(first.language):
        outbox.queue_email(
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
