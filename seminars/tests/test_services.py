"""Registration rules, the waiting list, links, emails, reminders and archive notices."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from core.encryption import blind_index
from mail.models import OutboxEmail
from seminars import links, services, tasks
from seminars.models import Registration, RegistrationStatus, Seminar, SeminarStatus

from .factories import make_seminar, person, quiet_monday, register

TOKYO = ZoneInfo("Asia/Tokyo")

pytestmark = pytest.mark.django_db
CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def registrations_linked_from(body: str) -> list[Registration]:
    """The registrations that the personal links in an email body open."""
    signed = re.findall(r"/seminars/registration/([^/\s]+)/", body)
    return [links.registration_for(value) for value in signed]


def test_registration_is_accepted_inside_the_period_including_both_end_days():
    today = timezone.localdate()
    first_day = make_seminar(opens_days_ago=0)
    last_day = make_seminar(starts_in_days=3, closes_days_before=3)
    assert last_day.application_closes_on == today
    assert register(first_day).status == CONFIRMED
    assert register(last_day).status == CONFIRMED


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"opens_days_ago": -1}, "not_open"),
        ({"starts_in_days": 2, "closes_days_before": 3}, "closed"),
        ({"published": False}, "not_open"),
    ],
)
def test_registration_outside_the_period_is_refused(fields, code):
    seminar = make_seminar(**fields)
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar)
    assert refusal.value.code == code
    assert Registration.objects.count() == 0


def test_one_active_registration_per_email_and_session():
    seminar = make_seminar()
    first = register(seminar, email="Hanako@Example.jp")
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar, email="hanako@example.jp ")
    assert refusal.value.code == "duplicate" and refusal.value.existing == first
    # Another session is fine, and so is registering again after cancelling.
    register(make_seminar(), email="hanako@example.jp")
    services.cancel_registration(first)
    assert register(seminar, email="hanako@example.jp").status == CONFIRMED


@pytest.mark.parametrize("waiting", [False, True], ids=["seat wanted", "waiting list wanted"])
def test_someone_already_registered_is_told_so_even_once_the_session_is_full(waiting):
    seminar = make_seminar(capacity=1)
    first = register(seminar, 1)
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar, 1, waiting=waiting)
    assert refusal.value.code == "duplicate" and refusal.value.existing == first
    assert Registration.objects.count() == 1


def test_capacity_is_never_exceeded_and_the_rest_wait_in_order():
    seminar = make_seminar(capacity=2)
    seated = [register(seminar, i) for i in (1, 2)]
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar, 3)
    assert refusal.value.code == "full"
    waiting = [register(seminar, i, waiting=True) for i in (3, 4, 5)]
    assert [r.status for r in seated + waiting] == [CONFIRMED] * 2 + [WAITING] * 3
    assert seminar.registrations.seated().count() == 2
    assert seminar.status(confirmed=2) == SeminarStatus.FULL


def test_a_freed_seat_goes_to_the_first_on_the_waiting_list(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    seated = register(seminar, 1)
    first, second = register(seminar, 2, waiting=True), register(seminar, 3, waiting=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (CONFIRMED, WAITING)
    assert first.promoted_at is not None
    subjects = [m.subject for m in mailoutbox]
    assert f"[{seated.reference}] 参加申込みを取り消しました" in subjects
    assert f"[{first.reference}] 参加が確定しました（キャンセル待ちからの繰り上げ）" in subjects


def test_raising_the_capacity_moves_people_up():
    seminar = make_seminar(capacity=1)
    register(seminar, 1)
    waiting = [register(seminar, i, waiting=True) for i in (2, 3, 4)]
    seminar.capacity = 3
    seminar.save()
    moved = services.fill_free_seats(seminar)
    assert moved == waiting[:2]


def test_the_office_moves_someone_up_only_into_a_free_seat(django_user_model):
    staff = django_user_model.objects.create_user("seminar-staff", is_staff=True)
    seminar = make_seminar(capacity=1)
    register(seminar, 1)
    waiting = register(seminar, 2, waiting=True)
    with pytest.raises(ValidationError) as error:
        services.promote_registration(waiting, by=staff)
    assert error.value.code == "full"
    seminar.capacity = 2
    seminar.save(update_fields=["capacity"])
    assert services.promote_registration(waiting, by=staff).status == CONFIRMED


def test_the_person_cannot_cancel_once_the_session_has_started(django_user_model):
    registration = register(make_seminar())
    Registration.objects.filter(pk=registration.pk).update(status=CONFIRMED)
    started = make_seminar(starts_in_days=-1, opens_days_ago=20)
    Registration.objects.filter(pk=registration.pk).update(seminar=started)
    registration.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.cancel_registration(registration)
    assert error.value.code == "too_late"
    staff = django_user_model.objects.create_user("office", is_staff=True)
    assert services.cancel_registration(registration, by=staff).status == CANCELLED


def test_cancelling_twice_is_harmless():
    registration = register(make_seminar())
    services.cancel_registration(registration)
    assert services.cancel_registration(registration).status == CANCELLED
    assert OutboxEmail.objects.filter(template="seminars/emails/cancelled").count() == 1


def test_personal_link_opens_only_its_own_registration():
    registration = register(make_seminar())
    signed = links.manage_path(registration).rstrip("/").rsplit("/", 1)[-1]
    assert links.registration_for(signed) == registration
    assert links.registration_for(signed[:-2] + "xx") is None  # tampered
    assert links.registration_for("not-a-link") is None  # wrong
    forged = signing.dumps("unknown-token", salt=links.SALT)
    assert links.registration_for(forged) is None  # well signed, but no such registration
    other_salt = signing.dumps(registration.token, salt="something-else")
    assert links.registration_for(other_salt) is None


def test_personal_link_expires(monkeypatch):
    registration = register(make_seminar())
    signed = links.manage_path(registration).rstrip("/").rsplit("/", 1)[-1]
    later = timezone.now() + links.MANAGE_LINK_MAX_AGE + dt.timedelta(days=1)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())
    assert links.registration_for(signed) is None


def test_confirmation_email_in_english_with_a_valid_calendar_file(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(webinar_url="https://zoom.example/j/123")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, language="en", name="Hanako Yamada")
    message = mailoutbox[0]
    assert message.subject == f"[{registration.reference}] Your seminar registration is confirmed"
    body = message.body
    assert "Dear Hanako Yamada," in body and "https://zoom.example/j/123" in body
    assert "Please do not record the seminar" in body
    assert registrations_linked_from(body) == [registration]
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == (f"seminar-{seminar.number}.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == seminar.starts_at
    assert event.decoded("dtend") == seminar.ends_at
    assert str(event["summary"]) == "Customer harassment basics"
    assert registration.reference in str(event["uid"])


def test_confirmation_in_japanese_and_waiting_list_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        seated = register(seminar, 1)
        waiting = register(seminar, 2, waiting=True)
    confirmation, waiting_mail = mailoutbox
    assert confirmation.subject == f"[{seated.reference}] セミナーの参加申込みを受け付けました"
    assert (
        "山田 花子1 様" in confirmation.body and "録画・録音はご遠慮ください" in confirmation.body
    )
    assert "ウェビナーのURLは、開催前にメールでお知らせします。" in confirmation.body
    assert waiting_mail.subject == f"[{waiting.reference}] キャンセル待ちで受け付けました"
    assert waiting_mail.attachments == []


def test_the_webinar_link_goes_only_to_people_with_a_seat(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1, webinar_url="https://zoom.example/j/secret")
    with django_capture_on_commit_callbacks(execute=True):
        register(seminar, 1, language="en")
        register(seminar, 2, language="en", waiting=True)
    seat, waiting = mailoutbox
    assert "https://zoom.example/j/secret" in seat.body
    assert "https://zoom.example/j/secret" not in waiting.body + waiting.alternatives[0][0]
    assert "sent only to people with a seat" in waiting.body


def test_reminders_go_out_the_business_day_before_once_each(
    mailoutbox, django_capture_on_commit_callbacks
):
    # A session on a Monday is reminded on the Friday before, not on the weekend.
    day = quiet_monday()
    friday = day - dt.timedelta(days=3)
    monday = monday_session(day)
    before = timezone.now()
    seated = [
        services.register_for_seminar(monday, person(i), language="ja", now=before) for i in (1, 2)
    ]
    services.cancel_registration(
        services.register_for_seminar(monday, person(3), language="ja", now=before)
    )
    Registration.objects.filter(pk__in=[r.pk for r in seated]).update(reminded_at=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_reminders(today=friday - dt.timedelta(days=1)) == 0  # too early
        assert tasks.queue_reminders(today=friday + dt.timedelta(days=1)) == 0  # Saturday
        assert tasks.queue_reminders(today=friday) == 2
        assert tasks.queue_reminders(today=friday) == 0  # run twice
    assert sorted(m.to[0] for m in mailoutbox) == ["person1@example.jp", "person2@example.jp"]
    assert all(m.attachments for m in mailoutbox)


@pytest.mark.parametrize("broker_down", [False, True])
def test_reminders_go_out_in_batches_each_once_even_with_the_broker_down(monkeypatch, broker_down):
    day = quiet_monday()
    seminar = monday_session(day)  # reminded on the Friday before
    for index in range(5):
        services.register_for_seminar(seminar, person(index), language="ja")
    OutboxEmail.objects.all().delete()
    monkeypatch.setattr(services, "REMINDER_BATCH", 2)
    batches = []
    if broker_down:

        def refuse(ids):
            batches.append(ids)
            raise ConnectionError("broker down")

        monkeypatch.setattr("seminars.tasks.send_reminder_batch.delay", refuse)
    else:
        monkeypatch.setattr(
            "seminars.tasks.send_reminder_batch.delay",
            lambda ids: batches.append(ids) or tasks.send_reminder_batch(ids),
        )
    today = day - dt.timedelta(days=3)

    assert tasks.queue_reminders(today=today) == 5
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert OutboxEmail.objects.filter(template="seminars/emails/reminder").count() == 5
    assert tasks.queue_reminders(today=today) == 0


def test_a_reminder_batch_stores_its_emails_in_one_insert_each_findable_by_address(
    django_capture_on_commit_callbacks,
):
    day = quiet_monday()
    seminar = monday_session(day)
    ids = [services.register_for_seminar(seminar, person(i), language="ja").pk for i in range(3)]
    OutboxEmail.objects.all().delete()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        friday = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(9), tzinfo=TOKYO)
        assert services.remind(ids, now=friday) == 3
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert len(callbacks) == 1  # one task for the batch
    stored = OutboxEmail.objects.filter(template="seminars/emails/reminder")
    assert stored.count() == 3 and len({email.message_id for email in stored}) == 3
    assert OutboxEmail.objects.filter(to_email_index=blind_index("person1@example.jp")).exists()


def test_a_reminder_batch_run_after_its_session_started_reminds_nobody():
    day = quiet_monday()
    seminar = monday_session(day)
    registration = services.register_for_seminar(seminar, person(1), language="ja")
    OutboxEmail.objects.all().delete()
    late = seminar.starts_at + dt.timedelta(minutes=1)  # a retry that came too late
    assert services.remind([registration.pk], now=late) == 0
    assert not OutboxEmail.objects.exists()
    assert services.remind([registration.pk], now=seminar.starts_at - dt.timedelta(hours=20)) == 1
    assert OutboxEmail.objects.get().template == "seminars/emails/reminder"


def monday_session(day: dt.date):
    """A 14:00 session on ``day`` (a ``quiet_monday``), open for registration until then."""
    starts_at = dt.datetime.combine(day, dt.time(14), tzinfo=TOKYO)
    return make_seminar(
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        application_opens_on=timezone.localdate() - dt.timedelta(days=1),
        application_closes_on=day - dt.timedelta(days=3),
    )


def test_archive_notice_reaches_every_registrant_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    register(seminar, 1)
    register(seminar, 2, waiting=True)
    cancelled = register(seminar, 3, waiting=True)
    services.cancel_registration(cancelled)
    mailoutbox.clear()
    ended = seminar.ends_at + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_archive(seminar, url="https://video.example/1", now=ended) == 2
        assert services.publish_archive(seminar, url="https://video.example/1", now=ended) == 0
    assert len(mailoutbox) == 2
    assert all("https://video.example/1" in m.body for m in mailoutbox)


def test_my_registrations_email_lists_the_links(mailoutbox, django_capture_on_commit_callbacks):
    first, second = make_seminar(), make_seminar()
    with django_capture_on_commit_callbacks(execute=True):
        a = register(first, 1, email="me@example.jp")
        b = register(second, 1, email="me@example.jp")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_my_registrations("ME@example.jp") == 2
        assert services.send_my_registrations("nobody@example.jp") == 0
    assert len(mailoutbox) == 1
    assert registrations_linked_from(mailoutbox[0].body) == [a, b]


def test_the_email_follows_the_locked_count_when_the_last_seat_went_meanwhile(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    register(seminar, 1)
    counts = iter([1])  # the unlocked count still saw the last seat; someone took it since
    free_seats = services.free_seats
    monkeypatch.setattr(services, "free_seats", lambda s: next(counts, None) or free_seats(s))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = services.register_for_seminar(
            Seminar.objects.get(pk=seminar.pk), person(2), language="en", join_waiting_list=True
        )
    assert late.status == RegistrationStatus.WAITING
    assert OutboxEmail.objects.about(late).get().template == "seminars/emails/waiting"
    assert len(mailoutbox) == 1 and not mailoutbox[0].attachments  # no calendar for a queue


def test_the_email_quotes_the_reference_drawn_again_after_a_collision(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar()
    taken = register(seminar, 1).reference
    drawn = iter([taken])  # the first draw collides with a stored registration
    monkeypatch.setattr(services, "new_reference", lambda prefix: next(drawn, None) or "S-NEWREF23")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.register_for_seminar(seminar, person(2), language="en")
    assert second.reference == "S-NEWREF23"
    (email,) = mailoutbox
    assert "S-NEWREF23" in email.subject + email.body and taken not in email.subject + email.body


def test_the_email_shows_the_session_as_it_is_when_the_seat_is_taken(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=5)
    shown = Seminar.objects.get(pk=seminar.pk)  # what the page showed the person
    later = seminar.starts_at + dt.timedelta(hours=1)
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )  # the office moved it while the person typed
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_seminar(shown, person(1), language="en")
    body = OutboxEmail.objects.about(registration).get().body_text
    assert timezone.localtime(later).strftime("%H:%M") in body
    assert timezone.localtime(seminar.starts_at).strftime("%H:%M") not in body


def test_seats_left_never_goes_below_zero():
    seminar = make_seminar(capacity=2)
    assert [seminar.seats_left(seated=n) for n in (0, 1, 2, 3)] == [2, 1, 0, 0]
    register(seminar, 1)
    assert services.free_seats(seminar) == 1
    assert Seminar.objects.with_seats().get(pk=seminar.pk).seated == 1


def test_the_seats_count_leaves_out_the_waiting_list_and_cancellations():
    empty, busy = make_seminar(capacity=2), make_seminar(capacity=2)
    register(busy, 1)
    register(busy, 2)
    register(busy, 3, waiting=True)
    services.cancel_registration(register(busy, 4, waiting=True))
    seated = dict(Seminar.objects.with_seats().values_list("pk", "seated"))
    assert seated == {empty.pk: 0, busy.pk: 2}
    assert services.free_seats(busy) == 0


def test_registering_from_the_page_reuses_its_seat_count_as_the_prediction(
    django_capture_on_commit_callbacks,
):
    """The seats count the page was read with predicts the status; the locked count decides."""
    seminar = make_seminar(capacity=1)
    page = Seminar.objects.with_seats().get(pk=seminar.pk)  # one seat left, the page says
    register(seminar, 1)  # taken meanwhile
    plain_read = Seminar.objects.get(pk=seminar.pk)
    with CaptureQueriesContext(connection) as plain, django_capture_on_commit_callbacks():
        services.register_for_seminar(plain_read, person(2), language="en", join_waiting_list=True)
    with CaptureQueriesContext(connection) as from_page, django_capture_on_commit_callbacks():
        late = services.register_for_seminar(page, person(3), language="en", join_waiting_list=True)
    assert len(from_page.captured_queries) == len(plain.captured_queries) - 1
    assert late.status == RegistrationStatus.WAITING
    assert OutboxEmail.objects.about(late).get().template == "seminars/emails/waiting"
