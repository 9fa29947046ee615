"""On PostgreSQL, a rush of simultaneous registrations never oversells a session."""

import threading

import pytest
from django.db import connection

from seminars import services
from seminars.models import Registration, RegistrationStatus
from seminars.tests.factories import make_seminar, person

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_simultaneous_registrations_fill_exactly_the_capacity(postgres_url):
    seminar = make_seminar(capacity=5)
    people = 24
    # Every third person sends the form twice at the same moment (a double click).
    attempts = [i for i in range(people)] + [i for i in range(people) if i % 3 == 0]
    barrier = threading.Barrier(len(attempts))
    refusals, errors = [], []

    def register(index):
        try:
            barrier.wait()
            services.register_for_seminar(
                seminar, person(index), language="ja", join_waiting_list=True
            )
        except services.RegistrationRefused as refusal:
            refusals.append(refusal.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert refusals == ["duplicate"] * (len(attempts) - people)
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 5
    assert statuses.count(RegistrationStatus.WAITING) == people - 5
    assert Registration.objects.values("email").distinct().count() == people
