"""Waiting-list offers (issue 18): a freed seat offered, accepted in time or passed on."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backoffice import statistics
from mail.models import OutboxEmail
from seminars import links, offers, services, tasks
from seminars.models import Registration, RegistrationStatus, Seminar, ZoomState
from tests.zoom_fake import FakeZoom, running

from .factories import make_seminar, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]
CONFIRMED, WAITING, OFFERED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.OFFERED,
    RegistrationStatus.CANCELLED,
)


def full_session(*, offer_hours=48, waiting=2, **fields):
    """One seat, taken, and ``waiting`` people in the queue (persons 2, 3, ...)."""
    seminar = make_seminar(capacity=1, offer_hours=offer_hours, **fields)
    seated = register(seminar, 1)
    queue = [register(seminar, 2 + i, waiting=True) for i in range(waiting)]
    return seminar, seated, queue


def statuses(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return tuple(r.status for r in registrations)


def templates_sent_to(registration):
    return list(
        OutboxEmail.objects.about(registration).order_by("pk").values_list("template", flat=True)
    )


def test_a_freed_seat_is_offered_to_the_first_waiting_when_the_session_gives_time():
    seminar, seated, (first, second) = full_session()
    before = timezone.now()
    services.cancel_registration(seated)
    assert statuses(first, second) == (OFFERED, WAITING)
    assert first.offered_at >= before
    assert first.offer_expires_at - first.offered_at == dt.timedelta(hours=48)
    assert templates_sent_to(first) == ["seminars/emails/waiting", "seminars/emails/offered"]
    # The offer holds the seat: no other seat to give, and the session stays full.
    assert services.free_seats(seminar) == 0
    assert Seminar.objects.with_seats().get(pk=seminar.pk).seated == 1
    late = register(seminar, 9, waiting=True)
    assert late.status == WAITING


def test_with_no_offer_time_a_freed_seat_is_given_at_once_as_before():
    _seminar, seated, (first, second) = full_session(offer_hours=0)
    services.cancel_registration(seated)
    assert statuses(first, second) == (CONFIRMED, WAITING)
    assert first.offer_expires_at is None
    assert templates_sent_to(first)[-1] == "seminars/emails/promoted"


def test_the_offer_email_in_the_persons_language_with_the_link_and_the_deadline(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1, offer_hours=24, webinar_url="https://zoom.us/j/81234567890")
    seated = register(seminar, 1)
    english = register(seminar, 2, waiting=True, language="en")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated)
    english.refresh_from_db()
    (offer,) = [m for m in mailoutbox if m.to == [english.email]]
    assert offer.subject == f"[{english.reference}] A seat is offered to you: please accept it"
    assert english.name not in offer.subject and english.email not in offer.subject
    deadline = timezone.localtime(english.offer_expires_at)
    assert f"by {deadline:%A} {deadline.day} {deadline:%B %Y, %H:%M}" in offer.body
    signed = re.search(r"/en/seminars/registration/([^/\s]+)/", offer.body).group(1)
    assert links.registration_for(signed) == english
    assert seminar.webinar_url not in offer.body  # the link is for seats only
    assert not offer.attachments


def test_the_offer_email_in_japanese(mailoutbox, django_capture_on_commit_callbacks):
    _seminar, seated, (first, _second) = full_session()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(seated)
    first.refresh_from_db()
    (offer,) = [m for m in mailoutbox if m.to == [first.email]]
    assert (
        offer.subject == f"[{first.reference}] 参加枠のご案内（期限までに参加手続をお願いします）"
    )
    deadline = timezone.localtime(first.offer_expires_at)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in offer.body


@pytest.mark.parametrize(
    ("offer_hours", "closes_days_before", "starts_in_hours", "expected"),
    [
        (48, 3, 14 * 24, "48 hours"),  # plenty of time: the session's own setting
        (48, 0, 30, "start"),  # registration open to the last day: 3 hours before the start
        (48, 1, 50, "close"),  # closes before 48 hours have passed: at the end of that day
        (48, -1, 2, "at once"),  # under an hour before the cutoff: no offer, a seat
        (0, 3, 14 * 24, "at once"),
    ],
)
def test_the_offer_closes_by_the_end_of_registration_and_before_the_start(
    offer_hours, closes_days_before, starts_in_hours, expected
):
    now = timezone.now()
    starts_at = now + dt.timedelta(hours=starts_in_hours)
    seminar = Seminar(
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        application_closes_on=timezone.localdate(starts_at) - dt.timedelta(days=closes_days_before),
        offer_hours=offer_hours,
    )
    deadline = offers.offer_deadline(seminar, now=now)
    end_of_registration = timezone.make_aware(
        dt.datetime.combine(seminar.application_closes_on + dt.timedelta(days=1), dt.time.min)
    )
    assert (
        deadline
        == {
            "48 hours": now + dt.timedelta(hours=48),
            "start": min(starts_at - offers.OFFER_MARGIN, end_of_registration),
            "close": end_of_registration,
            "at once": None,
        }[expected]
    )
    if deadline:
        assert deadline <= starts_at - offers.OFFER_MARGIN and deadline <= end_of_registration


def test_after_registration_has_closed_a_freed_seat_is_given_at_once():
    seminar, seated, (first, _second) = full_session(starts_in_days=2, closes_days_before=0)
    Seminar.objects.filter(pk=seminar.pk).update(
        application_closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    services.cancel_registration(seated)
    assert statuses(first) == (CONFIRMED,)


def test_accepting_in_time_gives_the_seat_with_the_calendar_file_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    first.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = offers.accept_offer(first, now=first.offer_expires_at - dt.timedelta(minutes=1))
        again = offers.accept_offer(first)  # a double click
    assert accepted.status == again.status == CONFIRMED
    assert statuses(first, second) == (CONFIRMED, WAITING)
    assert len(mailoutbox) == 1
    (email,) = mailoutbox
    assert (
        email.subject == f"[{first.reference}] 参加が確定しました（キャンセル待ちからの繰り上げ）"
    )
    assert [a[0] for a in email.attachments] == [f"seminar-{seminar.number}.ics"]
    assert services.free_seats(seminar) == 0


def test_accepting_adds_the_person_to_zoom(settings, django_capture_on_commit_callbacks):
    with running(FakeZoom()) as fake:
        settings.ZOOM_ACCOUNT_ID = fake.account_id
        settings.ZOOM_CLIENT_ID = fake.client_id
        settings.ZOOM_CLIENT_SECRET = fake.client_secret
        settings.ZOOM_API_URL = fake.api_url
        settings.ZOOM_OAUTH_URL = fake.oauth_url
        _seminar, seated, (first, _second) = full_session(zoom_webinar_id="812 3456 7890")
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_registration(seated)
        first.refresh_from_db()
        assert first.zoom_state == ZoomState.NONE  # not while it is only offered
        with django_capture_on_commit_callbacks(execute=True):
            offers.accept_offer(first)
        first.refresh_from_db()
        assert first.zoom_state == ZoomState.ADDED


def test_accepting_after_the_deadline_is_refused_and_the_seat_passes_on():
    seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    first.refresh_from_db()
    late = first.offer_expires_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as refusal:
        offers.accept_offer(first, now=late)
    assert refusal.value.code == "offer_lapsed"
    assert statuses(first, second) == (CANCELLED, OFFERED)
    assert first.lapsed_offer
    assert templates_sent_to(first)[-1] == "seminars/emails/offer_lapsed"
    # Asking again says the same, and changes nothing more.
    with pytest.raises(ValidationError) as again:
        offers.accept_offer(first, now=late)
    assert again.value.code == "offer_lapsed"
    assert statuses(second) == (OFFERED,)
    assert services.free_seats(seminar) == 0


def test_someone_waiting_cannot_accept_a_seat_not_offered():
    _seminar, _seated, (first, _second) = full_session()
    with pytest.raises(ValidationError) as refusal:
        offers.accept_offer(first)
    assert refusal.value.code == "invalid_transition"
    assert statuses(first) == (WAITING,)


def test_declining_passes_the_seat_on_at_once():
    _seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    services.cancel_registration(Registration.objects.get(pk=first.pk))
    assert statuses(first, second) == (CANCELLED, OFFERED)
    assert not first.lapsed_offer
    assert templates_sent_to(first)[-1] == "seminars/emails/cancelled"


def test_the_expiry_job_passes_each_lapsed_offer_on_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    seminar, seated, (first, second, third) = full_session(waiting=3)
    services.cancel_registration(seated)
    first.refresh_from_db()
    assert offers.expire_offers(now=first.offer_expires_at - dt.timedelta(seconds=1)) == 0
    assert statuses(first, second) == (OFFERED, WAITING)
    later = first.offer_expires_at
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert offers.expire_offers(now=later) == 1
        assert offers.expire_offers(now=later) == 0  # run twice: nothing more
    assert statuses(first, second, third) == (CANCELLED, OFFERED, WAITING)
    assert second.offer_expires_at == later + dt.timedelta(hours=48)
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
        [
            (first.email, f"[{first.reference}] ご案内した参加枠は次の方にご案内しました"),
            (
                second.email,
                f"[{second.reference}] 参加枠のご案内（期限までに参加手続をお願いします）",
            ),
        ]
    )
    assert services.free_seats(seminar) == 0


def test_the_beat_task_expires_offers(monkeypatch):
    seen = []
    monkeypatch.setattr(offers, "expire_offers", lambda *, now: seen.append(now) or 0)
    assert tasks.expire_seat_offers() == 0
    assert len(seen) == 1 and seen[0].tzinfo is not None


def test_an_offer_lapses_before_a_session_moved_earlier():
    seminar, seated, (first, second) = full_session(starts_in_days=14)
    services.cancel_registration(seated)
    first.refresh_from_db()
    moved = timezone.now() + dt.timedelta(hours=5)
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=moved, ends_at=moved + dt.timedelta(hours=2)
    )
    assert offers.expire_offers(now=moved - offers.OFFER_MARGIN) == 1
    assert statuses(first) == (CANCELLED,)
    # Too late for another offer (under an hour before the cutoff): the seat is given.
    assert statuses(second) == (CONFIRMED,)


def test_capacity_is_never_exceeded_as_offers_come_and_go():
    seminar = make_seminar(capacity=2, offer_hours=24)
    seated = [register(seminar, i) for i in (1, 2)]
    queue = [register(seminar, i, waiting=True) for i in range(3, 9)]
    now = timezone.now()

    def check():
        held = seminar.registrations.filter(status__in=[CONFIRMED, OFFERED]).count()
        assert held <= seminar.capacity
        return held

    services.cancel_registration(seated[0])
    services.cancel_registration(seated[1])
    assert check() == 2 and statuses(*queue[:3]) == (OFFERED, OFFERED, WAITING)
    offers.accept_offer(queue[0])
    services.fill_free_seats(seminar)  # nothing free: nothing offered
    assert check() == 2 and statuses(queue[2]) == (WAITING,)
    for round_ in range(1, 5):
        offers.expire_offers(now=now + dt.timedelta(hours=24 * round_, seconds=round_))
        assert check() == 2
    assert statuses(*queue) == (CONFIRMED, CANCELLED, CANCELLED, CANCELLED, CANCELLED, OFFERED)
    assert Registration.objects.filter(status=OFFERED).count() == 1


def test_the_office_moves_an_offered_person_up_at_once(django_user_model):
    staff = django_user_model.objects.create_user("offers-office", is_staff=True)
    _seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    services.promote_registration(Registration.objects.get(pk=first.pk), by=staff)
    assert statuses(first, second) == (CONFIRMED, WAITING)
    with pytest.raises(ValidationError) as full:  # the seat it held is now taken
        services.promote_registration(second, by=staff)
    assert full.value.code == "full"


def test_a_cancelled_session_cancels_the_offers_too(django_user_model):
    staff = django_user_model.objects.create_user("offers-cancel", is_staff=True)
    seminar, seated, (first, _second) = full_session()
    services.cancel_registration(seated)
    assert services.cancel_seminar(seminar, by=staff, reason="講師の急病のため") == 2
    assert statuses(first) == (CANCELLED,)


def test_the_statistics_count_an_offer_with_the_waiting_list():
    seminar, seated, _queue = full_session()
    services.cancel_registration(seated)
    day = timezone.localdate(seminar.starts_at)
    section = statistics.seminar_section(day, day)
    sessions = next(t for t in section.tables if t.key == "sessions")
    (row,) = sessions.rows
    assert row[3:7] == (0, 0, 2, 1)  # registered, attended, waiting (the offer too), cancelled


# The personal link.


def manage(registration):
    return links.manage_path(registration)


def test_the_registration_page_offers_the_seat_and_accepts_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _seminar, seated, (first, _second) = full_session()
    services.cancel_registration(seated)
    first.refresh_from_db()
    page = client.get(manage(first)).content.decode()
    assert 'value="accept"' in page and "参加枠のご案内中" in page
    assert f"{timezone.localtime(first.offer_expires_at):%H:%M}" in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage(first), {"action": "accept"}, follow=True)
    assert statuses(first) == (CONFIRMED,)
    assert "参加が確定しました" in response.content.decode()
    assert len(mailoutbox) == 1


def test_the_registration_page_declines_after_asking(client):
    _seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    page = client.get(manage(first) + "?cancel=1").content.decode()
    assert "辞退" in page
    client.post(manage(first), {"action": "cancel"})
    assert statuses(first, second) == (CANCELLED, OFFERED)


def test_the_registration_page_opened_after_the_deadline_passes_the_seat_on(client, monkeypatch):
    _seminar, seated, (first, second) = full_session()
    services.cancel_registration(seated)
    first.refresh_from_db()
    Registration.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = client.get(manage(first)).content.decode()
    assert statuses(first, second) == (CANCELLED, OFFERED)
    assert 'value="accept"' not in page and "次の方にご案内しました" in page
    response = client.post(manage(first), {"action": "accept"}, follow=True)
    assert "参加手続の期限を過ぎたため" in response.content.decode()
    assert statuses(first) == (CANCELLED,)


def test_accepting_on_the_page_after_the_deadline_is_refused_clearly(client):
    _seminar, seated, (first, second) = full_session(waiting=2)
    services.cancel_registration(seated)
    Registration.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.post(manage(first), {"action": "accept"}, follow=True)
    assert "参加手続の期限を過ぎたため" in response.content.decode()
    assert statuses(first, second) == (CANCELLED, OFFERED)


def test_the_demo_series_has_one_session_that_offers_freed_seats():
    from seminars import demo

    demo.create_demo_series()
    assert list(
        Seminar.objects.filter(offer_hours__gt=0).values_list("offer_hours", flat=True)
    ) == [48]


def test_the_admin_shows_offers_their_deadline_and_the_setting(client):
    from django.urls import reverse

    from conftest import log_in_staff

    log_in_staff(client, "Seminar staff", "offers-kato")
    seminar, seated, (first, _second) = full_session()
    services.cancel_registration(seated)
    first.refresh_from_db()
    listing = client.get(reverse("admin:seminars_registration_changelist")).content.decode()
    assert "参加枠のご案内中" in listing and "参加手続の期限" in listing
    deadline = timezone.localtime(first.offer_expires_at)
    assert f"{deadline.month}月{deadline.day}日" in listing
    # The session list counts the seat held by the offer: full, not open.
    sessions = client.get(reverse("admin:seminars_seminar_changelist")).content.decode()
    assert "満席" in sessions
    change = client.get(reverse("admin:seminars_seminar_change", args=[seminar.pk]))
    assert 'name="offer_hours"' in change.content.decode()
    assert "次の方にご案内します" in change.content.decode()  # the help text, translated
    # The office's "move up" still confirms at once.
    response = client.post(
        reverse("admin:seminars_registration_changelist"),
        {"action": "promote_selected", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert statuses(first) == (CONFIRMED,)


@pytest.mark.parametrize(
    ("language", "says"),
    [("en", "you then have up to 24 hours to accept it"), ("ja", "最長24時間以内")],
)
def test_the_waiting_list_email_says_a_seat_will_be_offered(
    mailoutbox, django_capture_on_commit_callbacks, language, says
):
    seminar = make_seminar(capacity=0, offer_hours=24)
    with django_capture_on_commit_callbacks(execute=True):
        register(seminar, 1, waiting=True, language=language)
    (email,) = mailoutbox
    assert says in " ".join(email.body.split())


def test_the_english_offer_pages_hold_no_japanese_but_the_name(client):
    from tests.test_html_validity import offer_pages
    from tests.test_one_language_per_page import INTENDED, unintended_japanese

    for name, html in offer_pages(client, "en").items():
        assert unintended_japanese(html, INTENDED | {"山田", "花子"}) == set(), name
