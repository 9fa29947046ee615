"""An English page reads in English: no Japanese text but what is meant to be Japanese (the
language switcher, the office's Japanese name, examples of what to type in Japanese). Texts
formatted at import time stay in the start-up language, which this finds (issue 15)."""

import re

import pytest
from django.utils import translation

from dispatch.tests.factories import make_application
from seminars.tests.factories import make_seminar

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]+")
# Meant to be Japanese on an English page.
INTENDED = {
    "日本語",  # the language switcher
    "東京都",  # "start the address with 東京都 (Tokyo)"
    "東京都新宿区西新宿",  # an example address
    "トウキョウショウテンカイ",  # an example reading
    "ヤマダ",
    "ハナコ",
}


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<[^>]*\blang="ja"[^>]*>.*?</[a-z0-9]+>', " ", html)  # marked Japanese
    return re.sub(r"(?s)<[^>]+>", " ", html)


def public_pages() -> list[str]:
    seminar = make_seminar()
    application = make_application()
    INTENDED.add(application.organisation_name)  # what the applicant typed, shown back
    return [
        "/en/",
        "/en/faq/",
        "/en/privacy/",
        "/en/consultation/",
        "/en/consultation/form/",
        "/en/dispatch/",
        "/en/dispatch/apply/",
        f"/en/dispatch/status/{application.token}/",
        "/en/seminars/",
        f"/en/seminars/{seminar.pk}/",
        "/en/seminars/my-registrations/",
    ]


def test_english_pages_hold_no_unintended_japanese(client):
    with translation.override("ja"):  # as if the process had started in Japanese
        pages = public_pages()
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        words = set(JAPANESE.findall(visible_text(response.content.decode()))) - INTENDED
        words = {w for w in words if not any(w in ok or ok in w for ok in INTENDED)}
        if words:
            found[path] = sorted(words)
    assert found == {}


def test_english_error_messages_are_english(client, no_fill_delay):
    for path in ["/en/consultation/form/", "/en/dispatch/apply/"]:
        client.get(path)
        html = client.post(path, {}).content.decode()
        words = set(JAPANESE.findall(visible_text(html))) - INTENDED
        assert {w for w in words if not any(w in ok or ok in w for ok in INTENDED)} == set(), path
