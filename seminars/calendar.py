"""The .ics file attached to seminar emails (RFC 5545, ``core.calendars``).

A registration's event keeps one UID in every email about it (the session and the person's
reference); its SEQUENCE is the session's ``calendar_sequence``, raised by the services on each
change of the date, the time or the link and on the session's cancellation. A person's own
cancellation is sent one above the session's current value: nothing is sent for that UID after
it (registering again gives a new reference, so a new event).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import calendars

from .models import Registration


def ics_attachment(registration: Registration, *, cancelled: bool = False) -> dict[str, str]:
    seminar = registration.seminar
    join = seminar.webinar_url or _("The Zoom Webinar link will be emailed before the session.")
    lines = [_("Online (Zoom Webinars)")]
    if not cancelled:
        lines += [join, _("Please do not record the seminar, by video or audio.")]
    lines.append(_("Reference: %(reference)s") % {"reference": registration.reference})
    sequence = seminar.calendar_sequence
    if cancelled and not seminar.cancelled_at:
        sequence += 1  # the person's own cancellation: above every version they were sent
    return calendars.event_file(
        part="seminars",
        filename=f"seminar-{seminar.number}.ics",
        uid=calendars.uid(f"seminar-{seminar.pk}-{registration.reference}"),
        sequence=sequence,
        starts_at=seminar.starts_at,
        ends_at=seminar.ends_at,
        summary=seminar.title,
        description="\n".join(lines),
        location=seminar.webinar_url or "Zoom Webinars",
        url=seminar.webinar_url,
        cancelled=cancelled,
    )
