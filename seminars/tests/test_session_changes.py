"""A session's changes reach its people (issue 18): a new date, time or link, the session's
cancellation, a message from the office; archive and attendance only after the session. Each
through the services, and the office's own path through the admin."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import log_in_staff
from mail.models import OutboxEmail
from seminars import services
from seminars.models import Audience, Registration, RegistrationStatus, Seminar, SeminarStatus
from tests.test_calendar_files import assert_valid_ics

from .factories import make_seminar, register

pytestmark = pytest.mark.django_db
CONFIRMED, WAITING, CANCELLED, ATTENDED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.ATTENDED,
)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("kato", is_staff=True)


def people_of(seminar):
    """A session with one seat taken (ja), one person waiting (en) and one who cancelled."""
    seated = register(seminar, 1, language="ja")
    waiting = register(seminar, 2, language="en", waiting=True)
    gone = register(seminar, 3, waiting=True)
    services.cancel_registration(gone)
    return seated, waiting, gone


def by_recipient(mailoutbox) -> dict[str, object]:
    found: dict[str, object] = {}
    for message in mailoutbox:
        assert message.to[0] not in found, f"two emails to {message.to[0]}"
        found[message.to[0]] = message
    return found


def later(seminar: Seminar, days: int = 1) -> dict:
    return {
        "starts_at": seminar.starts_at + dt.timedelta(days=days),
        "ends_at": seminar.ends_at + dt.timedelta(days=days),
    }


# The session's date, time or link changes.


def test_a_new_date_emails_each_active_person_once_with_an_updated_calendar_for_a_seat(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    seated, waiting, _gone = people_of(seminar)
    Registration.objects.filter(pk=seated.pk).update(reminded_at=timezone.now())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.update_seminar(seminar, changes=later(seminar), by=staff)
    assert done.told_of_change == 2
    sent = by_recipient(mailoutbox)
    assert set(sent) == {seated.email, waiting.email}  # not the one who cancelled
    to_seat, to_queue = sent[seated.email], sent[waiting.email]
    assert to_seat.subject == f"[{seated.reference}] セミナーの日時等の変更のお知らせ"
    assert to_queue.subject == f"[{waiting.reference}] The seminar session has changed"
    assert "The date and time of the session you registered for have changed" in to_queue.body
    assert "You remain on the waiting list" in to_queue.body and not to_queue.attachments
    seminar.refresh_from_db()
    assert seminar.calendar_sequence == 1
    (_name, content, _type) = to_seat.attachments[0]
    event = assert_valid_ics(content, method="PUBLISH")
    assert event["sequence"] == 1 and event.decoded("dtstart") == seminar.starts_at
    seated.refresh_from_db()
    assert seated.reminded_at is None  # reminded again before the new date


def test_a_new_link_tells_only_the_people_with_a_seat(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1, webinar_url="https://zoom.example/j/1")
    seated, _waiting, _gone = people_of(seminar)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_seminar(
            seminar, changes={"webinar_url": "https://zoom.example/j/2"}, by=staff
        )
    assert [m.to[0] for m in mailoutbox] == [seated.email]
    assert "https://zoom.example/j/2" in mailoutbox[0].body
    event = assert_valid_ics(mailoutbox[0].attachments[0][1], method="PUBLISH")
    assert str(event["url"]) == "https://zoom.example/j/2" and event["sequence"] == 1


def test_other_edits_tell_nobody_and_keep_the_calendar_version(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar()
    register(seminar, 1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.update_seminar(
            seminar, changes={"title_en": "New title", "starts_at": seminar.starts_at}, by=staff
        )
    assert done.told_of_change == 0 and mailoutbox == []
    seminar.refresh_from_db()
    assert (seminar.title_en, seminar.calendar_sequence) == ("New title", 0)


def test_correcting_a_session_that_has_ended_tells_nobody(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(starts_in_days=-1, opens_days_ago=30)
    Seminar.objects.filter(pk=seminar.pk).update(published=True)
    seminar.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.update_seminar(
            seminar, changes={"ends_at": seminar.ends_at + dt.timedelta(minutes=30)}, by=staff
        )
    assert done.told_of_change == 0 and mailoutbox == []


def test_a_cancelled_session_is_not_changed_any_more(staff):
    seminar = make_seminar()
    services.cancel_seminar(seminar, by=staff, reason="講師の急病のため")
    with pytest.raises(ValidationError) as refusal:
        services.update_seminar(seminar, changes=later(seminar), by=staff)
    assert refusal.value.code == "cancelled"
    with pytest.raises(ValueError):  # and the service's own fields are not the office's
        services.update_seminar(seminar, changes={"calendar_sequence": 9}, by=staff)


def test_more_seats_move_people_up(staff, mailoutbox, django_capture_on_commit_callbacks):
    seminar = make_seminar(capacity=1)
    _seated, waiting, _gone = people_of(seminar)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.update_seminar(seminar, changes={"capacity": 2}, by=staff)
    waiting.refresh_from_db()
    assert done.moved_up == 1 and waiting.status == CONFIRMED


# The session is cancelled.


def test_cancelling_a_session_tells_each_person_once_and_leaves_no_place_active(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    seated, waiting, _gone = people_of(seminar)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_seminar(seminar, by=staff, reason="講師の急病のため") == 2
        assert services.cancel_seminar(seminar, by=staff, reason="again") == 0  # once
    sent = by_recipient(mailoutbox)
    assert set(sent) == {seated.email, waiting.email}
    assert sent[seated.email].subject == f"[{seated.reference}] セミナー開催中止のお知らせ"
    assert "講師の急病のため" in sent[seated.email].body
    assert "We regret to tell you" in sent[waiting.email].body
    assert not sent[waiting.email].attachments  # no calendar entry to remove
    event = assert_valid_ics(sent[seated.email].attachments[0][1], method="CANCEL")
    assert event["sequence"] == 1
    assert seminar.registrations.active().count() == 0
    assert seminar.registrations.filter(status=CANCELLED).count() == 3
    for person in (seated, waiting):
        person.refresh_from_db()
        latest = person.history.latest()
        assert latest.status == CANCELLED and latest.history_user == staff
        assert latest.history_change_reason == services.SESSION_CANCELLED
    seminar.refresh_from_db()
    assert seminar.status(confirmed=0) == SeminarStatus.CANCELLED
    assert seminar.cancellation_reason == "講師の急病のため"


def test_a_cancelled_session_takes_no_registration_and_moves_nobody_up(staff):
    seminar = make_seminar(capacity=1)
    people_of(seminar)
    services.cancel_seminar(seminar, by=staff, reason="中止")
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar, 9)
    assert refusal.value.code == "cancelled"
    assert services.fill_free_seats(seminar) == []
    assert seminar.registrations.active().count() == 0


@pytest.mark.parametrize(
    "starts_in_days, reason, code",
    [(14, "  ", "required"), (-1, "中止", "invalid_transition")],
)
def test_cancelling_needs_a_reason_and_a_session_not_yet_started(
    staff, mailoutbox, starts_in_days, reason, code
):
    seminar = make_seminar(starts_in_days=starts_in_days, opens_days_ago=30)
    with pytest.raises(ValidationError) as refusal:
        services.cancel_seminar(seminar, by=staff, reason=reason)
    assert refusal.value.code == code
    seminar.refresh_from_db()
    assert seminar.cancelled_at is None and seminar.calendar_sequence == 0


def test_a_persons_own_cancellation_removes_the_calendar_entry_a_seat_had(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    seated = register(seminar, 1, language="en")
    queued = register(seminar, 2, waiting=True)
    services.cancel_registration(queued)  # (before the seat is freed: no promotion)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated)
    (message,) = mailoutbox
    assert "The attached calendar file removes the session from your calendar." in message.body
    event = assert_valid_ics(message.attachments[0][1], method="CANCEL")
    confirmation = OutboxEmail.objects.filter(template="seminars/emails/confirmation").first()
    invited = Calendar.from_ical(confirmation.attachments[0]["content"]).walk("VEVENT")[0]
    assert str(event["uid"]) == str(invited["uid"])
    assert event["sequence"] > invited["sequence"]
    queued_mail = OutboxEmail.objects.filter(template="seminars/emails/cancelled")
    assert [e.attachments for e in queued_mail if e.to_email == queued.email] == [[]]


def test_the_public_pages_show_a_cancelled_session_and_refuse_registrations(client, staff):
    seminar = make_seminar()
    services.cancel_seminar(seminar, by=staff, reason="中止")
    listing = client.get("/en/seminars/").content.decode()
    assert "Session cancelled" in listing
    page = client.get(f"/en/seminars/{seminar.pk}/").content.decode()
    assert "This session has been cancelled." in page and 'id="answers"' not in page
    ja = client.get(f"/ja/seminars/{seminar.pk}/").content.decode()
    assert "開催中止" in ja


# A message from the office.


@pytest.mark.parametrize(
    "audience, who",
    [(Audience.REGISTERED, "seated"), (Audience.WAITING, "waiting")],
)
def test_a_message_goes_once_to_each_person_of_the_audience_under_a_fixed_subject(
    staff, mailoutbox, django_capture_on_commit_callbacks, audience, who
):
    seminar = make_seminar(capacity=1)
    seated, waiting, _gone = people_of(seminar)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.send_office_message(
                seminar, audience=audience, body="資料を事前にお送りします。", by=staff
            )
            == 1
        )
    (message,) = mailoutbox
    person = {"seated": seated, "waiting": waiting}[who]
    assert message.to == [person.email]
    assert "資料を事前にお送りします。" in message.body
    subject = {
        "ja": f"[{person.reference}] セミナーに関する事務局からのお知らせ",
        "en": f"[{person.reference}] A message about your seminar registration",
    }[person.language]
    assert message.subject == subject  # no name, address or anything typed
    assert person.name not in message.subject and "資料" not in message.subject


@pytest.mark.parametrize(
    "audience, body, code", [(Audience.REGISTERED, " ", "required"), ("all", "x", "invalid")]
)
def test_a_message_needs_text_and_an_audience(staff, mailoutbox, audience, body, code):
    seminar = make_seminar()
    register(seminar, 1)
    with pytest.raises(ValidationError) as refusal:
        services.send_office_message(seminar, audience=audience, body=body, by=staff)
    assert refusal.value.code == code
    assert not OutboxEmail.objects.filter(template="seminars/emails/office_message").exists()


# Archive and attendance only after the session.


def test_archive_and_attendance_are_refused_before_the_session_has_ended(staff):
    seminar = make_seminar()
    seated = register(seminar, 1)
    during = seminar.starts_at + dt.timedelta(minutes=30)
    with pytest.raises(ValidationError) as refusal:
        services.publish_archive(seminar, url="https://video.example/1", by=staff, now=during)
    assert refusal.value.code == "too_early"
    with pytest.raises(ValidationError) as refusal:
        services.mark_attended(seated, by=staff, now=during)
    assert refusal.value.code == "too_early"
    seminar.refresh_from_db(), seated.refresh_from_db()
    assert not seminar.archive_url and not seminar.archive_published_at
    assert seated.status == CONFIRMED
    after = seminar.ends_at
    assert services.publish_archive(seminar, url="https://video.example/1", now=after) == 1
    assert services.mark_attended(seated, by=staff, now=after).status == ATTENDED


def test_a_cancelled_session_has_no_archive(staff):
    seminar = make_seminar()
    services.cancel_seminar(seminar, by=staff, reason="中止")
    with pytest.raises(ValidationError) as refusal:
        services.publish_archive(seminar, url="https://v.example/", now=seminar.ends_at)
    assert refusal.value.code == "cancelled"


# Through the admin, as the office does it.


@pytest.fixture
def seminar_staff(client):
    return log_in_staff(client, "Seminar staff", "kato-admin")


def change_form(client, seminar, **changes) -> tuple[str, dict]:
    """The session's change page as the admin shows it, with ``changes`` typed in."""
    url = reverse("admin:seminars_seminar_change", args=[seminar.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data["published"] = "on" if data.pop("published") else ""
    for name in ("starts_at", "ends_at"):
        moment = timezone.localtime(changes.pop(name, getattr(seminar, name)))
        data.pop(name)
        data[f"{name}_0"], data[f"{name}_1"] = f"{moment:%Y-%m-%d}", f"{moment:%H:%M}"
    data.update(changes)
    return url, data


def test_a_seminar_edited_in_the_admin_sends_one_change_email_per_registrant_with_a_valid_ics(
    client, seminar_staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=2)
    first, second = register(seminar, 1, language="en"), register(seminar, 2)
    waiting = register(seminar, 3, waiting=True)
    mailoutbox.clear()
    url, data = change_form(client, seminar, **later(seminar, days=7))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    assert "申込者3名に変更をお知らせします。" in response.content.decode()  # (staff read Japanese)
    sent = by_recipient(mailoutbox)
    assert set(sent) == {first.email, second.email, waiting.email}
    seminar.refresh_from_db()
    for person in (first, second):
        event = assert_valid_ics(sent[person.email].attachments[0][1], method="PUBLISH")
        assert event["sequence"] == seminar.calendar_sequence == 1
        assert event.decoded("dtstart") == seminar.starts_at
    assert not sent[waiting.email].attachments
    # Saving again without a change tells nobody.
    mailoutbox.clear()
    url, data = change_form(client, seminar)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert mailoutbox == []


def test_a_session_cancelled_in_the_admin_tells_each_person_once_and_frees_every_place(
    client, seminar_staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    seated, waiting, _gone = people_of(seminar)
    mailoutbox.clear()
    page = client.get(reverse("admin:seminars_seminar_change", args=[seminar.pk]))
    cancel_url = reverse("admin:seminars_seminar_cancel", args=[seminar.pk])
    assert cancel_url in page.content.decode()
    assert client.post(cancel_url, {"reason": ""}).status_code == 200  # the reason is asked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url, {"reason": "講師の急病のため"}, follow=True)
    assert "開催を中止しました。2名にお知らせします。" in response.content.decode()
    sent = by_recipient(mailoutbox)
    assert set(sent) == {seated.email, waiting.email}
    assert_valid_ics(sent[seated.email].attachments[0][1], method="CANCEL")
    assert seminar.registrations.active().count() == 0
    seminar.refresh_from_db()
    assert seminar.cancelled_at is not None
    # The page no longer offers it, and the session's fields are kept as they were.
    page = client.get(reverse("admin:seminars_seminar_change", args=[seminar.pk]))
    assert cancel_url not in page.content.decode()
    assert "capacity" not in page.context["adminform"].form.fields


def test_a_message_written_in_the_admin_goes_to_each_person_waiting_once(
    client, seminar_staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    _seated, waiting, _gone = people_of(seminar)
    mailoutbox.clear()
    url = reverse("admin:seminars_seminar_message", args=[seminar.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"audience": "waiting", "body": "Seats may free up."}, follow=True
        )
    assert "1名にお知らせを送信します。" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_an_archive_link_before_the_end_is_refused_beside_the_field(client, seminar_staff):
    seminar = make_seminar()
    register(seminar, 1)
    url, data = change_form(client, seminar, archive_url="https://video.example/a")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["archive_url"] == [
        "アーカイブの公開は、セミナーの終了後に限り行うことができます。"
    ]
    seminar.refresh_from_db()
    assert not seminar.archive_url


def test_a_supervisor_may_not_cancel_or_write(client):
    log_in_staff(client, "Supervisors", "boss")
    seminar = make_seminar()
    for name in ("cancel", "message"):
        url = reverse(f"admin:seminars_seminar_{name}", args=[seminar.pk])
        assert (
            client.post(url, {"reason": "x", "audience": "registered", "body": "x"}).status_code
            == 403
        )
    seminar.refresh_from_db()
    assert seminar.cancelled_at is None


def test_no_subject_of_these_emails_carries_a_name(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    people = people_of(seminar)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_seminar(seminar, changes=later(seminar), by=staff)
        services.send_office_message(seminar, audience=Audience.REGISTERED, body="x", by=staff)
        services.cancel_seminar(seminar, by=staff, reason="中止")
    for message in mailoutbox:
        assert re.fullmatch(r"\[S-\w+\] [^@]+", message.subject)
        assert not any(p.name in message.subject or p.email in message.subject for p in people)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_new_emails_read_as_the_office_writes(staff, language):
    """Full-width separators next to Japanese (tests/test_japanese_separators.py), in each
    variant of each new email."""
    from mail.outbox import render_email
    from tests.test_japanese_separators import ASCII_SEPARATOR, JAPANESE, lines

    seminar = make_seminar(webinar_url="https://zoom.example/j/1")
    seminar.cancellation_reason = "講師の急病のため"
    seated, waiting = register(seminar, 1, language=language), register(seminar, 2)
    waiting.status = WAITING
    variants = [
        ("session_changed", {"date_changed": True, "link_changed": True}),
        ("session_changed", {"date_changed": True, "link_changed": False}),
        ("session_changed", {"date_changed": False, "link_changed": True}),
        ("session_cancelled", {"calendar_attached": True}),
        ("session_cancelled", {"calendar_attached": False}),
        ("cancelled", {"calendar_attached": True, "by_office": True}),
        ("office_message", {"body": "資料を事前にお送りします。"}),
    ]
    for registration in (seated, waiting):
        for name, extra in variants:
            context = {
                "registration": registration,
                "seminar": seminar,
                "manage_url": "/x/",
                **extra,
            }
            email = render_email(
                f"seminars/emails/{name}", context, to="a@example.jp", language=language
            )
            shown = lines(email)
            if language == "ja":
                bad = [line for line in shown if JAPANESE.search(line)]
                assert not [line for line in bad if ASCII_SEPARATOR.search(line)], name
            assert "{%" not in "".join(shown) and "%(" not in "".join(shown)
