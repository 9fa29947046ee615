"""The waiting list: a freed seat goes to the first person waiting, at once or as an offer.

A session's ``offer_hours`` says how (issue 18, as pretix's waiting-list vouchers do):

- ``0`` (the default): the first person waiting is moved up at once and emailed the
  confirmation with the calendar file.
- More than ``0``: the seat is *offered* (``RegistrationStatus.OFFERED``). It is held for the
  person, counted against the capacity like a seat (``SEAT_STATUSES``), and they are emailed a
  link to their registration page, where one button accepts it (``accept_offer``: a seat, the
  confirmation with the .ics, Zoom) and another declines it (``cancel_registration``: the seat is
  offered to the next person at once).

When the offer closes (``offer_deadline``): ``offer_hours`` after it is made, but never later
than ``OFFER_MARGIN`` before the session starts nor after the last day of registration, so
that the seat is settled before the session and the office's lists are final once registration
has closed. When less than ``SHORTEST_OFFER`` is left before that (registration has closed, or
the session is about to start), there is no time to answer an offer: the seat is given at once,
as with ``0``, rather than left empty.

An offer not accepted in time lapses: the registration is cancelled (like pretix's expired
voucher; the person may register again and join the end of the waiting list) and emailed that
the seat has passed on, and the seat is offered to the next person. The beat job
(``expire_offers``) does it, and so does opening the registration page after the deadline
(``expire_offer_if_lapsed``). Everything runs under the session's row lock: capacity stays
exact, a second or simultaneous run finds nothing left to do, and nobody is offered a seat twice.
A staff member's "move up" (``services.promote_registration``) confirms at once, an offered
person too.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import business_days

from . import emails, zoom_sync
from .models import Registration, RegistrationStatus, Seminar

# An offer closes at the latest this long before the session starts.
OFFER_MARGIN = dt.timedelta(hours=3)
# With less time than this to answer, the seat is given at once instead of offered.
SHORTEST_OFFER = dt.timedelta(hours=1)

# The change reasons of the history rows the offers write.
OFFER_LAPSED = gettext_noop("the seat offered was not accepted in time")
OFFER_ACCEPTED = gettext_noop("the person accepted the seat offered (personal link)")


def free_seats(seminar: Seminar) -> int:
    """Seats neither taken nor held by an offer."""
    return seminar.seats_left(seated=seminar.registrations.seated().count())


def offer_cutoff(seminar: Seminar) -> dt.datetime:
    """No offer of this session stays open past this moment: ``OFFER_MARGIN`` before the start,
    or the end of the last day of registration (Tokyo time), whichever comes first."""
    end_of_registration = business_days.start_of(
        seminar.application_closes_on + dt.timedelta(days=1)
    )
    return min(seminar.starts_at - OFFER_MARGIN, end_of_registration)


def offer_deadline(seminar: Seminar, *, now: dt.datetime) -> dt.datetime | None:
    """Until when a seat freed ``now`` is offered, or None when it is given at once (the
    session offers no time, or less than ``SHORTEST_OFFER`` is left before ``offer_cutoff``)."""
    if not seminar.offer_hours:
        return None
    deadline = min(now + dt.timedelta(hours=seminar.offer_hours), offer_cutoff(seminar))
    if deadline - now < SHORTEST_OFFER:
        return None
    return deadline


def has_lapsed(registration: Registration, *, now: dt.datetime) -> bool:
    """An offer past its deadline, or past the session's cutoff (the office may have moved the
    session earlier since the offer was made)."""
    return registration.status == RegistrationStatus.OFFERED and (
        now >= registration.offer_expires_at or now >= offer_cutoff(registration.seminar)
    )


@transaction.atomic
def fill_free_seats(seminar: Seminar, *, now: dt.datetime | None = None) -> list[Registration]:
    """Give each free seat to the next person on the waiting list, first come first served: at
    once, or as an offer (``offer_deadline``). Returns the people moved up or offered a seat."""
    now = now or timezone.now()
    locked = Seminar.objects.select_for_update().get(pk=seminar.pk)
    if locked.cancelled_at or now >= locked.starts_at:
        return []
    seats = free_seats(locked)
    if not seats:
        return []
    chosen = list(locked.registrations.waiting().select_for_update()[:seats])
    deadline = offer_deadline(locked, now=now)
    for registration in chosen:
        registration.seminar = locked
        if deadline is None:
            promote(registration, now=now)
        else:
            _offer(registration, until=deadline, now=now)
    return chosen


def promote(registration: Registration, *, now: dt.datetime | None = None) -> None:
    """A seat for a person waiting or offered one (the caller holds the locks)."""
    registration.status = RegistrationStatus.CONFIRMED
    registration.promoted_at = now or timezone.now()
    registration.save(update_fields=["status", "promoted_at"])
    zoom_sync.mark_to_add(registration)
    emails.queue_promoted(registration)


def _offer(registration: Registration, *, until: dt.datetime, now: dt.datetime) -> None:
    registration.status = RegistrationStatus.OFFERED
    registration.offered_at, registration.offer_expires_at = now, until
    registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
    emails.queue_offered(registration)


def accept_offer(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The person takes the seat offered to them: confirmed, emailed the confirmation with the
    calendar file, added to Zoom. Accepting twice is harmless. After the deadline the offer
    lapses (the seat passes on) and a ``ValidationError`` (code ``offer_lapsed``) says so."""
    now = now or timezone.now()
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=registration.seminar_id)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        locked.seminar = seminar
        if locked.status == RegistrationStatus.CONFIRMED and locked.offered_at:
            return locked  # accepted already (a double click)
        if locked.status == RegistrationStatus.OFFERED and not has_lapsed(locked, now=now):
            locked._change_reason = OFFER_ACCEPTED
            promote(locked, now=now)
            return locked
        if locked.status == RegistrationStatus.OFFERED:
            _expire_session(seminar, now=now)
        elif not locked.lapsed_offer:
            raise ValidationError(
                _("There is no seat offered to you to accept."), code="invalid_transition"
            )
    # (outside the transaction: the lapse and the offer to the next person are kept)
    raise ValidationError(
        _(
            "The time to accept this seat has passed, and it has been offered to the next "
            "person on the waiting list. You can register again if you wish."
        ),
        code="offer_lapsed",
    )


