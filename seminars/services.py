"""Every write to seminars and registrations: capacity, waiting list, emails, reminders."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import business_days
from core.fields import encrypt_ahead
from core.public import ratelimit
from core.references import new_reference

from . import emails, offers, zoom_sync
from .models import (
    ACTIVE_STATUSES,
    Audience,
    Registration,
    RegistrationStatus,
    Seminar,
    ZoomState,
)
from .offers import free_seats  # (seats held by an offer are not free)

SUBMITTED_FIELDS = (
    "name",
    "name_kana",
    "email",
    "organisation",
    "department",
    "attendee_type",
    "industry",
    "location",
    "phone",
    "company_size",
    "question",
)


class RegistrationRefused(ValidationError):
    """Raised with a code the view turns into a message: not_open, closed, full, duplicate."""

    def __init__(self, message: str, code: str, existing: Registration | None = None):
        super().__init__(message, code=code)
        self.existing = existing


def normalize_email(address: str) -> str:
    return address.strip().lower()


@transaction.atomic
def register_for_seminar(
    seminar: Seminar,
    data: dict[str, Any],
    *,
    language: str,
    join_waiting_list: bool = False,
    now: dt.datetime | None = None,
) -> Registration:
    """Give the person a seat, or a place on the waiting list when they asked for one.

    The seminar row is locked for the count, so simultaneous registrations never take more
    seats than the capacity. The confirmation is written before the lock, for the status an
    unlocked count predicts, so that in a rush each registration holds the lock only for the
    count and the inserts; when the locked count decides otherwise (the last seats), it is
    written again.
    """
    now = now or timezone.now()
    fields = {name: data.get(name, "") for name in SUBMITTED_FIELDS}
    fields["email"] = normalize_email(fields["email"])
    registration = Registration(
        seminar=seminar,
        reference=new_reference("S"),
        token=secrets.token_urlsafe(32),
        language=language,
        registered_at=now,
        consented_at=now,
        **fields,
    )
    seen = _as_shown(seminar)
    # A prediction only (the locked count decides): the count the page was read with, if any.
    seated = getattr(seminar, "seated", None)
    predicted = seminar.seats_left(seated=seated) if seated is not None else free_seats(seminar)
    registration.status = RegistrationStatus.CONFIRMED if predicted else RegistrationStatus.WAITING
    written_for = registration.status
    email = emails.render_status(registration)
    # The session's lock is held until commit: what can be done before it is done here.
    encrypt_ahead(registration)
    encrypt_ahead(email)

    locked = Seminar.objects.select_for_update().get(pk=seminar.pk)
    today = timezone.localdate(now)
    if locked.cancelled_at:
        raise RegistrationRefused(_("This session has been cancelled."), "cancelled")
    if not locked.published or today < locked.application_opens_on:
        raise RegistrationRefused(
            _("Registration for this session has not opened yet."), "not_open"
        )
    if today > locked.application_closes_on or now >= locked.starts_at:
        raise RegistrationRefused(_("Registration for this session has closed."), "closed")
    if free_seats(locked):
        status = RegistrationStatus.CONFIRMED
    elif join_waiting_list:
        status = RegistrationStatus.WAITING
    else:
        _refuse_if_registered(locked, fields["email"])  # said first, as on the other paths
        raise RegistrationRefused(_("This session is full."), "full")
    reference = registration.reference
    registration.seminar, registration.status = locked, status
    zoom_sync.prepare(registration)  # (written with the insert: no query under the lock)
    _create(registration)
    zoom_sync.queue_after_commit(registration)
    if (
        status != written_for
        or registration.reference != reference
        or _as_shown(locked) != seen  # the office changed the session meanwhile
    ):
        email = emails.render_status(registration)
    emails.store(email)
    return registration


def _as_shown(seminar: Seminar) -> tuple:
    """Everything about the session an email may show."""
    return tuple(getattr(seminar, field.attname) for field in Seminar._meta.concrete_fields)


def _create(registration: Registration) -> None:
    """Insert the registration; a reference already taken is replaced by a new one.

    An address already registered for the session is refused by its unique index: looking
    for it first cost every registration a query under the session's lock.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                registration.save(force_insert=True)
                return
        except IntegrityError:
            _refuse_if_registered(registration.seminar, registration.email)
            registration.pk, registration.reference = None, new_reference("S")
    raise RuntimeError("could not allocate a registration reference")


def _refuse_if_registered(seminar: Seminar, email: str) -> None:
    existing = seminar.registrations.active().with_email(email).first()
    if existing:
        raise RegistrationRefused(
            _("This email address is already registered for this session."),
            "duplicate",
            existing=existing,
        )


