"""Every calendar file the portal attaches is valid under RFC 5545 (issue 18): parsed with the
icalendar library and checked part by part, for the seminars and the dispatch visits, and each
event keeps its UID while its SEQUENCE rises with every change."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from icalendar import Calendar

from core import calendars
from dispatch import emails as dispatch_emails
from dispatch import services as dispatch_services
from dispatch.models import DispatchVisit
from dispatch.tests.factories import TOKYO, approved_application, make_expert
from seminars import services
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db


def assert_valid_ics(content: str, *, method: str):
    """The file's structure as RFC 5545 asks it; returns its one event."""
    raw = content.encode()
    # 3.1: every line ends with CRLF and is at most 75 octets long; a longer one is folded
    # (CRLF and a space) between characters, never inside one.
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    physical = raw[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    for line in physical:
        line.decode("utf-8")  # a fold inside a character would fail here

    calendar = Calendar.from_ical(content)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//")
    assert str(calendar["method"]) == method
    # 3.2.19: one VTIMEZONE for each TZID used, here Asia/Tokyo (+09:00, no daylight time)
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["tzid"]) for zone in zones] == ["Asia/Tokyo"]
    standard = zones[0].walk("STANDARD")
    assert len(standard) == 1 and not zones[0].walk("DAYLIGHT")
    assert standard[0]["tzoffsetto"].td == dt.timedelta(hours=9)
    assert standard[0].get("dtstart") is not None
    assert raw.index(b"BEGIN:VTIMEZONE") < raw.index(b"BEGIN:VEVENT")

    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) and "@" in str(event["uid"])
    assert isinstance(event["sequence"], int) and event["sequence"] >= 0
    assert event.decoded("dtstamp").utcoffset() == dt.timedelta(0)
    assert re.search(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", raw)  # UTC
    for name in ("dtstart", "dtend"):
        assert event[name].params["TZID"] == "Asia/Tokyo"
        assert re.search(rb"\r\n%s;TZID=Asia/Tokyo:\d{8}T\d{6}\r\n" % name.upper().encode(), raw)
    assert event.decoded("dtend") > event.decoded("dtstart")
    assert str(event["organizer"]).startswith("mailto:")
    assert str(event["status"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    return event


def calendar_files(mailoutbox):
    """(recipient, template-ish subject, content) of every .ics attached, in order."""
    found = []
    for message in mailoutbox:
        for filename, content, mimetype in message.attachments:
            assert filename.endswith(".ics") and mimetype == "text/calendar"
            found.append((message.to[0], message.subject, content))
    return found


def method_of(content: str) -> str:
    return str(Calendar.from_ical(content)["method"])


def test_every_seminar_calendar_file_is_valid_and_one_event_keeps_its_uid(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=2, title_en="A very long session title " * 4)
    staff = User.objects.create_user("kato", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = register(seminar, 1, language="en")  # confirmation
        second = register(seminar, 2)  # confirmation
        third = register(seminar, 3, waiting=True)  # no calendar for a place in the queue
        services.remind([first.pk], now=timezone.now())  # reminder
        services.update_seminar(  # the change: an updated event, one version up
            seminar,
            changes={
                "starts_at": seminar.starts_at + dt.timedelta(days=1),
                "ends_at": seminar.ends_at + dt.timedelta(days=1),
            },
            by=staff,
        )
        services.cancel_registration(second)  # the person cancels; the third moves up
        services.cancel_seminar(seminar, by=staff, reason="講師の急病のため")
    files = calendar_files(mailoutbox)
    # confirmation x2, reminder, change x2, own cancellation, promotion, session cancelled x2
    assert len(files) == 9
    by_person: dict[str, list] = {}
    for to, _subject, content in files:
        event = assert_valid_ics(content, method=method_of(content))
        by_person.setdefault(to, []).append((method_of(content), event))
    seminar.refresh_from_db()
    assert seminar.calendar_sequence == 2

    def history(registration):
        return [(method, event["sequence"]) for method, event in by_person[registration.email]]

    assert history(first) == [("PUBLISH", 0), ("PUBLISH", 0), ("PUBLISH", 1), ("CANCEL", 2)]
    assert history(second) == [("PUBLISH", 0), ("PUBLISH", 1), ("CANCEL", 2)]
    assert history(third) == [("PUBLISH", 1), ("CANCEL", 2)]
    for registration in (first, second, third):
        uids = {str(event["uid"]) for _method, event in by_person[registration.email]}
        assert uids == {calendars.uid(f"seminar-{seminar.pk}-{registration.reference}")}
    # The new time, in Tokyo time, in the updated files.
    _method, changed = by_person[first.email][2]
    assert str(changed["summary"]) == seminar.title_en  # folded in the file, whole when read
    assert changed.decoded("dtstart") == seminar.starts_at
    assert changed.decoded("dtstart").tzinfo.key == "Asia/Tokyo"


def test_every_visit_calendar_file_is_valid_and_its_cancellation_supersedes_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = User.objects.create_user("coordinator", is_staff=True)
    expert = make_expert()
    application = approved_application(staff, expert=expert, language="en")
    starts_at = dt.datetime(2026, 6, 2, 14, tzinfo=TOKYO)
    visit = DispatchVisit.objects.create(
        application=application,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        place="東京都新宿区西新宿2-8-1 東京都庁第一本庁舎 " * 3,
        expert=expert,
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_emails.queue_visit_confirmations(visit)
        dispatch_services.cancel_visit(visit, by=staff, reason="台風のため")
    files = calendar_files(mailoutbox)
    assert len(files) == 4  # the applicant and the expert, each invited then cancelled
    events = {}
    for to, _subject, content in files:
        event = assert_valid_ics(content, method=method_of(content))
        events.setdefault(to, []).append((method_of(content), event["sequence"], event))
    for to in (application.contact_email, expert.email):
        (invited, first, one), (cancelled, then, other) = events[to]
        assert (invited, cancelled) == ("PUBLISH", "CANCEL")
        assert then > first
        assert str(one["uid"]) == str(other["uid"]) == calendars.uid(f"dispatch-visit-{visit.pk}")
        assert one.decoded("dtstart") == starts_at
        assert str(one["location"]) == visit.place  # folded in the file, whole when read
