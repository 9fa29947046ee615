"""Fault injection on the real stack: Redis stopped, a refusing mail server, a killed worker,
jobs run twice and on a closed day. Each test starts its own Redis and SMTP server, so
stopping them disturbs nothing else."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from consultations import services as consultation_services
from consultations.models import Consultation
from consultations.tests.factories import VALID_FORM, make_consultation
from core.models import OfficeClosure
from dispatch import services as dispatch_services
from dispatch.models import DeadlineAlert, DispatchApplication
from dispatch.tests.factories import make_application
from mail import tasks
from mail.models import OutboxEmail
from seminars import tasks as seminar_tasks
from seminars.models import Registration
from seminars.tests.factories import FORM as REGISTRATION_FORM
from seminars.tests.factories import make_seminar, quiet_monday, register

from .conftest import publishing_to, row_held, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKYO = ZoneInfo("Asia/Tokyo")
USER_BUDGET = 1.5  # seconds: the longest a person may wait for a submission during an outage


def drain(smtp_sink, expected: int, worker, *, timeout: float = 90) -> None:
    """Run the beat sweeper until ``expected`` rows are sent (as beat would, every minute)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() >= expected:
            return
        tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=2))
        time.sleep(0.5)
    raise AssertionError(f"not all {expected} emails were sent\n{worker.output()[-3000:]}")


def assert_each_sent_once(smtp_sink) -> None:
    rows = OutboxEmail.objects.all()
    assert {row.status for row in rows} == {OutboxEmail.Status.SENT}
    received = collections.Counter(smtp_sink.message_ids())
    assert set(received) == {row.message_id for row in rows}
    assert [mid for mid, n in received.items() if n > 1] == []


def submit_consultation(client: Client, index: int) -> float:
    with translation.override("ja"):
        form = client.get("/ja/consultation/form/").context["form"]
    data = {
        **VALID_FORM,
        "email": f"person{index}@example.jp",
        "form_started": form.initial["form_started"],
        "submission_key": str(form.initial["submission_key"]),
    }
    started = time.monotonic()
    assert client.post("/ja/consultation/form/", data).status_code == 302
    response = client.post("/ja/consultation/check/")
    elapsed = time.monotonic() - started
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    return elapsed


def submit_registration(client: Client, seminar, index: int) -> float:
    url = f"/ja/seminars/{seminar.pk}/"
    form = client.get(url).context["form"]
    address = f"attendee{index}@example.jp"
    data = {
        **REGISTRATION_FORM,
        "email": address,
        "email_again": address,
        "form_started": form.initial["form_started"],
    }
    started = time.monotonic()
    response = client.post(url, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    return elapsed


def test_redis_stopped_during_100_submissions_then_every_email_is_sent_once(
    start_stack, redis_server, worker, smtp_sink, settings, no_fill_delay
):
    # The whole of Redis is down: the broker and the cache (the rate limit and page cache).
    settings.CACHES = {
        "default": {
            "BACKEND": "harassment_portal.backends.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    seminar = make_seminar(capacity=100)
    waits = []
    with publishing_to(redis_server.url):
        for index in range(50):
            waits.append(submit_consultation(Client(), index))
            waits.append(submit_registration(Client(), seminar, index))
    assert Consultation.objects.count() == 50
    assert Registration.objects.count() == 50
    assert max(waits) < USER_BUDGET, f"slowest submission {max(waits):.2f}s"
    pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    assert pending.count() == 100  # kept, waiting for the broker

    start_stack()  # Redis is back, with a worker
    with publishing_to(redis_server.url):
        drain(smtp_sink, 100, worker)
        # Later sweeps send nothing more.
        assert tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=3)) == 0
        time.sleep(1)
    assert_each_sent_once(smtp_sink)
    print(f"\nRedis outage: 100 submissions, slowest {max(waits) * 1000:.0f} ms")  # noqa: T201


def test_a_refusing_mail_server_delays_the_emails_and_loses_none(
    start_stack, redis_server, worker, smtp_sink
):
    smtp_sink.refuse = True
    start_stack()
    with publishing_to(redis_server.url):
        for index in range(20):
            make_consultation(email=f"person{index}@example.jp")
        assert wait_until(
            lambda: OutboxEmail.objects.filter(attempts__gte=1).count() == 20, timeout=60
        ), worker.output()[-3000:]
        # Meanwhile staff see each failure in the outbox.
        failing = OutboxEmail.objects.all()
        assert {row.status for row in failing} == {OutboxEmail.Status.PENDING}
        assert all("451" in row.last_error for row in failing)

        smtp_sink.refuse = False
        drain(smtp_sink, 20, worker)
    assert_each_sent_once(smtp_sink)


def test_a_worker_killed_mid_batch_loses_nothing(
    start_stack, redis_server, worker, smtp_sink, postgres_url
):
    smtp_sink.delay = 0.3  # a slow mail server, so that the kill lands inside the batch
    start_stack()
    with publishing_to(redis_server.url):
        for index in range(30):
            make_consultation(email=f"person{index}@example.jp")
        assert wait_until(lambda: len(smtp_sink.messages) >= 5, timeout=60), worker.output()
        worker.process.kill()  # SIGKILL: no clean shutdown, a message may be half sent
        worker.process.wait()
        time.sleep(smtp_sink.delay + 0.5)  # let the server finish what it was receiving
        accepted_before_kill = set(smtp_sink.message_ids())
        assert len(accepted_before_kill) < 30, "the kill came after the batch"

        worker.start(
            broker_url=redis_server.url,
            database_url=postgres_url,
            email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
        )
        drain(smtp_sink, 30, worker)
        time.sleep(1)

    rows = OutboxEmail.objects.all()
    assert {row.status for row in rows} == {OutboxEmail.Status.SENT}
    received = collections.Counter(smtp_sink.message_ids())
    assert set(received) == {row.message_id for row in rows}  # nothing lost
    duplicates = {mid for mid, n in received.items() if n > 1}
    # A duplicate only for the message the server had accepted when the worker died.
    assert duplicates <= accepted_before_kill
    assert len(duplicates) <= 1


def run_twice_at_once(job, **kwargs) -> list:
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(job(**kwargs))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def deadline_data(day: dt.date) -> None:
    """Something for every job on ``day``: a reply due, a visit contact due next business day,
    a session the next business day with two people registered."""
    consultation = make_consultation()
    Consultation.objects.filter(pk=consultation.pk).update(reply_due_on=day)
    application = make_application(organisation_name=f"協会{day}")
    DispatchApplication.objects.filter(pk=application.pk).update(
        contact_due_on=day + dt.timedelta(days=1)
    )
    seminar = make_seminar()
    register(seminar, 1)
    register(seminar, 2)
    starts_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(14), tzinfo=TOKYO)
    type(seminar).objects.filter(pk=seminar.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
    )


