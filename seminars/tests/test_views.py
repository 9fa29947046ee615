"""Public seminar pages, the registration form, the personal link and "my registrations"."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from seminars import links
from seminars.models import Registration, RegistrationStatus

from .factories import FORM, make_seminar, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def url(name, *args, language="ja"):
    with translation.override(language):
        return reverse(f"seminars:{name}", args=args)


def post_registration(client, seminar, language="ja", **changes):
    form = client.get(url("detail", seminar.pk, language=language)).context["form"]
    data = {**FORM, "form_started": form.initial["form_started"], **changes}
    return client.post(
        url("detail", seminar.pk, language=language),
        {k: v for k, v in data.items() if v is not None},
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_list_shows_upcoming_and_past_sessions(client, language):
    make_seminar(title_en="Upcoming basics", capacity=100)
    few = make_seminar(title_en="Almost full", capacity=3)
    register(few, 1)
    past = make_seminar(
        starts_in_days=-30,
        opens_days_ago=60,
        title_en="Past one",
        archive_url="https://video.example/past",
    )
    from django.utils import timezone

    past.archive_published_at = timezone.now()
    past.save()
    make_seminar(published=False, title_en="Draft")
    response = client.get(url("overview", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert [i["seminar"].pk for i in response.context["past"]] == [past.pk]
    assert "https://video.example/past" in html
    assert "Draft" not in html and "下書き" not in html
    seats = {i["seminar"].pk: i["seats_left"] for i in response.context["upcoming"]}
    assert seats[few.pk] == 2


def test_detail_page_has_the_facts_and_the_form(client):
    seminar = make_seminar(title_en="Customer harassment basics")
    html = client.get(url("detail", seminar.pk, language="en")).content.decode()
    assert "Customer harassment basics" in html and "Zoom Webinars" in html
    assert "Please do not record the seminar" in html
    assert 'name="name_kana"' in html and 'name="consent_no_recording"' in html


def test_register_and_see_the_reference(client, mailoutbox, django_capture_on_commit_callbacks):
    seminar = make_seminar()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(client, seminar, "en")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.language == "en" and registration.status == RegistrationStatus.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert registration.reference in page
    assert len(mailoutbox) == 1


def test_field_errors_keep_what_was_typed(client):
    seminar = make_seminar()
    response = post_registration(
        client, seminar, "en", email_again="other@example.jp", consent_no_recording=None, name=""
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "email_again", "consent_no_recording"}
    html = response.content.decode()
    assert 'value="東京商事"' in html and "Error:" in html


def test_a_second_registration_answers_as_the_first_and_never_says_already_registered(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Whoever types an address cannot tell from the answer whether it was registered: the
    same redirect and page as a registration; the address gets its confirmation again."""
    seminar = make_seminar()
    with django_capture_on_commit_callbacks(execute=True):
        first = post_registration(client, seminar, "en")
    first_page = client.get(first["Location"]).content.decode()
    other = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        second = post_registration(other, seminar, "en")
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    second_page = other.get(second["Location"]).content.decode()
    assert second_page == first_page  # (the same registration: its status and reference)
    assert "already registered" not in second_page
    assert Registration.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["hanako@example.jp"]] * 2


def test_a_full_session_offers_the_waiting_list(client):
    seminar = make_seminar(capacity=1)
    register(seminar, 1)
    page = client.get(url("detail", seminar.pk, language="en")).content.decode()
    # The button says it; no box to tick (which was "optional" and yet required).
    assert '<input type="hidden" name="join_waiting_list" value="True"' in page
    assert "Join the waiting list</button>" in page
    # (what the browser sends with the page's hidden input)
    response = post_registration(client, seminar, "en", join_waiting_list="True")
    assert response.status_code == 302
    registration = Registration.objects.with_email("hanako@example.jp").get()
    assert registration.status == RegistrationStatus.WAITING