def resend_status_email(registration: Registration) -> None:
    """Send the person's current confirmation (seat or waiting list) again."""
    if registration.status in ACTIVE_STATUSES:
        emails.queue_status(registration)


RESENDS_PER_HOUR = 3  # to one address, asked for by the public (staff resend as they need)


def resend_status_email_to_person(registration: Registration) -> bool:
    """``resend_status_email`` asked for through a public page (the personal link, or the form
    sent again): at most ``RESENDS_PER_HOUR``, so that nobody can flood an inbox. True when
    it was sent."""
    if not ratelimit.hit(
        "seminar-resend", registration.email, limit=RESENDS_PER_HOUR, window=ratelimit.HOUR
    ):
        return False
    resend_status_email(registration)
    return True


def changeable_by_person(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """Whether the personal link may still resend, cancel, or accept or decline a seat offered:
    a seat, a seat offered or a place in the queue, until the session starts (after that, only
    the office changes it)."""
    return (
        registration.status
        in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.OFFERED)
        and (now or timezone.now()) < registration.seminar.starts_at
    )


# The change reason of a history row written by the person through their personal link.
# History change reasons: stored as these English msgids, shown translated in the admin.
BY_THE_PERSON = gettext_noop("by the person (personal link)")


@transaction.atomic
def cancel_registration(
    registration: Registration, *, by: AbstractBaseUser | None = None
) -> Registration:
    """Cancel (the person, or the office with ``by``); a freed seat goes to the waiting list.
    A seat offered and declined is offered to the next person at once."""
    seminar = Seminar.objects.select_for_update().get(pk=registration.seminar_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        return locked
    if locked.status == RegistrationStatus.ATTENDED:
        raise ValidationError(
            _("An attended registration cannot be cancelled."), code="invalid_transition"
        )
    if by is None and not changeable_by_person(locked):
        raise ValidationError(
            _(
                "This registration can no longer be changed here. "
                "Please write to the administrative office."
            ),
            code="too_late",
        )
    had_seat = locked.status == RegistrationStatus.CONFIRMED
    locked.status = RegistrationStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    if by is None:  # the history names who acted: here no staff member, the person
        locked._change_reason = BY_THE_PERSON
    locked.save(update_fields=["status", "cancelled_at"])
    zoom_sync.mark_to_remove(locked)
    emails.queue_cancelled(locked, by_office=by is not None, had_seat=had_seat)
    fill_free_seats(seminar)
    return locked


def fill_free_seats(seminar: Seminar) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while seats are free: at
    once, or by an offer the person accepts in time (``offers.fill_free_seats``)."""
    return offers.fill_free_seats(seminar)


@transaction.atomic
def promote_registration(registration: Registration, *, by: AbstractBaseUser) -> Registration:
    """The office moves one person up from the waiting list (only into a free seat), or
    confirms the seat offered to them: a seat at once, whatever the session's offer time."""
    seminar = Seminar.objects.select_for_update().get(pk=registration.seminar_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.seminar = seminar
    if locked.status not in (RegistrationStatus.WAITING, RegistrationStatus.OFFERED):
        raise ValidationError(
            _("Only a person on the waiting list can be moved up."), code="invalid_transition"
        )
    if locked.status == RegistrationStatus.WAITING and not free_seats(seminar):
        raise ValidationError(_("There is no free seat. Raise the capacity first."), code="full")
    offers.promote(locked)
    return locked


@transaction.atomic
def mark_attended(
    registration: Registration, *, by: AbstractBaseUser, now: dt.datetime | None = None
) -> Registration:
    """Only once the session has ended (before, the person may still cancel, and the
    reminder is still to come)."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == RegistrationStatus.ATTENDED:
        return locked
    if locked.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            _("Only a registered person can be marked as attended."), code="invalid_transition"
        )
    if not locked.seminar.has_ended(now=now):
        raise ValidationError(
            _("Attendance can be marked only once the session has ended."), code="too_early"
        )
    locked.status = RegistrationStatus.ATTENDED
    locked.save(update_fields=["status"])
    return locked


def check_archive_can_be_published(seminar: Seminar, *, now: dt.datetime | None = None) -> None:
    """An archive only of a session that took place and has ended (the admin's form asks
    this too, so that the refusal shows beside the field)."""
    if seminar.cancelled_at:
        raise ValidationError(
            _("The session was cancelled: there is no archive to publish."), code="cancelled"
        )
    if not seminar.has_ended(now=now):
        raise ValidationError(
            _("The archive can be published only once the session has ended."), code="too_early"
        )


@transaction.atomic
def publish_archive(
    seminar: Seminar,
    *,
    url: str,
    by: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Publish the archive video and tell every registrant once; return how many were told."""
    locked = Seminar.objects.select_for_update().get(pk=seminar.pk)
    check_archive_can_be_published(locked, now=now)
    locked.archive_url = url
    if not locked.archive_published_at:
        locked.archive_published_at = timezone.now()
    locked.save(update_fields=["archive_url", "archive_published_at"])
    return send_archive_notices(locked)


def send_archive_notices(seminar: Seminar) -> int:
    pending = list(
        seminar.registrations.active().filter(archive_notified_at__isnull=True).select_for_update()
    )
    emails.queue_archive_notices(pending)
    Registration.objects.filter(pk__in=[r.pk for r in pending]).update(
        archive_notified_at=timezone.now()
    )
    return len(pending)


# What the calendar file and the emails say of when and where: a change of any of them is a
# new version of every registrant's event.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "webinar_url")
# Kept by the services alone: the office cannot set them through ``update_seminar``.
SERVICE_FIELDS = frozenset(
    {"cancelled_at", "cancellation_reason", "calendar_sequence", "archive_published_at"}
)


@dataclass(frozen=True)
class SeminarUpdate:
    """What ``update_seminar`` did, for the admin to report."""

    told_of_change: int = 0
    moved_up: int = 0
    told_of_archive: int = 0


@transaction.atomic
def check_webinar_can_change(seminar: Seminar) -> None:
    """A session's Zoom webinar is not changed once people are in it (or on their way): their
    join links lead to the webinar they were added to."""
    in_zoom = seminar.registrations.exclude(zoom_state__in=[ZoomState.NONE, ZoomState.FAILED])
    if seminar.pk and in_zoom.exists():
        raise ValidationError(
            {
                "zoom_webinar_id": _(
                    "Registrants have already been added to this webinar, and their join "
                    "links lead to it. Keep the webinar ID, or create a new session."
                )
            },
            code="webinar_in_use",
        )


def update_seminar(
    seminar: Seminar,
    *,
    changes: dict[str, Any],
    by: AbstractBaseUser | None,
    now: dt.datetime | None = None,
) -> SeminarUpdate:
    """Save the office's edits to a session and tell the people they concern.

    A new date, time or webinar link of a session that has not ended raises the calendar
    sequence and emails every active registrant once, in their language: a person with a seat
    gets the updated .ics; a person waiting hears of a new date or time (the link is only for
    seats). After a new start, reminders already sent go again before the new date. More seats
    move people up from the waiting list; an archive link publishes the archive (only once the
    session has ended). A cancelled session is not changed any more.
    """
    if not changes:
        return SeminarUpdate()
    now = now or timezone.now()
    if SERVICE_FIELDS & changes.keys():
        raise ValueError(f"not changed through update_seminar: {SERVICE_FIELDS & changes.keys()}")
    locked = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if locked.cancelled_at:
        raise ValidationError(_("A cancelled session cannot be changed."), code="cancelled")
    before = {name: getattr(locked, name) for name in SCHEDULE_FIELDS}
    had_ended = locked.has_ended(now=now)
    for name, value in changes.items():
        setattr(locked, name, value)
    changed = {name for name in SCHEDULE_FIELDS if getattr(locked, name) != before[name]}
    if "zoom_webinar_id" in changes:
        check_webinar_can_change(locked)
    if changes.get("archive_url"):
        check_archive_can_be_published(locked, now=now)
    locked.full_clean()
    notify = bool(changed) and not had_ended  # a held session's record is only corrected
    if notify:
        locked.calendar_sequence += 1
    locked.save()

    told = 0
    if notify:
        date_changed = bool(changed & {"starts_at", "ends_at"})
        statuses = [RegistrationStatus.CONFIRMED]
        if date_changed:
            statuses += [RegistrationStatus.WAITING, RegistrationStatus.OFFERED]
        people = list(
            locked.registrations.filter(status__in=statuses)
            .select_for_update()
            .order_by("registered_at", "pk")
        )
        for person in people:
            person.seminar = locked
        if "starts_at" in changed:  # reminded of the old date: reminded again before the new
            Registration.objects.filter(pk__in=[p.pk for p in people]).update(reminded_at=None)
        emails.queue_session_changed(
            people, date_changed=date_changed, link_changed="webinar_url" in changed
        )
        told = len(people)
    moved = fill_free_seats(locked) if "capacity" in changes else []
    archived = 0
    if changes.get("archive_url"):
        archived = publish_archive(locked, url=locked.archive_url, by=by, now=now)
    return SeminarUpdate(told_of_change=told, moved_up=len(moved), told_of_archive=archived)


# The change reason of the history row of each registration a cancelled session cancels.
SESSION_CANCELLED = gettext_noop("the session was cancelled")


@transaction.atomic
def cancel_seminar(
    seminar: Seminar, *, by: AbstractBaseUser, reason: str, now: dt.datetime | None = None
) -> int:
    """Cancel a session that has not started: every seat and every place on the waiting list
    is cancelled (a history row each) and each person is told once, with the .ics that
    removes the event for those who had a seat. Registration is closed for good. Returns how
    many people were told; a second call does nothing."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Please say why the session is cancelled: the registrants are told."),
            code="required",
        )
    locked = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if locked.cancelled_at:
        return 0
    if now >= locked.starts_at:
        raise ValidationError(
            _("A session that has started cannot be cancelled."), code="invalid_transition"
        )
    locked.cancelled_at, locked.cancellation_reason = now, reason
    locked.calendar_sequence += 1
    locked.save(update_fields=["cancelled_at", "cancellation_reason", "calendar_sequence"])
    people = list(
        locked.registrations.filter(
            status__in=[
                RegistrationStatus.CONFIRMED,
                RegistrationStatus.WAITING,
                RegistrationStatus.OFFERED,
            ]
        )
        .select_for_update()
        .order_by("registered_at", "pk")
    )
    had_seat = {p.pk for p in people if p.status == RegistrationStatus.CONFIRMED}
    for person in people:
        person.seminar = locked
        person.status, person.cancelled_at = RegistrationStatus.CANCELLED, now
        person._history_user, person._change_reason = by, SESSION_CANCELLED
        person.save(update_fields=["status", "cancelled_at"])
        zoom_sync.mark_to_remove(person)
    emails.queue_session_cancelled(people, had_seat=had_seat)
    return len(people)


MESSAGE_AUDIENCES = {
    # (a seat offered is not yet the person's: they are told with the waiting list)
    Audience.REGISTERED: (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED),
    Audience.WAITING: (RegistrationStatus.WAITING, RegistrationStatus.OFFERED),
}


@transaction.atomic
def send_office_message(seminar: Seminar, *, audience: str, body: str, by: AbstractBaseUser) -> int:
    """Email the office's message to everyone with a seat, or everyone waiting, once each,
    under the fixed subject (no personal data in it). Returns how many were written to."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Please write the message."), code="required")
    if audience not in MESSAGE_AUDIENCES:
        raise ValidationError(_("Please choose who receives the message."), code="invalid")
    people = list(
        seminar.registrations.filter(status__in=MESSAGE_AUDIENCES[audience])
        .select_related("seminar")
        .order_by("registered_at", "pk")
    )
    emails.queue_office_message(people, body=body)
    return len(people)


