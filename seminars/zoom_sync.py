"""Keeping each session's Zoom webinar registrants in step with the portal's registrations.

A registration that gets a seat is marked ``to_add``; one cancelled after it was added is
marked ``to_remove``. The mark is written in the service's own transaction, and once that
commits a task (``seminars.tasks.sync_zoom_registrant``) makes the call. The mark is the
record: with the broker down, the beat job (``queue_unsynced``) queues again every mark older
than ``REQUEUE_AFTER``, so a Zoom or broker outage delays the change but never loses it.

No lock is held while Zoom is called: the answer is written afterwards under a row lock, and
if the registration was cancelled in between, the person just added is marked for removal.
With Zoom off (``zoom.client()`` is None) or a session without a webinar ID, nothing is marked
and nothing calls out.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import zoom
from .models import Registration, RegistrationStatus, ZoomState

logger = logging.getLogger(__name__)

TASK = "seminars.tasks.sync_zoom_registrant"
REQUEUE_AFTER = dt.timedelta(minutes=10)
# A registration that holds a seat stays in the webinar.
SEATED = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)


def _enabled_for(registration: Registration) -> bool:
    return bool(registration.seminar.zoom_webinar_id) and zoom.client() is not None


def prepare(registration: Registration) -> None:
    """A registration about to be inserted with a seat: marked to add, in the same INSERT."""
    if registration.status == RegistrationStatus.CONFIRMED and _enabled_for(registration):
        registration.zoom_state, registration.zoom_queued_at = ZoomState.TO_ADD, timezone.now()


def queue_after_commit(registration: Registration) -> None:
    if registration.zoom_state == ZoomState.TO_ADD:
        pk = registration.pk
        transaction.on_commit(lambda: enqueue(pk))


def mark_to_add(registration: Registration) -> None:
    """The registration has a seat: add the person to the webinar (once committed)."""
    if registration.zoom_state in (ZoomState.ADDED, ZoomState.TO_ADD):
        return
    if not _enabled_for(registration):
        return
    if registration.zoom_state == ZoomState.TO_REMOVE:  # back before the removal ran
        back = ZoomState.ADDED if registration.zoom_registrant_id else ZoomState.TO_ADD
        _mark(registration, back)
        return
    _mark(registration, ZoomState.TO_ADD)


def mark_to_remove(registration: Registration) -> None:
    """The registration lost its seat (cancelled): take the person out of the webinar."""
    if registration.zoom_state == ZoomState.TO_ADD:
        _mark(registration, ZoomState.NONE, queue=False)  # the add task will find nothing to do
    elif registration.zoom_state == ZoomState.ADDED:
        _mark(registration, ZoomState.TO_REMOVE)


def _mark(registration: Registration, state: str, *, queue: bool = True) -> None:
    # An UPDATE, not save(): Zoom's bookkeeping is not a change of the registration that its
    # history should show.
    registration.zoom_state, registration.zoom_queued_at = state, timezone.now()
    Registration.objects.filter(pk=registration.pk).update(
        zoom_state=state, zoom_queued_at=registration.zoom_queued_at
    )
    if queue:
        pk = registration.pk
        transaction.on_commit(lambda: enqueue(pk))


@transaction.atomic
def retry(registration: Registration) -> None:
    """Staff try again a registration Zoom refused (or that never got in)."""
    locked = (
        Registration.objects.select_for_update().select_related("seminar").get(pk=registration.pk)
    )
    if locked.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            _("Only a registration with a seat is added to the webinar."), code="invalid"
        )
    if not _enabled_for(locked):
        raise ValidationError(
            _("Zoom is not connected, or the session has no webinar ID."), code="zoom_off"
        )
    if locked.zoom_state == ZoomState.FAILED:
        locked.zoom_state = ZoomState.NONE
    mark_to_add(locked)


def enqueue(registration_id: int) -> bool:
    """Queue the call; a broker that is down leaves the mark to ``queue_unsynced``."""
    try:
        current_app.tasks[TASK].delay(registration_id)
    except Exception as exc:  # the broker is down or hangs: the sweep will queue it
        logger.warning("zoom sync of registration %s not queued (%s)", registration_id, exc)
        return False
    return True


def queue_unsynced(*, now: dt.datetime | None = None) -> int:
    """The beat job: queue again the marks that have waited longer than ``REQUEUE_AFTER``."""
    now = now or timezone.now()
    with transaction.atomic():
        waiting = list(
            Registration.objects.select_for_update(skip_locked=True)
            .filter(
                zoom_state__in=(ZoomState.TO_ADD, ZoomState.TO_REMOVE),
                zoom_queued_at__lt=now - REQUEUE_AFTER,
            )
            .values_list("pk", flat=True)[:500]
        )
        Registration.objects.filter(pk__in=waiting).update(zoom_queued_at=now)
    for pk in waiting:
        enqueue(pk)
    return len(waiting)


def sync(registration_id: int) -> str:
    """Make Zoom match the registration's mark; returns what was done. Raises
    ``zoom.RateLimited`` or ``zoom.Unavailable`` for the task to try again later."""
    registration = Registration.objects.select_related("seminar").filter(pk=registration_id).first()
    client = zoom.client()
    if registration is None or client is None:
        return "nothing"
    webinar = registration.seminar.zoom_webinar_id
    if registration.zoom_state in (ZoomState.TO_ADD, ZoomState.TO_REMOVE):
        # Claimed: the sweep leaves a mark alone while its task is still trying.
        Registration.objects.filter(pk=registration_id).update(zoom_queued_at=timezone.now())
    if registration.zoom_state == ZoomState.TO_ADD:
        try:
            added = client.add_registrant(
                webinar,
                email=registration.email,
                name=registration.name,
                organisation=registration.organisation,
                job=registration.department,
            )
        except (zoom.RateLimited, zoom.Unavailable):
            raise
        except zoom.ZoomError as error:
            return _failed(registration_id, error)
        return _added(registration_id, added)
    if registration.zoom_state == ZoomState.TO_REMOVE:
        try:
            client.delete_registrant(webinar, registration.zoom_registrant_id)
        except (zoom.RateLimited, zoom.Unavailable):
            raise
        except zoom.ZoomError as error:
            return _failed(registration_id, error)
        return _removed(registration_id)
    return "nothing"


@transaction.atomic
def _added(registration_id: int, added: zoom.Registrant) -> str:
    locked = Registration.objects.select_for_update().get(pk=registration_id)
    ids = {"zoom_registrant_id": added.registrant_id, "zoom_join_url": added.join_url}
    if locked.status in SEATED:
        if locked.zoom_state != ZoomState.ADDED:
            _update(locked, **ids, zoom_state=ZoomState.ADDED)
        # (a second task for the same mark: Zoom answers with the same registrant)
        return "added"
    # Cancelled while Zoom was answering: the person just added comes out again.
    _update(locked, **ids)
    _mark(locked, ZoomState.TO_REMOVE)
    return "added, then to remove"


@transaction.atomic
def _removed(registration_id: int) -> str:
    locked = Registration.objects.select_for_update().get(pk=registration_id)
    if locked.zoom_state != ZoomState.TO_REMOVE:
        return "nothing"
    _update(locked, zoom_state=ZoomState.NONE, zoom_registrant_id="", zoom_join_url="")
    return "removed"


def _update(registration: Registration, **values) -> None:
    for name, value in values.items():
        setattr(registration, name, value)
    Registration.objects.filter(pk=registration.pk).update(**values)


def _failed(registration_id: int, error: zoom.ZoomError) -> str:
    """A lasting refusal (a wrong webinar ID, bad credentials): shown to staff on the
    registration; logged with ids and Zoom's code only. A mark another task has settled
    meanwhile stays as it is."""
    Registration.objects.filter(
        pk=registration_id, zoom_state__in=(ZoomState.TO_ADD, ZoomState.TO_REMOVE)
    ).update(zoom_state=ZoomState.FAILED)
    logger.warning(
        "zoom refused registration %s: %s (code %s)", registration_id, error.status, error.code
    )
    return "failed"