def expire_offer_if_lapsed(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """The registration page opened after the deadline: the offers of its session that have
    lapsed lapse now, without waiting for the job. True when this registration's did."""
    now = now or timezone.now()
    if not has_lapsed(registration, now=now):
        return False
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=registration.seminar_id)
        lapsed = _expire_session(seminar, now=now)
    return registration.pk in lapsed


def expire_offers(*, now: dt.datetime) -> int:
    """The beat job: every offer past its deadline lapses and its seat is offered to the next
    person; one transaction per session, under its lock. Returns how many lapsed; a second or
    simultaneous run finds nothing left to do."""
    sessions = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED)
        .filter(Q(offer_expires_at__lte=now) | Q(seminar__starts_at__lte=now + OFFER_MARGIN))
        .values_list("seminar_id", flat=True)
        .distinct()
        .order_by("seminar_id")
    )
    lapsed = 0
    for seminar_id in list(sessions):
        with transaction.atomic():
            seminar = Seminar.objects.select_for_update().get(pk=seminar_id)
            lapsed += len(_expire_session(seminar, now=now))
    return lapsed


def _expire_session(seminar: Seminar, *, now: dt.datetime) -> set[int]:
    """Under the session's lock: its lapsed offers are cancelled, each person emailed once, and
    the seats offered to the next people. Returns the ids of those that lapsed."""
    offered = list(
        seminar.registrations.filter(status=RegistrationStatus.OFFERED)
        .select_for_update()
        .order_by("offered_at", "pk")
    )
    lapsed = []
    for registration in offered:
        registration.seminar = seminar
        if not has_lapsed(registration, now=now):
            continue
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
        # When it actually closed (sooner than set, if the session was moved earlier).
        registration.offer_expires_at = min(registration.offer_expires_at, now)
        registration._change_reason = OFFER_LAPSED
        registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        lapsed.append(registration)
    if lapsed:
        emails.queue_offer_lapsed(lapsed)
        fill_free_seats(seminar, now=now)
    return {registration.pk for registration in lapsed}
