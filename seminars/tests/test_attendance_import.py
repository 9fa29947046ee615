"""Attendance from Zoom's attendee report, through the session's admin page: preview, then
confirm; refused before the session has ended; a file that is not a report is named so."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import log_in_staff
from seminars.models import RegistrationStatus, Seminar

from .factories import make_seminar, register
from .test_zoom_report import ATTENDEE_REPORT

pytestmark = pytest.mark.django_db


def held_session() -> Seminar:
    """A session that took place yesterday, with four registrants (person1..person4)."""
    seminar = make_seminar(capacity=10)
    people = [register(seminar, index) for index in range(1, 5)]
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=seminar.starts_at - dt.timedelta(days=15),
        ends_at=seminar.ends_at - dt.timedelta(days=15),
    )
    seminar.refresh_from_db()
    return seminar, people


def report(*addresses_attended: str, absent: str = "") -> bytes:
    head = ATTENDEE_REPORT.decode("utf-8-sig").split("Attendee Details")[0]
    rows = ["Attendee Details", "Attended,User Name (Original Name),Email,Join Time"]
    rows += [f"Yes,名前,{a},12/10/2026 14:00" for a in addresses_attended]
    if absent:
        rows.append(f"No,名前,{absent},--")
    return (head + "\n".join(rows) + "\n").encode()


def upload(client, seminar, raw: bytes, name="report.csv"):
    url = reverse("admin:seminars_seminar_attendance", args=[seminar.pk])
    return client.post(url, {"report": SimpleUploadedFile(name, raw, "text/csv")})


def test_the_preview_lists_who_would_be_marked_and_changes_nothing(client):
    seminar, people = held_session()
    log_in_staff(client, "Seminar staff", "seminars")
    response = upload(
        client,
        seminar,
        report("PERSON1@example.jp", "person2@example.jp", "stranger@example.jp"),
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [r.reference for r in preview.to_mark] == [people[0].reference, people[1].reference]
    assert preview.not_registered == 1
    html = response.content.decode()
    assert people[0].reference in html and "stranger@example.jp" not in html
    assert set(seminar.registrations.values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED
    }


def test_confirming_marks_exactly_the_previewed_registrations(client):
    seminar, people = held_session()
    other, _ = held_session()
    log_in_staff(client, "Seminar staff", "seminars")
    url = reverse("admin:seminars_seminar_attendance", args=[seminar.pk])
    # An id of another session's registration slipped into the form is ignored.
    outsider = other.registrations.first()
    response = client.post(
        url, {"apply": "1", "registration": [people[0].pk, people[2].pk, outsider.pk]}
    )
    assert response.status_code == 302
    statuses = dict(seminar.registrations.values_list("pk", "status"))
    assert statuses[people[0].pk] == statuses[people[2].pk] == RegistrationStatus.ATTENDED
    assert statuses[people[1].pk] == RegistrationStatus.CONFIRMED
    outsider.refresh_from_db()
    assert outsider.status == RegistrationStatus.CONFIRMED


def test_before_the_session_has_ended_nothing_is_marked(client):
    seminar = make_seminar()
    person = register(seminar, 1)
    log_in_staff(client, "Seminar staff", "seminars")
    url = reverse("admin:seminars_seminar_attendance", args=[seminar.pk])
    response = client.post(url, {"apply": "1", "registration": [person.pk]})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == RegistrationStatus.CONFIRMED
    response = client.get(url, follow=True)
    said = {str(m) for m in response.context["messages"]}  # (the refused apply said it too)
    assert said == {"出席の記録は、セミナーの終了後に限り行うことができます。"}


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "CSV"),
        (b"Name,Phone\nA,03\n", "Email"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_beside_the_field(client, raw, says):
    seminar, _people = held_session()
    log_in_staff(client, "Seminar staff", "seminars")
    response = upload(client, seminar, raw)
    assert response.status_code == 200
    errors = response.context["form"].errors["report"]
    assert len(errors) == 1 and says in errors[0]


def test_the_session_page_offers_the_import_once_the_session_has_ended(client):
    seminar, _people = held_session()
    upcoming = make_seminar()
    log_in_staff(client, "Seminar staff", "seminars")
    step = reverse("admin:seminars_seminar_attendance", args=[seminar.pk])
    page = client.get(reverse("admin:seminars_seminar_change", args=[seminar.pk]))
    assert step in page.content.decode()
    page = client.get(reverse("admin:seminars_seminar_change", args=[upcoming.pk]))
    assert "/attendance/" not in page.content.decode()


def test_supervisors_cannot_import(client):
    seminar, _people = held_session()
    log_in_staff(client, "Supervisors", "watanabe")
    assert upload(client, seminar, report("person1@example.jp")).status_code == 403
