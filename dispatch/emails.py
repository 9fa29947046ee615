"""One builder per dispatch email; each goes through the outbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

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
    """The visit as a calendar event; ``cancelled`` gives the same event as a cancellation."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tokyo Customer Harassment Consultation Portal//dispatch//")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    if cancelled:
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0]
    event.add("uid", f"dispatch-visit-{visit.pk}@{domain}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.ends_at)
    event.add("summary", _("Expert visit: %(org)s") % {"org": visit.application.organisation_name})
    event.add("location", visit.place)
    event.add(
        "description",
        f"{_('Reference')}: {visit.application.reference}\n{_('Expert')}: {visit.expert.name}",
    )
    calendar.add_component(event)
    return {
        "filename": f"visit-{visit.pk}.ics",
        "content": calendar.to_ical().decode(),
        "mimetype": "text/calendar",
    }