REMINDER_BATCH = 100


def reminder_batches(*, today: dt.date) -> tuple[list[list[int]], dt.datetime]:
    """On a business day, the people with a seat at a session before the next one, in batches
    of ids, and the start of the job's window (what ``remind`` takes as ``now`` when a batch
    is run by the job itself, because the broker is down: it runs for ``today``, not for the
    clock). Each batch checks again under row locks (``remind``): a second or simultaneous run
    reminds nobody twice."""
    start = business_days.start_of(today + dt.timedelta(days=1))
    if not business_days.is_business_day(today):
        return [], start
    until = business_days.next_business_day(today)
    end = business_days.start_of(until + dt.timedelta(days=1))
    due = list(
        _remindable()
        .filter(seminar__starts_at__gte=start, seminar__starts_at__lt=end)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [
        due[first : first + REMINDER_BATCH] for first in range(0, len(due), REMINDER_BATCH)
    ], start


def _remindable():
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True, seminar__published=True
    )


@transaction.atomic
def remind(registration_ids: list[int], *, now: dt.datetime) -> int:
    """Queue the reminder of each registration still waiting for one; return how many.

    A row another transaction holds (a cancellation, a second run) is waited for, not
    skipped: the condition is checked again once it is free, so nobody is reminded twice and
    nobody is left out. A batch run at ``now`` after its session has started (a retry that
    came too late) reminds nobody.
    """
    due = list(
        _remindable()
        .filter(pk__in=registration_ids, seminar__starts_at__gt=now)
        .select_related("seminar")
        .select_for_update(of=("self",))
    )
    emails.queue_reminders(due)
    Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=timezone.now())
    return len(due)


def send_my_registrations(email: str) -> int:
    """Email an address the links to its registrations; the caller says the same either way."""
    registrations = list(
        Registration.objects.active()
        .with_email(email)
        .filter(seminar__ends_at__gte=timezone.now() - dt.timedelta(days=90))
        .select_related("seminar")
        .order_by("seminar__starts_at")
    )
    if registrations:
        with transaction.atomic():
            emails.queue_my_registrations(registrations)
    return len(registrations)
