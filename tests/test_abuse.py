"""Abuse of the public POSTs: replayed forms, floods from one client, and telling who is
registered from the answers (issue 17)."""

import statistics
import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from kombu import Connection

from conftest import require_service
from seminars.models import Registration
from seminars.tests.factories import FORM, make_seminar, register
from tests.integration.conftest import publishing_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def detail(seminar) -> str:
    with translation.override("ja"):  # (the pages in Japanese, whatever an earlier test left)
        return reverse("seminars:detail", args=[seminar.pk])


def registration_form(client: Client, seminar) -> dict:
    """What a browser would send after opening the session page: the form's stamp and CSRF
    token with the answers."""
    response = client.get(detail(seminar))
    return {
        **FORM,
        "form_started": response.context["form"].initial["form_started"],
        "csrfmiddlewaretoken": response.context["csrf_token"],
    }


def as_someone(data: dict, index: int) -> dict:
    address = f"bot{index}@example.jp"
    return {**data, "email": address, "email_again": address}


def test_one_stamp_and_csrf_token_replayed_50_times_registers_once():
    seminar = make_seminar(capacity=500)
    client = Client(enforce_csrf_checks=True)
    data = registration_form(client, seminar)
    statuses = [client.post(detail(seminar), as_someone(data, i)).status_code for i in range(50)]
    assert statuses[0] == 302
    assert set(statuses[1:]) == {400}  # "Please check your answers and send the form again."
    assert Registration.objects.count() == 1


def test_a_stamp_from_another_browser_is_refused():
    seminar = make_seminar()
    data = registration_form(Client(), seminar)
    other = Client()
    other.get(detail(seminar))  # its own CSRF cookie, not the one the stamp was made for
    assert other.post(detail(seminar), data).status_code == 400
    assert Registration.objects.count() == 0


def test_a_form_shown_again_with_errors_can_be_sent_once_more():
    seminar = make_seminar()
    client = Client()
    data = registration_form(client, seminar)
    refused = client.post(detail(seminar), {**data, "name": ""})
    assert refused.status_code == 200 and "name" in refused.context["form"].errors
    again = {**data, "form_started": refused.context["form"].data["form_started"]}
    assert again["form_started"] != data["form_started"]
    assert client.post(detail(seminar), again).status_code == 302


def test_a_flood_from_one_address_is_cut_off_while_another_address_registers():
    seminar = make_seminar(capacity=500)
    flood = []
    for index in range(settings.ADDRESS_RATE_LIMIT_PER_HOUR + 10):
        browser = Client(REMOTE_ADDR="203.0.113.5")  # a new browser each time: new stamps
        data = as_someone(registration_form(browser, seminar), index)
        flood.append(browser.post(detail(seminar), data).status_code)
    assert flood.count(302) == settings.ADDRESS_RATE_LIMIT_PER_HOUR
    assert flood[-10:] == [429] * 10
    honest = Client(REMOTE_ADDR="198.51.100.7")
    assert honest.post(detail(seminar), registration_form(honest, seminar)).status_code == 302
    assert Registration.objects.count() == settings.ADDRESS_RATE_LIMIT_PER_HOUR + 1


def test_one_browser_is_cut_off_at_its_own_limit_with_the_answers_kept():
    seminar = make_seminar(capacity=500)
    browser = Client()
    responses = [
        browser.post(detail(seminar), as_someone(registration_form(browser, seminar), i))
        for i in range(settings.BROWSER_RATE_LIMIT_PER_HOUR + 3)
    ]
    statuses = [response.status_code for response in responses]
    assert statuses == [302] * settings.BROWSER_RATE_LIMIT_PER_HOUR + [429] * 3
    page = responses[-1].content.decode()
    assert "申込みが多すぎます" in page
    assert 'value="bot22@example.jp"' in page  # nothing typed is lost
    another_browser = Client()
    assert (
        another_browser.post(detail(seminar), registration_form(another_browser, seminar))
    ).status_code == 302


@pytest.mark.django_db(transaction=True)
@override_settings(
    ADDRESS_RATE_LIMIT_PER_HOUR=10**6,
    BROWSER_RATE_LIMIT_PER_HOUR=10**6,
    LINKS_RATE_LIMIT_PER_HOUR=10**6,
)
def test_send_me_my_links_answers_alike_for_a_known_and_an_unknown_address():
    """The look-up and the email are a worker's: the page does the same for either address."""
    require_service("Redis", bool(settings.REDIS_URL), "set REDIS_URL")
    register(make_seminar(), email="known@example.jp")
    with translation.override("ja"):
        url = reverse("seminars:my_registrations")
    client = Client()
    timings = {"known@example.jp": [], "unknown@example.jp": []}
    answers = {}
    with publishing_to(settings.REDIS_URL):
        for _round in range(200):
            for address, seen in timings.items():
                started = time.perf_counter()
                response = client.post(url, {"email": address})
                seen.append(time.perf_counter() - started)
                answers[address] = (response.status_code, response["Location"], response.content)
    with Connection(settings.REDIS_URL) as connection:
        connection.default_channel.queue_purge("celery")
    known, unknown = (statistics.median(t) for t in timings.values())
    assert abs(known - unknown) < 0.001, f"medians {known * 1000:.2f} vs {unknown * 1000:.2f} ms"
    assert answers["known@example.jp"] == answers["unknown@example.jp"]
    assert answers["known@example.jp"][0] == 302
