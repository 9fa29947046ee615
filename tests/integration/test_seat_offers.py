"""On PostgreSQL, waiting-list offers (issue 18) never oversell a session and are never made
twice: simultaneous expiry runs, cancellations and acceptances serialise on the session's lock.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from mail.models import OutboxEmail
from seminars import offers, services
from seminars.models import Registration, RegistrationStatus
from seminars.tests.factories import make_seminar, register

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_simultaneous_expiry_runs_pass_each_offer_on_once(postgres_url):
    seminar = make_seminar(capacity=3, offer_hours=24)
    seated = [register(seminar, i) for i in range(1, 4)]
    queue = [register(seminar, i, waiting=True) for i in range(4, 12)]
    for registration in seated:
        services.cancel_registration(registration)
    first_offers = queue[:3]
    later = Registration.objects.get(pk=first_offers[0].pk).offer_expires_at + dt.timedelta(
        seconds=1
    )
    results, errors = run_together(*[lambda: offers.expire_offers(now=later)] * 4)
    assert errors == []
    assert sorted(results) == [0, 0, 0, 3]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in queue] == [RegistrationStatus.CANCELLED] * 3 + [
        RegistrationStatus.OFFERED
    ] * 3 + [RegistrationStatus.WAITING] * 2
    for registration in queue[3:6]:  # one offer email each, not one per run
        templates = OutboxEmail.objects.about(registration).values_list("template", flat=True)
        assert list(templates).count("seminars/emails/offered") == 1
    for registration in first_offers:
        templates = OutboxEmail.objects.about(registration).values_list("template", flat=True)
        assert list(templates).count("seminars/emails/offer_lapsed") == 1


def test_accepting_declining_and_cancelling_at_once_never_oversell(postgres_url):
    seminar = make_seminar(capacity=2, offer_hours=24)
    seated = [register(seminar, i) for i in (1, 2)]
    queue = [register(seminar, i, waiting=True) for i in range(3, 10)]
    services.cancel_registration(seated[0])
    offered = Registration.objects.get(pk=queue[0].pk)
    assert offered.status == RegistrationStatus.OFFERED

    def accept(now=None):
        try:
            return offers.accept_offer(offered, now=now).status
        except ValidationError as refusal:
            return refusal.code

    results, errors = run_together(
        accept,
        lambda: accept(now=offered.offer_expires_at),
        lambda: services.cancel_registration(seated[1]).status,
        lambda: offers.expire_offers(now=timezone.now()),
        lambda: len(services.fill_free_seats(seminar)),
    )
    assert errors == []
    held = Registration.objects.filter(
        seminar=seminar, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
    )
    assert held.count() == seminar.capacity
    # The first to take the lock decided: accepted, or lapsed and passed on; never both.
    final = Registration.objects.get(pk=offered.pk).status
    assert final in (RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED)
    assert (RegistrationStatus.CONFIRMED in results) == (final == RegistrationStatus.CONFIRMED)
    assert ("offer_lapsed" in results) == (final == RegistrationStatus.CANCELLED)
