"""On PostgreSQL, simultaneous submits of the same form create one consultation."""

import threading
import uuid

import pytest
from django.db import connection

from consultations import services
from consultations.models import Consultation
from consultations.tests.factories import submitted_data
from mail.models import OutboxEmail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_simultaneous_submits_of_one_form_create_one_consultation(postgres_url):
    key = uuid.uuid4()
    barrier = threading.Barrier(8)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            consultation, created = services.submit_consultation(
                submitted_data(), submission_key=key, language="ja"
            )
            results.append((consultation.pk, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len({pk for pk, _created in results}) == 1
    assert sum(created for _pk, created in results) == 1
    assert Consultation.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
