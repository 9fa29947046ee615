"""Calendar files (RFC 5545) attached to emails: one event each, in Tokyo time.

Each file carries a VTIMEZONE for Asia/Tokyo (RFC 5545 3.2.19: every TZID used needs one),
the event's times with ``TZID=Asia/Tokyo``, a UID that the caller keeps for the life of the
event and a SEQUENCE that the caller raises on each change, so that a calendar updates or
removes the entry it already holds instead of adding another. An invitation or an update is
``METHOD:PUBLISH``; a cancellation is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``. The icalendar
library writes CRLF line endings and folds lines at 75 octets.
"""

from __future__ import annotations

import datetime as dt
import functools
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

TOKYO = ZoneInfo("Asia/Tokyo")
PRODUCT = "-//Tokyo Customer Harassment Consultation Portal//{part}//JA"


@functools.cache
def _tokyo_vtimezone() -> bytes:
    # Japan has kept one offset since 1951: a single STANDARD sub-component from 2000 on.
    return Timezone.from_tzid(
        "Asia/Tokyo", first_date=dt.date(2000, 1, 1), last_date=dt.date(2100, 1, 1)
    ).to_ical()


def uid(name: str) -> str:
    """A globally unique UID for ``name`` (such as ``seminar-3-S-ABCD2345``): the site's host."""
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"{name}@{host}"


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or settings.OFFICE_EMAIL}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def event_file(
    *,
    part: str,
    filename: str,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    description: str,
    location: str,
    url: str = "",
    cancelled: bool = False,
) -> dict[str, str]:
    """One event as an email attachment (``{"filename", "content", "mimetype"}``)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT.format(part=part))
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(Timezone.from_ical(_tokyo_vtimezone()))
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", starts_at.astimezone(TOKYO))
    event.add("dtend", ends_at.astimezone(TOKYO))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return {
        "filename": filename,
        "content": calendar.to_ical().decode(),
        "mimetype": "text/calendar",
    }
