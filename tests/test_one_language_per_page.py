"""An English page reads in English: no Japanese text but what is meant to be Japanese (the
language switcher, the office's Japanese name, examples of what to type in Japanese). Texts
formatted at import time stay in the start-up language, which this finds (issue 15)."""

import re

import pytest
from django.utils import translation

from dispatch.models import DispatchApplication
from tests.public_pages import public_paths

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


def unintended_japanese(html: str, intended: set[str] = INTENDED) -> set[str]:
    """The runs of Japanese in what a page shows that are not, nor are part of, an intended one."""
    runs = set(JAPANESE.findall(visible_text(html)))
    return {run for run in runs if not any(run in ok or ok in run for ok in intended)}


def test_english_pages_hold_no_unintended_japanese(client):
    with translation.override("ja"):  # as if the process had started in Japanese
        pages = [f"/en/{path}" for path in public_paths()]
    # What the applicants typed, shown back on the status pages.
    intended = INTENDED | set(
        DispatchApplication.objects.values_list("organisation_name", flat=True)
    )
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if words := unintended_japanese(response.content.decode(), intended):
            found[path] = sorted(words)
    assert found == {}


def test_english_error_messages_are_english(client, no_fill_delay):
    for path in ["/en/consultation/form/", "/en/dispatch/apply/"]:
        client.get(path)
        html = client.post(path, {}).content.decode()
        assert unintended_japanese(html) == set(), path
