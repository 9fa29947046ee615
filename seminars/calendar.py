"""The .ics file attached to seminar emails (RFC 5545, built with the icalendar library)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Registration


def ics_attachment(registration: Registration) -> dict[str, str]:
    seminar = registration.seminar
    calendar = Calendar()
    calendar.add("prodid", "-//Tokyo Customer Harassment Consultation Portal//seminars//")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0]
    event.add("uid", f"seminar-{seminar.pk}-{registration.reference}@{domain}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", seminar.starts_at)
    event.add("dtend", seminar.ends_at)
    event.add("summary", seminar.title)
    join = seminar.webinar_url or _("The Zoom Webinar link will be emailed before the session.")
    event.add(
        "description",
        "\n".join(
            [
                _("Online (Zoom Webinars)"),
                join,
                _("Please do not record the seminar, by video or audio."),
                f"{_('Reference')}: {registration.reference}",
            ]
        ),
    )
    event.add("location", seminar.webinar_url or "Zoom Webinars")
    if seminar.webinar_url:
        event.add("url", seminar.webinar_url)
    calendar.add_component(event)
    return {
        "filename": f"seminar-{seminar.number}.ics",
        "content": calendar.to_ical().decode(),
        "mimetype": "text/calendar",
    }
