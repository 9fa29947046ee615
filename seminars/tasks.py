"""Thin Celery tasks for seminars."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core import encryption
from mail import tasks as mail_tasks

from . import offers, services, zoom, zoom_sync


@shared_task(name="seminars.tasks.send_reminders")
def send_reminders() -> int:
    return queue_reminders(today=timezone.localdate())


def queue_reminders(*, today: dt.date) -> int:
    """Hand the reminders due ``today`` to ``send_reminder_batch`` tasks, one per batch; with the
    broker down, do a batch here and now, so that nobody is missed. Returns how many are due."""
    batches, window_start = services.reminder_batches(today=today)
    for batch in batches:
        try:
            send_reminder_batch.delay(batch)
        except Exception:  # the broker is down
            services.remind(batch, now=window_start)
    return sum(map(len, batches))


# A batch that fails (the database restarting) is tried again; the job also runs twice a day.
@shared_task(
    name="seminars.tasks.send_reminder_batch",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
)
def send_reminder_batch(registration_ids: list[int]) -> int:
    return services.remind(registration_ids, now=timezone.now())  # when the batch runs


@shared_task(name="seminars.tasks.send_my_registrations")
def send_my_registrations(encrypted_email: str) -> int:
    return services.send_my_registrations(encryption.decrypt(encrypted_email))


def queue_my_registrations(email: str) -> None:
    """ "Send me my links", done by a worker, so that the page answers in the same time whether
    or not the address is registered (the look-up and the email are the difference). The
    broker carries the address encrypted. With the broker down, it is done here and now: an
    outage may tell, but never loses the request."""
    if not mail_tasks.BREAKER.is_open():
        try:
            send_my_registrations.delay(encryption.encrypt(email))
        except Exception as exc:  # the broker is down or hangs
            mail_tasks.BREAKER.trip(exc)
        else:
            return
    services.send_my_registrations(email)


@shared_task(bind=True, name=zoom_sync.TASK, max_retries=10)
def sync_zoom_registrant(self, registration_id: int) -> str:
    """Add a person to, or remove them from, the session's Zoom webinar. A 429 waits what
    Zoom's ``Retry-After`` says; a 5xx or no answer waits longer each time (30 s, 1 min, …
    at most nine minutes); after the last try the mark stays for the beat job. The exception
    kept with a retry carries Zoom's status only, never its message."""
    try:
        return zoom_sync.sync(registration_id)
    except zoom.RateLimited as error:
        raise self.retry(countdown=error.retry_after, exc=zoom.RateLimited(429)) from None
    except zoom.Unavailable as error:
        wait = settings.ZOOM_RETRY_BASE_SECONDS * 2**self.request.retries
        # At most the sweep's period: each try claims the mark again, so that the sweep does
        # not start a second chain while this one is alive.
        limit = zoom_sync.REQUEUE_AFTER.total_seconds() - 60
        raise self.retry(countdown=min(wait, limit), exc=zoom.Unavailable(error.status)) from None


@shared_task(name="seminars.tasks.queue_unsynced_zoom_registrants")
def queue_unsynced_zoom_registrants() -> int:
    return zoom_sync.queue_unsynced()


@shared_task(name="seminars.tasks.expire_seat_offers")
def expire_seat_offers() -> int:
    """Seats offered from the waiting list and not accepted in time pass to the next person."""
    return offers.expire_offers(now=timezone.now())
