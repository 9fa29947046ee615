"""Hardening: bounded statistics periods, a language switcher that keeps to this site, pages
that hold what a person typed kept out of caches, stricter checks of a few fields, and an
access log that leaves secrets out."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from consultations.tests.factories import VALID_FORM as CONSULTATION_FORM
from core.public.forms import clean_text
from dispatch.forms import ApplicationForm
from dispatch.tests.factories import FORM as DISPATCH_FORM
from harassment_portal.backends.access_log import RedactingLogger
from seminars.forms import RegistrationForm
from seminars.tests.factories import FORM as SEMINAR_FORM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("0001-01-01", "2026-12-31", "out_of_range"),
        ("2026-04-01", "9999-12-31", "out_of_range"),
        ("2000-01-01", "2099-12-31", "period_too_long"),
    ],
)
def test_a_statistics_period_is_bounded(admin_client, start, end, code):
    url = reverse("statistics")
    response = admin_client.get(url, {"start": start, "end": end})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert code in [error.code for field in errors.values() for error in field]
    assert 'class="errorlist' in response.content.decode()  # shown on the page
    assert response.context["report"] == []
    csv = admin_client.get(reverse("statistics-csv"), {"start": start, "end": end})
    assert csv.status_code == 400


def test_a_five_year_period_is_still_reported(admin_client):
    response = admin_client.get(reverse("statistics"), {"start": "2022-04-01", "end": "2027-03-31"})
    assert response.status_code == 200 and response.context["report"]


def test_the_language_switcher_never_leads_to_another_host(client):
    # (the test client would read "//evil.example" as a host: the path is set as a server
    # sets it from the request line ``GET //evil.example/ja/``)
    response = client.get("/", PATH_INFO="//evil.example/ja/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in html
    assert 'hreflang="en" href="/en/"' in html


def test_the_language_switcher_leads_to_the_same_page_with_its_query(client):
    html = client.get("/ja/faq/", {"q": "電話"}).content.decode()
    assert 'href="/en/faq/?q=%E9%9B%BB%E8%A9%B1"' in html


def test_the_pages_that_hold_what_a_person_typed_are_never_cached(client):
    from consultations.tests.test_views import fresh_form

    form = client.get("/en/consultation/form/")
    assert form["Cache-Control"] == "private, no-store"
    data = {**CONSULTATION_FORM, **fresh_form(client, "en")}
    assert client.post("/en/consultation/form/", data).status_code == 302
    check = client.get("/en/consultation/check/")
    assert check.status_code == 200 and check["Cache-Control"] == "private, no-store"
    thanks = client.get(client.post("/en/consultation/check/")["Location"])
    assert thanks.status_code == 200 and thanks["Cache-Control"] == "private, no-store"


def test_a_dispatch_application_needs_at_least_one_member_company():
    form = ApplicationForm({**DISPATCH_FORM, "member_count": "0"})
    assert not form.is_valid()
    assert form.errors["member_count"] == ["Enter the number of member companies: 1 or more."]


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("東京都新宿区西新宿2-8-1", True),
        ("東京都府中市宮西町2-24", True),  # holds the letters of 京都府
        ("2-8-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo", True),
        ("Saga 1-chome, Koto-ku, Tokyo", True),  # a Tokyo town named like a prefecture
        ("大阪府 tokyo", False),
        ("東京都港区 神奈川県横浜市", False),
        ("1-1 Umeda, Kita-ku, Ōsaka-fu (Tokyo office)", False),
        ("大阪府大阪市北区", False),
    ],
)
def test_the_main_office_must_be_in_tokyo(address, accepted):
    form = ApplicationForm({**DISPATCH_FORM, "address": address})
    form.is_valid()
    # (the check of the city against the postal code, 163-8001 here, is another one)
    assert (not form.has_error("address", "outside_tokyo")) is accepted


def test_a_seminar_registrant_s_phone_must_be_a_phone_number():
    form = RegistrationForm({**SEMINAR_FORM, "phone": "abczq7x"})
    assert not form.is_valid() and "phone" in form.errors
    assert RegistrationForm({**SEMINAR_FORM, "phone": "03-1234-5678"}).is_valid()


def test_zero_width_characters_leave_single_line_fields():
    assert clean_text("山田\u200b 花\u200d子\ufeff", multiline=False) == "山田 花子"
    assert clean_text("👨\u200d👩", multiline=True) == "👨\u200d👩"  # an emoji sequence


def test_the_access_log_leaves_tokens_admin_queries_and_cookies_out():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/ja/seminars/registration/SECRET-TOKEN/?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/admin/seminars/registration/",
        "QUERY_STRING": "q=hanako%40example.jp&email=hanako%40example.jp",
        "HTTP_REFERER": "https://portal.example.jp/en/dispatch/status/STATUS-TOKEN/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=SESSION-SECRET")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0.01))
    logged = " ".join(str(value) for value in atoms.values())
    for secret in ("SECRET-TOKEN", "STATUS-TOKEN", "hanako", "SESSION-SECRET"):
        assert secret not in logged, secret
    assert atoms["q"] == "[redacted]"


def test_only_administrators_see_the_personal_links_in_the_outbox(client):
    from conftest import log_in_staff
    from mail.models import OutboxEmail
    from seminars.tests.factories import make_seminar, register

    registration = register(make_seminar())
    email = OutboxEmail.objects.about(registration).get()
    token_path = registration_link(email.body_text)
    url = reverse("admin:mail_outboxemail_change", args=[email.pk])

    log_in_staff(client, "Supervisors", "watanabe")
    html = client.get(url).content.decode()
    assert "/seminars/registration/［非表示］" in html and token_path not in html

    log_in_staff(client, "Administrators", "kobayashi")
    assert token_path in client.get(url).content.decode()


def registration_link(text: str) -> str:
    import re

    return re.search(r"/seminars/registration/[^/\s]+/", text).group(0)


def test_a_cancellation_through_the_personal_link_names_the_person_in_the_history(client):
    from seminars import links, services
    from seminars.tests.factories import make_seminar, register

    registration = register(make_seminar())
    response = client.post(links.manage_path(registration), {"action": "cancel"})
    assert response.status_code == 302
    latest = registration.history.latest()
    assert latest.status == "cancelled" and latest.history_user is None
    assert latest.history_change_reason == services.BY_THE_PERSON


def test_a_body_larger_than_any_form_sends_is_refused_before_it_is_read(client, settings):
    """413 from the Content-Length alone, in the page's language, with the way back; the
    view (and the CSRF check, which would read the body) never run."""
    path = "/ja/dispatch/status/unknown-token/"
    limit = settings.MAX_REQUEST_BODY_BYTES
    response = client.post(path, {"answer": "x"}, CONTENT_LENGTH=str(limit + 1))
    assert response.status_code == 413
    html = response.content.decode()
    assert "送信した内容が大きすぎます" in html and f'href="{path}"' in html
    # Up to the limit, the request goes on to the view (here: an unknown link, 404).
    assert client.post(path, {"answer": "x"}).status_code in (403, 404)
