"""Whole public pages come from the cache, for returning visitors too, and an edit shows."""

import secrets

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from core.public import page_cache
from faq import services as faq_services
from faq.models import FaqEntry
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

PAGES = [
    "home",
    "faq:list",
    "seminars:overview",
    "consultations:overview",
    "dispatch:overview",
    "privacy",
    "accessibility",
]


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("name", PAGES)
def test_public_page_is_served_from_the_cache_the_second_time(client, name):
    first = client.get(url(name))
    assert first.status_code == 200
    second = client.get(url(name))
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_a_cached_page_is_not_rendered_again(client, monkeypatch):
    client.get(url("home"))
    monkeypatch.setattr(
        "harassment_portal.views.render", lambda *a, **k: pytest.fail("rendered again")
    )
    assert client.get(url("home")).status_code == 200


def test_each_language_has_its_own_cached_page(client):
    assert b'lang="ja"' in client.get(url("home", "ja")).content
    assert b'lang="en"' in client.get(url("home", "en")).content
    assert b'lang="ja"' in client.get(url("home", "ja")).content


def test_editing_a_session_shows_on_the_cached_list_at_once(client):
    seminar = make_seminar(title_en="Old title")
    assert b"Old title" in client.get(url("seminars:overview")).content
    seminar.title_en = "New title"
    seminar.save()
    assert b"New title" in client.get(url("seminars:overview")).content


def test_a_registration_updates_the_cached_list(client):
    seminar = make_seminar(capacity=2, title_en="Small session")
    register(seminar, 1)
    before = client.get(url("seminars:overview")).content
    register(seminar, 2)  # now full
    assert client.get(url("seminars:overview")).content != before


def test_editing_the_faq_shows_on_the_cached_page(client):
    faq_services.load_seed()
    client.get(url("faq:list"))
    entry = FaqEntry.objects.first()
    entry.question_en = "A brand new question?"
    entry.save()
    assert b"A brand new question?" in client.get(url("faq:list")).content


def test_a_returning_visitor_with_a_draft_is_served_from_the_cache(client, monkeypatch):
    client.get(url("home"))
    session = client.session
    session["consultation_draft"] = {"data": {}}
    session.save()
    client.cookies["sessionid"] = session.session_key
    monkeypatch.setattr(
        "harassment_portal.views.render", lambda *a, **k: pytest.fail("rendered again")
    )
    assert client.get(url("home")).status_code == 200


def test_a_message_kept_in_the_session_is_shown_not_the_cached_page(client, rf):
    """A message too long for the cookie goes to the session; the cookie keeps a marker."""
    client.get(url("home"))  # cached
    session = client.session
    request = rf.get("/")
    request.session = session
    storage = FallbackStorage(request)
    text = "Your message was received. " + secrets.token_hex(2000)  # (does not compress)
    storage.add(messages.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    session.save()
    assert page_cache.MESSAGES in response.cookies and session.get("_messages")
    client.cookies["sessionid"] = session.session_key
    client.cookies[page_cache.MESSAGES] = response.cookies[page_cache.MESSAGES].value
    assert text in client.get(url("home")).content.decode()


def test_a_page_holding_a_csrf_token_is_never_stored(rf):
    @page_cache.cached_page("form-page")
    def view(request):
        return HttpResponse(b'<input type="hidden" name="csrfmiddlewaretoken" value="x">')

    view(rf.get("/"))
    assert cache.get(page_cache._key("form-page", translation.get_language())) is None


def test_a_search_is_never_cached(client):
    faq_services.load_seed()
    client.get(url("faq:list"))
    assert client.get(url("faq:list") + "?q=zoom").content != client.get(url("faq:list")).content


def test_forget_drops_the_page_in_every_language(client):
    client.get(url("home", "ja"))
    client.get(url("home", "en"))
    page_cache.forget("home")
    assert cache.get(page_cache._key("home", "ja")) is None
    assert cache.get(page_cache._key("home", "en")) is None
