"""The office's seminar screens: numbers, actions, exports and who may see them."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from conftest import log_in_staff
from seminars.models import Registration, RegistrationStatus, Seminar

from .factories import make_seminar, register

pytestmark = pytest.mark.django_db
REGISTRATIONS = reverse("admin:seminars_registration_changelist")


@pytest.fixture
def seminar_staff(client):
    return log_in_staff(client, "Seminar staff", "kato")


def test_sessions_show_their_numbers(client, seminar_staff):
    seminar = make_seminar(capacity=2)
    register(seminar, 1), register(seminar, 2)
    register(seminar, 3, waiting=True)
    services_cancel = register(seminar, 4, waiting=True)
    from seminars import services

    services.cancel_registration(services_cancel)
    response = client.get(reverse("admin:seminars_seminar_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.seated_count, row.waiting_count, row.cancelled_count) == (2, 1, 1)


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_zoom_export_has_zoom_columns_and_only_confirmed_people(client, seminar_staff):
    seminar = make_seminar(capacity=1)
    register(seminar, 1, name="山田 花子")
    register(seminar, 2, waiting=True)
    ids = list(Registration.objects.values_list("pk", flat=True))
    response = client.post(REGISTRATIONS, {"action": "export_zoom_csv", "_selected_action": ids})
    assert response["Content-Type"].startswith("text/csv")
    assert csv_rows(response) == [
        ["Email", "First Name", "Last Name"],
        ["person1@example.jp", "花子", "山田"],
    ]


def test_full_export_has_every_field(client, seminar_staff):
    seminar = make_seminar()
    register(seminar, 1, question="カスハラの定義は?")
    ids = list(Registration.objects.values_list("pk", flat=True))
    rows = csv_rows(
        client.post(REGISTRATIONS, {"action": "export_full_csv", "_selected_action": ids})
    )
    assert rows[0][:4] == ["seminar", "reference", "status", "registered_at"]
    assert rows[1][6] == "person1@example.jp" and "カスハラの定義は?" in rows[1]


def test_exports_never_carry_a_spreadsheet_formula(client, seminar_staff):
    seminar = make_seminar()
    register(
        seminar,
        1,
        name='=HYPERLINK("http://evil.example") x',
        organisation="+1+1",
        question="@SUM(A1)",
    )
    ids = list(Registration.objects.values_list("pk", flat=True))
    exports = {}
    for action in ("export_zoom_csv", "export_full_csv"):
        rows = csv_rows(client.post(REGISTRATIONS, {"action": action, "_selected_action": ids}))
        exports[action] = [cell for row in rows[1:] for cell in row]
        assert not [c for c in exports[action] if c[:1] in ("=", "+", "@")]
    # The values are kept, made inert with a leading apostrophe.
    assert '\'=HYPERLINK("http://evil.example")' in exports["export_zoom_csv"]
    full = exports["export_full_csv"]
    assert '\'=HYPERLINK("http://evil.example") x' in full
    assert "'+1+1" in full and "'@SUM(A1)" in full


def test_cancel_and_attended_actions(
    client, seminar_staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    first = register(seminar, 1)
    second = register(seminar, 2, waiting=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTRATIONS, {"action": "cancel_selected", "_selected_action": [first.pk]})
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
    assert any("取り消" in m.subject or "cancelled" in m.subject for m in mailoutbox)
    attended = {"action": "mark_attended", "_selected_action": [second.pk]}
    refused = client.post(REGISTRATIONS, attended, follow=True)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED  # not before the session has ended
    assert "出席の記録は、セミナーの終了後に限り行うことができます。" in refused.content.decode()
    ended = timezone.now() - dt.timedelta(hours=1)
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=ended - dt.timedelta(hours=2), ends_at=ended
    )
    client.post(REGISTRATIONS, attended)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.ATTENDED


def test_publishing_the_archive_in_the_admin_tells_registrants(client, seminar_staff):
    from mail.models import OutboxEmail

    seminar = make_seminar(starts_in_days=-1, opens_days_ago=30)
    Registration.objects.create(
        seminar=seminar,
        reference="S-TEST2345",
        token="t" * 40,
        language="ja",
        status=RegistrationStatus.CONFIRMED,
        name="x",
        name_kana="x",
        email="x@example.jp",
        organisation="x",
        attendee_type="other",
        industry="other",
        location="tokyo",
        consented_at=seminar.starts_at,
    )
    url = reverse("admin:seminars_seminar_change", args=[seminar.pk])
    data = client.get(url).context["adminform"].form.initial
    data = {k: v for k, v in data.items() if v is not None}
    data.update(
        {
            "archive_url": "https://video.example/archive",
            "starts_at_0": seminar.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": "14:00",
            "ends_at_0": seminar.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": "16:00",
            "published": "on",
        }
    )
    data.pop("starts_at", None), data.pop("ends_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OutboxEmail.objects.filter(template="seminars/emails/archive").count() == 1


def test_seminar_staff_cannot_see_consultations_and_consultants_cannot_see_seminars(client):
    seminar_staff = User.objects.create_user("a", password="pw-0123456789", is_staff=True)
    seminar_staff.groups.add(Group.objects.get(name="Seminar staff"))
    consultant = User.objects.create_user("b", password="pw-0123456789", is_staff=True)
    consultant.groups.add(Group.objects.get(name="Consultants"))
    client.force_login(seminar_staff)
    assert client.get(reverse("admin:consultations_consultation_changelist")).status_code == 403
    client.force_login(consultant)
    assert client.get(REGISTRATIONS).status_code == 403
    assert client.get(reverse("admin:seminars_seminar_changelist")).status_code == 403
