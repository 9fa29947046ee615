"""Registrations kept in step with the session's Zoom webinar, against a local Zoom."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from seminars import services, zoom_sync
from seminars.models import Registration, ZoomState
from tests.zoom_fake import FakeZoom, running

from .factories import make_seminar, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    with running(FakeZoom()) as server:
        settings.ZOOM_ACCOUNT_ID = server.account_id
        settings.ZOOM_CLIENT_ID = server.client_id
        settings.ZOOM_CLIENT_SECRET = server.client_secret
        settings.ZOOM_API_URL = server.api_url
        settings.ZOOM_OAUTH_URL = server.oauth_url
        settings.ZOOM_RETRY_BASE_SECONDS = 0
        yield server


def on_zoom(**fields):
    return make_seminar(zoom_webinar_id="812 3456 7890", **fields)


def test_each_confirmed_registrant_is_added_once_with_their_own_join_url(
    fake, django_capture_on_commit_callbacks
):
    seminar = on_zoom(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        people = [register(seminar, index) for index in range(1, 4)]
    with django_capture_on_commit_callbacks(execute=True):
        waiting = register(seminar, 4, waiting=True)
    assert len(fake.adds()) == 3  # not the waiting list
    links = set()
    for registration in people:
        registration.refresh_from_db()
        assert registration.zoom_state == ZoomState.ADDED
        assert registration.join_url == registration.zoom_join_url
        links.add(registration.zoom_join_url)
    assert len(links) == 3
    waiting.refresh_from_db()
    assert waiting.zoom_state == ZoomState.NONE
    # The join link is encrypted at rest.
    raw = Registration.objects.filter(pk=people[0].pk).values_list("zoom_join_url", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT zoom_join_url FROM seminars_registration WHERE id = %s", [people[0].pk]
        )
        (stored,) = cursor.fetchone()
    assert "zoom.us" not in stored and list(raw) == [people[0].zoom_join_url]


def test_a_cancellation_removes_the_person_and_the_next_one_up_is_added(
    fake, django_capture_on_commit_callbacks
):
    seminar = on_zoom(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = register(seminar, 1)
        second = register(seminar, 2, waiting=True)
    first.refresh_from_db()
    registrant = first.zoom_registrant_id
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(first)
    assert fake.deletes() == [f"/v2/webinars/81234567890/registrants/{registrant}"]
    assert len(fake.adds()) == 2  # the first, then the one moved up
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.zoom_state == ZoomState.NONE and first.zoom_join_url == ""
    assert second.zoom_state == ZoomState.ADDED
    assert list(fake.registrants["81234567890"]) == [second.zoom_registrant_id]


def test_a_cancelled_session_takes_everyone_out_of_the_webinar(
    fake, django_capture_on_commit_callbacks, django_user_model
):
    seminar = on_zoom(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(1, 4):
            register(seminar, index, waiting=True)
    staff = django_user_model.objects.create_user("seminars", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_seminar(seminar, by=staff, reason="講師の急病のため")
    assert len(fake.adds()) == 2 and len(fake.deletes()) == 2
    assert fake.registrants["81234567890"] == {}


def test_a_429_and_a_5xx_are_survived_by_trying_again(fake, django_capture_on_commit_callbacks):
    seminar = on_zoom()
    fake.fail_next(429, retry_after=1)
    fake.fail_next(503)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, 1)
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.ADDED
    assert len(fake.adds()) == 3  # two refused, one taken
    assert len(fake.registrants["81234567890"]) == 1


def test_a_lasting_refusal_is_marked_for_staff_and_not_retried(
    fake, django_capture_on_commit_callbacks
):
    seminar = make_seminar(zoom_webinar_id="999 9999 9999")  # no such webinar
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, 1)
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.FAILED
    assert len(fake.adds()) == 1


def test_a_person_cancelled_while_zoom_was_answering_is_taken_out_again(fake):
    seminar = on_zoom()
    registration = register(seminar, 1)  # marked to add; its task has not run (no commit)
    assert registration.zoom_state == ZoomState.TO_ADD
    # The task's call to Zoom is under way when the person cancels.
    added = zoom_sync.zoom.client().add_registrant(
        seminar.zoom_webinar_id, email="person1@example.jp", name="山田 花子1"
    )
    services.cancel_registration(registration)
    assert zoom_sync._added(registration.pk, added) == "added, then to remove"
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.TO_REMOVE
    assert zoom_sync.sync(registration.pk) == "removed"
    assert fake.registrants["81234567890"] == {}


def test_with_the_broker_down_the_sweep_queues_the_marks_again(fake, monkeypatch):
    seminar = on_zoom()
    registration = register(seminar, 1)  # on_commit never runs here: the task was not queued
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.TO_ADD and fake.adds() == []
    assert zoom_sync.queue_unsynced() == 0  # too recent
    later = timezone.now() + zoom_sync.REQUEUE_AFTER + dt.timedelta(seconds=1)
    assert zoom_sync.queue_unsynced(now=later) == 1
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.ADDED and len(fake.adds()) == 1
    assert zoom_sync.queue_unsynced(now=later + dt.timedelta(hours=1)) == 0


def test_the_reminder_carries_the_persons_own_join_url(
    fake, django_capture_on_commit_callbacks, mailoutbox
):
    seminar = on_zoom(starts_in_days=1, closes_days_before=0, webinar_url="")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, 1)
    registration.refresh_from_db()
    assert registration.zoom_join_url
    with django_capture_on_commit_callbacks(execute=True):
        services.remind([registration.pk], now=timezone.now())
    reminder = [m for m in mailoutbox if registration.zoom_join_url in m.body]
    assert len(reminder) == 1
    assert registration.zoom_join_url not in reminder[0].subject


def test_with_zoom_off_nothing_calls_out(settings, django_capture_on_commit_callbacks):
    with running(FakeZoom()) as server:
        settings.ZOOM_API_URL, settings.ZOOM_OAUTH_URL = server.api_url, server.oauth_url
        settings.ZOOM_ACCOUNT_ID = settings.ZOOM_CLIENT_ID = settings.ZOOM_CLIENT_SECRET = ""
        seminar = on_zoom(capacity=1)
        with django_capture_on_commit_callbacks(execute=True):
            first = register(seminar, 1)
            register(seminar, 2, waiting=True)
            services.cancel_registration(first)
        assert server.calls == [] and server.tokens_issued == 0
        assert set(Registration.objects.values_list("zoom_state", flat=True)) == {ZoomState.NONE}


def test_a_second_task_for_the_same_mark_leaves_the_person_in_the_webinar(fake):
    """The sweep and a retry may both run for one mark: Zoom answers both with the person,
    and the person stays in (not taken out as if they had cancelled)."""
    seminar = on_zoom()
    registration = register(seminar, 1)  # marked; no commit, so no task has run
    first = zoom_sync.zoom.client().add_registrant(
        seminar.zoom_webinar_id, email="person1@example.jp", name="山田 花子1"
    )
    assert zoom_sync._added(registration.pk, first) == "added"
    assert zoom_sync._added(registration.pk, first) == "added"  # the second task's answer
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.ADDED
    assert zoom_sync.sync(registration.pk) == "nothing"
    assert fake.deletes() == []
    # A lasting refusal arriving late does not undo the settled mark either.
    zoom_sync._failed(registration.pk, zoom_sync.zoom.ZoomError(400, 300, "x"))
    registration.refresh_from_db()
    assert registration.zoom_state == ZoomState.ADDED


def test_the_webinar_id_stays_once_people_are_in_the_webinar(
    fake, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from conftest import log_in_staff

    seminar = on_zoom()
    with django_capture_on_commit_callbacks(execute=True):
        register(seminar, 1)
    with pytest.raises(ValidationError) as refused:
        services.update_seminar(seminar, changes={"zoom_webinar_id": "81234567891"}, by=None)
    assert "zoom_webinar_id" in refused.value.error_dict
    # In the admin, the refusal is shown beside the field, not as a server error.
    log_in_staff(client, "Seminar staff", "seminars")
    url = reverse("admin:seminars_seminar_change", args=[seminar.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    for name in ("starts_at", "ends_at"):  # split date and time
        local = timezone.localtime(getattr(seminar, name))
        data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        data.pop(name)
    data["zoom_webinar_id"] = "812 3456 7891"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["zoom_webinar_id"]
    seminar.refresh_from_db()
    assert seminar.zoom_webinar_id == "812 3456 7890"


def test_retention_removes_the_persons_join_link(fake, django_capture_on_commit_callbacks):
    from core import retention

    seminar = on_zoom()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, 1)
    registration.refresh_from_db()
    assert registration.zoom_join_url
    seminar.__class__.objects.filter(pk=seminar.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=800),
        ends_at=timezone.now() - dt.timedelta(days=800),
    )
    retention.anonymise_due(now=timezone.now())
    registration.refresh_from_db()
    assert (registration.zoom_join_url, registration.zoom_registrant_id) == ("", "")


def test_staff_add_again_a_person_zoom_refused_once_the_webinar_id_is_right(
    fake, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from conftest import log_in_staff

    seminar = make_seminar(zoom_webinar_id="999 9999 9999")  # no such webinar
    with django_capture_on_commit_callbacks(execute=True):
        refused, waiting = register(seminar, 1), register(seminar, 2)
    services.cancel_registration(waiting)
    seminar.zoom_webinar_id = "812 3456 7890"  # corrected (nobody is in the webinar)
    seminar.save(update_fields=["zoom_webinar_id"])
    log_in_staff(client, "Seminar staff", "seminars")
    changelist = reverse("admin:seminars_registration_changelist")
    chosen = [refused.pk, waiting.pk]
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            changelist,
            {"action": "add_to_zoom_again", "_selected_action": chosen},
            follow=True,
        )
    refused.refresh_from_db()
    assert refused.zoom_state == ZoomState.ADDED and refused.zoom_join_url
    assert list(fake.registrants["81234567890"]) == [refused.zoom_registrant_id]
    said = [str(m) for m in page.context["messages"]]
    assert said == ["1名をウェビナーへ再度登録します。"]  # the cancelled one is not selected
    filtered = client.get(changelist, {"zoom_state": "added"}).context["cl"].result_list
    assert [r.pk for r in filtered] == [refused.pk]
