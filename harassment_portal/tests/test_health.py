"""/healthz: database, broker and the age of the oldest pending email."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from conftest import free_port
from mail import outbox
from mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_healthy_portal_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["outbox"]["oldest_pending_age_seconds"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_email_pending_too_long_makes_it_503(client):
    email = outbox.queue_email(
        to="a@example.jp", template="emails/test_message", context={}, language="ja"
    )
    OutboxEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    check = response.json()["checks"]["outbox"]
    assert check["ok"] is False and check["oldest_pending_age_seconds"] >= 3600


def test_failed_emails_are_counted(client):
    email = outbox.queue_email(
        to="a@example.jp", template="emails/test_message", context={}, language="ja"
    )
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED)
    assert client.get("/healthz").json()["checks"]["outbox"]["failed"] == 1


def test_unreachable_broker_makes_it_503(client):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=closed):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {
        "ok": False,
        "mode": "redis",
        "error": "ConnectionError",
    }


def test_reachable_broker_is_reported(client):
    import os

    from conftest import require_service

    url = os.environ.get("REDIS_URL", "")
    require_service("Redis", bool(url), "set REDIS_URL")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": True, "mode": "redis"}