def test_a_form_from_an_open_page_that_finds_the_session_full_asks_before_queueing(client):
    seminar = make_seminar(capacity=1)
    form = client.get(url("detail", seminar.pk, language="en")).context["form"]
    register(seminar, 1)  # the last seat goes while this person types
    data = {**FORM, "form_started": form.initial["form_started"]}
    response = client.post(url("detail", seminar.pk, language="en"), data)
    assert response.status_code == 409
    assert "Join the waiting list</button>" in response.content.decode()
    assert not Registration.objects.with_email("hanako@example.jp").exists()


def test_closed_session_shows_no_form(client):
    seminar = make_seminar(starts_in_days=2, closes_days_before=3)
    response = client.get(url("detail", seminar.pk, language="en"))
    assert response.context["form"] is None
    assert "Registration for this session has closed." in response.content.decode()
    # A form sent anyway (an old tab) is refused by the rule, not by the bot trap.
    import time

    from core.public.forms import stamp

    client.get(url("detail", make_seminar().pk))  # (the browser's CSRF cookie)
    started = stamp(time.time() - 60, client.cookies["csrftoken"].value)
    response = client.post(
        url("detail", seminar.pk, language="en"), {**FORM, "form_started": started}
    )
    assert response.status_code == 409
    assert "Registration for this session has closed." in response.content.decode()
    assert Registration.objects.count() == 0


def test_personal_link_shows_status_resends_and_cancels(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    seminar = make_seminar(capacity=1)
    registration = register(seminar, 1, language="en")
    waiting = register(seminar, 2, waiting=True)
    path = links.manage_path(registration)
    page = client.get(path)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"  # the secret link never leaves the site
    assert registration.reference in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"action": "resend"})
    assert [m.to for m in mailoutbox] == [["person1@example.jp"]]
    confirm = client.get(path + "?cancel=1").content.decode()
    assert "Yes, cancel my registration" in confirm
    client.post(path, {"action": "cancel"})
    registration.refresh_from_db(), waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED  # the seat went to the waiting list


def test_an_attended_or_past_registration_cannot_be_cancelled_by_link(client):
    registration = register(make_seminar(), 1, language="en")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.ATTENDED)
    path = links.manage_path(registration)
    response = client.post(path, {"action": "cancel"}, follow=True)
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED


@pytest.mark.parametrize("signed", ["nonsense", "a" * 300, "Im5vIg:1xXJBm:forged"])
def test_a_bad_link_is_refused_politely(client, signed):
    response = client.get(url("manage", signed, language="en"))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_my_registrations_answers_the_same_either_way(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    register(make_seminar(), 1, email="known@example.jp")
    mailoutbox.clear()
    answers = []
    for address in ("known@example.jp", "unknown@example.jp"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("my_registrations", language="en"), {"email": address}, follow=True
            )
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        answers.append(re.sub(r"\s+", " ", page))
    assert answers[0] == answers[1]
    assert [m.to for m in mailoutbox] == [["known@example.jp"]]


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_my_registrations_is_rate_limited(client):
    for _ in range(3):
        client.post(url("my_registrations", language="en"), {"email": "x@example.jp"})
    response = client.post(url("my_registrations", language="en"), {"email": "x@example.jp"})
    assert response.status_code == 429


def test_the_session_page_shows_a_new_registration_at_once(client):
    seminar = make_seminar(capacity=2)
    assert "2 seats left" in client.get(url("detail", seminar.pk, language="en")).content.decode()
    register(seminar, 1)
    assert "1 seat left" in client.get(url("detail", seminar.pk, language="en")).content.decode()
    register(seminar, 2)
    html = client.get(url("detail", seminar.pk, language="en")).content.decode()
    assert 'name="join_waiting_list"' in html


def test_the_session_page_does_not_query_the_session_again(client, django_assert_num_queries):
    seminar = make_seminar()
    client.get(url("detail", seminar.pk))
    client.cookies.clear()
    with django_assert_num_queries(0):
        assert client.get(url("detail", seminar.pk)).status_code == 200


def test_an_unpublished_session_is_gone_at_once(client):
    seminar = make_seminar()
    assert client.get(url("detail", seminar.pk)).status_code == 200
    seminar.published = False
    seminar.save()
    assert client.get(url("detail", seminar.pk)).status_code == 404