JOBS = {
    "consultations/emails/due_digest": consultation_services.send_due_digest,
    "seminars/emails/reminder": seminar_tasks.queue_reminders,
    "dispatch/emails/deadline_alert": dispatch_services.send_deadline_alerts,
}


def emails_by_template() -> collections.Counter:
    return collections.Counter(
        OutboxEmail.objects.filter(template__in=JOBS).values_list("template", flat=True)
    )


def test_the_deadline_jobs_run_twice_at_once_and_send_each_alert_once(postgres_url):
    monday = quiet_monday()
    deadline_data(monday)
    for job in JOBS.values():
        run_twice_at_once(job, today=monday)
        job(today=monday)  # and a third time, after the others
    assert emails_by_template() == {
        "consultations/emails/due_digest": 1,
        "seminars/emails/reminder": 2,
        "dispatch/emails/deadline_alert": 1,
    }
    assert DeadlineAlert.objects.count() == 1


def test_the_deadline_jobs_send_nothing_on_a_closed_day(postgres_url):
    closed_wednesday = quiet_monday() + dt.timedelta(days=2)
    OfficeClosure.objects.create(date=closed_wednesday, reason="System maintenance")
    deadline_data(closed_wednesday)
    for job in JOBS.values():
        assert run_twice_at_once(job, today=closed_wednesday) == [0, 0]
    assert emails_by_template() == {}


def test_a_reminder_waits_for_a_row_another_transaction_holds(postgres_url):
    monday = quiet_monday()
    deadline_data(monday)
    held = Registration.objects.filter(status="confirmed").order_by("pk").first()
    # e.g. the office marking the person, at 9:00 sharp
    with row_held(held, release_after=1.0):
        seminar_tasks.queue_reminders(today=monday)
    reminded = OutboxEmail.objects.filter(template="seminars/emails/reminder")
    assert reminded.count() == 2  # nobody skipped
    assert Registration.objects.get(pk=held.pk).reminded_at is not None


PUBLIC_PATHS = ["/ja/", "/en/", "/ja/faq/", "/ja/seminars/", "/ja/consultation/", "/ja/dispatch/"]


def test_a_hung_redis_costs_one_short_wait_then_every_email_is_sent_once(
    start_stack, redis_server, worker, smtp_sink, settings, no_fill_delay
):
    # Not stopped but hung (SIGSTOP): connections are accepted and never answered, so only
    # the socket timeouts and the circuit breakers (core/breaker.py) bound the waits.
    start_stack()
    settings.CACHES = {
        "default": {
            "BACKEND": "harassment_portal.backends.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT,
                "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    seminar = make_seminar(capacity=100)
    page_waits, registration_waits = [], []
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        with publishing_to(redis_server.url):
            for index in range(10):
                for path in PUBLIC_PATHS:
                    started = time.monotonic()
                    assert Client().get(path).status_code == 200
                    page_waits.append(time.monotonic() - started)
                registration_waits.append(submit_registration(Client(), seminar, index))
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    assert max(page_waits) < 1.0, f"slowest page {max(page_waits):.2f}s"
    assert max(registration_waits) < 2.0, f"slowest registration {max(registration_waits):.2f}s"
    assert Registration.objects.count() == 10

    with publishing_to(redis_server.url):
        drain(smtp_sink, 10, worker)
        assert tasks.requeue_due(now=timezone.now() + dt.timedelta(hours=3)) == 0
    assert_each_sent_once(smtp_sink)
