"""The warning before a draft's two hours end, and its "keep my answers" (core/public/flow.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from consultations.tests.factories import VALID_FORM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def to_check_page(client, language="ja"):
    form = client.get(f"/{language}/consultation/form/").context["form"]
    hidden = {k: str(form.initial[k]) for k in ("form_started", "submission_key")}
    client.post(f"/{language}/consultation/form/", {**VALID_FORM, **hidden})
    return client.get(f"/{language}/consultation/check/")


def seconds_left() -> float:
    return (Session.objects.get().expire_date - timezone.now()).total_seconds()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_check_page_carries_the_warning_and_says_how_long_answers_are_kept(client, language):
    html = to_check_page(client, language).content.decode()
    assert 'id="draft-timeout"' in html
    assert 'data-seconds="7200"' in html and 'data-warning-seconds="300"' in html
    assert 'action="/answers/keep"' in html


def test_opening_the_check_page_starts_the_two_hours_again(client):
    to_check_page(client)
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=3))
    client.get("/ja/consultation/check/")
    assert 7100 < seconds_left() <= 7200


def test_keep_gives_two_more_hours_to_the_script(client):
    to_check_page(client)
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=3))
    response = client.post(
        "/answers/keep", {"next": "/ja/consultation/check/"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json() == {"seconds": 7200}
    assert 7100 < seconds_left() <= 7200
    assert client.get("/ja/consultation/check/").status_code == 200  # the answers are there


def test_keep_without_a_script_comes_back_to_the_page(client):
    to_check_page(client)
    response = client.post("/answers/keep", {"next": "/en/consultation/check/"})
    assert response.status_code == 302 and response.url == "/en/consultation/check/"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_keep_never_sends_anyone_elsewhere(client, target):
    to_check_page(client)
    response = client.post("/answers/keep", {"next": target})
    assert response.status_code == 302 and response.url == "/"


def test_keep_after_the_answers_are_gone_says_so(client):
    response = client.post("/answers/keep", {}, HTTP_ACCEPT="application/json")
    assert response.json() == {"seconds": 0}
    assert not Session.objects.exists()  # nothing was made for nobody


def test_keep_is_a_post_only_and_checks_csrf(client):
    from django.test import Client

    assert client.get("/answers/keep").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/answers/keep", {}).status_code == 403


def test_staff_logged_in_have_no_two_hour_limit_and_no_warning(admin_client):
    html = to_check_page(admin_client).content.decode()
    assert 'id="draft-timeout"' not in html
