"""The public form: validation, check your answers, idempotent submit, bot traps, limits."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from consultations.models import Consultation
from core.public.flow import read_draft
from mail.models import OutboxEmail

from .factories import VALID_FORM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def url(name, language="ja"):
    with translation.override(language):
        return reverse(f"consultations:{name}")


def fresh_form(client, language="ja"):
    """GET the form and return the hidden values a browser would send back."""
    form = client.get(url("form", language)).context["form"]
    return {
        "form_started": form.initial["form_started"],
        "submission_key": str(form.initial["submission_key"]),
    }


def post_form(client, language="ja", **changes):
    data = {**VALID_FORM, **fresh_form(client, language), **changes}
    return client.post(url("form", language), {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("language", ["ja", "en"])
def test_form_page_is_served_in_both_languages(client, language):
    response = client.get(url("form", language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'name="details"' in html and 'name="website"' in html
    assert 'autocomplete="email"' in html


def test_empty_form_lists_every_problem_at_the_top_and_beside_each_field(client):
    response = client.post(url("form", "en"), fresh_form(client, "en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Consultation form" in html
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
    ]
    for anchor in (
        "id_requester_type_0",
        "id_eligibility_confirmed",
        "id_email",
        "id_topic",
        "id_details",
        "id_acknowledge_disclaimers",
        "id_consent_privacy",
    ):
        assert f'href="#{anchor}"' in summary
    assert "Enter your email address, so that we can reply." in html
    assert 'aria-invalid="true"' in html
    assert (
        'id="id_email_error"' in html
        and 'aria-describedby="id_email_helptext id_email_error"' in html
    )
    assert Consultation.objects.count() == 0


def test_errors_are_translated(client):
    html = client.post(url("form", "ja"), fresh_form(client, "ja")).content.decode()
    assert "<title>エラー：" in html
    assert "返信のため、メールアドレスを入力してください。" in html


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "not-an-address"}, "email", "Enter an email address like name@example.jp."),
        ({"phone": "12345"}, "phone", "Enter a phone number with 10 to 15 digits"),
        (
            {"preferred_contact": "phone", "phone": ""},
            "phone",
            "Enter a phone number, or choose to be contacted by email.",
        ),
        (
            {"details": "x" * 4001},
            "details",
            "Shorten this to 4000 characters or fewer (it has 4001)",
        ),
        (
            {"requester_type": "martian"},
            "requester_type",
            "Select one of the answers shown for “I am a”.",
        ),
        (
            {"conduct_types": ["violence", "nonsense"]},
            "conduct_types",
            "Select one of the answers shown for “Kinds of conduct involved”.",
        ),
        ({"consent_privacy": None}, "consent_privacy", "Agree to the privacy notice"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(client, changes, field, message):
    response = post_form(client, "en", **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    # Nothing typed is lost: the other answers and the faulty one are all still there.
    assert 'value="hanako@example.jp"' in html or field == "email"
    if field == "details":
        assert "x" * 4001 in html
    else:
        assert "A customer shouted at me for an hour" in html


def test_full_width_phone_digits_are_accepted(client):
    response = post_form(client, phone="０３ー１２３４ー５６７８")
    assert response.status_code == 302
    assert read_draft(client.session, "consultation_draft")["data"]["phone"] == "03-1234-5678"


def test_valid_form_leads_to_check_your_answers_and_back_keeps_everything(client):
    response = post_form(client, "en")
    assert response.status_code == 302 and response["Location"] == url("check", "en")
    check = client.get(url("check", "en")).content.decode()
    assert "Check your answers before sending" in check
    assert "A customer shouted at me for an hour" in check
    assert "Verbal abuse or insults, Long calls, staying on or refusing to leave" in check
    assert f'href="{url("form", "en")}#id_details"' in check
    # "Change" goes back to the form with every answer still there.
    form = client.get(url("form", "en")).context["form"]
    assert form.initial["details"].startswith("A customer shouted")
    assert form.initial["conduct_types"] == ["verbal_abuse", "restraint"]


def test_submit_shows_the_reference_and_sends_the_confirmation(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    post_form(client, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("check", "en"))
    assert response.status_code == 302 and response["Location"] == url("thanks", "en")
    consultation = Consultation.objects.get()
    assert consultation.language == "en"
    assert consultation.details.startswith("A customer shouted")
    page = client.get(url("thanks", "en")).content.decode()
    assert consultation.reference in page
    assert len(mailoutbox) == 1 and consultation.reference in mailoutbox[0].subject


def test_double_click_reload_and_back_resubmit_create_one_consultation(client):
    hidden = fresh_form(client)
    client.post(url("form"), {**VALID_FORM, **hidden})
    client.post(url("check"))
    client.post(url("check"))  # double click / reload of the POST
    # Back to the cached form page, which still carries the same key, and send it all again.
    client.post(url("form"), {**VALID_FORM, **hidden})
    response = client.post(url("check"))
    assert response.status_code == 302
    assert Consultation.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_answers_are_kept_two_hours_at_most(client):
    post_form(client)
    assert client.session.get_expiry_age() == 2 * 60 * 60


def test_check_and_thanks_without_a_draft_go_back_to_the_form(client):
    assert client.get(url("check"))["Location"] == url("form")
    assert client.get(url("thanks"))["Location"] == url("form")


def test_filled_honeypot_is_refused_without_a_server_error(client):
    response = post_form(client, website="http://spam.example")
    assert response.status_code == 400
    assert "consultation_draft" not in client.session


@override_settings(FORM_MIN_FILL_SECONDS=30)
def test_a_form_sent_too_fast_is_treated_as_a_bot(client):
    response = post_form(client, "en")
    assert response.status_code == 400
    assert "Please check your answers and send the form again." in response.content.decode()


def test_a_forged_time_stamp_is_treated_as_a_bot(client):
    response = post_form(client, form_started="1700000000")
    assert response.status_code == 400


@override_settings(CONSULTATION_RATE_LIMIT_PER_HOUR=2)
def test_submissions_are_limited_per_person_and_nothing_is_lost(client):
    for _ in range(2):
        post_form(client)
        assert client.post(url("check")).status_code == 302
    post_form(client, details="The third one, from the same person.")
    response = client.post(url("check"))
    assert response.status_code == 429
    assert "The third one" in response.content.decode()  # the answers are still shown
    assert client.session["consultation_draft"]
    assert Consultation.objects.count() == 2
    # Someone else behind the same address (an office, a mobile carrier) is not refused.
    other = Client()
    post_form(other, email="colleague@example.jp")
    assert other.post(url("check")).status_code == 302


@override_settings(ADDRESS_RATE_LIMIT_PER_HOUR=3)
def test_one_address_is_cut_off_at_its_higher_ceiling_and_another_is_not():
    for index in range(3):
        browser = Client()
        post_form(browser, email=f"person{index}@example.jp")
        assert browser.post(url("check")).status_code == 302
    flooding = Client()
    post_form(flooding, email="person9@example.jp")
    assert flooding.post(url("check")).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.99")
    post_form(elsewhere, email="person9@example.jp")
    assert elsewhere.post(url("check")).status_code == 302


@override_settings(BROWSER_RATE_LIMIT_PER_HOUR=2)
def test_one_browser_is_cut_off_whatever_addresses_it_types(client):
    for index in range(2):
        post_form(client, email=f"person{index}@example.jp")
        assert client.post(url("check")).status_code == 302
    post_form(client, email="person9@example.jp")
    assert client.post(url("check")).status_code == 429
    fresh = Client()  # another browser at the same address
    post_form(fresh, email="person9@example.jp")
    assert fresh.post(url("check")).status_code == 302


@override_settings(CONSULTATION_RATE_LIMIT_PER_HOUR=1)
def test_at_the_limit_a_resend_of_a_stored_form_still_finds_it(client):
    key = "0b9c3a52-7a8e-4a4c-9f5e-2f3b6c1d0e11"
    post_form(client, submission_key=key)
    assert client.post(url("check"))["Location"].endswith("/thanks/")
    # Back to the form in the browser's history, and send it again: the same key.
    post_form(client, submission_key=key)
    response = client.post(url("check"))
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert Consultation.objects.get().submission_key == uuid.UUID(key)
    # A new form from the same address is over the limit.
    post_form(client)
    assert client.post(url("check")).status_code == 429


def test_an_allowed_submit_does_not_look_the_key_up_before_storing(client):
    post_form(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url("check")).status_code == 302
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "submission_key" in q["sql"]
    ]
    assert lookups == []  # the unique constraint settles a resend (see submit_once)
    assert Consultation.objects.count() == 1


def test_no_personal_data_in_any_url(client):
    marker = "zz-marker-zz"
    response = post_form(client, name=marker, email=f"{marker}@example.jp")
    locations = [response["Location"]]
    locations.append(client.post(url("check"))["Location"])
    assert all(marker not in location for location in locations)


# Malformed, oversized, control-character and script input, for every field.
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\x00\x01\x02\x1b[31m\x7f",
    "\u202etxt.exe",
    "x" * 100_000,
    "' OR 1=1; --",
    "{{ settings.SECRET_KEY }}",
    "😀" * 50,
    "\r\n\r\nBcc: victim@example.jp",
]


@pytest.mark.parametrize(
    "field", [k for k in VALID_FORM if k != "conduct_types"] + ["conduct_types"]
)
@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_hostile_input_never_fails_and_is_never_reflected_unescaped(client, field, value):
    response = post_form(client, "en", **{field: value})
    assert response.status_code in (200, 302)
    html = response.content.decode() if response.status_code == 200 else ""
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "\x00" not in html and "\u202e" not in html
    if response.status_code == 302:
        check = client.get(url("check", "en")).content.decode()
        assert "<script>alert(1)" not in check and "<img src=x" not in check
        assert client.post(url("check", "en")).status_code == 302
        stored = Consultation.objects.latest("pk")
        for text in (stored.name, stored.details, stored.organisation, stored.tried_so_far):
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e]", text)


def test_no_personal_data_reaches_the_logs(client, caplog, django_capture_on_commit_callbacks):
    import logging

    marker = "zq-private-zq"
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        post_form(
            client,
            name=marker,
            email=f"{marker}@example.jp",
            details=f"{marker} account",
            phone="090-1234-5678",
            organisation=marker,
        )
        client.post(url("check"))
    assert Consultation.objects.get().name == marker
    assert caplog.records  # the flow did log (sending the email, at least)
    assert marker not in caplog.text and "090-1234-5678" not in caplog.text
