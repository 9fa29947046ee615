"""One builder per dispatch email; each goes through the outbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import calendars
from mail import outbox

from .models import DispatchApplication, DispatchVisit


def status_url(application: DispatchApplication) -> str:
    with translation.override(application.language):
        return settings.SITE_URL + reverse("dispatch:status", args=[application.token])


def _to_applicant(
    application: DispatchApplication, name: str, *, attachments=None, **context
) -> None:
    outbox.queue_email(
        to=application.contact_email,
        template=f"dispatch/emails/{name}",
        context={"application": application, "status_url": status_url(application), **context},
        language=application.language,
        about=application,
        attachments=attachments,
    )


def queue_acknowledgement(application: DispatchApplication) -> None:
    _to_applicant(application, "acknowledgement")


def queue_decision(application: DispatchApplication) -> None:
    _to_applicant(application, "decision")


INTERVIEW_LENGTH = dt.timedelta(hours=1)  # as the calendar shows it


def queue_interview(application: DispatchApplication) -> None:
    """The preliminary interview's date and time, with a calendar file; a new time is an
    update of the same calendar event."""
    with translation.override(application.language):
        ics = interview_ics(application)
    _to_applicant(application, "interview", attachments=[ics])


def interview_ics(application: DispatchApplication) -> dict[str, str]:
    # Each scheduling is a history row: the first is SEQUENCE 0, each new time one more.
    sequence = max(application.events.filter(action="interview_scheduled").count() - 1, 0)
    return calendars.event_file(
        part="dispatch",
        filename=f"interview-{application.reference}.ics",
        uid=calendars.uid(f"dispatch-interview-{application.pk}"),
        sequence=sequence,
        starts_at=application.interview_at,
        ends_at=application.interview_at + INTERVIEW_LENGTH,
        summary=_("Preliminary interview for expert dispatch"),
        description=_("Reference: %(reference)s") % {"reference": application.reference},
        location="",
    )


def queue_completion_notice(application: DispatchApplication) -> None:
    """The support has ended: thanks, what was done, and the short survey's link."""
    _to_applicant(application, "completed", survey_url=settings.DISPATCH_SURVEY_URL)


def queue_visit_reminders(visit: DispatchVisit) -> None:
    """The business day before the visit: the applicant and the expert, each once."""
    _to_both(visit, "visit_reminder")


def queue_visit_confirmations(visit: DispatchVisit) -> None:
    """The applicant (in their language) and the expert (in Japanese) each get one."""
    _to_both(visit, "visit")


def queue_visit_cancelled(visit: DispatchVisit) -> None:
    """Tell the applicant and the expert, with a calendar file that removes the event."""
    _to_both(visit, "visit_cancelled", cancelled=True)


def _to_both(visit: DispatchVisit, name: str, *, cancelled: bool = False) -> None:
    application = visit.application
    with translation.override(application.language):
        ics = visit_ics(visit, cancelled=cancelled)
    _to_applicant(application, name, visit=visit, attachments=[ics])
    with translation.override(settings.LANGUAGE_CODE):
        expert_ics = visit_ics(visit, cancelled=cancelled)
    outbox.queue_email(
        to=visit.expert.email,
        template=f"dispatch/emails/{name}_expert",
        context={"application": application, "visit": visit},
        language=settings.LANGUAGE_CODE,
        about=application,
        attachments=[expert_ics],
    )


def queue_deadline_alert(
    application: DispatchApplication, *, deadline: str, stage: str, due_on: dt.date, to: str
) -> None:
    outbox.queue_email(
        to=to,
        template="dispatch/emails/deadline_alert",
        context={
            "application": application,
            "deadline": deadline,
            "stage": stage,
            "due_on": due_on,
        },
        language=settings.LANGUAGE_CODE,
        about=application,
    )


def visit_ics(visit: DispatchVisit, *, cancelled: bool = False) -> dict[str, str]:
    """The visit as a calendar event (``core.calendars``); ``cancelled`` gives the same event
    (same UID) as a cancellation. The SEQUENCE is the visit's ``calendar_sequence``, raised by
    the services that change or cancel the visit."""
    application = visit.application
    return calendars.event_file(
        part="dispatch",
        filename=f"visit-{visit.pk}.ics",
        uid=calendars.uid(f"dispatch-visit-{visit.pk}"),
        sequence=visit.calendar_sequence,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        summary=_("Expert visit: %(org)s") % {"org": application.organisation_name},
        description="\n".join(
            [
                _("Reference: %(reference)s") % {"reference": application.reference},
                _("Expert: %(expert)s") % {"expert": visit.expert.name},
            ]
        ),
        location=visit.place,
        cancelled=cancelled,
    )


def queue_information_request(application: DispatchApplication) -> None:
    """What the office asks, and the status link where the applicant answers."""
    _to_applicant(application, "information_request")


def queue_information_received(
    application: DispatchApplication, *, answered: bool, documents: int
) -> None:
    """Tell the coordinators that the applicant answered or added documents (no personal data:
    the reference, and a link to the application in the admin)."""
    outbox.queue_email(
        to=settings.DISPATCH_COORDINATORS_EMAIL,
        template="dispatch/emails/information_received",
        context={"application": application, "answered": answered, "documents": documents},
        language=settings.LANGUAGE_CODE,
        about=application,
    )
