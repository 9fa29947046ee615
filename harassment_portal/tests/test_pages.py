"""Public pages: both languages, language switch, landmarks, contact block and error pages."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from faq import services as faq_services

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "",
    "faq/",
    "consultation/",
    "consultation/form/",
    "seminars/",
    "seminars/my-registrations/",
    "dispatch/",
    "dispatch/apply/",
    "privacy/",
    "accessibility/",
]


@pytest.fixture(autouse=True)
def faq_content():
    faq_services.load_seed()


@pytest.mark.parametrize("path", PUBLIC_PATHS)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_public_page_is_served_in_both_languages(client, path, language):
    response = client.get(f"/{language}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    # Landmarks and the skip link (keyboard users reach the content first).
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    # The office's contact block and the disclaimers are on every page.
    assert "0120-182-276" in html and "110" in html


@pytest.mark.parametrize(
    "accept, target", [("ja,en;q=0.8", "/ja/"), ("en-US,en;q=0.9", "/en/"), ("fr", "/ja/")]
)
def test_root_redirects_by_the_browsers_language(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_language_switcher_stays_on_the_same_page(client, path):
    """A link, or on a page with a form a button of the form sent there (language_switch)."""
    for current, other, name in (("ja", "en", "English"), ("en", "ja", "日本語")):
        html = client.get(f"/{current}/{path}").content.decode()
        link = f'<a href="/{other}/{path}" hreflang="{other}" lang="{other}">{name}</a>'
        button = re.search(rf'<button [^>]*formaction="/{other}/{path}"[^>]*>{name}</button>', html)
        assert link in html or button, path


def test_language_switcher_keeps_the_search(client):
    html = client.get("/ja/faq/", {"q": "録画"}).content.decode()
    assert 'href="/en/faq/?q=%E9%8C%B2%E7%94%BB"' in html


def test_current_section_is_marked_in_the_main_navigation(client):
    html = client.get("/en/faq/").content.decode()
    assert '<a href="/en/faq/" aria-current="page">FAQ</a>' in html


# Words that legitimately stay in Latin letters on a Japanese page.
ALLOWED_LATIN = re.compile(
    r"Zoom|WCAG|JIS X 8341-3|Web Content Accessibility Guidelines|"
    r"Cookie|English|FAQ|Message-ID|[\w.+-]+@[\w.-]+|https?://\S+"
)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_japanese_pages_have_no_untranslated_english(client, path):
    html = client.get(f"/ja/{path}").content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    text = ALLOWED_LATIN.sub(" ", text)
    english = re.findall(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}", text)
    assert english == []


@pytest.mark.parametrize(
    "language, title", [("ja", "ページが見つかりません"), ("en", "Page not found")]
)
def test_not_found_page_is_translated_and_keeps_the_layout(client, language, title):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert '<main id="main"' in html


def test_server_error_page_stands_alone_in_both_languages():
    html = render_to_string("500.html")
    assert "システムエラー" in html and "Something went wrong" in html
    assert "0120-182-276" in html


@override_settings(DEBUG=False)
def test_csrf_failure_page_is_friendly(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode() or "有効期限" in (
        response.content.decode()
    )


def test_dispatch_overview_computes_the_contact_deadline_for_today(client, monkeypatch):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    # Friday 2026-05-01, 10:00 in Tokyo: contact by Wednesday 2026-05-13 (DOMAIN.md 4.4).
    now = dt.datetime(2026, 5, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert "2026年5月13日（水）" in client.get("/ja/dispatch/").content.decode()
    assert "Wednesday 13 May 2026" in client.get("/en/dispatch/").content.decode()
