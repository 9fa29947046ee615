"""Zoom Webinars on the real stack: a Celery worker process on Redis makes the calls to a
local Zoom (tests/zoom_fake.py), retries a 429 and a 5xx, and each person is added once."""

import pytest
from django.db import transaction

from seminars import services
from seminars.models import Registration, ZoomState
from seminars.tests.factories import make_seminar, register
from tests.zoom_fake import FakeZoom, running

from .conftest import publishing_to, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_adds_each_seat_once_through_faults_and_removes_a_cancellation(
    postgres_url, redis_server, worker, smtp_sink, settings
):
    with running(FakeZoom()) as zoom:
        zoom_env = {
            "ZOOM_ACCOUNT_ID": zoom.account_id,
            "ZOOM_CLIENT_ID": zoom.client_id,
            "ZOOM_CLIENT_SECRET": zoom.client_secret,
            "ZOOM_API_URL": zoom.api_url,
            "ZOOM_OAUTH_URL": zoom.oauth_url,
            "ZOOM_RETRY_BASE_SECONDS": "1",
        }
        for name, value in zoom_env.items():
            setattr(settings, name, value)
        redis_server.start()
        worker.start(
            broker_url=redis_server.url,
            database_url=postgres_url,
            email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
            extra_env=zoom_env,
        )
        seminar = make_seminar(capacity=3, zoom_webinar_id="812 3456 7890")
        zoom.fail_next(429, retry_after=1)
        zoom.fail_next(503)
        with publishing_to(redis_server.url):
            with transaction.atomic():
                people = [register(seminar, index) for index in range(1, 4)]
            with transaction.atomic():
                register(seminar, 4, waiting=True)

            def all_added():
                states = set(
                    Registration.objects.filter(pk__in=[p.pk for p in people]).values_list(
                        "zoom_state", flat=True
                    )
                )
                return states == {ZoomState.ADDED}

            assert wait_until(all_added, timeout=60), worker.output()
            assert len(zoom.registrants["81234567890"]) == 3
            assert len(zoom.adds()) == 3 + 2  # three people, two faults survived

            with transaction.atomic():
                services.cancel_registration(people[0])
            # The waiting person moves up and is added; the cancelled one is removed.
            assert wait_until(lambda: len(zoom.deletes()) == 1, timeout=60), worker.output()
            assert wait_until(lambda: len(zoom.registrants["81234567890"]) == 3, timeout=60), (
                worker.output()
            )
            joins = set(
                Registration.objects.exclude(zoom_join_url="").values_list(
                    "zoom_join_url", flat=True
                )
            )
            assert len(joins) == 3
